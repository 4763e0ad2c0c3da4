"""E-mail delivery of report issues: each issue reaches its recipients once, even across crashes.

A delivery row is unique per (kind, key) — 《重要舆情摘报》 of a day, a shift's handover, a version of
an incident's 专报 — and goes through the shared delivery queue (alerts.delivery_queue: lease,
capped back-off, never given up, cancel), with one step of its own before it:
- `reserve` inserts it (preparing, leased) BEFORE the report is built; a second reserve of the same
  issue is refused, so a re-run of the job cannot queue it twice.
- `fill` stores the composed message (DOCX attached) and makes it pending. A crash between the two
  leaves a preparing row whose lease runs out: `run` then asks the caller's `rebuild` for the
  message and carries on, so a written-but-unsent issue is never lost.
Sending is at-least-once in one window only (see alerts.delivery_queue): a crash after the SMTP
server accepted the message but before `sent` was committed re-sends it once the lease ran out,
with the same Message-ID (<report.ID@yqwatch>), so mail clients drop the duplicate; a failed
commit alone never re-sends it.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import message_from_bytes, policy

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alerts.channels.mail import Attachment, EmailChannel
from alerts.db import write_session
from alerts.delivery_queue import CANCELLED, PENDING, SENT, UNDELIVERED, DeliveryQueue, RetryPolicy
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
    status: str  # preparing | pending | sending | failed | rejected | sent | cancelled
    attempts: int  # sends tried
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
                 backoff_seconds: float = 10.0, backoff_max_seconds: float = 30.0,
                 wait_seconds: float | None = None):
        self.engine = engine
        self.channel = channel
        self.now = now
        retry = RetryPolicy(timedelta(seconds=backoff_seconds), timedelta(seconds=backoff_max_seconds),
                            LEASE)
        # wait_seconds None: run() returns when the send is done (the CLI's --send waits for it)
        self.queue = DeliveryQueue(engine, ReportDeliveryRow, policy=retry, now=now, label="报告邮件",
                                   wait_seconds=wait_seconds, max_workers=1)

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
            if row is None or row.message is not None or row.status in (SENT, CANCELLED):
                return  # someone else filled it (a rebuild after a lease ran out)
            msg = self.channel.compose(subject=out.subject, text=out.text, html=out.html,
                                       message_id=report_message_id(did), recipients=row.recipients,
                                       attachments=out.attachments)
            row.title, row.message = out.title, msg.as_bytes(policy=policy.SMTP)
            if row.status == "preparing":
                row.status, row.next_try_at = PENDING, self.now()

    def run(self, rebuild: Rebuild) -> RunResult:
        """Send every due issue (building those a crash left unbuilt)."""
        counts = self.queue.run(self.queue.due(self.now()), lambda did: self._send(did, rebuild))
        return RunResult(counts.sent, counts.failed)

    def _send(self, did: str, rebuild: Rebuild) -> None:
        with Session(self.engine) as s:
            row = s.get(ReportDeliveryRow, did)
            kind, key, data = row.kind, row.key, row.message
        if data is None:
            self.fill(kind, key, rebuild(kind, key))
            with Session(self.engine) as s:
                data = s.get(ReportDeliveryRow, did).message
        self.channel.deliver(message_from_bytes(data, policy=policy.default))

    def cancel(self, kind: str, key: str, by: str, reason: str = "") -> bool:
        """A person stops an unsent issue's e-mail for good."""
        return self.queue.cancel(delivery_id(kind, key), by, reason)

    def undelivered(self) -> list[Delivery]:
        with Session(self.engine) as s:
            q = (select(ReportDeliveryRow).where(ReportDeliveryRow.status.in_(UNDELIVERED))
                 .order_by(ReportDeliveryRow.created_at))
            return [_delivery(r) for r in s.scalars(q)]

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
