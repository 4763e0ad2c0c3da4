"""Why a post has its 红橙黄蓝 grade, in words a supervisor reads: which topic and words matched,
the grade the topic's rule gives, and each step pipeline.severity took from there.

It replays pipeline.severity.grade with the same thresholds (imported, not copied), so the story
it tells is the one the pipeline followed; the alert e-mail and the console can both show it."""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.severity import HEAVY_SOURCE, HOT_REPLIES, HOT_VIEWS, LIGHT_SOURCE, WARM_REPLIES
from pipeline.types import SEVERITY_LABELS, SEVERITY_RANK, Document

_BY_RANK = {rank: grade for grade, rank in SEVERITY_RANK.items()}
_MIN, _MAX = min(_BY_RANK), max(_BY_RANK)


@dataclass(frozen=True, slots=True)
class TopicReason:
    """A matched topic: its name, the words that matched, and the grade its rule gives."""

    name: str
    words: tuple[str, ...]
    grade: str | None  # the topic's configured severity


@dataclass(frozen=True, slots=True)
class GradeReason:
    topics: tuple[TopicReason, ...]
    steps: tuple[str, ...]  # from the topic's grade to the post's, one sentence each

    def topic_line(self, *, words: bool = True) -> str:
        """“环境污染”（命中：偷排、发臭）；…, or 无; `words=False` leaves the matched words out."""
        parts = [f"“{t.name}”" + (f"（命中：{'、'.join(t.words)}）" if words and t.words else "")
                 for t in self.topics]
        return "；".join(parts) or "无"

    def grade_line(self) -> str:
        return "；".join(self.steps) + "。" if self.steps else "未定级。"


def _label(rank: int) -> str:
    return SEVERITY_LABELS[_BY_RANK[rank]]


def grade_reason(doc: Document) -> GradeReason:
    topics = tuple(TopicReason(h.name or h.topic_id, tuple(h.words), h.severity) for h in doc.topic_hits)
    graded = [t for t in topics if t.grade in SEVERITY_RANK]
    if not graded:
        return GradeReason(topics, ())
    top = max(graded, key=lambda t: SEVERITY_RANK[t.grade])
    rank = SEVERITY_RANK[top.grade]
    steps = [f"话题“{top.name}”按规则定为{_label(rank)}"]
    if doc.negative:
        steps.append("帖子倾向负面，维持该级")
    else:
        rank = max(_MIN, rank - 1)
        steps.append(f"帖子倾向非负面，降为{_label(rank)}")
    replies, views = doc.replies or 0, doc.views or 0
    if replies >= HOT_REPLIES or (replies >= WARM_REPLIES and doc.source_weight >= HEAVY_SOURCE):
        rank = min(_MAX, rank + 1)
        heavy = "（重点信源）" if replies < HOT_REPLIES else ""
        steps.append(f"回复{replies}条{heavy}，热度高，升为{_label(rank)}")
    elif views >= HOT_VIEWS:
        rank = min(_MAX, rank + 1)
        steps.append(f"浏览{views}次，热度高，升为{_label(rank)}")
    if doc.source_weight < LIGHT_SOURCE:
        rank = max(_MIN, rank - 1)
        steps.append(f"信源权重低，降为{_label(rank)}")
    return GradeReason(topics, tuple(steps))
