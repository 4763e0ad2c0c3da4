"""`type: heartbeat`: an optional daily 【值守日报】 at `at` (HH:MM, Beijing time) that proves the
watch is alive and sums up the last 24 hours (posts, relevant posts, alerts sent, sources healthy
or broken). Without it a silent watch and a dead one look the same to the supervisors.

Once per day per channel: the day's event id and the alert ids derived from it are deterministic
and the match row is checked first, so a restart never sends the day's message again. A watch
that was down at `at` sends it on its first run within `late_minutes`, not at midnight."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Literal

from pydantic import Field, field_validator
from sqlalchemy import func, select

from alerts.db import write_session
from alerts.health import SHANGHAI
from alerts.models import DIGEST_KIND, AlertMatchRow, AlertRow
from alerts.notices import render_notice
from alerts.registry import RULE_KINDS, RuleKind
from alerts.rules.common import alert_id
from alerts.rules.source_broken import outages
from alerts.schema import Strict
from alerts.types import Match

EVENT_PREFIX = "heartbeat-"
_HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class HeartbeatRule(Strict):
    id: str
    name: str
    type: Literal["heartbeat"]
    enabled: bool = True
    at: str = "08:00"  # Beijing time
    late_minutes: float = Field(180.0, gt=0)  # a watch started later than this skips the day
    channels: list[str] = Field(min_length=1)

    @field_validator("at")
    @classmethod
    def _hhmm(cls, v: str) -> str:
        if not _HHMM.match(v):
            raise ValueError(f"at must be HH:MM (24 h, Beijing time), not {v!r}")
        return v

    def due(self, now: datetime) -> datetime | None:
        """Today's send time if it has passed by less than `late_minutes`, else None."""
        local = now.astimezone(SHANGHAI)
        hh, mm = map(int, self.at.split(":"))
        at = datetime.combine(local.date(), time(hh, mm), tzinfo=SHANGHAI)
        return at if at <= local < at + timedelta(minutes=self.late_minutes) else None


def summary(engine, s, since: datetime, own_rules: set[str]) -> str:
    posts = engine.store.count_documents(since=since)
    relevant = engine.store.count_documents(relevant_only=True, since=since)
    sent = s.scalar(select(func.count()).select_from(AlertRow).where(
        AlertRow.status == "sent", AlertRow.sent_at >= since, AlertRow.rule_id.not_in(own_rules),
        AlertRow.kind != DIGEST_KIND))
    broken, healthy = outages(engine)
    names = [engine.source_names.get(src, src) for src in sorted(broken)]
    sources = f"信息源正常 {len(healthy)} 个，异常 {len(broken)} 个" + (f"（{'、'.join(names)}）" if names else "")
    return f"采集帖子 {posts} 条，其中相关 {relevant} 条；发出预警 {sent} 条；{sources}。"


def on_run(engine, rules: list[HeartbeatRule], now: datetime) -> None:
    since = now - timedelta(hours=24)
    with write_session(engine.store.engine) as s, s.begin():
        for rule in rules:
            at = rule.due(now)
            if at is None:
                continue
            event_id = f"{EVENT_PREFIX}{rule.id}-{at:%Y%m%d}"
            if s.scalar(select(func.count()).select_from(AlertMatchRow).where(
                    AlertMatchRow.rule_id == rule.id, AlertMatchRow.event_id == event_id)):
                continue
            engine.record_match(s, Match(rule.id, event_id, None, None, now))
            body = (f"过去24小时（{since.astimezone(SHANGHAI):%m-%d %H:%M} 至 "
                    f"{now.astimezone(SHANGHAI):%m-%d %H:%M}，北京时间）："
                    f"{summary(engine, s, since, {r.id for r in rules})}")
            for channel in engine.enabled(rule.channels):
                msg = render_notice(f"【值守日报】舆情值守运行中 {at:%m-%d}", body, event_id=event_id,
                                    alert_id=alert_id(rule.id, event_id, channel, "new"))
                engine.add_alert(s, rule.id, event_id, channel, "new", msg, now)


RULE_KINDS.register("heartbeat", RuleKind("heartbeat", HeartbeatRule, on_run=on_run))
