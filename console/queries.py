"""What the console reads about alert events and the ingest sequence: the `WatchReads` interface,
and `SqlWatchReads`, its stand-in until Store and AlertEngine offer these reads themselves.

The console's handlers go through `ConsoleServices.reads` only, so they never see an ORM row;
SqlWatchReads is the one console module that reads another package's tables (read-only: the alert
stage's events and alerts, the documents' ingest sequence). Moving a method to its owner (e.g.
Store.max_seq(), AlertEngine.open_events()) is a change of who implements WatchReads, nothing more."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from alerts.models import AlertEventDocRow, AlertEventRow, AlertRow
from storage.models import DocumentRow


@dataclass(frozen=True)
class EventView:
    """An alert-stage event as the console shows it."""

    id: str
    title: str
    severity: str | None
    doc_count: int
    opened_at: datetime
    last_seen_at: datetime
    closed: bool
    first_doc_id: str | None  # the first poster (溯源)
    first_source: str | None
    first_at: datetime | None
    sources: tuple[str, ...]  # every source the story reached
    thread_count: int  # threads (forum/Tieba threads, articles) it spans; the alert stage keeps 50

    @property
    def spread(self) -> bool:
        """The story reached more than one thread or site."""
        return len(self.sources) > 1 or self.thread_count > 1


def _view(r: AlertEventRow) -> EventView:
    ref = r.ref or {}
    first_at = ref.get("first_at")
    return EventView(id=r.id, title=r.title, severity=r.severity, doc_count=r.doc_count,
                     opened_at=r.opened_at, last_seen_at=r.last_seen_at, closed=bool(r.closed),
                     first_doc_id=ref.get("first_doc_id"), first_source=ref.get("first_source"),
                     first_at=datetime.fromisoformat(first_at) if first_at else None,
                     sources=tuple(sorted(ref.get("sources", ()))),
                     thread_count=len(ref.get("thread_urls", ())))


def _chunks(ids: list[str], n: int = 500):
    for i in range(0, len(ids), n):
        yield ids[i:i + n]


def _rows(engine: Engine, q):
    with engine.connect() as c:
        return c.execute(q).all()




@dataclass(frozen=True, slots=True)
class SurgeView:
    """A volume surge (a spike rule's event): it has alerts but no grouped posts."""

    event_id: str
    subject: str  # the first alert's subject, as sent
    severity: str | None
    first_at: datetime
    sent: int
    pending: int
    failed: int
    acknowledged_by: str | None
    acknowledged_at: datetime | None










def main_event(doc_events: Mapping[str, str], ids: Sequence[str]) -> str | None:
    """The event most of `ids` joined (a tie goes to the event of the earliest listed post):
    a thread's replies can drift into neighbouring stories, the thread belongs to one."""
    counts = Counter(doc_events[i] for i in ids if i in doc_events)
    if not counts:
        return None
    best = max(counts.values())
    return next(doc_events[i] for i in ids if counts.get(doc_events.get(i, ""), 0) == best)


class WatchReads(Protocol):
    """The reads the console needs besides Store's document API and AlertEngine.alerts()."""

    def latest_seq(self) -> int: ...

    def open_events(self, limit: int = 100) -> list[EventView]: ...

    def get_event(self, event_id: str) -> EventView | None: ...

    def events_by_id(self, ids: Iterable[str]) -> dict[str, EventView]: ...

    def events_of_docs(self, doc_ids: Iterable[str]) -> dict[str, str]: ...

    def event_doc_ids(self, event_id: str, limit: int = 50) -> list[str]: ...

    def recent_surges(self, since: datetime, limit: int = 50) -> list[SurgeView]: ...


class SqlWatchReads:
    """WatchReads straight from the tables (read-only)."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def open_events(self, limit: int = 100) -> list[EventView]:
        """Open events, most recently active first."""
        t = AlertEventRow.__table__
        q = (select(t).where(t.c.closed.is_(False))
             .order_by(t.c.last_seen_at.desc(), t.c.id).limit(limit))
        return [_view(r) for r in _rows(self.engine, q)]

    def recent_surges(self, since: datetime, limit: int = 50) -> list[SurgeView]:
        """Surge events with an alert created since `since`, newest first."""
        t = AlertRow.__table__
        ids = select(t.c.event_id).where(t.c.event_id.like("spike-%"), t.c.created_at >= since) \
            .group_by(t.c.event_id).order_by(func.max(t.c.created_at).desc()).limit(limit)
        order = [r.event_id for r in _rows(self.engine, ids)]
        by_event: dict[str, list] = {}
        for chunk in _chunks(order):
            for r in _rows(self.engine, select(t).where(t.c.event_id.in_(chunk)).order_by(t.c.created_at, t.c.id)):
                by_event.setdefault(r.event_id, []).append(r)
        out = []
        for eid in order:
            rows = by_event[eid]
            acked = next((r for r in rows if r.acknowledged_at), None)
            status = Counter(r.status for r in rows)
            out.append(SurgeView(eid, rows[0].message.get("subject", eid), rows[0].severity, rows[0].created_at,
                                 status["sent"], status["pending"] + status["sending"],
                                 status["failed"] + status["rejected"],
                                 acked.acknowledged_by if acked else None, acked.acknowledged_at if acked else None))
        return out

    def get_event(self, event_id: str) -> EventView | None:
        t = AlertEventRow.__table__
        rows = _rows(self.engine, select(t).where(t.c.id == event_id))
        return _view(rows[0]) if rows else None

    def events_by_id(self, ids: Iterable[str]) -> dict[str, EventView]:
        t = AlertEventRow.__table__
        out: dict[str, EventView] = {}
        for chunk in _chunks(sorted(set(ids))):
            out.update((r.id, _view(r)) for r in _rows(self.engine, select(t).where(t.c.id.in_(chunk))))
        return out

    def events_of_docs(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """doc id -> the event it joined, for the posts the rules job has grouped."""
        t = AlertEventDocRow.__table__
        out: dict[str, str] = {}
        for chunk in _chunks(sorted(set(doc_ids))):
            q = select(t.c.doc_id, t.c.event_id).where(t.c.doc_id.in_(chunk))
            out.update((r.doc_id, r.event_id) for r in _rows(self.engine, q))
        return out

    def event_doc_ids(self, event_id: str, limit: int = 50) -> list[str]:
        t = AlertEventDocRow.__table__
        return [r.doc_id for r in _rows(self.engine, select(t.c.doc_id).where(t.c.event_id == event_id)
                                        .order_by(t.c.doc_id).limit(limit))]

    def latest_seq(self) -> int:
        """The ingest sequence number of the newest document (0 when there is none)."""
        return _rows(self.engine, select(func.coalesce(func.max(DocumentRow.__table__.c.seq), 0)))[0][0]

