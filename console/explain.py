"""Why a post has its grade, in the words of pipeline.severity, for the card's 定级依据 line.

The grade is recomputed step by step from what the Document keeps (topic grades, negativity,
replies, views); what the steps do not account for is the source's weight, named as such."""
from __future__ import annotations

from pipeline.severity import HOT_REPLIES, HOT_VIEWS
from pipeline.types import SEVERITY_RANK, Document

GRADE_SHORT = {"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝"}
_BY_RANK = {rank: grade for grade, rank in SEVERITY_RANK.items()}
_LOW, _HIGH = min(_BY_RANK), max(_BY_RANK)


def grade_reason(doc: Document) -> str | None:
    """E.g. "橙：话题「环境污染」定级橙；负面，维持橙" (None for an ungraded post)."""
    hits = [h for h in doc.topic_hits if h.severity in SEVERITY_RANK]
    if doc.severity not in SEVERITY_RANK or not hits:
        return None
    top = max(hits, key=lambda h: SEVERITY_RANK[h.severity])
    rank = SEVERITY_RANK[top.severity]
    steps = [f"话题「{top.name}」定级{GRADE_SHORT[top.severity]}"]
    if doc.negative:
        steps.append(f"负面，维持{GRADE_SHORT[_BY_RANK[rank]]}")
    else:
        rank = max(_LOW, rank - 1)
        steps.append(f"非负面，降为{GRADE_SHORT[_BY_RANK[rank]]}")
    replies, views = doc.replies or 0, doc.views or 0
    if replies >= HOT_REPLIES or views >= HOT_VIEWS:
        rank = min(_HIGH, rank + 1)
        heat = f"回复 {replies}" if replies >= HOT_REPLIES else f"浏览 {views}"
        steps.append(f"热帖（{heat}），升为{GRADE_SHORT[_BY_RANK[rank]]}")
    if _BY_RANK[rank] != doc.severity:
        steps.append(f"按信源权重调整为{GRADE_SHORT[doc.severity]}")
    return f"{GRADE_SHORT[doc.severity]}：" + "；".join(steps)
