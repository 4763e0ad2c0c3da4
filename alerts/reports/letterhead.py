"""What turns a report into a 公文: the 红头 (issuing line), who compiles it, the 报送/抄送 lines of
its 版记 (watch.yaml `reports:`), and, per item of the 摘报, the handling state of its incident and
the 研判 / 处置建议 lines duty staff would otherwise write by hand."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from alerts.models import AlertEventDocRow, IncidentRow
from alerts.types import IncidentState


@dataclass(frozen=True, slots=True)
class Letterhead:
    issuer: str  # the red issuing line, e.g. 青溪市网络舆情信息
    compiled_by: str  # 编发单位
    submit_to: tuple[str, ...] = ()  # 报送
    copy_to: tuple[str, ...] = ()  # 抄送


def letterhead(locality: str, *, issuer: str = "", compiled_by: str = "",
               submit_to: Sequence[str] = (), copy_to: Sequence[str] = ()) -> Letterhead:
    """The letterhead of `locality`'s watch; empty fields take the office's usual wording."""
    return Letterhead(issuer=issuer or f"{locality}网络舆情信息",
                      compiled_by=compiled_by or f"{locality}网络舆情值守组",
                      submit_to=tuple(submit_to), copy_to=tuple(copy_to))


NOT_OPENED = "未立单"  # no incident was opened for the post's event


def handling_states(engine: Engine, doc_ids: Sequence[str]) -> dict[str, str]:
    """Each post's incident state label (发现/研判/处置/跟踪/办结) via its event; NOT_OPENED when
    its event has no incident (or the post joined no event)."""
    if not doc_ids:
        return {}
    with Session(engine) as s:
        rows = s.execute(select(AlertEventDocRow.doc_id, IncidentRow.state)
                         .join(IncidentRow, IncidentRow.event_id == AlertEventDocRow.event_id)
                         .where(AlertEventDocRow.doc_id.in_(list(doc_ids)))).all()
    found = {doc_id: IncidentState(state).label for doc_id, state in rows}
    return {d: found.get(d, NOT_OPENED) for d in doc_ids}


_REACH = {"red": "已形成较大传播风险", "orange": "存在进一步发酵可能", "yellow": "目前关注度一般",
          "blue": "影响范围有限"}


def assessment(*, grade: str | None, negative: bool, replies: int | None, views: int | None,
               category: str | None) -> str:
    """One 研判 sentence from what the pipeline measured: grade, tendency, attention."""
    parts = [f"该信息属{category}类" if category else "该信息未归类",
             "情绪倾向负面" if negative else "情绪倾向总体平稳"]
    attention = [f"回复{replies}条" if replies else "", f"浏览{views}次" if views else ""]
    if any(attention):
        parts.append("、".join(a for a in attention if a))
    parts.append(_REACH.get(grade or "", "暂未定级，需人工研判"))
    return "，".join(parts) + "。"


def advice(grade: str | None, state: str) -> str:
    """One 处置建议 sentence by grade, acknowledging what handling has already done."""
    if state == IncidentState.closed.label:
        return "已办结，建议持续关注有无反弹。"
    if state in (IncidentState.handling.label, IncidentState.follow_up.label):
        return "正在处置，建议责任部门及时反馈进展，适时发布权威信息。"
    if grade == "red":
        return "建议立即报告分管领导，协调属地和责任部门核实处置，统一口径回应关切。"
    if grade == "orange":
        return "建议转责任部门核实情况，跟踪舆情走势，必要时予以回应。"
    return "建议持续关注，发现升温及时报告。"
