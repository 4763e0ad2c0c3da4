"""Which threads the deletion/edit re-check reads: those of events graded at or above a grade whose
last post is recent, and of every event with an open incident (an office still handling a story
wants to know when its posts vanish)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.models import AlertEventDocRow, AlertEventRow, IncidentRow
from alerts.types import IncidentState
from pipeline.types import SEVERITY_RANK


def watched_threads(store, *, min_grade: str, since: datetime) -> dict[str, list[str]]:
    """source id → canonical thread URLs (sorted), for the re-check subprocesses."""
    grades = [g for g, rank in SEVERITY_RANK.items() if rank >= SEVERITY_RANK[min_grade]]
    with Session(store.engine) as s:
        graded = select(AlertEventRow.id).where(AlertEventRow.severity.in_(grades),
                                                AlertEventRow.last_seen_at >= since)
        handled = select(IncidentRow.event_id).where(IncidentRow.event_id.is_not(None),
                                                     IncidentRow.state != IncidentState.closed.value)
        doc_ids = list(s.scalars(select(AlertEventDocRow.doc_id).where(
            AlertEventDocRow.event_id.in_(graded) | AlertEventDocRow.event_id.in_(handled))))
    out: dict[str, set[str]] = {}
    for d in store.get_documents(doc_ids):
        out.setdefault(d.source_id, set()).add(d.thread_url)
    return {k: sorted(v) for k, v in sorted(out.items())}
