"""The rules job: new documents -> events -> rule matches -> alert rows -> channels.

Exactly-once bookkeeping, at-least-once delivery:
- Each batch of documents is processed in ONE transaction that writes the event rows, the match
  rows, the pending alert rows and the advanced cursor. A crash before the commit replays the
  batch; after it, nothing is lost. Alert rows are unique per (rule, event, channel, kind), so
  an event that keeps growing produces one "new" alert per channel, never one per post.
- Delivery happens after that commit, through alerts.delivery_queue (shared with report mail):
  each alert is leased (committed) before its channel is called and its outcome recorded right
  after; a failed record never re-sends it from this process, and a crash between the channel
  accepting and the record re-sends it once the lease ran out, with the same
  `Message-ID: <alert.ID@yqwatch>` (e-mail) or `Idempotency-Key: ID` (webhooks), so receivers can
  drop the duplicate. Channels are served concurrently, one worker each, so a hung channel delays
  only itself.
- A failed delivery is retried until delivered or cancelled by a person (cancel_alert), with a
  back-off doubling from retry.backoff_seconds and capped by retry.backoff_max_seconds (≤ 60 s);
  a channel that is down is probed once per back-off, not once per queued alert. A message the
  receiver refuses for good is marked rejected and listed by undelivered() until a person acts.
- Upgrades: when a later post of the same event reaches a grade worse than every alert sent so
  far for that (rule, event, channel), ONE upgrade alert per grade reached is sent
  (【舆情预警·新升级为红色】); with four grades an event can never send more than four messages
  per rule and channel.
- Escalation: a rule's `escalation` steps send the event's first alert again, once per level,
  to the next roster level when nobody acknowledged it (AlertEngine.acknowledge) in time.
- Recipients are resolved when an alert is QUEUED: `roster:duty` / `roster:leader` e-mail
  recipients and `at_roster` @-mentions become the people on call at that moment (alerts.roster)
  and are stored with the alert row, so retries, escalations already queued and restarts never
  re-resolve them. A role nobody fills falls back (alerts.roster.resolve) and is counted.
- Rule kinds (alerts/rules/, registered in alerts.registry) plug in per document (new_hit, inside
  the batch transaction) or per run (source_broken with its 恢复 notice, spike, crawl_stalled).
- Volume spikes (`type: spike`, alerts.rules.spike): each run counts the relevant posts per key per
  window in one query; a surge is an event of its own (one "new" alert per channel, at most one
  "followup" when it doubles), its episode state committed with its alerts.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.channels.base import Channel, send_stored
from alerts.config import AlertsConfig, roster_roles
from alerts.db import write_session
from alerts.delivery_queue import FAILED, REJECTED, UNDELIVERED, DeliveryQueue, RetryPolicy
from alerts.events import close_stale, open_events, ref_from_json, ref_to_json, worse
from alerts.models import AlertEventDocRow, AlertEventRow, AlertMatchRow, AlertPacingRow, AlertRow
from alerts.pacing import HELD, held_until, release_unpaced, settle
from alerts.pacing import release as release_held
from alerts.health import SHANGHAI
from alerts.roster import DEFAULT_SHIFTS, on_duty, resolve
from alerts.registry import CHANNEL_KINDS, RULE_KINDS
from alerts.rules.common import alert_id
from alerts.rules.new_hit import rule_matches
from alerts.silences import SILENCED_KINDS, active_silences, silencing
from alerts.types import Alert, AlertMessage, HeldAlert, Match
from analysis.events import EventRef, add_to_event, match_event, new_event
from pipeline.types import Document
from storage.models import KvRow

__all__ = ["AlertEngine", "CrawlFailure", "DeliveryState", "RunSummary", "alert_id", "rule_matches"]

log = logging.getLogger(__name__)

CURSOR_KEY = "alerts.cursor"
BATCH = 500


@dataclass(frozen=True, slots=True)
class CrawlFailure:
    """Crawls of a source that failed AND could not be recorded (kept in memory; see
    AlertEngine.note_crawl_failure)."""

    source_id: str
    count: int
    first_at: datetime
    last_at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class DeliveryState:
    """Alerts not delivered yet, for the console and `yqwatch sources`."""

    undelivered: int  # queued, being sent, retrying or rejected
    rejected: int  # refused for good by the receiver: a person must retry or cancel
    retrying: int  # failed at least once, due again
    oldest: datetime | None  # when the oldest undelivered alert was queued
    struggling: bool  # one has failed retry.max_attempts times or more (still retried)
    unrecorded: int  # sent, but the database has not taken the result yet
    held: int = 0  # waiting on purpose: quiet hours or push interval of their channel (alerts.pacing)

    def line(self) -> str:
        """One line for `yqwatch sources` / status (Chinese: it is read by duty staff)."""
        held = f"；免打扰/推送间隔暂存 {self.held} 条（到时合并发送）" if self.held else ""
        if not self.undelivered and not self.unrecorded:
            return "预警投递: 全部送达" + held
        parts = [f"重试中 {self.retrying}"] if self.retrying else []
        parts += [f"被拒收 {self.rejected}（需人工处理）"] if self.rejected else []
        parts += ["持续失败"] if self.struggling else []
        parts += [f"已发出待记录 {self.unrecorded}"] if self.unrecorded else []
        since = f"，最早 {self.oldest.astimezone(SHANGHAI):%m-%d %H:%M}" if self.oldest else ""
        return f"预警投递: 未送达 {self.undelivered} 条（{'，'.join(parts) or '排队中'}{since}）{held}"

    def to_json(self) -> dict:
        return {"undelivered": self.undelivered, "rejected": self.rejected, "retrying": self.retrying,
                "oldest": self.oldest.isoformat() if self.oldest else None,
                "struggling": self.struggling, "unrecorded": self.unrecorded, "held": self.held}


@dataclass(frozen=True, slots=True)
class RunSummary:
    documents_seen: int = 0
    matches: int = 0
    events_new: int = 0
    alerts_sent: int = 0
    alerts_failed: int = 0
    errors: tuple[str, ...] = ()  # steps that failed this run ("documents: OSError: ..."), logged


class AlertEngine:
    def __init__(self, store, config: AlertsConfig, channels: Mapping[str, Channel], *,
                 now: Callable[[], datetime], source_names: Mapping[str, str] | None = None,
                 locality_name: str | None = None, batch_size: int = BATCH,
                 shifts: Sequence[str] = DEFAULT_SHIFTS, delivery_wait: float | None = 5.0):
        self.store = store
        self.config = config
        self.channels = dict(channels)
        self.now = now
        self.source_names = dict(source_names or {})
        self.locality_name = locality_name  # names locality-wide surges (topics.yaml locality.name)
        self.batch_size = batch_size
        self.shifts = tuple(shifts)  # watch.yaml 交接班 times: the roster's shift boundaries
        # run_once waits this long for the channel workers; a slow channel finishes on its own
        self.roster_gaps = 0  # alerts queued for a roster role nobody filled (sent to the fallback)
        self._rules = [r for r in config.rules if r.enabled]
        self._rule_types = {r.id: r.type for r in self._rules}
        self.silenced = 0  # alerts held back by a silence (their matches are still recorded)
        self._unpaced_released = False
        self._pacing_failing = False
        kinds = {r.type: RULE_KINDS[r.type] for r in self._rules}
        self._doc_rules = [r for r in self._rules if kinds[r.type].on_document is not None]
        self._run_rules = [(kind, [r for r in self._rules if r.type == t])
                           for t, kind in kinds.items() if kind.on_run is not None]
        self._crawl_failures: dict[str, CrawlFailure] = {}
        self._crawl_lock = threading.Lock()
        self.started_at = now()
        self._failing: tuple[str, ...] = ()  # the failing steps of the last run (log on change)
        self.queue = DeliveryQueue(store.engine, AlertRow, policy=RetryPolicy.from_config(config.retry),
                                   now=now, label="预警", wait_seconds=delivery_wait)

    # -- the job ------------------------------------------------------------------------------

    def run_once(self) -> RunSummary:
        """One run. Each step runs even when an earlier one failed (a rule's bug or a database
        refusing writes must not stop the delivery of alerts already queued). Failures are in
        the summary and logged once per change of state (with the traceback), not once per run:
        a database down for an hour must not fill the log."""
        now = self.now()
        seen = matches = events_new = 0
        errors: list[tuple[str, Exception]] = []

        def step(what: str, fn, *args):
            try:
                return fn(*args)
            except Exception as e:
                errors.append((what, e))
                return None

        while (res := step("documents", self._process_batch, now)) is not None:
            n, m, e = res
            seen, matches, events_new = seen + n, matches + m, events_new + e
            if n < self.batch_size:
                break
        for kind, rules in self._run_rules:
            step(kind.type, kind.on_run, self, rules, now)
        step("escalation", self._escalate, now)
        sent, failed = step("delivery", self.deliver_due) or (0, 0)
        lines = tuple(f"{what}: {type(e).__name__}: {e}"[:300] for what, e in errors)
        state = tuple(f"{what}: {type(e).__name__}" for what, e in errors)
        if state != self._failing:
            if errors:
                what, e = errors[0]
                log.error("预警规则运行出错 (%s)，其余步骤照常进行: %s", "; ".join(lines), e, exc_info=e)
            else:
                log.warning("预警规则运行恢复正常")
            self._failing = state
        return RunSummary(seen, matches, events_new, sent, failed, lines)

    # -- documents -> events -> matches -> pending alerts -------------------------------------

    def _process_batch(self, now: datetime) -> tuple[int, int, int]:
        window = timedelta(hours=self.config.events.window_hours)
        cursor = int(self.store.kv_get(CURSOR_KEY, 0))
        batch = self.store.documents_since(cursor, self.batch_size)  # read outside the write lock
        if not batch:
            return 0, 0, 0
        with write_session(self.store.engine) as s, s.begin():
            # The cursor lives in storage's kv table (store.kv_get reads it) but is written here,
            # in the transaction that writes the alerts it produced.
            state = s.get(KvRow, CURSOR_KEY) or KvRow(key=CURSOR_KEY, value=0)
            if int(state.value) != cursor:
                raise RuntimeError("alerts.cursor moved under us: two rule jobs are running")
            close_stale(s, now, window)
            events = open_events(s)
            refs = {eid: ref_from_json(row.ref) for eid, row in events.items()}
            ids = [doc.id for _seq, doc in batch if doc.relevant]
            known = dict(s.execute(select(AlertEventDocRow.doc_id, AlertEventDocRow.event_id)
                                   .where(AlertEventDocRow.doc_id.in_(ids))).all())
            graded: dict[tuple[str, str, str], int] = {}  # worst grade alerted per rule/event/channel
            n_matches = n_new = 0
            for _seq, doc in batch:
                if not doc.relevant:
                    continue
                row, created = self._assign_event(s, doc, events, refs, known.get(doc.id), now, window)
                n_new += created
                for rule in self._doc_rules:
                    n_matches += RULE_KINDS[rule.type].on_document(self, s, rule, doc, row, graded, now,
                                                                   doc.id in known)
            state.value = batch[-1][0]
            s.add(state)
        return len(batch), n_matches, n_new

    def _assign_event(self, s: Session, doc: Document, events: dict[str, AlertEventRow],
                      refs: dict[str, EventRef], known_event: str | None, now: datetime,
                      window: timedelta) -> tuple[AlertEventRow, bool]:
        """The event row `doc` belongs to (joining or founding one); True when founded."""
        if known_event is not None:  # a re-read document (batch replayed): never counted twice
            row = s.get(AlertEventRow, known_event)
            row.severity = worse(row.severity, doc.severity)
            return row, False
        event_id = match_event(doc, list(refs.values()), window=window)
        created = event_id is None
        if created:
            ref = new_event(doc, f"ev-{doc.id}")
            row = AlertEventRow(id=ref.id, title=doc.title or doc.text[:40], severity=doc.severity,
                                doc_count=1, opened_at=now, last_seen_at=now, closed=False,
                                ref=ref_to_json(ref))
            s.add(row)
            events[row.id] = row
        else:
            row = events[event_id]
            ref = add_to_event(refs[event_id], doc)
            row.ref = ref_to_json(ref)
            row.doc_count = ref.doc_count
            row.severity = worse(row.severity, doc.severity)
            row.last_seen_at = now
        refs[row.id] = ref
        s.add(AlertEventDocRow(doc_id=doc.id, event_id=row.id))
        return row, created

    def record_match(self, s: Session, match: Match, *, check: bool = True) -> int:
        """Store a match unless it is already stored (`check=False`: known to be new)."""
        if check and s.scalar(select(AlertMatchRow.id).where(
                AlertMatchRow.rule_id == match.rule_id, AlertMatchRow.event_id == match.event_id,
                AlertMatchRow.doc_id == (match.doc_id or ""))) is not None:
            return 0
        s.add(AlertMatchRow(rule_id=match.rule_id, event_id=match.event_id,
                            doc_id=match.doc_id or "", severity=match.severity,
                            matched_at=match.matched_at))
        return 1

    def add_alert(self, s: Session, rule_id: str, event_id: str, channel: str, kind: str,
                   message: AlertMessage, now: datetime) -> None:
        if self._rule_types.get(rule_id) in SILENCED_KINDS and self._silenced(s, rule_id, event_id, message, now):
            return
        # a paced channel's alert waits (held) for its quiet hours to end and its push interval
        # to run out; alerts.pacing releases it, alone or merged into one digest
        pacing = self.config.pacing.get(channel)
        status, due = ("pending", now) if pacing is None else (HELD, pacing.release_at(message.severity, now))
        s.add(AlertRow(id=message.alert_id, rule_id=rule_id, event_id=event_id, channel=channel,
                       kind=kind, severity=message.severity,
                       recipients=self._recipients(channel, rule_id, now),
                       message=_message_json(message), status=status, attempts=0,
                       created_at=now, next_try_at=due))

    def _silenced(self, s: Session, rule_id: str, event_id: str, message: AlertMessage, now: datetime) -> bool:
        """True (and logged) when an active silence (alerts.silences) holds this alert back."""
        silences = active_silences(s, now)
        if not silences:
            return False
        silence = silencing(silences, self.store.get_documents(list(message.doc_ids)), event_id)
        if silence is not None:
            self.silenced += 1
            log.info("alert of rule %s for event %s held back by silence %d (%s %s)",
                     rule_id, event_id, silence.id, silence.match, silence.value)
        return silence is not None

    def enabled(self, channels: Sequence[str]) -> list[str]:
        """Those of `channels` that are enabled (built) in this watch."""
        return [c for c in channels if c in self.channels]

    def _recipients(self, channel: str, rule_id: str, now: datetime) -> list[str]:
        """Who `channel` reaches for an alert queued at `now`: its fixed recipients plus the
        people of the roster roles it names who are on call now."""
        own = list(self.channels[channel].recipients())
        cfg, roster = self.config.channels.get(channel), self.config.roster
        roles = roster_roles(cfg) if cfg is not None else []
        if not roles or roster is None:
            return own
        staff = on_duty(roster, now, self.shifts)
        if CHANNEL_KINDS[cfg.type].contact == "email":
            people, missing = resolve(roster, staff, roles, own, "email")
        else:  # group robots: ("dingtalk", *mobiles to @-mention)
            mobiles, missing = resolve(roster, staff, roles, own[1:], "mobile")
            people = [own[0], *mobiles]
        if missing:
            self.roster_gaps += 1
            log.warning("alert for rule %s via %s: nobody on the roster as %s at %s; sent to %s",
                        rule_id, channel, "/".join(missing), now.isoformat(timespec="minutes"),
                        ", ".join(people) or "the channel itself")
        return people

    def console_link(self, by: str, key: str) -> str | None:
        """The console feed filtered to the surging key (read posts included)."""
        if not self.config.console_url:
            return None
        params = {"topic": key} if by == "topic" else {"source": key} if by == "source" else {}
        return f"{self.config.console_url.rstrip('/')}/?{urlencode({**params, 'status': 'all'})}"

    # -- escalation ---------------------------------------------------------------------------

    def _escalate(self, now: datetime) -> None:
        """Unacknowledged events climb the duty roster: level k is told once, when the first alert
        of the event has been out for escalation[k].after_minutes without an acknowledgement."""
        rules = {r.id: r for r in self._rules if getattr(r, "escalation", None)}
        if not rules:
            return
        horizon = now - timedelta(minutes=max(st.after_minutes for r in rules.values()
                                              for st in r.escalation) + 24 * 60)
        with write_session(self.store.engine) as s, s.begin():
            rows = s.scalars(select(AlertRow).where(AlertRow.rule_id.in_(rules),
                                                    AlertRow.created_at >= horizon)
                             .order_by(AlertRow.sent_at, AlertRow.id)).all()
            by_event: dict[tuple[str, str], list[AlertRow]] = {}
            for r in rows:
                by_event.setdefault((r.rule_id, r.event_id), []).append(r)
            for (rule_id, event_id), alerts in by_event.items():
                if any(a.acknowledged_at for a in alerts):
                    continue
                first = next((a for a in alerts if a.kind == "new" and a.sent_at), None)
                if first is None:
                    continue
                queued = {(a.channel, a.kind) for a in alerts}
                for level, stage in enumerate(rules[rule_id].escalation, 1):
                    if now - first.sent_at < timedelta(minutes=stage.after_minutes):
                        break
                    kind = f"escalate:{level}"
                    for channel in stage.channels:
                        if channel not in self.channels or (channel, kind) in queued:
                            continue
                        msg = _escalation_message(first.message, level, stage.after_minutes,
                                                  alert_id(rule_id, event_id, channel, kind))
                        self.add_alert(s, rule_id, event_id, channel, kind, msg, now)

    # -- delivery (alerts.delivery_queue: lease, capped back-off, one worker per channel) -------

    def deliver_due(self) -> tuple[int, int]:
        """Send every due alert now: (sent, failed). run_once calls it; the scheduler may also
        run it on its own, more often than the rules, to use a recovered channel sooner."""
        now = self.now()
        paced = {name: p for name, p in self.config.pacing.items() if name in self.channels}
        self._pace(paced, now, release=True)
        due = self.queue.due(now, AlertRow.channel)
        jobs = {name: ids for name, ids in due.items() if name in self.channels}  # others: disabled
        counts = self.queue.run(jobs, self._send)
        self._pace(paced, now, release=False)  # members of digests sent now: escalation counts from here
        return counts.sent, counts.failed

    def _pace(self, paced: Mapping, now: datetime, *, release: bool) -> None:
        """alerts.pacing's bookkeeping around a delivery pass. A failure (the database refusing
        writes) is logged once and retried next pass: it never stops rows already due."""
        try:
            if not self._unpaced_released:  # once per engine: rows held under an earlier alerts.yaml
                release_unpaced(self.store.engine, self.config.pacing, now)
                self._unpaced_released = True
            if paced:
                settle(self.store.engine)  # digests sent by an earlier pass (or a crashed watch)
                if release:
                    release_held(self.store.engine, paced, now)
        except Exception as e:
            if not self._pacing_failing:
                log.error("免打扰/推送间隔处理出错，暂存的预警下次再放行: %s", e)
            self._pacing_failing = True
            return
        self._pacing_failing = False

    def _send(self, alert_id: str) -> None:
        with Session(self.store.engine) as s:
            row = s.get(AlertRow, alert_id)
            name, data, recipients = row.channel, row.message, tuple(row.recipients)
        send_stored(self.channels[name], AlertMessage(**_message_args(data)), recipients)

    def cancel_alert(self, alert_id: str, by: str, reason: str = "") -> bool:
        """A person stops an undelivered alert (console 取消发送). False: sent, cancelled or unknown."""
        done = self.queue.cancel(alert_id, by, reason)
        if done:
            log.warning("预警 %s 已被 %s 取消发送: %s", alert_id, by, reason or "-")
        return done

    def retry_alert_now(self, alert_id: str) -> bool:
        """A person asks for another try now (a rejected alert after fixing the channel)."""
        return self.queue.retry_now(alert_id)

    def undelivered(self, *, limit: int = 100) -> list[Alert]:
        """Alerts not (yet) delivered, oldest first: queued, being sent, retrying, rejected."""
        with Session(self.store.engine) as s:
            q = (select(AlertRow).where(AlertRow.status.in_(UNDELIVERED))
                 .order_by(AlertRow.created_at, AlertRow.id).limit(limit))
            return [_alert(r) for r in s.scalars(q)]

    def held(self, *, limit: int = 200) -> list[HeldAlert]:
        """Alerts a paced channel holds on purpose (quiet hours, push interval), oldest first,
        with when and why each goes: listed beside undelivered(), never sent or changed here."""
        now = self.now()
        with Session(self.store.engine) as s:
            rows = s.scalars(select(AlertRow).where(AlertRow.status == HELD)
                             .order_by(AlertRow.created_at, AlertRow.id).limit(limit)).all()
            clocks = dict(s.execute(select(AlertPacingRow.channel, AlertPacingRow.next_push_at)).all())
            return [_held(r, *held_until(r.next_try_at or now, r.severity, self.config.pacing.get(r.channel),
                                         clocks.get(r.channel), now)) for r in rows]

    def delivery_state(self) -> DeliveryState:
        """Counts for the console header and `yqwatch sources`/status."""
        with Session(self.store.engine) as s:
            rows = s.execute(select(AlertRow.status, func.count(), func.min(AlertRow.created_at),
                                    func.max(AlertRow.attempts))
                             .where(AlertRow.status.in_(UNDELIVERED)).group_by(AlertRow.status)).all()
            held = s.scalar(select(func.count()).select_from(AlertRow).where(AlertRow.status == HELD))
        by = {st: n for st, n, _o, _a in rows}
        oldest = min((o for _s, _n, o, _a in rows if o is not None), default=None)
        return DeliveryState(
            undelivered=sum(by.values()), rejected=by.get(REJECTED, 0),
            retrying=by.get(FAILED, 0), oldest=oldest,
            struggling=any(a >= self.config.retry.max_attempts for _s, _n, _o, a in rows),
            unrecorded=self.queue.unrecorded(), held=held or 0)

    # -- crawl failures the database never saw (disk full) -------------------------------------

    def note_crawl_failure(self, source_id: str, reason: str) -> None:
        """The scheduler calls this when a crawl of `source_id` failed and its crawl record could
        not be written (e.g. storage:OperationalError on a full disk). The failure is logged once
        per streak, kept in memory (crawl_failures(), for the console and status) and counted by
        `source_broken` rules, whose alert is queued as soon as the database takes writes again."""
        now = self.now()
        with self._crawl_lock:
            prev = self._crawl_failures.get(source_id)
            self._crawl_failures[source_id] = CrawlFailure(
                source_id, (prev.count if prev else 0) + 1, prev.first_at if prev else now, now, reason[:200])
        if prev is None:
            log.error("采集失败且无法记录 %s: %s (健康状态已在内存中标记，数据库恢复后发出预警)", source_id, reason)

    def note_crawl_ok(self, source_id: str) -> None:
        """A crawl of `source_id` succeeded (and was recorded): its unrecorded streak is over."""
        with self._crawl_lock:
            if self._crawl_failures.pop(source_id, None) is not None:
                log.warning("采集恢复 %s", source_id)

    def crawl_failures(self) -> dict[str, CrawlFailure]:
        """Sources whose latest crawls failed without a record, by source id."""
        with self._crawl_lock:
            return dict(self._crawl_failures)

    def close(self) -> None:
        """Stop the delivery workers (a send in progress finishes within its channel timeout)."""
        self.queue.close()

    # -- queries for the console and the scheduler -------------------------------------------

    def alerts(self, *, event_id: str | None = None, limit: int = 100) -> list[Alert]:
        with Session(self.store.engine) as s:
            q = select(AlertRow).order_by(AlertRow.created_at.desc(), AlertRow.id).limit(limit)
            if event_id is not None:
                q = q.where(AlertRow.event_id == event_id)
            return [_alert(r) for r in s.scalars(q)]

    def acknowledge(self, event_id: str, by: str) -> int:
        """Staff saw the alerts of an event: returns how many alerts were acknowledged."""
        now = self.now()
        with write_session(self.store.engine) as s, s.begin():
            rows = s.scalars(select(AlertRow).where(AlertRow.event_id == event_id,
                                                    AlertRow.acknowledged_at.is_(None))).all()
            for r in rows:
                r.acknowledged_at, r.acknowledged_by = now, by
            return len(rows)


def _escalation_message(original: dict, level: int, after_minutes: float, aid: str) -> AlertMessage:
    """The first alert of the event again, headed by who has not reacted for how long."""
    note = f"【第{level}级提醒】该预警发出{after_minutes:g}分钟仍未确认"
    m = AlertMessage(**_message_args(original))
    return AlertMessage(
        subject=f"{note}：{m.subject}", text=f"{note}。\n{m.text}",
        html=m.html.replace("<body>", f"<body><p><strong>{note}。</strong></p>", 1),
        markdown=f"**{note}。**\n\n{m.markdown}", severity=m.severity, event_id=m.event_id,
        doc_ids=m.doc_ids, link=m.link, alert_id=aid)


def _message_json(m: AlertMessage) -> dict:
    data = asdict(m)
    data["doc_ids"] = list(m.doc_ids)
    return data


def _message_args(data: dict) -> dict:
    return {**data, "doc_ids": tuple(data.get("doc_ids", ()))}


def _held(r: AlertRow, goes_at: datetime, reason: str) -> HeldAlert:
    return HeldAlert(id=r.id, rule_id=r.rule_id, channel=r.channel, kind=r.kind, severity=r.severity,
                     title=(r.message or {}).get("subject", ""), created_at=r.created_at,
                     goes_at=goes_at, reason=reason)


def _alert(r: AlertRow) -> Alert:
    return Alert(id=r.id, rule_id=r.rule_id, event_id=r.event_id, channel=r.channel,
                 recipients=tuple(r.recipients), status=r.status, attempts=r.attempts,
                 created_at=r.created_at, kind=r.kind, sent_at=r.sent_at, last_error=r.last_error,
                 next_try_at=r.next_try_at, acknowledged_at=r.acknowledged_at,
                 acknowledged_by=r.acknowledged_by)
