"""Host and origin checks, CSRF protection, security headers and the duty officer's name.

Only configured host names are served (DNS rebinding: a page on an attacker's domain that
resolves to the console must not be able to read it), and a POST's Origin must be one of those
names too, never merely "the Host the request claims". State changes are POST only and need the
per-browser CSRF token (a random value in an HttpOnly SameSite=Strict cookie, echoed by the page in
a form field or the X-CSRF-Token header); a cross-site Sec-Fetch-Site is refused as well.

In typed-name mode (watch.yaml `console.auth` off) the person on duty types a name ("值班员")
that is kept in a cookie and written to every audit row they cause.

The middleware here is pure ASGI (no BaseHTTPMiddleware): it never buffers a response or runs a
handler in a task of its own, and it does no blocking work."""
from __future__ import annotations

import hmac
import json
import re
import secrets
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse

from alerts.escape import one_line

CSRF_COOKIE = "yq_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
ACTOR_COOKIE = "yq_actor"
ACTOR_MAX = 20
MAX_FORM_BYTES = 64 * 1024
# Always served: a rebinding attack needs a name the attacker controls, never a loopback one.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
BAD_HOST = "主机名不在控制台允许列表中（watch.yaml console.allowed_hosts）"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")


def host_name(value: str | None) -> str:
    """The host name of a Host header value or an allowed-hosts entry: lower case, without the
    port, IPv6 brackets or a trailing dot ("" when malformed)."""
    value = (value or "").strip().lower()
    if value.startswith("["):
        end = value.find("]")
        return value[1:end] if end > 0 else ""
    if value.count(":") == 1:
        value = value.split(":")[0]
    elif value.count(":") > 1:  # a bare IPv6 address (an allowed-hosts entry)
        return value
    return value.rstrip(".")


def allowed_host_names(extra: Iterable[str]) -> frozenset[str]:
    """Loopback names plus the configured ones (wildcard bind addresses are not names)."""
    names = {host_name(h) for h in (*LOOPBACK_HOSTS, *extra)}
    return frozenset(n for n in names if n and n not in ("0.0.0.0", "::"))


def origin_allowed(origin: str, allowed: frozenset[str]) -> bool:
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and host_name(parts.netloc) in allowed


def allow_host(app, host: str) -> None:
    """Serve `host` too (ConsoleServer adds the address it binds)."""
    app.state.allowed_hosts = app.state.allowed_hosts | allowed_host_names([host])


class SecurityMiddleware:
    """Refuses Host names not in app.state.allowed_hosts, gives each browser a CSRF token and
    every response the security headers."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if host_name(Headers(scope=scope).get("host")) not in scope["app"].state.allowed_hosts:
            return await PlainTextResponse(BAD_HOST, status_code=421)(scope, receive, send)
        token = Request(scope).cookies.get(CSRF_COOKIE, "")
        fresh = not _TOKEN.match(token)
        if fresh:
            token = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf"] = token

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                h = MutableHeaders(scope=message)
                if fresh:
                    h.append("set-cookie", f"{CSRF_COOKIE}={token}; HttpOnly; Path=/; SameSite=strict")
                h.setdefault("Content-Security-Policy", CSP)
                h["X-Content-Type-Options"] = "nosniff"
                h["X-Frame-Options"] = "DENY"
                h["Referrer-Policy"] = "same-origin"  # crawled sites never learn the console's URLs
                h.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _same_origin(request: Request) -> bool:
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    return origin is None or origin_allowed(origin, request.app.state.allowed_hosts)


async def read_body(request: Request) -> bytes:
    """The request body, read on the event loop before a handler moves to the threadpool;
    413 past MAX_FORM_BYTES (stops reading there)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            raise HTTPException(413, "请求过大")
        chunks.append(chunk)
    return b"".join(chunks)


def checked_payload(request: Request) -> dict[str, object]:
    """The POSTed JSON object (values as sent) or urlencoded form (strings), after the CSRF
    checks; 403 when they fail. The body was read by app.off_loop (request.state.body)."""
    body = getattr(request.state, "body", b"")
    ctype = request.headers.get("content-type", "").split(";")[0].strip()
    data: dict[str, object] = {}
    if ctype == "application/json" and body:
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
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


def checked_form(request: Request) -> dict[str, str]:
    """`checked_payload` with scalar values as strings (lists, objects and nulls dropped)."""
    data = checked_payload(request)
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
