"""Silences (静默): "no more alerts about X until T", set by a person with a reason. While a
silence is active the engine still records the matches of new_hit and spike rules (the console
lists them) but queues no alert for a post or event it matches. Source and watch notices
(采集异常, 采集停止, 值守日报) are never silenced: they say the watch itself is blind."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from sqlalchemy import Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from alerts.db import write_session
from pipeline.types import Document
from storage.models import AwareDateTime, Base

MatchKind = Literal["topic", "source", "event", "text"]
MATCH_KINDS: tuple[str, ...] = get_args(MatchKind)
MATCH_LABELS = {"topic": "话题", "source": "信息源", "event": "事件", "text": "文字"}
SILENCED_KINDS = ("new_hit", "spike")  # rule kinds whose alerts a silence holds back


class SilenceRow(Base):
    __tablename__ = "alert_silences"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    match: Mapped[str] = mapped_column(String(8))  # MatchKind
    value: Mapped[str] = mapped_column(String(200))
    until: Mapped[datetime] = mapped_column(AwareDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    ended_at: Mapped[datetime | None] = mapped_column(AwareDateTime)  # ended early by a person ...
    ended_by: Mapped[str | None] = mapped_column(String(64))  # ... this one


@dataclass(frozen=True, slots=True)
class Silence:
    id: int
    match: str
    value: str
    until: datetime
    created_at: datetime
    created_by: str
    reason: str
    ended_at: datetime | None = None
    ended_by: str | None = None

    def active(self, now: datetime) -> bool:
        return self.ended_at is None and now < self.until

    def covers(self, doc: Document | None, event_id: str) -> bool:
        """True when this silence matches the post `doc` (if any) of event `event_id`."""
        if self.match == "event":
            return event_id == self.value
        if doc is None:
            return False
        if self.match == "topic":
            return self.value in doc.topic_ids
        if self.match == "source":
            return doc.source_id == self.value
        needle = self.value.casefold()
        return needle in (doc.title or "").casefold() or needle in (doc.text or "").casefold()


class SilenceError(ValueError):
    """Bad silence input; str() is a one-line Chinese message for the user."""


def _silence(r: SilenceRow) -> Silence:
    return Silence(r.id, r.match, r.value, r.until, r.created_at, r.created_by, r.reason, r.ended_at,
                   r.ended_by)


def add_silence(engine, *, match: str, value: str, until: datetime, by: str, reason: str,
                now: Callable[[], datetime]) -> Silence:
    value = value.strip()
    if match not in MATCH_KINDS:
        raise SilenceError(f"未知的静默条件 {match} (可用: {', '.join(MATCH_KINDS)})")
    if not value or len(value) > 200:
        raise SilenceError("静默条件的内容不能为空，且不超过 200 字")
    if not reason.strip():
        raise SilenceError("请用 --reason 写明静默原因")
    t = now()
    if until <= t:
        raise SilenceError(f"静默截止时间 {until:%Y-%m-%d %H:%M} 已过")
    with write_session(engine) as s, s.begin():
        row = SilenceRow(match=match, value=value, until=until, created_at=t, created_by=by,
                         reason=reason.strip())
        s.add(row)
        s.flush()
        return _silence(row)


def list_silences(engine, now: datetime, *, include_past: bool = False, limit: int | None = None) -> list[Silence]:
    """The silences in force (`include_past`: all of them), oldest first; `limit`: the newest only."""
    with Session(engine) as s:
        q = select(SilenceRow).order_by(SilenceRow.id.desc())
        if not include_past:
            q = q.where(SilenceRow.ended_at.is_(None), SilenceRow.until > now)
        if limit is not None:
            q = q.limit(limit)
        rows = [_silence(r) for r in s.scalars(q)]
    return rows[::-1]


def end_silence(engine, silence_id: int, now: datetime, *, by: str) -> Silence:
    """A person ends a silence early; who and when are kept with it."""
    with write_session(engine) as s, s.begin():
        row = s.get(SilenceRow, silence_id)
        if row is None:
            raise SilenceError(f"没有编号为 {silence_id} 的静默")
        if not _silence(row).active(now):
            raise SilenceError(f"静默 {silence_id} 已经结束")
        row.ended_at, row.ended_by = now, by
        return _silence(row)


def active_silences(s: Session, now: datetime) -> list[Silence]:
    """The silences in force at `now`, read in the caller's transaction."""
    rows = s.scalars(select(SilenceRow).where(SilenceRow.ended_at.is_(None), SilenceRow.until > now))
    return [_silence(r) for r in rows]


def silencing(silences: Sequence[Silence], docs: Sequence[Document], event_id: str) -> Silence | None:
    """The silence that holds back an alert about `event_id` citing `docs`: one matching the
    event, or one matching every cited post (a spike is silenced only if all its posts are)."""
    for silence in silences:
        if silence.covers(None, event_id) or (docs and all(silence.covers(d, event_id) for d in docs)):
            return silence
    return None
