"""Quiet hours (免打扰时段) and a minimum push interval (最短推送间隔) per channel (alerts.yaml
`pacing:`, keyed by channel name: a DingTalk robot, a mailing list, an SMS list are each one
recipient group).

How an alert of a paced channel travels:
    add_alert ──▶ held (next_try_at = when it may go: now, or the end of quiet hours for a
                  grade below `urgent`; an urgent alert also skips the push interval)
    release (each delivery pass, one transaction per channel, only once the channel's interval
             has run out): the held rows due now ──one──▶ pending (sent as it is)
                                                 ──many─▶ merged into ONE digest row (pending)
    the digest goes through the one delivery queue (lease, retries, at-least-once, same id);
    once it is sent (or cancelled by a person) its members take its state and time, so
    escalation counts from when the message really went out.

Nothing is dropped (a held row is only ever turned into pending or merged) and nothing is sent
twice: the release commits the members' new state, the digest row and the channel's next push
time together, and guards every member update on `status = 'held'`, so of two watches releasing
at once only one commits. Everything is in the database, so a restart resumes where it stood."""
from __future__ import annotations

import html as html_lib
import re
from collections.abc import Collection, Mapping
from dataclasses import asdict
from datetime import datetime, time, timedelta

from pydantic import Field, field_validator, model_validator
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from alerts.db import write_session
from alerts.events import worse
from alerts.models import DIGEST_KIND, DIGEST_RULE, AlertPacingRow, AlertRow
from alerts.rules.common import alert_id
from alerts.schema import Severity, Strict
from alerts.types import AlertMessage
from pipeline.config import TZ
from pipeline.types import SEVERITY_LABELS, SEVERITY_RANK

HELD, MERGED = "held", "merged"  # AlertRow states of paced channels (beside delivery_queue's)
SLACK = timedelta(seconds=1)  # as delivery_queue.SLACK: runs drift by milliseconds
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class QuietHours(Strict):
    """Beijing time; `start` after `end` spans midnight (23:00–07:00)."""

    start: str
    end: str
    urgent: Severity = "red"  # alerts of this grade or worse go out at any hour, interval or not

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, v: str) -> str:
        if not _HHMM.match(v):
            raise ValueError(f"{v!r} is not a time of day like 23:00")
        return v

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHours:
        if self.start == self.end:
            raise ValueError("quiet hours start and end at the same time")
        return self

    def covers(self, at: datetime) -> bool:
        t, start, end = at.astimezone(TZ).time(), time.fromisoformat(self.start), time.fromisoformat(self.end)
        return start <= t < end if start < end else (t >= start or t < end)

    def end_after(self, at: datetime) -> datetime:
        """The first end of quiet hours after `at`."""
        local = at.astimezone(TZ)
        end = datetime.combine(local.date(), time.fromisoformat(self.end), TZ)
        return end if end > local else end + timedelta(days=1)

    def urgent_grade(self, severity: str | None) -> bool:
        return _at_least(severity, self.urgent)


def _at_least(severity: str | None, grade: str) -> bool:
    return severity in SEVERITY_RANK and SEVERITY_RANK[severity] >= SEVERITY_RANK[grade]


class ChannelPacing(Strict):
    quiet_hours: QuietHours | None = None
    min_interval_minutes: float | None = Field(None, gt=0, le=24 * 60)  # at most one push per this

    @model_validator(mode="after")
    def _something(self) -> ChannelPacing:
        if self.quiet_hours is None and self.min_interval_minutes is None:
            raise ValueError("give quiet_hours, min_interval_minutes or both")
        return self

    def release_at(self, severity: str | None, now: datetime) -> datetime:
        """When an alert of `severity` queued at `now` may go out (the interval aside)."""
        q = self.quiet_hours
        if q is not None and q.covers(now) and not q.urgent_grade(severity):
            return q.end_after(now)
        return now

    def urgent(self, severity: str | None) -> bool:
        """Urgent alerts are never paced: they skip quiet hours and the push interval alike."""
        return _at_least(severity, self.quiet_hours.urgent if self.quiet_hours else "red")

    @property
    def interval(self) -> timedelta:
        return timedelta(minutes=self.min_interval_minutes or 0)


QUIET_HOURS, INTERVAL, DUE = "quiet_hours", "interval", "due"  # why a held row waits (held_until)


def held_until(due: datetime, severity: str | None, pacing: ChannelPacing | None,
               next_push_at: datetime | None, now: datetime) -> tuple[datetime, str]:
    """When a held row goes out and why it still waits, told from what release() looks at: its
    own time (set at queueing: the end of quiet hours, or the queueing time itself) and the
    channel's push clock, which an urgent alert skips. Reads nothing, changes nothing."""
    if pacing is None:  # no longer paced (alerts.yaml edited): release_unpaced sends it next pass
        return max(due, now), DUE
    push = None if next_push_at is None or pacing.urgent(severity) else next_push_at
    goes = max(due, push) if push is not None else due
    if due > now + SLACK:
        return goes, QUIET_HOURS
    if push is not None and push > now + SLACK:
        return goes, INTERVAL
    return goes, DUE


def release(engine, pacing: Mapping[str, ChannelPacing], now: datetime) -> int:
    """Release what may go out now on each paced channel; returns how many rows became due.
    A channel that fails to release (e.g. another watch released it first) is left for the
    next pass: its held rows stay held, nothing is lost."""
    released = 0
    for channel, p in pacing.items():
        try:
            released += _release_channel(engine, channel, p, now)
        except (_Raced, IntegrityError):  # the same digest id or push clock, committed by the other
            continue
    return released


def release_unpaced(engine, paced: Collection[str], now: datetime) -> int:
    """Held rows of channels no longer paced (alerts.yaml edited while they waited) go out now:
    a held row must never be stranded."""
    with write_session(engine) as s, s.begin():
        return s.execute(update(AlertRow).where(AlertRow.status == HELD, AlertRow.channel.not_in(list(paced)))
                         .values(status="pending", next_try_at=now)).rowcount


class _Raced(Exception):
    """Another watch released these rows first: roll back, they are in its digest."""


def _release_channel(engine, channel: str, p: ChannelPacing, now: datetime) -> int:
    with write_session(engine) as s, s.begin():
        state = s.get(AlertPacingRow, channel, with_for_update=True)
        rows = s.scalars(select(AlertRow).where(AlertRow.channel == channel, AlertRow.status == HELD,
                                                AlertRow.next_try_at <= now + SLACK)
                         .order_by(AlertRow.created_at, AlertRow.id)).all()
        if state is not None and state.next_push_at is not None and now + SLACK < state.next_push_at:
            # within the interval the others wait (and are coalesced) until it ends; an urgent
            # alert goes at once, alone, and leaves the channel's push clock as it was
            urgent = [r.id for r in rows if p.urgent(r.severity)]
            if urgent and s.execute(update(AlertRow).where(AlertRow.id.in_(urgent), AlertRow.status == HELD)
                                    .values(status="pending", next_try_at=now)).rowcount != len(urgent):
                raise _Raced()
            return len(urgent)
        if not rows:
            return 0
        ids = [r.id for r in rows]
        if len(rows) == 1:
            changed = s.execute(update(AlertRow).where(AlertRow.id == ids[0], AlertRow.status == HELD)
                                .values(status="pending", next_try_at=now)).rowcount
        else:
            digest = _digest(rows, channel, now)
            s.add(digest)
            changed = s.execute(update(AlertRow).where(AlertRow.id.in_(ids), AlertRow.status == HELD)
                                .values(status=MERGED, digest_id=digest.id, next_try_at=None)).rowcount
        if changed != len(ids):
            raise _Raced()
        if state is None:
            state = AlertPacingRow(channel=channel)
            s.add(state)
        state.next_push_at = now + p.interval if p.min_interval_minutes else None
        state.last_push_at = now
        return len(ids)


def settle(engine) -> int:
    """Members of a digest that was sent or cancelled take its state and time (idempotent)."""
    member = aliased(AlertRow)
    waiting = select(member.digest_id).where(member.status == MERGED)
    with Session(engine) as s:
        done = s.execute(select(AlertRow.id, AlertRow.status, AlertRow.sent_at, AlertRow.last_error)
                         .where(AlertRow.kind == DIGEST_KIND, AlertRow.status.in_(("sent", "cancelled")),
                                AlertRow.id.in_(waiting))).all()
    if not done:
        return 0
    n = 0
    with write_session(engine) as s, s.begin():
        for did, status, sent_at, note in done:
            n += s.execute(update(AlertRow).where(AlertRow.digest_id == did, AlertRow.status == MERGED)
                           .values(status=status, sent_at=sent_at,
                                   last_error=None if status == "sent" else note)).rowcount
    return n


def _digest(rows, channel: str, now: datetime) -> AlertRow:
    """One message for several held alerts: a header, then each alert as it would have gone."""
    msgs = [AlertMessage(**{**r.message, "doc_ids": tuple(r.message.get("doc_ids", ()))}) for r in rows]
    worst = None
    for m in msgs:
        worst = worse(worst, m.severity)
    first, last = rows[0].created_at.astimezone(TZ), rows[-1].created_at.astimezone(TZ)
    grade = f"·最高{SEVERITY_LABELS[worst]}" if worst in SEVERITY_LABELS else ""
    head = f"【舆情预警汇总{grade}】{first:%m-%d %H:%M}至{last:%m-%d %H:%M}共{len(msgs)}条预警"
    note = "（免打扰时段或推送间隔内暂存，合并发送）"
    did = alert_id(DIGEST_RULE, rows[0].id, channel, DIGEST_KIND)  # a member is in one digest only
    bodies = "<hr>".join(_body(m.html) for m in msgs)
    message = AlertMessage(
        subject=head,
        text="\n\n".join([head + note, *(f"{i}. {m.text}" for i, m in enumerate(msgs, 1))]),
        html=f"<html><body><p><strong>{html_lib.escape(head + note)}</strong></p>{bodies}</body></html>",
        markdown="\n\n---\n\n".join([f"**{head}**{note}", *(m.markdown for m in msgs)]),
        severity=worst, event_id=did, doc_ids=tuple(dict.fromkeys(d for m in msgs for d in m.doc_ids)),
        link=msgs[0].link if len({m.link for m in msgs}) == 1 else None, alert_id=did)
    data = asdict(message)
    data["doc_ids"] = list(message.doc_ids)
    recipients = list(dict.fromkeys(x for r in rows for x in r.recipients))
    return AlertRow(id=did, rule_id=DIGEST_RULE, event_id=did, channel=channel, kind=DIGEST_KIND,
                    severity=worst, recipients=recipients, message=data, status="pending", attempts=0,
                    created_at=now, next_try_at=now)


_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)


def _body(page: str) -> str:
    """The inside of an alert's own (rendered, already escaped) HTML page."""
    m = _BODY.search(page or "")
    return m.group(1) if m else page or ""
