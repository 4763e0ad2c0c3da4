"""Report statistics of a period, and the importance ranking duty staff see.

importance(doc, now) = 10·grade + negativity + heat + recency, where
  grade      = 4 red, 3 orange, 2 yellow, 1 blue, 0 none                    (steps of 10)
  negativity = 4 + 2·max(0, −sentiment) if doc.negative else 0                (0 or 4..6)
  heat       = 2.5·min(1, source_weight·ln(1 + replies + views/50) / ln(1001)) (0..2.5; ~1000
               replies saturate, a heavier source saturates sooner)
  recency    = 1·0.5^(age_hours / 12)                                          (0..1, 12 h half-life)
A grade step (10) outweighs everything else together (at most 9.5), and being negative (4)
outweighs heat and recency together (at most 3.5); within those levels, how negative, how hot
and how fresh a post is trade off in one comparable number.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pipeline.types import SEVERITIES, SEVERITY_RANK, Document

from analysis._docs import aware, doc_time, unique
from analysis.events import cluster

_GRADE_STEP = 10.0
_HEAT_MAX = 2.5
_HEAT_SATURATION = math.log(1001)
_RECENCY_HALF_LIFE = timedelta(hours=12)


@dataclass(frozen=True)
class PeriodStats:
    """Counts for a period. total, by_source and by_kind cover every document (crawl coverage);
    the rest cover relevant documents only. Documents without a category are not in by_category."""

    total: int
    relevant: int
    negative: int
    by_source: dict[str, int]
    by_topic: dict[str, int]
    by_category: dict[str, int]
    by_severity: dict[str, int]  # red → blue order, grades present only
    by_kind: dict[str, int]


def _ranked(counter: Counter[str]) -> dict[str, int]:
    """Most frequent first, ties by key, so reports list them in a stable order."""
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def period_stats(docs: Sequence[Document]) -> PeriodStats:
    docs = unique(docs)
    relevant = [d for d in docs if d.relevant]
    severity = Counter(d.severity for d in relevant if d.severity)
    return PeriodStats(
        total=len(docs),
        relevant=len(relevant),
        negative=sum(1 for d in relevant if d.negative),
        by_source=_ranked(Counter(d.source_id for d in docs)),
        by_topic=_ranked(Counter(t for d in relevant for t in set(d.topic_ids))),
        by_category=_ranked(Counter(d.category for d in relevant if d.category)),
        by_severity={s: severity[s] for s in SEVERITIES if severity[s]},
        by_kind=_ranked(Counter(d.kind for d in docs)),
    )


def importance(doc: Document, now: datetime) -> float:
    """The ranking score duty staff see (formula in the module docstring)."""
    grade = SEVERITY_RANK.get(doc.severity or "", 0)
    negativity = 4.0 + 2.0 * max(0.0, -doc.sentiment) if doc.negative else 0.0
    activity = (doc.replies or 0) + (doc.views or 0) / 50
    heat = _HEAT_MAX * min(1.0, max(0.0, doc.source_weight) * math.log1p(activity) / _HEAT_SATURATION)
    age = max(timedelta(0), aware(now) - doc_time(doc))
    recency = 0.5 ** (age / _RECENCY_HALF_LIFE)
    return _GRADE_STEP * grade + negativity + heat + recency


def top_documents(
    docs: Sequence[Document], n: int = 10, *, now: datetime | None = None
) -> list[Document]:
    """The `n` most important documents, one per event (so one per thread too): relevant ones
    first, then by importance, newest, id. `now` defaults to the newest document's time, so the
    ranking never reads the clock."""
    if n <= 0:
        return []
    return [doc for doc, _ in _story_picks(docs, now)[:n]]


@dataclass(frozen=True)
class ReportPick:
    """One item of a report: the document shown, and whether staff selected it (入摘报) or the
    ranking chose it."""

    doc: Document
    selected: bool


def report_picks(
    selected: Sequence[Document], pool: Sequence[Document], n: int = 10, *,
    now: datetime | None = None, max_selected: int | None = None,
) -> list[ReportPick]:
    """What a report of size `n` holds: the selected documents first, in the order given, then
    the most important documents of `pool` (top_documents' ranking) up to `n` items in all.

    A selection never shrinks the report: one pick still leaves n − 1 automatic items. An
    automatic item is never a story already present: events (analysis.events) are computed over
    pool and selection together, and an event holding a selected document gives no automatic
    item. More than `n` selections are all kept (staff asked for them), up to `max_selected`."""
    chosen = unique(selected)[:max_selected] if max_selected is not None else unique(selected)
    picks = [ReportPick(d, True) for d in chosen]
    room = n - len(picks)
    if room <= 0 or not pool:
        return picks
    taken = {d.id for d in chosen}
    for doc, members in _story_picks([*chosen, *pool], now):
        if len(picks) >= n:
            break
        if not members & taken:
            picks.append(ReportPick(doc, False))
    return picks


def _story_picks(docs: Sequence[Document], now: datetime | None) -> list[tuple[Document, frozenset[str]]]:
    """One (representative, member ids) per event, most important first (see top_documents)."""
    if not docs:
        return []
    by_id = {d.id: d for d in unique(docs)}
    ref_now = aware(now) if now is not None else max(doc_time(d) for d in by_id.values())

    def rank(d: Document) -> tuple:
        return (not d.relevant, -importance(d, ref_now), -doc_time(d).timestamp(), d.id)

    picks = []
    for c in cluster(list(by_id.values())):
        group = [by_id[i] for i in c.doc_ids]
        best = min(group, key=rank)
        picks.append((rank(best), _representative(best, group), frozenset(c.doc_ids)))
    picks.sort(key=lambda p: p[0])
    return [(doc, members) for _, doc, members in picks]


def _representative(best: Document, group: Sequence[Document]) -> Document:
    """What a report shows for a group: the thread's opening post when it is as severe as the
    group's most important post (a reader wants the story, not reply #37), else that post."""
    grade = SEVERITY_RANK.get(best.severity or "", 0)
    openers = [d for d in group if d.thread_url == best.thread_url and d.floor in (None, 1)
               and SEVERITY_RANK.get(d.severity or "", 0) >= grade]
    return openers[0] if openers else best

