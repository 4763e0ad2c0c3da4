"""Persisted open events: analysis.events.EventRef <-> alert_events rows."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from alerts.models import AlertEventRow
from analysis.events import EventRef
from pipeline.types import SEVERITY_RANK


def ref_to_json(ref: EventRef) -> dict:
    return {
        "id": ref.id,
        "key_terms": sorted(ref.key_terms),
        "simhashes": list(ref.simhashes),
        "thread_urls": sorted(ref.thread_urls),
        "topic_ids": sorted(ref.topic_ids),
        "first_at": ref.first_at.isoformat(),
        "last_at": ref.last_at.isoformat(),
        "first_doc_id": ref.first_doc_id,
        "first_source": ref.first_source,
        "doc_count": ref.doc_count,
        "sources": sorted(ref.sources),
        "first_floor": ref.first_floor,
        "first_thread": ref.first_thread,
        "names": sorted(ref.names),
    }


def ref_from_json(data: dict) -> EventRef:
    return EventRef(
        id=data["id"],
        key_terms=frozenset(data["key_terms"]),
        simhashes=tuple(data["simhashes"]),
        thread_urls=frozenset(data["thread_urls"]),
        topic_ids=frozenset(data["topic_ids"]),
        first_at=datetime.fromisoformat(data["first_at"]),
        last_at=datetime.fromisoformat(data["last_at"]),
        first_doc_id=data["first_doc_id"],
        first_source=data["first_source"],
        doc_count=data["doc_count"],
        sources=frozenset(data["sources"]),
        first_floor=data.get("first_floor"),  # absent in rows written before it was kept
        first_thread=data.get("first_thread", ""),
        names=frozenset(data.get("names", ())),
    )


def worse(a: str | None, b: str | None) -> str | None:
    """The more severe of two grades."""
    if a is None or b is None:
        return a or b
    return a if SEVERITY_RANK[a] >= SEVERITY_RANK[b] else b


def close_stale(session: Session, now: datetime, window: timedelta) -> None:
    """Events quiet for longer than `window` stop collecting documents."""
    session.execute(update(AlertEventRow)
                    .where(AlertEventRow.closed.is_(False), AlertEventRow.last_seen_at < now - window)
                    .values(closed=True))


def open_events(session: Session) -> dict[str, AlertEventRow]:
    rows = session.scalars(select(AlertEventRow).where(AlertEventRow.closed.is_(False)))
    return {r.id: r for r in rows}
