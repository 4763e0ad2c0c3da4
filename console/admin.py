"""/users: account management for admins (registered only when `console.auth` is on).

Every change is a CSRF-checked POST and is logged at INFO with the acting admin and the target
account (the audit trail; no table: the account row keeps no history)."""
from __future__ import annotations

import logging
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from .auth import current_user
from .policy import account_change_refusal, can_manage_accounts
from .render import page
from .security import checked_form
from .users import NAME_MAX, PASSWORD_MAX, PASSWORD_MIN, ROLES, User, UserBook, UserError

log = logging.getLogger(__name__)

DONE = {  # ?done=... after a change (a fixed text: nothing from the request is echoed as prose)
    "added": "已创建账号",
    "password": "已重置密码，该账号原有登录会话已失效",
    "disabled": "已停用账号，其登录会话已失效",
    "enabled": "已启用账号",
    "role": "已修改角色",
}


def _admin(request: Request) -> User:
    user = current_user(request)
    if not can_manage_accounts(user):
        raise HTTPException(403, "只有管理员可以管理账号")
    return user


def _users(request: Request) -> UserBook:
    return request.app.state.services.auth.users


def _users_page(request: Request, *, status_code: int = 200, error: str | None = None, form=None):
    done = request.query_params.get("done")
    return page(request, "users.html", status_code=status_code, accounts=_users(request).list(), roles=ROLES,
                error=error, done=DONE.get(done or ""), done_login=request.query_params.get("login", "")[:32],
                form=form or {}, name_max=NAME_MAX, password_min=PASSWORD_MIN, password_max=PASSWORD_MAX)


def _done(what: str, login: str) -> RedirectResponse:
    return RedirectResponse("/users?" + urlencode({"done": what, "login": login}), status_code=303)


def _audit(actor: User, action: str, target: User) -> None:
    log.info("账号管理: %s %s %s（操作人 %s）", action, target.login, target.role, actor.login)


def _typed_twice(form: dict[str, str]) -> str:
    password = form.get("password", "")
    if password != form.get("password2", ""):
        raise UserError("两次输入的密码不一致")
    return password


def users_page(request: Request):
    _admin(request)
    return _users_page(request)


def add_user(request: Request):
    form = checked_form(request)
    actor = _admin(request)
    try:
        user = _users(request).add(form.get("login", ""), form.get("name", ""), form.get("role", ""),
                                   _typed_twice(form))
    except UserError as e:
        kept = {k: form.get(k, "")[:64] for k in ("login", "name", "role")}  # never the passwords
        return _users_page(request, status_code=400, error=str(e), form=kept)
    _audit(actor, "创建", user)
    return _done("added", user.login)


def _change(request: Request, what: str, action: str, change, *, disable: bool = False,
                  role_of=None):
    """One POST on /users/{login}/...: CSRF and role checks, the change, the audit line."""
    form = checked_form(request)
    actor = _admin(request)
    target = _users(request).find(request.path_params["login"])
    if target is None:
        raise HTTPException(404, "账号不存在")
    refusal = account_change_refusal(actor, target.login, disable=disable,
                                     role=role_of(form) if role_of else None)
    if refusal:
        return _users_page(request, status_code=403, error=refusal)
    try:
        user = change(_users(request), target.login, form)
    except UserError as e:
        return _users_page(request, status_code=400, error=str(e))
    _audit(actor, action, user)
    return _done(what, user.login)


def reset_password(request: Request):
    return _change(request, "password", "重置密码",
                         lambda users, login, form: users.set_password(login, _typed_twice(form)))


def disable_user(request: Request):
    return _change(request, "disabled", "停用", lambda users, login, form: users.disable(login),
                         disable=True)


def enable_user(request: Request):
    return _change(request, "enabled", "启用", lambda users, login, form: users.enable(login))


def change_role(request: Request):
    return _change(request, "role", "改角色",
                         lambda users, login, form: users.set_role(login, form.get("role", "")),
                         role_of=lambda form: form.get("role", ""))
