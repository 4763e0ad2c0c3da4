"""/login (form and POST) and /logout (POST), registered only when `console.auth` is on.
Logging out ends every session of that user (all browsers), since sessions are stateless cookies.

Handlers are plain functions run in the threadpool (app.off_loop): scrypt takes tens of
milliseconds of CPU and must never hold up other requests."""
from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse

from alerts.escape import one_line

from .auth import SESSION_COOKIE, SESSION_TTL, ConsoleAuth, current_user
from .render import page
from .security import checked_form, local_path

log = logging.getLogger(__name__)

BAD_LOGIN = "登录名或密码错误"  # the same words whichever of the two was wrong
LOGIN_MAX = 64


def _auth(request: Request) -> ConsoleAuth:
    return request.app.state.services.auth


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


def locked_message(seconds: int) -> str:
    wait = f"{seconds} 秒" if seconds < 120 else f"{-(-seconds // 60)} 分钟"
    return f"登录失败次数过多，请 {wait}后再试"


def login_page(request: Request):
    if current_user(request) is not None:
        return RedirectResponse(local_path(request.query_params.get("next")), status_code=303)
    return page(request, "login.html", login="", error=None,
                next=local_path(request.query_params.get("next")))


def login_submit(request: Request):
    form = checked_form(request)
    auth = _auth(request)
    login = form.get("login", "").strip()[:LOGIN_MAX]
    client = _client(request)
    target = local_path(form.get("next"))
    wait = auth.throttle.wait(login, client)
    if wait:
        log.warning("控制台登录被限流: 登录名 %r 来自 %s，需等待 %d 秒", one_line(login)[:32], client, wait)
        return page(request, "login.html", status_code=429, login=login, error=locked_message(wait),
                    next=target)
    user = auth.users.authenticate(login, form.get("password", ""))
    if user is None:
        backoff = auth.throttle.failed(login, client)
        log.warning("控制台登录失败: 登录名 %r 来自 %s%s", one_line(login)[:32], client,
                    "，已触发等待" if backoff else "")
        return page(request, "login.html", status_code=401, login=login, error=BAD_LOGIN, next=target)
    auth.throttle.succeeded(login, client)
    log.info("控制台登录: %s 来自 %s", user.login, client)
    resp = RedirectResponse(target, status_code=303)
    resp.set_cookie(SESSION_COOKIE, auth.session_cookie(user), max_age=int(SESSION_TTL.total_seconds()),
                    httponly=True, samesite="strict", path="/")
    return resp


def logout(request: Request):
    checked_form(request)
    user = current_user(request)
    if user is not None:  # the cookie is stateless: renewing the token is what ends the session
        _auth(request).users.end_sessions(user.id)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return resp
