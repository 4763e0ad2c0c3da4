"""ORM tables owned by console/ (prefix console_), declared on storage's Base so one metadata and
one Alembic history (migration 0004_console_users) cover the whole database. Rows never leave
console/."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import AwareDateTime, Base


class ConsoleUserRow(Base):
    """A console account (used only when watch.yaml `console.auth` is on)."""

    __tablename__ = "console_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    login: Mapped[str] = mapped_column(String(32), unique=True)  # lower case
    name: Mapped[str] = mapped_column(String(20))  # display name: the actor of every action
    role: Mapped[str] = mapped_column(String(8))  # duty | leader | admin
    password_hash: Mapped[str] = mapped_column(String(200))  # scrypt$n$r$p$salt$hash (hex)
    # Random, renewed on password change and disable: part of the session MAC, so both end sessions.
    token: Mapped[str] = mapped_column(String(32))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(AwareDateTime)


class ConsoleSecretRow(Base):
    """Secrets the console generates once (the session signing key when no env var gives one)."""

    __tablename__ = "console_secrets"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
