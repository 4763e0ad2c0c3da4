"""Volume-spike rules (`type: spike`): which keys surge now, and the surge episodes that keep
one surge to one alert.

A key is a topic id, a source id, or "" (all relevant posts of the locality). It spikes when its
posts in the last window number at least `min_posts` and score at least `min_score` against the
baseline windows before it (analysis.volume.spike_score). A surge is one EPISODE: it opens on
the first spike, with an event id made of the rule, the key and the window start (so its alert
rows are unique like any event's); it stays open while the key keeps spiking and closes when a
run finds it quiet a whole window after its last spike (or, after a long outage of the rules
job, once the last spike has left the baseline span). While open it sends ONE 持续升温 follow-up,
when the window count reaches twice the count of the first alert. Episodes are persisted
(engine: kv rows written in the transaction that writes their alerts), so a restart neither
repeats nor loses one.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from analysis.volume import spike_score
from pipeline.config import TZ as SHANGHAI
from pipeline.types import SEVERITY_RANK, Document

if TYPE_CHECKING:  # alerts.rules.spike imports this module
    from alerts.rules.spike import SpikeRule

# alerts.yaml `by` -> storage.Store.window_counts grouping
GROUPING = {"topic": "topic", "source": "source", "locality": "all"}
EPISODE_PREFIX = "alerts.spike:"


@dataclass(frozen=True, slots=True)
class Surge:
    """One key's volume at evaluation time."""

    key: str
    count: int  # posts in the current window
    baseline_per_hour: float  # mean of the baseline windows, per hour
    score: float


@dataclass(frozen=True, slots=True)
class Episode:
    key: str
    event_id: str
    first_count: int  # the window count the first alert reported
    last_spike_at: datetime
    followed_up: bool = False
    closed: bool = False

    def to_json(self) -> dict:
        return {"key": self.key, "event_id": self.event_id, "first_count": self.first_count,
                "last_spike_at": self.last_spike_at.isoformat(), "followed_up": self.followed_up,
                "closed": self.closed}

    @classmethod
    def from_json(cls, data: Mapping) -> Episode:
        return cls(data["key"], data["event_id"], data["first_count"],
                   datetime.fromisoformat(data["last_spike_at"]), data["followed_up"], data["closed"])


def surges(rule: SpikeRule, counts: Mapping[str, Sequence[int]]) -> dict[str, Surge]:
    """`counts`: per key, the baseline windows' counts followed by the current window's."""
    per_hour = 60 / rule.window_minutes
    out = {}
    for key, series in counts.items():
        base, cur = list(series[:-1]), series[-1]
        mean = sum(base) / len(base)
        out[key] = Surge(key, cur, mean * per_hour, spike_score(cur, base))
    return out


def is_spike(rule: SpikeRule, surge: Surge | None) -> bool:
    return surge is not None and surge.count >= rule.min_posts and surge.score >= rule.min_score


def step(rule: SpikeRule, key: str, surge: Surge | None, episode: Episode | None,
         now: datetime) -> tuple[Episode | None, str | None]:
    """The key's episode after this run, and the alert kind it calls for ("new", "followup")."""
    window = timedelta(minutes=rule.window_minutes)
    hot = is_spike(rule, surge)
    if episode is not None and not episode.closed:
        quiet = now - episode.last_spike_at
        # A run that was down during the surge continues it; a spike beyond the baseline span
        # cannot be the same surge (it would be part of the baseline by now).
        if (not hot and quiet >= window) or quiet >= window * (rule.baseline_windows + 1):
            episode = replace(episode, closed=True)
    if episode is None or episode.closed:
        if not hot:
            return episode, None
        return Episode(key, event_id(rule.id, key, now - window), surge.count, now), "new"
    if hot:
        episode = replace(episode, last_spike_at=now)
    if surge is not None and not episode.followed_up and surge.count >= 2 * episode.first_count:
        return replace(episode, followed_up=True), "followup"
    return episode, None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def event_id(rule_id: str, key: str, window_start: datetime) -> str:
    """Readable when it fits the 64-character event id columns, else a digest of rule and key."""
    start = window_start.astimezone(SHANGHAI).strftime("%Y%m%d%H%M")
    readable = f"spike-{rule_id}-{key or 'all'}-{start}"
    return readable if len(readable) <= 64 else f"spike-{_digest(rule_id + chr(31) + key)}-{start}"


def episode_key(rule_id: str, key: str) -> str:
    """The kv row holding the rule's episode for `key` (KvRow.key holds 200 characters)."""
    readable = f"{EPISODE_PREFIX}{rule_id}:{key}"
    return readable if len(readable) <= 200 else f"{EPISODE_PREFIX}{rule_id}:#{_digest(key)}"


def in_key(by: str, key: str, doc: Document) -> bool:
    if by == "topic":
        return key in doc.topic_ids
    if by == "source":
        return doc.source_id == key
    return True


def top_posts(docs: Sequence[Document], by: str, key: str, n: int = 3) -> list[Document]:
    """The posts of `key` a supervisor should open first: worst grade, then most replies, then
    most negative, then newest."""
    mine = [d for d in docs if in_key(by, key, d)]
    mine.sort(key=lambda d: (-SEVERITY_RANK.get(d.severity or "", 0), -(d.replies or 0),
                             d.sentiment, -(d.published_at or d.fetched_at).timestamp(), d.id))
    return mine[:n]


def topic_name(docs: Sequence[Document], topic_id: str) -> str:
    """A topic's display name, as the matching stage recorded it on its posts."""
    return next((h.name for d in docs for h in d.topic_hits if h.topic_id == topic_id and h.name),
                topic_id)
