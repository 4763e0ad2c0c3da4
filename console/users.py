"""Console accounts: scrypt password hashes (stdlib, per-user random salt), roles, disable.

Used only when watch.yaml `console.auth` is on; managed with `yqwatch user ...` or, by admins,
on the console's /users page (admin.py)."""
from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alerts.db import write_session
from alerts.escape import one_line

from .models import ConsoleUserRow

ROLES = {"duty": "值班员", "leader": "分管领导", "admin": "管理员"}
LOGIN_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,31}$")
NAME_MAX = 20  # the actor column width the audit rows were designed for (security.ACTOR_MAX)
PASSWORD_MIN = 8
PASSWORD_MAX = 256
# scrypt cost: ~16 MiB and tens of ms per check, so a stolen table is slow to attack.
_N, _R, _P = 2**14, 8, 1


class UserError(ValueError):
    """Bad account input or an unknown account (message in Chinese, for staff)."""


@dataclass(frozen=True)
class User:
    id: int
    login: str
    name: str
    role: str
    disabled: bool
    token: str
    created_at: datetime
    last_login_at: datetime | None

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)


def hash_password(password: str, *, n: int = _N, r: int = _R, p: int = _P) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(digest) // 2)
    except ValueError:
        return False
    return hmac.compare_digest(got, bytes.fromhex(digest))


@functools.cache
def _dummy_hash() -> str:
    """Checked when the login is unknown, so that case costs the same time as a wrong password."""
    return hash_password(secrets.token_urlsafe(16))


def clean_login(login: str) -> str:
    value = (login or "").strip().lower()
    if not LOGIN_RE.match(value):
        raise UserError("登录名应为 2–32 位小写字母、数字或 _ . -，以字母或数字开头")
    return value


def check_password(password: str) -> str:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise UserError(f"密码长度应为 {PASSWORD_MIN}–{PASSWORD_MAX} 位")
    return password


def _user(row: ConsoleUserRow) -> User:
    return User(row.id, row.login, row.name, row.role, row.disabled, row.token, row.created_at,
                row.last_login_at)


class UserBook:
    """The account table. `now` gives aware Asia/Shanghai datetimes."""

    def __init__(self, engine: Engine, now: Callable[[], datetime]):
        self.engine = engine
        self.now = now

    def add(self, login: str, name: str, role: str, password: str) -> User:
        login = clean_login(login)
        name = one_line(name)
        if not 0 < len(name) <= NAME_MAX:
            raise UserError(f"显示名不能为空，最多 {NAME_MAX} 个字")
        if role not in ROLES:
            raise UserError(f"角色应为 {'|'.join(ROLES)}")
        row = ConsoleUserRow(login=login, name=name, role=role, password_hash=hash_password(check_password(password)),
                             token=secrets.token_hex(16), disabled=False, created_at=self.now())
        try:
            with write_session(self.engine) as s, s.begin():
                s.add(row)
                s.flush()
                return _user(row)
        except IntegrityError:
            raise UserError(f"登录名 {login} 已存在") from None

    def set_password(self, login: str, password: str) -> User:
        check_password(password)
        return self._update(login, password_hash=hash_password(password))

    def disable(self, login: str) -> User:
        return self._update(login, disabled=True)

    def enable(self, login: str) -> User:
        return self._update(login, disabled=False)

    def set_role(self, login: str, role: str) -> User:
        """Takes effect on the user's next request (sessions read the account each time), so the
        sessions are kept."""
        if role not in ROLES:
            raise UserError(f"角色应为 {'|'.join(ROLES)}")
        return self._update(login, renew=False, role=role)

    def find(self, login: str) -> User | None:
        """The account with this login; None also for a login no account could have."""
        with Session(self.engine) as s:
            row = s.scalar(select(ConsoleUserRow).where(ConsoleUserRow.login == (login or "").strip().lower()))
            return _user(row) if row is not None else None

    def _update(self, login: str, *, renew: bool = True, **values) -> User:
        """Change an account; with `renew`, a new token ends every session it has."""
        with write_session(self.engine) as s, s.begin():
            row = s.scalar(select(ConsoleUserRow).where(ConsoleUserRow.login == clean_login(login)))
            if row is None:
                raise UserError(f"没有登录名为 {login.strip().lower()[:32]} 的账号")
            for key, value in values.items():
                setattr(row, key, value)
            if renew:
                row.token = secrets.token_hex(16)
            s.flush()
            return _user(row)

    def end_sessions(self, user_id: int) -> None:
        """Sign the user out everywhere (logout): a new token invalidates every session cookie."""
        with write_session(self.engine) as s, s.begin():
            row = s.get(ConsoleUserRow, user_id)
            if row is not None:
                row.token = secrets.token_hex(16)

    def get(self, user_id: int) -> User | None:
        with Session(self.engine) as s:
            row = s.get(ConsoleUserRow, user_id)
            return _user(row) if row is not None else None

    def list(self) -> list[User]:
        with Session(self.engine) as s:
            return [_user(r) for r in s.scalars(select(ConsoleUserRow).order_by(ConsoleUserRow.login))]

    def authenticate(self, login: str, password: str) -> User | None:
        """The enabled account with this login and password (last login recorded), else None.
        Unknown logins and wrong passwords take the same path and time."""
        key = (login or "").strip().lower()[:64]
        with Session(self.engine) as s:
            row = s.scalar(select(ConsoleUserRow).where(ConsoleUserRow.login == key))
            stored = row.password_hash if row is not None else _dummy_hash()
            ok = verify_password(password[:PASSWORD_MAX], stored)
            if row is None or row.disabled or not ok:
                return None
            user_id = row.id
        with write_session(self.engine) as s, s.begin():
            row = s.get(ConsoleUserRow, user_id)
            row.last_login_at = self.now()
            s.flush()
            return _user(row)
