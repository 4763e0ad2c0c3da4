"""Who may do what, in one place. With auth off there are no roles (typed-name mode): all allowed."""
from __future__ import annotations

from alerts.types import IncidentState

from .users import User

CLOSERS = frozenset({"leader", "admin"})  # 分管领导 and admins sign an incident off (办结)
ACCOUNT_ADMINS = frozenset({"admin"})  # only admins manage accounts (/users)


def transition_refusal(user: User | None, to: IncidentState) -> str | None:
    """Why `user` may not move an incident to `to` (Chinese, for staff), or None when allowed.
    Every signed-in role may triage, acknowledge and move incidents between the open states."""
    if user is not None and to is IncidentState.closed and user.role not in CLOSERS:
        return "只有分管领导或管理员可以将事件单办结"
    return None


def approval_refusal(user: User | None) -> str | None:
    """Why `user` may not approve a report for sending to leadership (Chinese), or None."""
    if user is not None and user.role not in CLOSERS:
        return "只有分管领导或管理员可以审批报告"
    return None


def silence_refusal(user: User | None) -> str | None:
    """Why `user` may not set a silence (it keeps alerts from the supervisors), or None. Ending
    one early only lets alerts through again: every role may do that."""
    if user is not None and user.role not in CLOSERS:
        return "只有分管领导或管理员可以设置静默"
    return None


def can_manage_accounts(user: User | None) -> bool:
    """Accounts exist only with auth on, so typed-name mode (no user) never manages them."""
    return user is not None and user.role in ACCOUNT_ADMINS


def account_change_refusal(actor: User, target_login: str, *, disable: bool = False,
                           role: str | None = None) -> str | None:
    """Why `actor` may not make this change to the account `target_login`, or None. An admin may
    neither disable nor demote themself, so the office always keeps an admin who can sign in."""
    if not can_manage_accounts(actor):
        return "只有管理员可以管理账号"
    if target_login == actor.login:
        if disable:
            return "不能停用自己的账号"
        if role is not None and role not in ACCOUNT_ADMINS:
            return "不能取消自己的管理员角色"
    return None
