"""`type: spike`: a topic, a source or the whole locality whose relevant posts surge against their
own baseline (alerts.spike has the arithmetic): one alert per surge and channel, at most one
持续升温 follow-up; the episode state is committed with its alerts."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.db import write_session
from alerts.registry import RULE_KINDS, RuleKind
from alerts.render import AlertContext, PostRef, SpikeFacts, render_spike_alert
from alerts.rules.common import alert_id
from alerts.schema import EscalationStep, Strict
from alerts.spike import (EPISODE_PREFIX, GROUPING, Episode, Surge, episode_key, step, surges, top_posts,
                          topic_name)
from alerts.types import Match
from pipeline.types import Document
from storage.models import KvRow


MAX_BASELINE_WINDOWS = 336  # e.g. two weeks of hours: bounds the per-run count query


class SpikeRule(Strict):
    """Fires when the relevant posts about one key (a topic, a source, or the whole locality) in
    the last `window_minutes` surge above the `baseline_hours` before them, cut into windows of the
    same length: once per surge, plus one 持续升温 follow-up if the count doubles (alerts.spike).
    Topic ids are not checked here: they live in topics.yaml."""

    id: str
    name: str
    type: Literal["spike"]
    enabled: bool = True
    window_minutes: int = Field(60, ge=1, le=24 * 60)
    baseline_hours: float = Field(12.0, gt=0)
    min_posts: int = Field(10, ge=1)  # never fire below this many posts in the window
    min_score: float = Field(3.0, gt=0)  # analysis.volume.spike_score threshold
    by: Literal["topic", "locality", "source"] = "topic"
    topics: list[str] = []  # by: topic only; empty: every topic
    channels: list[str] = Field(min_length=1)
    escalation: list[EscalationStep] = []

    @field_validator("baseline_hours")
    @classmethod
    def _whole_windows(cls, hours: float, info: ValidationInfo) -> float:
        window = info.data.get("window_minutes")
        if window is None:  # window_minutes already failed; that error is reported
            return hours
        n = hours * 60 / window
        if n < 1 - 1e-9 or abs(n - round(n)) > 1e-9:
            raise ValueError(f"must be a whole number (at least 1) of {window}-minute windows")
        if round(n) > MAX_BASELINE_WINDOWS:
            raise ValueError(f"spans {round(n)} windows; at most {MAX_BASELINE_WINDOWS}")
        return hours

    @field_validator("topics")
    @classmethod
    def _topics_need_by_topic(cls, topics: list[str], info: ValidationInfo) -> list[str]:
        if topics and info.data.get("by", "topic") != "topic":
            raise ValueError("a topics filter needs by: topic")
        return topics

    @property
    def baseline_windows(self) -> int:
        return round(self.baseline_hours * 60 / self.window_minutes)


def on_run(engine, rules: list[SpikeRule], now: datetime) -> None:
    for rule in rules:
        window = timedelta(minutes=rule.window_minutes)
        n = rule.baseline_windows + 1
        counts = engine.store.window_counts(now - window * n, window, n, by=GROUPING[rule.by],
                                            keys=rule.topics)
        stats = surges(rule, counts)
        prefix = f"{EPISODE_PREFIX}{rule.id}:"
        with Session(engine.store.engine) as s:
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
        docs = engine.store.documents_between(now - window, now) if any(c[2] for c in changes) else []
        with write_session(engine.store.engine) as s, s.begin():
            for row_key, episode, kind, surge in changes:
                s.merge(KvRow(key=row_key, value=episode.to_json()))
                if kind is not None:
                    _queue_alerts(engine, s, rule, episode, kind, surge, docs, now)


def _queue_alerts(engine, s: Session, rule: SpikeRule, episode: Episode, kind: str,
                  surge: Surge, docs: list[Document], now: datetime) -> None:
    if kind == "new":
        engine.record_match(s, Match(rule.id, episode.event_id, None, None, now))
    key = episode.key
    if rule.by == "topic":
        label = topic_name(docs, key)
    elif rule.by == "source":
        label = engine.source_names.get(key, key)
    else:
        label = engine.locality_name or "本地"
    facts = SpikeFacts(rule_name=rule.name, by=rule.by, label=label,
                       window_minutes=rule.window_minutes, baseline_hours=rule.baseline_hours,
                       count=surge.count, baseline_per_hour=surge.baseline_per_hour,
                       score=surge.score, min_score=rule.min_score,
                       first_count=episode.first_count if kind == "followup" else None,
                       console_link=engine.console_link(rule.by, key))
    posts = [PostRef(d.id, d.title or d.text[:40], engine.source_names.get(d.source_id, d.source_id),
                     d.url) for d in top_posts(docs, rule.by, key)]
    for channel in engine.enabled(rule.channels):
        aid = alert_id(rule.id, episode.event_id, channel, kind)
        ctx = AlertContext(alert_id=aid, event_id=episode.event_id, severity=None,
                           event_doc_count=surge.count, console_url=engine.config.console_url,
                           rule_name=rule.name)
        engine.add_alert(s, rule.id, episode.event_id, channel, kind,
                         render_spike_alert(facts, posts, ctx), now)


RULE_KINDS.register("spike", RuleKind("spike", SpikeRule, on_run=on_run))
