"""CSRF protection, security headers and the duty officer's name.

No login in this cut: the console binds 127.0.0.1 (or a trusted office network behind a proxy),
and the person on duty types a name ("值班员") that is kept in a cookie and written to every audit
row they cause. State changes are POST only and need the per-browser CSRF token (a random value
in an HttpOnly SameSite=Strict cookie, echoed by the page in a form field or the X-CSRF-Token
header); a cross-site Origin or Sec-Fetch-Site is refused as well."""
from __future__ import annotations

import hmac
import json
import re
import secrets
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from starlette.exceptions import HTTPException
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request

from alerts.escape import one_line

CSRF_COOKIE = "yq_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
ACTOR_COOKIE = "yq_actor"
ACTOR_MAX = 20
MAX_FORM_BYTES = 64 * 1024
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")


class SecurityMiddleware(BaseHTTPMiddleware):
    """Gives each browser a CSRF token and every response the security headers."""

    async def dispatch(self, request: Request, call_next):
        token = request.cookies.get(CSRF_COOKIE, "")
        fresh = not _TOKEN.match(token)
        if fresh:
            token = secrets.token_urlsafe(32)
        request.state.csrf = token
        response = await call_next(request)
        if fresh:
            response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h["X-Content-Type-Options"] = "nosniff"
        h["X-Frame-Options"] = "DENY"
        h["Referrer-Policy"] = "same-origin"  # crawled sites never learn the console's URLs
        h.setdefault("Cache-Control", "no-store")
        return response


def _same_origin(request: Request) -> bool:
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    return origin in (f"http://{host}", f"https://{host}")


async def checked_payload(request: Request) -> dict[str, object]:
    """The POSTed JSON object (values as sent) or urlencoded form (strings), after the CSRF
    checks; 403 when they fail."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise HTTPException(413, "请求过大")
    ctype = request.headers.get("content-type", "").split(";")[0].strip()
    data: dict[str, object] = {}
    if ctype == "application/json" and body:
        try:
            data = json.loads(body)
        except ValueError:
            raise HTTPException(400, "请求格式错误") from None
        if not isinstance(data, dict):
            raise HTTPException(400, "请求格式错误")
    elif ctype == "application/x-www-form-urlencoded":
        data = dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
    field = data.get(CSRF_FIELD)
    sent = request.headers.get(CSRF_HEADER) or (field if isinstance(field, str) else "")
    expected = request.cookies.get(CSRF_COOKIE, "")
    if not (_same_origin(request) and _TOKEN.match(expected)
            and hmac.compare_digest(sent.encode(), expected.encode())):
        raise HTTPException(403, "安全校验失败，请刷新页面后重试")
    return data


async def checked_form(request: Request) -> dict[str, str]:
    """`checked_payload` with scalar values as strings (lists, objects and nulls dropped)."""
    data = await checked_payload(request)
    return {k: str(v) for k, v in data.items() if isinstance(v, str | int | float | bool)}


def clean_actor(name: str | None) -> str:
    return one_line(name)[:ACTOR_MAX]


def actor_of(request: Request) -> str:
    """Who acts: with auth on the signed-in user's display name (the typed-name cookie is
    ignored), else the typed name."""
    if request.app.state.services.auth is not None:
        user = getattr(request.state, "user", None)
        return user.name if user is not None else ""
    return clean_actor(unquote(request.cookies.get(ACTOR_COOKIE, "")))


def local_path(value: str | None) -> str:
    """`value` when it is a path on this site, else "/" (never an open redirect)."""
    value = value or "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def actor_cookie_value(name: str) -> str:
    return quote(clean_actor(name), safe="")
