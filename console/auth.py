"""Sign-in for the console when watch.yaml `console.auth` is on: signed session cookies, the
login throttle, and the middleware that lets only signed-in users past (DESIGN: console/README.md).

Session cookie `yq_session` = "<user id>.<expiry, unix s>.<HMAC-SHA256>", the MAC taken over the
id, the expiry and the user's token, so renewing the token (password change, disable) ends every
session of that user. Failed logins are counted in memory (a restart forgets them)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import math
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse

from alerts.db import write_session

from .models import ConsoleSecretRow
from .users import User, UserBook

SESSION_COOKIE = "yq_session"
SESSION_TTL = timedelta(hours=12)  # one duty shift
SECRET_MIN = 32  # characters of an env-supplied secret
MAX_FAILURES = 5  # per login name
CLIENT_MAX_FAILURES = 20  # per client address, whatever names it tries
FAILURE_WINDOW = timedelta(minutes=15)
BACKOFF_START = timedelta(seconds=30)  # the first wait; doubles with each further failure
BACKOFF_MAX = timedelta(minutes=15)
OPEN_PATHS = ("/login", "/logout", "/healthz")
_SECRET_NAME = "session_key"


class SecretError(ValueError):
    """The configured session secret is unusable."""


def key_file_secret(path: Path) -> bytes:
    """A random key kept in `path` (created 0600 in a 0700 directory the first time; concurrent
    first starts agree on one key): the key stays out of the database file and its backups."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    for _ in range(50):  # another process may be between creating and writing it
        value = path.read_text().strip()
        if value:
            break
        time.sleep(0.02)
    if len(value) < SECRET_MIN:
        raise SecretError(f"控制台会话密钥文件 {path} 内容过短（至少 {SECRET_MIN} 个字符）")
    if path.stat().st_mode & 0o077:
        raise SecretError(f"控制台会话密钥文件 {path} 不应允许其他用户读取（chmod 600）")
    return value.encode()


def session_secret(engine: Engine, env_value: str | None, key_file: Path | None = None) -> bytes:
    """The signing key: the env var's value when set, else the key file's (when given), else a
    random key stored in the database the first time (so a restart keeps sessions; concurrent
    first starts agree on one key)."""
    if env_value:
        if len(env_value) < SECRET_MIN:
            raise SecretError(f"控制台会话密钥至少 {SECRET_MIN} 个字符")
        return env_value.encode()
    if key_file is not None:
        return key_file_secret(key_file)
    with Session(engine) as s:
        row = s.get(ConsoleSecretRow, _SECRET_NAME)
        if row is not None:
            return row.value.encode()
    try:
        with write_session(engine) as s, s.begin():
            s.add(ConsoleSecretRow(name=_SECRET_NAME, value=secrets.token_urlsafe(48)))
    except IntegrityError:  # another process stored one first
        pass
    with Session(engine) as s:
        return s.get(ConsoleSecretRow, _SECRET_NAME).value.encode()


class LoginThrottle:
    """Back-off, never a lasting lock, keyed both by login name and by client address.

    After MAX_FAILURES failed attempts within FAILURE_WINDOW for one name (or CLIENT_MAX_FAILURES
    for one client address, whatever names it tries), further attempts must wait: BACKOFF_START,
    doubling with each failure after that, at most BACKOFF_MAX. Each wait ends by itself, so the
    right password always gets through eventually; and a client that signed in to a name before
    (same address, since the last restart) is not held back by that name's failures from elsewhere,
    so someone guessing the admin's password elsewhere does not lock the admin out. Unknown names
    are counted too, so the answer reveals nothing. Kept in memory: a restart forgets it."""

    MAX_KEYS = 10_000  # bounds the memory a flood of invented names can take

    def __init__(self, now: Callable[[], datetime]):
        self.now = now
        self._failures: dict[str, list[datetime]] = {}
        self._until: dict[str, datetime] = {}
        self._trusted: dict[str, set[str]] = {}  # name -> client addresses that signed in to it
        self._lock = threading.Lock()

    @staticmethod
    def _name(login: str) -> str:
        return "name:" + (login or "").strip().lower()[:64]

    @staticmethod
    def _client(client: str | None) -> str:
        return "client:" + (client or "?")[:64]

    def _keys(self, login: str, client: str | None) -> list[tuple[str, int]]:
        keys = [(self._client(client), CLIENT_MAX_FAILURES)]
        if (client or "?") not in self._trusted.get(self._name(login), ()):
            keys.append((self._name(login), MAX_FAILURES))
        return keys

    def wait(self, login: str, client: str | None = None) -> int:
        """Seconds this client must wait before trying this name again (0: may try now)."""
        now = self.now()
        with self._lock:
            untils = [self._until.get(k) for k, _ in self._keys(login, client)]
        left = max(((u - now).total_seconds() for u in untils if u is not None), default=0)
        return math.ceil(left) if left > 0 else 0

    def failed(self, login: str, client: str | None = None) -> bool:
        """Count a failure; True when it starts (or lengthens) a back-off."""
        now, backoff = self.now(), False
        with self._lock:
            if len(self._failures) >= self.MAX_KEYS:
                self._prune(now)
            for key, limit in self._keys(login, client):
                recent = [t for t in self._failures.get(key, []) if now - t < FAILURE_WINDOW]
                recent.append(now)
                self._failures[key] = recent
                if len(recent) >= limit:
                    over = len(recent) - limit
                    self._until[key] = now + min(BACKOFF_MAX, BACKOFF_START * 2 ** min(over, 20))
                    backoff = True
        return backoff

    def succeeded(self, login: str, client: str | None = None) -> None:
        with self._lock:
            name = self._name(login)
            self._failures.pop(self._client(client), None)
            self._until.pop(self._client(client), None)
            trusted = self._trusted.setdefault(name, set())
            if len(trusted) < 100:
                trusted.add(client or "?")

    def _prune(self, now: datetime) -> None:
        self._failures = {k: v for k, v in self._failures.items() if v and now - v[-1] < FAILURE_WINDOW}
        self._until = {k: t for k, t in self._until.items() if now < t}
        if len(self._failures) >= self.MAX_KEYS:  # still full: forget the oldest half
            keep = sorted(self._failures.items(), key=lambda kv: kv[1][-1])[self.MAX_KEYS // 2:]
            self._failures = dict(keep)


@dataclass
class ConsoleAuth:
    """Accounts and sessions; present in ConsoleServices only when `console.auth` is on."""

    users: UserBook
    secret: bytes
    now: Callable[[], datetime]
    throttle: LoginThrottle = field(init=False)

    def __post_init__(self):
        self.throttle = LoginThrottle(self.now)

    def _mac(self, user_id: int, expires: int, token: str) -> str:
        msg = f"{user_id}.{expires}.{token}".encode()
        return base64.urlsafe_b64encode(hmac.new(self.secret, msg, hashlib.sha256).digest()).decode().rstrip("=")

    def session_cookie(self, user: User) -> str:
        expires = int((self.now() + SESSION_TTL).timestamp())
        return f"{user.id}.{expires}.{self._mac(user.id, expires, user.token)}"

    def user_of(self, cookie: str | None) -> User | None:
        """The signed-in user of a session cookie; None when it is malformed, forged, expired,
        or its user is disabled or has changed password since."""
        parts = (cookie or "").split(".")
        if len(parts) != 3 or not (parts[0].isdigit() and parts[1].isdigit()) or len(parts[0]) > 12:
            return None
        user_id, expires = int(parts[0]), int(parts[1])
        if expires <= self.now().timestamp():
            return None
        user = self.users.get(user_id)
        if user is None or user.disabled:
            return None
        if not hmac.compare_digest(parts[2].encode(), self._mac(user_id, expires, user.token).encode()):
            return None
        return user


def build_auth(engine: Engine, now: Callable[[], datetime], env_secret: str | None,
               key_file: Path | None = None) -> ConsoleAuth:
    return ConsoleAuth(UserBook(engine, now), session_secret(engine, env_secret, key_file), now)


def current_user(request: Request) -> User | None:
    """The signed-in user (None when auth is off)."""
    return getattr(request.state, "user", None)


def _open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith("/static/")


class AuthMiddleware:
    """Everything but the login page, /healthz and static files needs a signed-in user: pages go
    to /login, JSON and fetch() endpoints get 401. Pure ASGI; the account lookup (a database
    read) runs in the threadpool, never on the event loop."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        auth: ConsoleAuth = request.app.state.services.auth
        path = request.url.path
        user = await run_in_threadpool(auth.user_of, request.cookies.get(SESSION_COOKIE))
        scope.setdefault("state", {})["user"] = user
        if user is None and not _open(path):
            if path.startswith("/api/") or path == "/feed/rows":
                response = JSONResponse({"error": "请先登录"}, status_code=401)
            else:
                target = path + (f"?{request.url.query}" if request.url.query else "")
                back = "" if target == "/" or request.method != "GET" else "?" + urlencode({"next": target})
                response = RedirectResponse("/login" + back, status_code=303)
            return await response(scope, receive, send)
        await self.app(scope, receive, send)
