"""`type: crawl_stalled`: the watchdog. When no crawl of any source has finished for `minutes`,
the supervisors are told once (【采集停止】), and once more (【采集恢复】) when crawls resume. A
crawl that finished but could not be recorded (AlertEngine.note_crawl_failure) still counts as
finished: that case is the source_broken rule's."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import Field
from sqlalchemy import func, select

from alerts.db import write_session
from alerts.health import SHANGHAI
from alerts.models import AlertMatchRow, AlertRow
from alerts.notices import render_notice
from alerts.registry import RULE_KINDS, RuleKind
from alerts.rules.common import alert_id
from alerts.schema import Strict
from alerts.types import Match

EVENT_PREFIX = "stall-"
STAMP = "%Y%m%d%H%M%S"
RECOVERED = "recovered"


class CrawlStalledRule(Strict):
    """Fires when no crawl has finished for `minutes` (counted from the watch's start at most)."""

    id: str
    name: str
    type: Literal["crawl_stalled"]
    enabled: bool = True
    minutes: float = Field(30.0, gt=0)
    channels: list[str] = Field(min_length=1)


def last_crawl(engine) -> datetime:
    """When the latest crawl finished, recorded or not; the watch's start if none since then."""
    runs = engine.store.crawl_runs(limit=1)
    times = [engine.started_at, *(r.finished_at for r in runs),
             *(f.last_at for f in engine.crawl_failures().values())]
    return max(times)


def _when(t: datetime) -> str:
    return f"{t.astimezone(SHANGHAI):%m-%d %H:%M}（北京时间）"


def on_run(engine, rules: list[CrawlStalledRule], now: datetime) -> None:
    last = last_crawl(engine)
    event_id = f"{EVENT_PREFIX}{last.astimezone(SHANGHAI):{STAMP}}"  # one event per stall
    with write_session(engine.store.engine) as s, s.begin():
        for rule in rules:
            if now - last >= timedelta(minutes=rule.minutes):
                if s.scalar(select(func.count()).select_from(AlertMatchRow).where(
                        AlertMatchRow.rule_id == rule.id, AlertMatchRow.event_id == event_id)):
                    continue
                engine.record_match(s, Match(rule.id, event_id, None, None, now))
                for channel in engine.enabled(rule.channels):
                    msg = render_notice(
                        "【采集停止】舆情值守已停止采集",
                        f"自 {_when(last)} 起已超过 {rule.minutes:g} 分钟没有完成任何采集，"
                        "请检查值守程序、网络与数据库。",
                        event_id=event_id, alert_id=alert_id(rule.id, event_id, channel, "new"))
                    engine.add_alert(s, rule.id, event_id, channel, "new", msg, now)
                continue
            # Crawling again: close the latest stall alerted, once.
            latest = s.scalar(select(func.max(AlertMatchRow.event_id)).where(
                AlertMatchRow.rule_id == rule.id, AlertMatchRow.event_id.startswith(EVENT_PREFIX)))
            if latest is None or latest == event_id or s.scalar(
                    select(func.count()).select_from(AlertRow).where(
                        AlertRow.rule_id == rule.id, AlertRow.event_id == latest, AlertRow.kind == RECOVERED)):
                continue
            for channel in engine.enabled(rule.channels):
                msg = render_notice("【采集恢复】舆情值守已恢复采集", f"{_when(last)} 已完成采集，值守恢复正常。",
                                    event_id=latest, alert_id=alert_id(rule.id, latest, channel, RECOVERED))
                engine.add_alert(s, rule.id, latest, channel, RECOVERED, msg, now)


RULE_KINDS.register("crawl_stalled", RuleKind("crawl_stalled", CrawlStalledRule, on_run=on_run))
