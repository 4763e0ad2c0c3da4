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
- Volume spikes (`type: spike`, alerts.spike): each run counts the relevant posts per key per
  window in one query; a surge is an event of its own (one "new" alert per channel, at most one
  "followup" when it doubles), its episode state committed with its alerts.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.channels.base import Channel, send_stored
from alerts.config import (AlertsConfig, EmailChannelConfig, NewHitRule, SourceBrokenRule, SpikeRule,
                           roster_roles)
from alerts.db import write_session
from alerts.delivery_queue import FAILED, REJECTED, UNDELIVERED, DeliveryQueue, RetryPolicy
from alerts.health import source_health
from alerts.events import close_stale, open_events, ref_from_json, ref_to_json, worse
from alerts.models import AlertEventDocRow, AlertEventRow, AlertMatchRow, AlertRow
from alerts.roster import DEFAULT_SHIFTS, on_duty, resolve
from alerts.render import (SHANGHAI, AlertContext, PostRef, SpikeFacts, render_doc_alert,
                           render_source_alert, render_spike_alert)
from alerts.spike import (EPISODE_PREFIX, GROUPING, Episode, Surge, episode_key, step, surges,
                          top_posts, topic_name)
from alerts.types import Alert, AlertMessage, Match
from analysis.events import EventRef, add_to_event, match_event, new_event
from pipeline.types import SEVERITY_RANK, Document, severity_at_least
from storage.models import KvRow

log = logging.getLogger(__name__)

CURSOR_KEY = "alerts.cursor"
BATCH = 500


@dataclass(frozen=True, slots=True)
class DeliveryState:
    """Alerts not delivered yet, for the console and `yqwatch sources`."""

    undelivered: int  # queued, being sent, retrying or rejected
    rejected: int  # refused for good by the receiver: a person must retry or cancel
    retrying: int  # failed at least once, due again
    oldest: datetime | None  # when the oldest undelivered alert was queued
    struggling: bool  # one has failed retry.max_attempts times or more (still retried)
    unrecorded: int  # sent, but the database has not taken the result yet


@dataclass(frozen=True, slots=True)
class RunSummary:
    documents_seen: int = 0
    matches: int = 0
    events_new: int = 0
    alerts_sent: int = 0
    alerts_failed: int = 0


def alert_id(rule_id: str, event_id: str, channel: str, kind: str) -> str:
    """Deterministic, so a rebuilt database still yields the same Message-ID for an alert."""
    key = f"{rule_id}\x1f{event_id}\x1f{channel}\x1f{kind}".encode("utf-8")
    return hashlib.sha256(key).hexdigest()[:32]


def rule_matches(rule: NewHitRule, doc: Document) -> bool:
    if not (doc.relevant and severity_at_least(doc.severity, rule.min_severity)):
        return False
    if rule.negative_only and not doc.negative:
        return False
    if rule.topics and not set(rule.topics) & set(doc.topic_ids):
        return False
    return not rule.sources or doc.source_id in rule.sources


class AlertEngine:
    def __init__(self, store, config: AlertsConfig, channels: Mapping[str, Channel], *,
                 now: Callable[[], datetime], source_names: Mapping[str, str] | None = None,
                 locality_name: str | None = None, batch_size: int = BATCH,
                 shifts: Sequence[str] = DEFAULT_SHIFTS, delivery_wait: float | None = 20.0):
        self.store = store
        self.config = config
        self.channels = dict(channels)
        self.now = now
        self.source_names = dict(source_names or {})
        self.locality_name = locality_name  # names locality-wide surges (topics.yaml locality.name)
        self.batch_size = batch_size
        self.shifts = tuple(shifts)  # watch.yaml 交接班 times: the roster's shift boundaries
        self.roster_gaps = 0  # alerts queued for a roster role nobody filled (sent to the fallback)
        self._rules = [r for r in config.rules if r.enabled]
        self.queue = DeliveryQueue(store.engine, AlertRow, policy=RetryPolicy.from_config(config.retry),
                                   now=now, label="预警", wait_seconds=delivery_wait)

    # -- the job ------------------------------------------------------------------------------

    def run_once(self) -> RunSummary:
        now = self.now()
        seen = matches = events_new = 0
        while True:
            n, m, e = self._process_batch(now)
            seen, matches, events_new = seen + n, matches + m, events_new + e
            if n < self.batch_size:
                break
        self._check_sources(now)
        self._check_spikes(now)
        self._escalate(now)
        sent, failed = self.deliver_due()
        return RunSummary(seen, matches, events_new, sent, failed)

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
                for rule in self._rules:
                    if isinstance(rule, NewHitRule) and rule_matches(rule, doc):
                        match = Match(rule.id, row.id, doc.id, doc.severity, now)
                        n_matches += self._record_match(s, match, check=doc.id in known)
                        self._queue_doc_alerts(s, rule, doc, row, graded, now)
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

    def _record_match(self, s: Session, match: Match, *, check: bool = True) -> int:
        """Store a match unless it is already stored (`check=False`: known to be new)."""
        if check and s.scalar(select(AlertMatchRow.id).where(
                AlertMatchRow.rule_id == match.rule_id, AlertMatchRow.event_id == match.event_id,
                AlertMatchRow.doc_id == (match.doc_id or ""))) is not None:
            return 0
        s.add(AlertMatchRow(rule_id=match.rule_id, event_id=match.event_id,
                            doc_id=match.doc_id or "", severity=match.severity,
                            matched_at=match.matched_at))
        return 1

    def _queue_doc_alerts(self, s: Session, rule: NewHitRule, doc: Document, event: AlertEventRow,
                          graded: dict[tuple[str, str, str], int], now: datetime) -> None:
        rank = SEVERITY_RANK[doc.severity]
        for channel in rule.channels:
            if channel not in self.channels:  # disabled in alerts.yaml
                continue
            key = (rule.id, event.id, channel)
            if key not in graded:  # -1: nothing alerted yet for this rule, event and channel
                prior = s.scalars(select(AlertRow.severity).where(
                    AlertRow.rule_id == rule.id, AlertRow.event_id == event.id,
                    AlertRow.channel == channel, AlertRow.kind.not_like("escalate:%"))).all()
                graded[key] = max((SEVERITY_RANK.get(p or "", 0) for p in prior), default=-1)
            if rank <= graded[key]:
                continue
            kind = "new" if graded[key] < 0 else f"upgrade:{doc.severity}"
            graded[key] = rank
            aid = alert_id(rule.id, event.id, channel, kind)
            ctx = AlertContext(alert_id=aid, event_id=event.id, severity=doc.severity,
                               event_doc_count=event.doc_count, upgrade=kind != "new",
                               source_name=self.source_names.get(doc.source_id))
            self._add_alert(s, rule.id, event.id, channel, kind, render_doc_alert(doc, ctx), now)

    def _add_alert(self, s: Session, rule_id: str, event_id: str, channel: str, kind: str,
                   message: AlertMessage, now: datetime) -> None:
        s.add(AlertRow(id=message.alert_id, rule_id=rule_id, event_id=event_id, channel=channel,
                       kind=kind, severity=message.severity,
                       recipients=self._recipients(channel, rule_id, now),
                       message=_message_json(message), status="pending", attempts=0,
                       created_at=now, next_try_at=now))

    def _recipients(self, channel: str, rule_id: str, now: datetime) -> list[str]:
        """Who `channel` reaches for an alert queued at `now`: its fixed recipients plus the
        people of the roster roles it names who are on call now."""
        own = list(self.channels[channel].recipients())
        cfg, roster = self.config.channels.get(channel), self.config.roster
        roles = roster_roles(cfg) if cfg is not None else []
        if not roles or roster is None:
            return own
        staff = on_duty(roster, now, self.shifts)
        if isinstance(cfg, EmailChannelConfig):
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

    # -- sources ------------------------------------------------------------------------------

    def _check_sources(self, now: datetime) -> None:
        rules = [r for r in self._rules if isinstance(r, SourceBrokenRule)]
        if not rules:
            return
        health = _source_health(self.store)
        with write_session(self.store.engine) as s, s.begin():
            for rule in rules:
                for source_id, (bad_streak, first_bad_id, detail) in health.items():
                    if bad_streak < rule.consecutive:
                        continue
                    # One event per outage: it starts at the first bad run of the streak.
                    event_id = f"src-{source_id}-{first_bad_id}"
                    if s.scalar(select(func.count()).select_from(AlertMatchRow).where(
                            AlertMatchRow.rule_id == rule.id, AlertMatchRow.event_id == event_id)):
                        continue
                    self._record_match(s, Match(rule.id, event_id, None, None, now))
                    for channel in rule.channels:
                        if channel not in self.channels:
                            continue
                        aid = alert_id(rule.id, event_id, channel, "new")
                        ctx = AlertContext(alert_id=aid, event_id=event_id, severity=None,
                                           event_doc_count=0)
                        msg = render_source_alert(source_id, self.source_names.get(source_id),
                                                  detail, ctx)
                        self._add_alert(s, rule.id, event_id, channel, "new", msg, now)

    # -- volume spikes ------------------------------------------------------------------------

    def _check_spikes(self, now: datetime) -> None:
        for rule in self._rules:
            if not isinstance(rule, SpikeRule):
                continue
            window = timedelta(minutes=rule.window_minutes)
            n = rule.baseline_windows + 1
            counts = self.store.window_counts(now - window * n, window, n, by=GROUPING[rule.by],
                                              keys=rule.topics)
            stats = surges(rule, counts)
            prefix = f"{EPISODE_PREFIX}{rule.id}:"
            with Session(self.store.engine) as s:
                rows = s.scalars(select(KvRow).where(KvRow.key.startswith(prefix, autoescape=True)))
                # The prefix also matches rule "a:b" when this is rule "a": keep our own rows.
                episodes = {r.value["key"]: (r.key, Episode.from_json(r.value)) for r in rows
                            if r.key == episode_key(rule.id, r.value["key"])}
            changes = []
            for key in sorted(set(stats) | set(episodes)):
                row_key, old = episodes.get(key, (episode_key(rule.id, key), None))
                new, kind = step(rule, key, stats.get(key), old, now)
                if new != old:
                    changes.append((row_key, new, kind, stats.get(key)))
            if not changes:
                continue
            # Only a firing surge needs its posts: the current window's, read once per rule.
            docs = self.store.documents_between(now - window, now) if any(c[2] for c in changes) else []
            with write_session(self.store.engine) as s, s.begin():
                for row_key, episode, kind, surge in changes:
                    s.merge(KvRow(key=row_key, value=episode.to_json()))
                    if kind is not None:
                        self._queue_spike_alerts(s, rule, episode, kind, surge, docs, now)

    def _queue_spike_alerts(self, s: Session, rule: SpikeRule, episode: Episode, kind: str,
                            surge: Surge, docs: list[Document], now: datetime) -> None:
        if kind == "new":
            self._record_match(s, Match(rule.id, episode.event_id, None, None, now))
        key = episode.key
        if rule.by == "topic":
            label = topic_name(docs, key)
        elif rule.by == "source":
            label = self.source_names.get(key, key)
        else:
            label = self.locality_name or "本地"
        facts = SpikeFacts(rule_name=rule.name, by=rule.by, label=label,
                           window_minutes=rule.window_minutes, baseline_hours=rule.baseline_hours,
                           count=surge.count, baseline_per_hour=surge.baseline_per_hour,
                           score=surge.score, min_score=rule.min_score,
                           first_count=episode.first_count if kind == "followup" else None,
                           console_link=self._console_link(rule.by, key))
        posts = [PostRef(d.id, d.title or d.text[:40], self.source_names.get(d.source_id, d.source_id),
                         d.url) for d in top_posts(docs, rule.by, key)]
        for channel in rule.channels:
            if channel not in self.channels:
                continue
            aid = alert_id(rule.id, episode.event_id, channel, kind)
            ctx = AlertContext(alert_id=aid, event_id=episode.event_id, severity=None,
                               event_doc_count=surge.count)
            self._add_alert(s, rule.id, episode.event_id, channel, kind,
                            render_spike_alert(facts, posts, ctx), now)

    def _console_link(self, by: str, key: str) -> str | None:
        """The console feed filtered to the surging key (read posts included)."""
        if not self.config.console_url:
            return None
        params = {"topic": key} if by == "topic" else {"source": key} if by == "source" else {}
        return f"{self.config.console_url.rstrip('/')}/?{urlencode({**params, 'status': 'all'})}"

    # -- escalation ---------------------------------------------------------------------------

    def _escalate(self, now: datetime) -> None:
        """Unacknowledged events climb the duty roster: level k is told once, when the first alert
        of the event has been out for escalation[k].after_minutes without an acknowledgement."""
        rules = {r.id: r for r in self._rules
                 if isinstance(r, (NewHitRule, SpikeRule)) and r.escalation}
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
                        self._add_alert(s, rule_id, event_id, channel, kind, msg, now)

    # -- delivery (alerts.delivery_queue: lease, capped back-off, one worker per channel) -------

    def deliver_due(self) -> tuple[int, int]:
        """Send every due alert now: (sent, failed). run_once calls it; the scheduler may also
        run it on its own, more often than the rules, to use a recovered channel sooner."""
        due = self.queue.due(self.now(), AlertRow.channel)
        jobs = {name: ids for name, ids in due.items() if name in self.channels}  # others: disabled
        counts = self.queue.run(jobs, self._send)
        return counts.sent, counts.failed

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

    def delivery_state(self) -> DeliveryState:
        """Counts for the console header and `yqwatch sources`/status."""
        with Session(self.store.engine) as s:
            rows = s.execute(select(AlertRow.status, func.count(), func.min(AlertRow.created_at),
                                    func.max(AlertRow.attempts))
                             .where(AlertRow.status.in_(UNDELIVERED)).group_by(AlertRow.status)).all()
        by = {st: n for st, n, _o, _a in rows}
        oldest = min((o for _s, _n, o, _a in rows if o is not None), default=None)
        return DeliveryState(
            undelivered=sum(by.values()), rejected=by.get(REJECTED, 0),
            retrying=by.get(FAILED, 0), oldest=oldest,
            struggling=any(a >= self.config.retry.max_attempts for _s, _n, _o, a in rows),
            unrecorded=self.queue.unrecorded())

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


def _source_health(store) -> dict[str, tuple[int, str, str]]:
    """Per unhealthy source: (length of its current bad streak, when it began, what went wrong)."""
    by_source: dict[str, list] = {}
    for run in store.crawl_runs(limit=1000):
        by_source.setdefault(run.source_id, []).append(run)
    out = {}
    for source_id, runs in by_source.items():
        h = source_health(source_id, runs)
        if h.broken:
            out[source_id] = (h.bad_streak, h.streak_started.astimezone(SHANGHAI).strftime("%Y%m%d%H%M%S"),
                              h.detail)
    return out


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


def _alert(r: AlertRow) -> Alert:
    return Alert(id=r.id, rule_id=r.rule_id, event_id=r.event_id, channel=r.channel,
                 recipients=tuple(r.recipients), status=r.status, attempts=r.attempts,
                 created_at=r.created_at, kind=r.kind, sent_at=r.sent_at, last_error=r.last_error,
                 next_try_at=r.next_try_at, acknowledged_at=r.acknowledged_at,
                 acknowledged_by=r.acknowledged_by)
