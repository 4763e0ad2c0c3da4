"""Volumes per key (topic, source, ...) per hour, and spike scores for the alert stage.

spike_score(current, baseline) = (current − mean) / max(std, √mean, 1)
  mean and std (population) are over the baseline windows' counts. The √mean floor is the
  Poisson spread of a count with that mean, so a perfectly steady baseline (std 0) does not make
  every extra post a huge spike; the floor of 1 does the same for an empty baseline.
  A score of 3 reads as "three typical deviations above normal".
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pipeline.types import Document

from analysis._docs import SHANGHAI, aware, doc_time, hour_floor, hour_range, unique

KeyFn = Callable[[Document], Iterable[str]]


def by_topic(doc: Document) -> Iterable[str]:
    return doc.topic_ids


def by_source(doc: Document) -> Iterable[str]:
    return (doc.source_id,)


def volume_by_hour(
    docs: Sequence[Document], *, key: KeyFn = by_topic, tz: ZoneInfo = SHANGHAI
) -> dict[str, list[tuple[datetime, int]]]:
    """Documents per key per local hour. Every key's series spans the same hours (the first to the
    last hour with any document), zero-filled, so series line up in one chart. A document counts
    once per key it yields; documents yielding no key are not counted."""
    counts: dict[str, dict[datetime, int]] = defaultdict(lambda: defaultdict(int))
    hours_seen: set[datetime] = set()
    for doc in unique(docs):
        keys = set(key(doc))
        if not keys:
            continue
        hour = hour_floor(doc_time(doc), tz)
        hours_seen.add(hour)
        for k in keys:
            counts[k][hour] += 1
    if not hours_seen:
        return {}
    hours = hour_range(min(hours_seen), max(hours_seen), tz)
    return {k: [(h, series.get(h, 0)) for h in hours] for k, series in sorted(counts.items())}


def spike_score(current: int, baseline_counts: Sequence[int]) -> float:
    """How far `current` is above the baseline windows' counts (formula in the module docstring)."""
    if not baseline_counts:
        return float(current)
    mean = sum(baseline_counts) / len(baseline_counts)
    std = math.sqrt(sum((c - mean) ** 2 for c in baseline_counts) / len(baseline_counts))
    return (current - mean) / max(std, math.sqrt(mean), 1.0)


@dataclass(frozen=True)
class Spike:
    key: str
    current: int
    baseline_mean: float
    score: float


def spikes(
    docs: Sequence[Document],
    *,
    now: datetime,
    current: timedelta = timedelta(hours=1),
    baseline: timedelta = timedelta(hours=12),
    min_count: int = 5,
    key: KeyFn = by_topic,
) -> list[Spike]:
    """Spike scores of every key with at least `min_count` documents in [now − current, now),
    against the baseline windows before it: [now − current − baseline, now − current) cut into
    windows of length `current` (Meltwater-style 1 h vs the 12 h before). Strongest first; the
    caller applies its own score threshold. Documents at or after `now` are ignored."""
    if current <= timedelta(0) or baseline < current:
        raise ValueError("spikes: need 0 < current <= baseline")
    n_windows = baseline // current
    now = aware(now)
    start = now - current * (n_windows + 1)
    per_key: dict[str, list[int]] = defaultdict(lambda: [0] * (n_windows + 1))
    for doc in unique(docs):
        t = doc_time(doc)
        if not start <= t < now:
            continue
        slot = (t - start) // current  # 0..n_windows-1 baseline, n_windows current
        for k in set(key(doc)):
            per_key[k][slot] += 1
    found = []
    for k, counts in per_key.items():
        cur = counts[-1]
        if cur < min_count:
            continue
        base = counts[:-1]
        found.append(Spike(k, cur, sum(base) / n_windows, spike_score(cur, base)))
    found.sort(key=lambda s: (-s.score, s.key))
    return found
