"""Triage from the feed: a thread card's posts (or one post) at once. The console acts only through
storage (status) and alerts (report selection, incidents), never on alert tables directly."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from alerts.escape import one_line, truncate
from alerts.reports.issues import select_for_report
from analysis.stats import importance

from .feed import STATUS_LABELS, STATUSES, opening_post, worst_grade
from .queries import main_event

MAX_IDS = 1000  # one card's posts in view; a 64 KiB body holds about 2000 ids


class ActionError(Exception):
    """A request the console refuses; `status` is the HTTP status, the message is for staff."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class StatusResult:
    ids: tuple[str, ...]  # the posts whose status was set
    status: str
    lead: str  # the post that went into the report / named the incident (else the first id)
    incident_id: int | None = None  # escalated: the incident the group opened (or joined)
    newly_selected: bool | None = None  # selected: False when it already was in today's report

    def to_json(self) -> dict:
        return {"id": self.lead, "ids": list(self.ids), "status": self.status,
                "status_label": STATUS_LABELS[self.status], "incident_id": self.incident_id,
                "newly_selected": self.newly_selected}


def clean_ids(value: object) -> list[str]:
    """Post ids from a request: a list of strings (or one string), deduplicated, in order."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    if not all(isinstance(i, str) for i in items):
        raise ActionError("ids 应为帖子编号列表")
    ids = list(dict.fromkeys(i.strip()[:64] for i in items if i.strip()))
    if not ids:
        raise ActionError("未指定帖子")
    if len(ids) > MAX_IDS:
        raise ActionError(f"一次最多处理 {MAX_IDS} 条帖子")
    return ids


def set_status(services, ids: Sequence[str], status: str, actor: str,
               lead: str | None = None) -> StatusResult:
    """Mark posts read / ignored / selected (入摘报) / escalated (升级为事件) / new again.

    入摘报 and 升级 take one thread's posts: `lead` (default: the opening post among them, else
    the most important) is what goes into today's report and names the incident; it is marked
    too. Unknown ids refuse the whole request."""
    if status not in STATUSES:
        raise ActionError(f"未知状态：{truncate(one_line(status), 20)}")
    wanted = list(dict.fromkeys([*ids, *([lead] if lead else [])]))
    docs = services.store.get_documents(wanted)
    if len(docs) < len(wanted):
        raise ActionError("帖子不存在", 404)
    now = services.now()
    targets = list(ids)
    head = next((d for d in docs if d.id == lead), None)
    incident_id = selected = None
    if status in ("selected", "escalated"):
        if len({d.thread_url for d in docs}) > 1:
            raise ActionError("入摘报、升级为事件只能针对同一主题帖")
        head = head or opening_post(docs) or max(docs, key=lambda d: importance(d, now))
        if status == "selected":
            selected = select_for_report(services.store.engine, head.id, now.date(), by=actor, now=now)
            targets = list(dict.fromkeys([*targets, head.id]))
        else:
            incident_id = _escalate(services, docs, head, actor)
    services.store.set_status(targets, status)
    return StatusResult(tuple(targets), status, (head or docs[0]).id, incident_id, selected)


def _escalate(services, docs, head, actor: str) -> int:
    """One incident per alert event: escalating another thread of the story joins the first.
    Posts the rules job has not grouped yet open their own incident, once."""
    ids = [d.id for d in docs]
    event_id = main_event(services.reads.events_of_docs(ids), [head.id, *ids])
    if event_id is None and set(services.store.statuses(ids).values()) == {"escalated"}:
        raise ActionError("该帖已升级为事件单", 409)
    source = services.source_names.get(head.source_id, head.source_id)
    title = one_line(head.title) or truncate(one_line(head.text), 40)
    more = f"，同帖 {len(docs)} 条" if len(docs) > 1 else ""
    incident = services.incidents.open(
        truncate(title, 200), actor=actor, event_id=event_id, severity=worst_grade(d.severity for d in docs),
        note=f"由帖子升级：{truncate(title, 80)}（{source}，{head.thread_url}{more}）")
    return incident.id
