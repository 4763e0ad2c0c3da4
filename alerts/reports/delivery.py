"""E-mail delivery of report issues: each issue reaches its recipients once, even across crashes.

A delivery row is unique per (kind, key) — 《重要舆情摘报》 of a day, a shift's handover, a version of
an incident's 专报 — and moves preparing -> pending -> sent:
- `reserve` inserts it (preparing) BEFORE the report is built; a second reserve of the same issue
  is refused, so a re-run of the job cannot queue it twice.
- `fill` stores the composed message (DOCX attached) and makes it pending. A crash between the two
  leaves a preparing row whose lease runs out: `run` then asks the caller's `rebuild` for the
  message and carries on, so a written-but-unsent issue is never lost.
- `run` claims each due row with one conditional UPDATE (its lease moves forward), so two
  processes never send the same row at once; a refused or failed send is retried with backoff
  (doubling, capped) for ever — a report for leadership is not given up on.
Sending is at-least-once in one window only: a crash after the SMTP server accepted the message
but before `sent` was committed re-sends it; the re-send carries the same Message-ID
(<report.ID@yqwatch>), so mail clients drop the duplicate.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import message_from_bytes, policy

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alerts.channels.base import DeliveryError
from alerts.channels.mail import Attachment, EmailChannel
from alerts.db import write_session
from alerts.reports.models import ReportDeliveryRow

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # a claimed row is left alone this long (building + one send)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A report rendered for e-mail."""

    title: str
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class Delivery:
    id: str
    kind: str
    key: str
    title: str
    recipients: tuple[str, ...]
    status: str  # preparing | pending | sent
    attempts: int
    created_at: datetime
    next_try_at: datetime | None
    sent_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class RunResult:
    sent: int = 0
    failed: int = 0


def delivery_id(kind: str, key: str) -> str:
    return hashlib.sha256(f"report\x1f{kind}\x1f{key}".encode("utf-8")).hexdigest()[:32]


def report_message_id(did: str) -> str:
    return f"<report.{did}@yqwatch>"


Rebuild = Callable[[str, str], Outgoing]  # (kind, key) -> the message, built again


class ReportPostbox:
    def __init__(self, engine: Engine, channel: EmailChannel, *, now: Callable[[], datetime],
                 backoff_seconds: float = 60.0, backoff_max_seconds: float = 3600.0):
        self.engine = engine
        self.channel = channel
        self.now = now
        self.backoff = timedelta(seconds=backoff_seconds)
        self.backoff_max = timedelta(seconds=backoff_max_seconds)

    def reserve(self, kind: str, key: str, recipients: Sequence[str]) -> bool:
        """Claim the issue for sending; False when it was already reserved (queued or sent)."""
        now = self.now()
        try:
            with write_session(self.engine) as s, s.begin():
                s.add(ReportDeliveryRow(id=delivery_id(kind, key), kind=kind, key=key, title="",
                                        recipients=list(recipients), message=None, status="preparing",
                                        attempts=0, created_at=now, next_try_at=now + LEASE))
        except IntegrityError:
            return False
        return True

    def fill(self, kind: str, key: str, out: Outgoing) -> None:
        """Freeze the issue's message; it is due at once."""
        did = delivery_id(kind, key)
        with write_session(self.engine) as s, s.begin():
            row = s.get(ReportDeliveryRow, did)
            if row is None or row.status != "preparing":
                return  # someone else filled it (a rebuild after a lease ran out)
            msg = self.channel.compose(subject=out.subject, text=out.text, html=out.html,
                                       message_id=report_message_id(did), recipients=row.recipients,
                                       attachments=out.attachments)
            row.title, row.message, row.status = out.title, msg.as_bytes(policy=policy.SMTP), "pending"
            row.next_try_at = self.now()

    def run(self, rebuild: Rebuild) -> RunResult:
        """Send every due issue (building those a crash left unbuilt)."""
        now = self.now()
        with Session(self.engine) as s:
            due = list(s.scalars(select(ReportDeliveryRow.id).where(
                ReportDeliveryRow.status != "sent", ReportDeliveryRow.next_try_at <= now)
                .order_by(ReportDeliveryRow.created_at, ReportDeliveryRow.id)))
        sent = failed = 0
        for did in due:
            if not self._claim(did, now):
                continue
            ok = self._send(did, rebuild)
            sent, failed = sent + ok, failed + (not ok)
        return RunResult(sent, failed)

    def _claim(self, did: str, now: datetime) -> bool:
        with write_session(self.engine) as s, s.begin():
            res = s.execute(update(ReportDeliveryRow)
                            .where(ReportDeliveryRow.id == did, ReportDeliveryRow.status != "sent",
                                   ReportDeliveryRow.next_try_at <= now)
                            .values(next_try_at=now + LEASE))
            return res.rowcount == 1

    def _send(self, did: str, rebuild: Rebuild) -> bool:
        with Session(self.engine) as s:
            row = s.get(ReportDeliveryRow, did)
            kind, key, data = row.kind, row.key, row.message
        error = None
        try:
            if data is None:
                self.fill(kind, key, rebuild(kind, key))
                with Session(self.engine) as s:
                    data = s.get(ReportDeliveryRow, did).message
            self.channel.deliver(message_from_bytes(data, policy=policy.default))
        except DeliveryError as e:
            error = str(e)
        except Exception as e:  # a rebuild bug must not stop the other issues
            log.exception("report delivery %s/%s failed", kind, key)
            error = f"{type(e).__name__}: {e}"
        now = self.now()
        with write_session(self.engine) as s, s.begin():
            row = s.get(ReportDeliveryRow, did)
            if error is None:
                row.status, row.sent_at, row.next_try_at, row.last_error = "sent", now, None, None
                return True
            row.attempts = attempts = row.attempts + 1
            row.last_error = error[:500]
            row.next_try_at = now + min(self.backoff * 2 ** (attempts - 1), self.backoff_max)
        log.warning("报告邮件 %s/%s 发送失败 (第%d次, 稍后重试): %s", kind, key, attempts, error)
        return False

    def get(self, kind: str, key: str) -> Delivery | None:
        with Session(self.engine) as s:
            row = s.get(ReportDeliveryRow, delivery_id(kind, key))
            return _delivery(row) if row is not None else None

    def deliveries(self, *, kind: str | None = None, limit: int = 100) -> list[Delivery]:
        with Session(self.engine) as s:
            q = select(ReportDeliveryRow).order_by(ReportDeliveryRow.created_at.desc()).limit(limit)
            if kind is not None:
                q = q.where(ReportDeliveryRow.kind == kind)
            return [_delivery(r) for r in s.scalars(q)]


def _delivery(r: ReportDeliveryRow) -> Delivery:
    return Delivery(r.id, r.kind, r.key, r.title, tuple(r.recipients), r.status, r.attempts, r.created_at,
                    r.next_try_at, r.sent_at, r.last_error)
