"""Triage of one post from the feed. The console acts only through storage (status) and alerts
(report selection, incidents), never on alert tables directly."""
from __future__ import annotations

from dataclasses import dataclass

from alerts.escape import one_line, truncate
from alerts.reports.issues import select_for_report

from .feed import STATUS_LABELS, STATUSES
from .queries import event_of_doc


class ActionError(Exception):
    """A request the console refuses; `status` is the HTTP status, the message is for staff."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class StatusResult:
    id: str
    status: str
    incident_id: int | None = None  # escalated: the incident the post opened (or joined)
    newly_selected: bool | None = None  # selected: False when it already was in today's report

    def to_json(self) -> dict:
        return {"id": self.id, "status": self.status, "status_label": STATUS_LABELS[self.status],
                "incident_id": self.incident_id, "newly_selected": self.newly_selected}


def set_doc_status(services, doc_id: str, status: str, actor: str) -> StatusResult:
    """Mark a post read / ignored / selected (入摘报) / escalated (升级为事件) / new again."""
    if status not in STATUSES:
        raise ActionError(f"未知状态：{truncate(one_line(status), 20)}")
    docs = services.store.get_documents([doc_id])
    if not docs:
        raise ActionError("帖子不存在", 404)
    doc = docs[0]
    now = services.now()
    incident_id = selected = None
    if status == "selected":
        selected = select_for_report(services.store.engine, doc.id, now.date(), by=actor, now=now)
    elif status == "escalated":
        event_id = event_of_doc(services.store.engine, doc.id)
        # One incident per alert event: escalating a second post of the story joins the first.
        # A post the rules job has not grouped yet opens its own, once.
        if event_id is None and services.store.statuses([doc.id]).get(doc.id) == "escalated":
            raise ActionError("该帖已升级为事件单", 409)
        source = services.source_names.get(doc.source_id, doc.source_id)
        title = one_line(doc.title) or truncate(one_line(doc.text), 40)
        incident = services.incidents.open(
            truncate(title, 200), actor=actor, event_id=event_id, severity=doc.severity,
            note=f"由帖子升级：{truncate(title, 80)}（{source}，{doc.url}）")
        incident_id = incident.id
    services.store.set_status([doc.id], status)
    return StatusResult(doc.id, status, incident_id, selected)
