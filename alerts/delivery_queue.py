"""One delivery queue for alert messages and report mail: lease, attempts, capped back-off, cancel.

Both tables (alert_alerts, report_deliveries) carry the same delivery columns: id, status,
attempts, next_try_at, sent_at, last_error. Their life cycle:

    pending ──claim──▶ sending ──send ok──▶ sent
       ▲                 │ ├─retryable error──▶ failed (next_try_at = now + capped back-off) ──┐
       │                 │ └─permanent error──▶ rejected (shown, a person retries or cancels)   │
       └─────────────────┴──────────────────────────── due again ◀──────────────────────────────┘
    any open state ──a person──▶ cancelled

Exactly-once vs at-least-once (the choice, and why):
- The claim (status 'sending', next_try_at = lease expiry) is COMMITTED before the channel is
  called, so two runs, threads or processes never send one row at the same time, and with the
  database refusing writes (disk full) nothing is sent at all: no send without a lease.
- The outcome is committed right after the channel returns. If that commit fails, the outcome
  stays in this process's ledger (`_unrecorded`): the row is never claimed again by this process,
  and every later run first tries to write the ledger down. One failed record never stops the
  other due rows.
- Only if the process dies between a real send and its record (or with an unwritten ledger) does
  the lease run out; the row is then sent once more, with the same Message-ID / Idempotency-Key
  so receivers can drop it. That is at-least-once with at most one duplicate per crash: for a
  duty office a lost alert is worse than a duplicate one.
- Never given up: a retryable failure always gets a next_try_at (back-off capped, default 30 s);
  only a person (cancel) or a permanent refusal (rejected, listed as undelivered) stops it.

Channels fail as a whole, so each channel has a gate: after a failure the channel's other due
rows are not tried until the gate's back-off has passed; then one row probes it, and once it
succeeds the rest follow in the same pass. Channels are delivered concurrently (one worker per
channel), so a channel that hangs delays only its own rows."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from alerts.channels.base import DeliveryError, PermanentDeliveryError
from alerts.db import write_session

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
REJECTED, CANCELLED = "rejected", "cancelled"
# States that still want a send (reports add 'preparing': reserved, message not built yet).
OPEN = (PENDING, SENDING, FAILED, "preparing")
UNDELIVERED = (*OPEN, REJECTED)  # what the console lists as 未送达
# A row or gate due within this of a pass is taken by it: the caller's runs drift by milliseconds,
# and missing by 3 ms would otherwise cost a whole run interval.
SLACK = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    backoff: timedelta = timedelta(seconds=10)  # first retry after this, doubled per failure ...
    backoff_max: timedelta = timedelta(seconds=30)  # ... up to this (also the gate's probe interval)
    lease: timedelta = timedelta(minutes=2)  # a claimed row is left alone this long

    def delay(self, failures: int) -> timedelta:
        return min(self.backoff * 2 ** min(max(failures - 1, 0), 30), self.backoff_max)  # no overflow

    @classmethod
    def from_config(cls, retry) -> RetryPolicy:
        """From alerts.yaml `retry:` (alerts.config.RetryConfig)."""
        return cls(timedelta(seconds=retry.backoff_seconds), timedelta(seconds=retry.backoff_max_seconds),
                   timedelta(seconds=retry.lease_seconds))


@dataclass(frozen=True, slots=True)
class RunCounts:
    sent: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True)
class _Outcome:
    status: str  # sent | failed | rejected
    at: datetime
    error: str | None
    base: datetime | None = None  # when this pass started: the back-off counts from here
    channel_down: bool = False  # the channel failed (not just this row): close its gate


class _Gate:
    """A channel's in-memory health: consecutive failures and when to probe it again."""

    def __init__(self):
        self.failures = 0
        self.closed_until: datetime | None = None

    def open(self, now: datetime) -> bool:
        return self.closed_until is None or now + SLACK >= self.closed_until


Send = Callable[[str], None]  # deliver the row with this id; raise DeliveryError when it failed


class DeliveryQueue:
    def __init__(self, engine: Engine, table, *, policy: RetryPolicy, now: Callable[[], datetime],
                 label: str, wait_seconds: float | None = 20.0, max_workers: int = 8):
        self.engine = engine
        self.table = table  # ORM class with the delivery columns listed above
        self.policy = policy
        self.now = now
        self.label = label  # for log lines: 预警 / 报告邮件
        self.wait_seconds = wait_seconds  # how long run() waits for slow channels (they go on)
        self._lock = threading.RLock()  # a done-callback may run at once, in the thread holding it
        self._unrecorded: dict[str, _Outcome] = {}
        self._gates: dict[str, _Gate] = {}
        self._busy: dict[str, Future] = {}
        self._late = [0, 0]  # counts of workers that finished after run() returned
        self._db_refusing = False  # the last claim failed: logged once until one succeeds
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix=f"deliver-{label}")

    # -- running ------------------------------------------------------------------------------

    def due(self, now: datetime, group=None) -> dict[str, list[str]]:
        """Ids of the rows due now, oldest first, per value of the `group` column (the channel);
        rows whose outcome is still unwritten are left out."""
        t = self.table
        key = group if group is not None else t.status  # one group when there is no channel column
        with Session(self.engine) as s:
            rows = s.execute(select(t.id, key).where(t.status.in_(OPEN), t.next_try_at.is_not(None),
                                                     t.next_try_at <= now + SLACK)
                             .order_by(t.created_at, t.id)).all()
        out: dict[str, list[str]] = {}
        with self._lock:
            for rid, k in rows:
                if rid not in self._unrecorded:
                    out.setdefault(k if group is not None else self.label, []).append(rid)
        return out

    def run(self, jobs: Mapping[str, Sequence[str]], send: Send) -> RunCounts:
        """Deliver the due rows `jobs` lists per channel: one worker per channel, concurrently.
        Waits up to `wait_seconds` for them; a channel still busy then finishes on its own (its
        counts go into a later run's) and is not started again until it has."""
        self.flush()
        # Back-offs count from the pass's start, not from when a (slow) attempt failed, so a
        # retry due after `backoff_max` is due at the caller's run that many seconds later, not
        # one run after that.
        started = self.now()
        futures = []
        with self._lock:
            for channel, ids in jobs.items():
                if not ids or (channel in self._busy and not self._busy[channel].done()):
                    continue
                fut = self._pool.submit(self._work, channel, list(ids), send, started)
                self._busy[channel] = fut
                futures.append(fut)
        done, _ = wait(futures, timeout=self.wait_seconds)
        sent = failed = 0
        for fut in done:
            s, f = fut.result()
            sent, failed = sent + s, failed + f
        with self._lock:
            for fut in futures:
                if fut not in done:
                    fut.add_done_callback(self._count_late)
            late, self._late = self._late, [0, 0]
        return RunCounts(sent + late[0], failed + late[1])

    def _count_late(self, fut: Future) -> None:
        if fut.exception() is None:
            s, f = fut.result()
            with self._lock:
                self._late[0] += s
                self._late[1] += f

    def _work(self, channel: str, ids: list[str], send: Send, started: datetime) -> tuple[int, int]:
        gate = self._gates.setdefault(channel, _Gate())
        sent = failed = 0
        for rid in ids:
            if not gate.open(self.now()):
                break  # the channel is down: its probe time has not come
            try:
                claimed = self.claim(rid)
            except Exception as e:  # the database refuses writes: nothing is sent without a lease
                if not self._db_refusing:  # once per outage, not once per run
                    log.error("%s: 无法登记发送 (数据库不可写)，暂停投递直至数据库恢复: %s", self.label, e)
                self._db_refusing = True
                break
            if self._db_refusing:
                log.warning("%s: 数据库恢复可写，继续投递", self.label)
                self._db_refusing = False
            if not claimed:
                continue
            outcome = self._attempt(channel, rid, send, started)
            self.record(rid, outcome)
            if outcome.status == SENT:
                gate.failures, gate.closed_until = 0, None
                sent += 1
            else:
                failed += 1
                if outcome.channel_down:
                    gate.failures += 1
                    gate.closed_until = started + self.policy.delay(gate.failures)
        return sent, failed

    def _attempt(self, channel: str, rid: str, send: Send, started: datetime) -> _Outcome:
        try:
            send(rid)
        except PermanentDeliveryError as e:
            log.error("%s %s 经 %s 被拒收 (不再自动重试，请人工处理): %s", self.label, rid, channel, e)
            return _Outcome(REJECTED, self.now(), str(e), started)
        except DeliveryError as e:
            log.warning("%s %s 经 %s 发送失败 (稍后重试): %s", self.label, rid, channel, e)
            return _Outcome(FAILED, self.now(), str(e), started, channel_down=True)
        except Exception as e:  # a bug in one row (a rebuild, a channel) must not stop the others
            log.exception("%s %s 经 %s 出错 (稍后重试)", self.label, rid, channel)
            return _Outcome(FAILED, self.now(), f"{type(e).__name__}: {e}", started)
        return _Outcome(SENT, self.now(), None)

    # -- the row's states ---------------------------------------------------------------------

    def claim(self, rid: str) -> bool:
        """Lease the row for one send (committed before the send). False: not ours to send."""
        now = self.now()
        with self._lock:
            if rid in self._unrecorded:
                return False
        t = self.table
        with write_session(self.engine) as s, s.begin():
            res = s.execute(update(t).where(t.id == rid, t.status.in_(OPEN), t.next_try_at <= now + SLACK)
                            .values(status=SENDING, next_try_at=now + self.policy.lease))
            return res.rowcount == 1

    def record(self, rid: str, outcome: _Outcome) -> bool:
        """Write the outcome; on failure keep it in the ledger so the row is never re-sent by us."""
        try:
            self._write(rid, outcome)
        except Exception as e:
            with self._lock:
                self._unrecorded[rid] = outcome
            log.error("%s %s: 结果 (%s) 未能写入数据库，不会重发，稍后再记: %s",
                      self.label, rid, outcome.status, e)
            return False
        return True

    def flush(self) -> int:
        """Write down outcomes whose commit failed earlier; returns how many are still unwritten."""
        with self._lock:
            pending = dict(self._unrecorded)
        for rid, outcome in pending.items():
            try:
                self._write(rid, outcome)
            except Exception as e:
                log.warning("%s %s: 结果仍未能写入数据库: %s", self.label, rid, e)
                break
            with self._lock:
                self._unrecorded.pop(rid, None)
        with self._lock:
            return len(self._unrecorded)

    def unrecorded(self) -> int:
        with self._lock:
            return len(self._unrecorded)

    def _write(self, rid: str, o: _Outcome) -> None:
        with write_session(self.engine) as s, s.begin():
            row = s.get(self.table, rid)
            if row is None or row.status in (SENT, CANCELLED):
                return
            if o.status == SENT:
                row.attempts += 1
                row.status, row.sent_at, row.next_try_at, row.last_error = SENT, o.at, None, None
                return
            row.attempts += 1
            row.last_error = (o.error or "")[:500]
            row.status = o.status
            # Never given up: a retryable failure is always due again (rejected waits for a person).
            base = o.base or o.at
            row.next_try_at = base + self.policy.delay(row.attempts) if o.status == FAILED else None

    def cancel(self, rid: str, by: str, reason: str = "") -> bool:
        """A person stops an undelivered row for good. False when it was sent or unknown."""
        note = f"已取消（{by}）" + (f"：{reason}" if reason else "")
        t = self.table
        with write_session(self.engine) as s, s.begin():
            res = s.execute(update(t).where(t.id == rid, t.status.in_(UNDELIVERED))
                            .values(status=CANCELLED, next_try_at=None, last_error=note[:500]))
            return res.rowcount == 1

    def retry_now(self, rid: str) -> bool:
        """A person asks for another try now (e.g. a rejected row after fixing the config)."""
        t = self.table
        now = self.now()
        with write_session(self.engine) as s, s.begin():
            res = s.execute(update(t).where(t.id == rid, t.status.in_((FAILED, REJECTED, PENDING)))
                            .values(status=PENDING, next_try_at=now))
            return res.rowcount == 1

    def close(self, wait_for_workers: bool = False) -> None:
        self._pool.shutdown(wait=wait_for_workers, cancel_futures=True)
