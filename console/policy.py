"""Who may do what, in one place. With auth off there are no roles (typed-name mode): all allowed."""
from __future__ import annotations

from alerts.types import IncidentState

from .users import User

CLOSERS = frozenset({"leader", "admin"})  # 分管领导 and admins sign an incident off (办结)


def transition_refusal(user: User | None, to: IncidentState) -> str | None:
    """Why `user` may not move an incident to `to` (Chinese, for staff), or None when allowed.
    Every signed-in role may triage, acknowledge and move incidents between the open states."""
    if user is not None and to is IncidentState.closed and user.role not in CLOSERS:
        return "只有分管领导或管理员可以将事件单办结"
    return None
