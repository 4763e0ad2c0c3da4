"""`type: source_broken`: one alert per outage of a source (its last `consecutive` crawls failed or
came back empty), and one 【采集恢复】 notice when that source crawls fine again.

Outages come from two places: the crawl runs in the database, and the crawl failures the watch
could not record (the database refusing writes, e.g. a full disk), which the engine keeps in
memory (AlertEngine.note_crawl_failure). The alert for the latter is queued as soon as the
database takes writes again."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field
from sqlalchemy import func, select

from alerts.db import write_session
from alerts.health import SHANGHAI, source_health
from alerts.models import AlertMatchRow, AlertRow
from alerts.notices import render_notice
from alerts.registry import RULE_KINDS, RuleKind
from alerts.render import AlertContext, render_source_alert
from alerts.rules.common import alert_id
from alerts.schema import Strict
from alerts.types import Match

EVENT_PREFIX = "src-"
RECOVERED = "recovered"


class SourceBrokenRule(Strict):
    """Fires when a source's last `consecutive` crawl runs all failed or came back empty."""

    id: str
    name: str
    type: Literal["source_broken"]
    enabled: bool = True
    consecutive: int = Field(3, ge=1)
    channels: list[str] = Field(min_length=1)


def outage_event_id(source_id: str, started: datetime) -> str:
    """One event per outage: it starts at the first bad run of the streak."""
    return f"{EVENT_PREFIX}{source_id}-{started.astimezone(SHANGHAI):%Y%m%d%H%M%S}"


def outages(engine) -> tuple[dict[str, tuple[int, datetime, str]], set[str]]:
    """Per broken source: (bad streak, when it began, what went wrong); and the healthy sources."""
    by_source: dict[str, list] = {}
    for run in engine.store.crawl_runs(limit=1000):
        by_source.setdefault(run.source_id, []).append(run)
    broken, healthy = {}, set()
    for source_id, runs in by_source.items():
        h = source_health(source_id, runs)
        if h.broken:
            broken[source_id] = (h.bad_streak, h.streak_started, h.detail)
        elif h.status == "ok":
            healthy.add(source_id)
    # Failures the database never saw: newer than anything recorded, so they decide the state.
    for source_id, f in engine.crawl_failures().items():
        last = by_source.get(source_id, [None])[0]
        if last is not None and last.started_at >= f.first_at:
            continue  # recorded after all (the database came back): the runs speak
        healthy.discard(source_id)
        broken[source_id] = (f.count, f.first_at, f"连续{f.count}次采集结果无法写入数据库: {f.reason}")
    return broken, healthy


def on_run(engine, rules: list[SourceBrokenRule], now: datetime) -> None:
    broken, healthy = outages(engine)
    with write_session(engine.store.engine) as s, s.begin():
        for rule in rules:
            for source_id, (bad_streak, started, detail) in broken.items():
                if bad_streak < rule.consecutive:
                    continue
                event_id = outage_event_id(source_id, started)
                if s.scalar(select(func.count()).select_from(AlertMatchRow).where(
                        AlertMatchRow.rule_id == rule.id, AlertMatchRow.event_id == event_id)):
                    continue
                engine.record_match(s, Match(rule.id, event_id, None, None, now))
                for channel in engine.enabled(rule.channels):
                    aid = alert_id(rule.id, event_id, channel, "new")
                    ctx = AlertContext(alert_id=aid, event_id=event_id, severity=None, event_doc_count=0,
                                       console_url=engine.config.console_url)
                    msg = render_source_alert(source_id, engine.source_names.get(source_id), detail, ctx)
                    engine.add_alert(s, rule.id, event_id, channel, "new", msg, now)
            _recoveries(engine, s, rule, healthy, now)


def _recoveries(engine, s, rule: SourceBrokenRule, healthy: set[str], now: datetime) -> None:
    """A 【采集恢复】 notice, once, for the latest alerted outage of each source now healthy."""
    if not healthy:
        return
    latest: dict[str, str] = {}
    for event_id in s.scalars(select(AlertMatchRow.event_id).where(
            AlertMatchRow.rule_id == rule.id, AlertMatchRow.event_id.startswith(EVENT_PREFIX))):
        source_id = event_id[len(EVENT_PREFIX):].rsplit("-", 1)[0]
        if source_id in healthy:
            latest[source_id] = max(latest.get(source_id, ""), event_id)
    for source_id, event_id in latest.items():
        if s.scalar(select(func.count()).select_from(AlertRow).where(
                AlertRow.rule_id == rule.id, AlertRow.event_id == event_id, AlertRow.kind == RECOVERED)):
            continue
        name = engine.source_names.get(source_id) or source_id
        for channel in engine.enabled(rule.channels):
            aid = alert_id(rule.id, event_id, channel, RECOVERED)
            msg = render_notice(f"【采集恢复】{name}",
                                f"信息源“{name}”已恢复正常采集（{now.astimezone(SHANGHAI):%m-%d %H:%M}，北京时间）。",
                                event_id=event_id, alert_id=aid)
            engine.add_alert(s, rule.id, event_id, channel, RECOVERED, msg, now)


RULE_KINDS.register("source_broken", RuleKind("source_broken", SourceBrokenRule, on_run=on_run))
