"""The 红橙黄蓝 grade of one document: topic severity × negativity × heat × source weight.

Ranks: blue 1 < yellow 2 < orange 3 < red 4.

    no topic matched                  → None
    base  = the highest configured severity among the matched topics
    grade = base            if the post is negative
            base − 1        otherwise (a neutral or positive mention is less urgent)
    grade + 1  when the post is hot: replies ≥ HOT_REPLIES, or replies ≥ WARM_REPLIES on a source
               weighted ≥ HEAVY_SOURCE (a big local forum), or views ≥ HOT_VIEWS
    grade − 1  when the source weight < LIGHT_SOURCE (a marginal source)
    clamped to blue..red at each step.

A catch-all topic (本地动态, usually blue) therefore grades every local post at least blue.
Growth over time (a thread that doubles its replies in an hour) is judged across documents by the
alert rules, not here.
"""
from __future__ import annotations

from collections.abc import Iterable

from pipeline.types import SEVERITY_RANK, TopicHit

HOT_REPLIES = 50
WARM_REPLIES = 20
HOT_VIEWS = 10_000
HEAVY_SOURCE = 1.5
LIGHT_SOURCE = 0.5

_BY_RANK = {rank: grade for grade, rank in SEVERITY_RANK.items()}
_MIN, _MAX = min(_BY_RANK), max(_BY_RANK)


def grade(topic_hits: Iterable[TopicHit], *, negative: bool, replies: int | None = None,
          views: int | None = None, source_weight: float = 1.0) -> str | None:
    ranks = [SEVERITY_RANK[h.severity] for h in topic_hits if h.severity in SEVERITY_RANK]
    if not ranks:
        return None
    rank = max(ranks)
    if not negative:
        rank = max(_MIN, rank - 1)
    replies = replies or 0
    if (replies >= HOT_REPLIES or (replies >= WARM_REPLIES and source_weight >= HEAVY_SOURCE)
            or (views or 0) >= HOT_VIEWS):
        rank = min(_MAX, rank + 1)
    if source_weight < LIGHT_SOURCE:
        rank = max(_MIN, rank - 1)
    return _BY_RANK[rank]
