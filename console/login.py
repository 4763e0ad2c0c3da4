"""/login (form and POST) and /logout (POST), registered only when `console.auth` is on.
Logging out ends every session of that user (all browsers), since sessions are stateless cookies."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse

from .auth import LOCKOUT, SESSION_COOKIE, SESSION_TTL, ConsoleAuth, current_user
from .render import page
from .security import checked_form, local_path

BAD_LOGIN = "登录名或密码错误"  # the same words whichever of the two was wrong
LOCKED = f"登录失败次数过多，请 {int(LOCKOUT.total_seconds() // 60)} 分钟后再试"
LOGIN_MAX = 64


def _auth(request: Request) -> ConsoleAuth:
    return request.app.state.services.auth


async def login_page(request: Request):
    if current_user(request) is not None:
        return RedirectResponse(local_path(request.query_params.get("next")), status_code=303)
    return page(request, "login.html", login="", error=None,
                next=local_path(request.query_params.get("next")))


async def login_submit(request: Request):
    form = await checked_form(request)
    auth = _auth(request)
    login = form.get("login", "").strip()[:LOGIN_MAX]
    target = local_path(form.get("next"))
    if auth.throttle.locked(login):
        return page(request, "login.html", status_code=429, login=login, error=LOCKED, next=target)
    user = auth.users.authenticate(login, form.get("password", ""))
    if user is None:
        auth.throttle.failed(login)
        return page(request, "login.html", status_code=401, login=login, error=BAD_LOGIN, next=target)
    auth.throttle.succeeded(login)
    resp = RedirectResponse(target, status_code=303)
    resp.set_cookie(SESSION_COOKIE, auth.session_cookie(user), max_age=int(SESSION_TTL.total_seconds()),
                    httponly=True, samesite="strict", path="/")
    return resp


async def logout(request: Request):
    await checked_form(request)
    user = current_user(request)
    if user is not None:  # the cookie is stateless: renewing the token is what ends the session
        _auth(request).users.end_sessions(user.id)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return resp
