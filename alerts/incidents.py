"""Incidents: found -> assessed -> handling -> follow_up -> closed (发现/研判/处置/跟踪/办结), with an
audit row for every change (who, when, from, to, why) and per-department response statistics."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from alerts.db import write_session
from alerts.models import IncidentLogRow, IncidentRow
from alerts.types import Incident, IncidentLogEntry, IncidentState

S = IncidentState
# Any open state may be closed directly (a false alarm is 办结 after 研判); follow-up may fall
# back to handling when the story flares up again.
TRANSITIONS: dict[IncidentState, frozenset[IncidentState]] = {
    S.found: frozenset({S.assessed, S.closed}),
    S.assessed: frozenset({S.handling, S.closed}),
    S.handling: frozenset({S.follow_up, S.closed}),
    S.follow_up: frozenset({S.handling, S.closed}),
    S.closed: frozenset(),
}


class IncidentError(ValueError):
    """A transition the state machine does not allow, or an unknown incident (message in Chinese,
    shown to duty staff)."""


@dataclass(frozen=True, slots=True)
class DepartmentStats:
    department: str
    incidents: int
    closed: int
    mean_minutes_to_handling: float | None  # found -> handling: how fast the department acts
    mean_minutes_to_close: float | None


class IncidentBook:
    def __init__(self, engine: Engine, *, now: Callable[[], datetime]):
        self.engine = engine
        self.now = now

    def open(self, title: str, *, actor: str, event_id: str | None = None,
             severity: str | None = None, department: str | None = None, note: str = "") -> Incident:
        """A new incident in state found; for an event that already has one, that incident."""
        now = self.now()
        with write_session(self.engine) as s, s.begin():
            if event_id is not None:
                row = s.scalar(select(IncidentRow).where(IncidentRow.event_id == event_id))
                if row is not None:
                    return self._load(s, row)
            row = IncidentRow(event_id=event_id, title=title, state=S.found.value, severity=severity,
                              department=department, created_at=now, updated_at=now)
            s.add(row)
            s.flush()
            s.add(IncidentLogRow(incident_id=row.id, at=now, actor=actor, from_state=None,
                                 to_state=S.found.value, note=note))
            s.flush()
            return self._load(s, row)

    def transition(self, incident_id: int, to: IncidentState, *, actor: str, note: str = "",
                   department: str | None = None) -> Incident:
        now = self.now()
        with write_session(self.engine) as s, s.begin():
            row = s.get(IncidentRow, incident_id)
            if row is None:
                raise IncidentError(f"事件单 {incident_id} 不存在")
            current = S(row.state)
            if to not in TRANSITIONS[current]:
                raise IncidentError(f"不能从“{current.label}”转为“{to.label}”")
            row.state, row.updated_at = to.value, now
            if department is not None:
                row.department = department
            if to is S.closed:
                row.closed_at = now
            s.add(IncidentLogRow(incident_id=row.id, at=now, actor=actor, from_state=current.value,
                                 to_state=to.value, note=note))
            s.flush()
            return self._load(s, row)

    def get(self, incident_id: int) -> Incident | None:
        with Session(self.engine) as s:
            row = s.get(IncidentRow, incident_id)
            return self._load(s, row) if row is not None else None

    def list(self, *, state: IncidentState | None = None, limit: int = 100) -> list[Incident]:
        with Session(self.engine) as s:
            q = select(IncidentRow).order_by(IncidentRow.updated_at.desc(), IncidentRow.id.desc())
            if state is not None:
                q = q.where(IncidentRow.state == state.value)
            return [self._load(s, r) for r in s.scalars(q.limit(limit))]

    def department_stats(self) -> list[DepartmentStats]:
        """Per department (未指派 when none): counts and mean response times, from the audit log."""
        with Session(self.engine) as s:
            incidents = s.scalars(select(IncidentRow)).all()
            first_handling: dict[int, datetime] = {}
            for entry in s.scalars(select(IncidentLogRow).where(IncidentLogRow.to_state == S.handling.value)
                                   .order_by(IncidentLogRow.at)):
                first_handling.setdefault(entry.incident_id, entry.at)
        groups: dict[str, list[IncidentRow]] = {}
        for r in incidents:
            groups.setdefault(r.department or "未指派", []).append(r)

        def mean_minutes(pairs) -> float | None:
            spans = [(b - a).total_seconds() / 60 for a, b in pairs]
            return round(sum(spans) / len(spans), 1) if spans else None

        return [
            DepartmentStats(
                department=dept,
                incidents=len(rows),
                closed=sum(1 for r in rows if r.state == S.closed.value),
                mean_minutes_to_handling=mean_minutes(
                    (r.created_at, first_handling[r.id]) for r in rows if r.id in first_handling),
                mean_minutes_to_close=mean_minutes(
                    (r.created_at, r.closed_at) for r in rows if r.closed_at is not None),
            )
            for dept, rows in sorted(groups.items())
        ]

    @staticmethod
    def _load(s: Session, row: IncidentRow) -> Incident:
        log = s.scalars(select(IncidentLogRow).where(IncidentLogRow.incident_id == row.id)
                        .order_by(IncidentLogRow.at, IncidentLogRow.id))
        return Incident(
            id=row.id, event_id=row.event_id, title=row.title, state=S(row.state),
            severity=row.severity, department=row.department, created_at=row.created_at,
            updated_at=row.updated_at, closed_at=row.closed_at,
            log=tuple(IncidentLogEntry(at=e.at, actor=e.actor,
                                       from_state=S(e.from_state) if e.from_state else None,
                                       to_state=S(e.to_state), note=e.note) for e in log),
        )
