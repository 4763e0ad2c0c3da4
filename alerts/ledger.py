"""舆情台账: the incidents and graded events of a date range, one row each, in the columns duty
offices keep, plus per-department response statistics (回复率, 按时率, 满意率).

Derived from what the watch already records: 回复时间 is the incident's first move to 处置 (or a
direct 办结, e.g. a false alarm), 处置措施 the notes written on those transitions, 是否超时 the
reply against a per-grade deadline (config/ledger.yaml), 满意度 the latest rating (alerts.feedback)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.feedback import SATISFIED, latest_ratings
from alerts.incidents import IncidentBook
from alerts.models import AlertEventDocRow, AlertEventRow, IncidentRow
from alerts.types import Incident, IncidentState
from analysis.events import post_order
from pipeline.config import load_yaml
from pipeline.types import SEVERITY_LABELS, Document

UNASSIGNED = "未指派"
# States whose transition note says what was done (处置措施); 研判 notes are assessments.
_MEASURE_STATES = (IncidentState.handling, IncidentState.follow_up, IncidentState.closed)
_REPLY_STATES = (IncidentState.handling, IncidentState.closed)


class ResponseHours(BaseModel):
    """Hours from discovery to the first reply (处置 or 办结), per grade."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    red: float = Field(2, gt=0)
    orange: float = Field(6, gt=0)
    yellow: float = Field(24, gt=0)
    blue: float = Field(48, gt=0)
    ungraded: float = Field(48, gt=0)

    def for_grade(self, grade: str | None) -> timedelta:
        return timedelta(hours=getattr(self, grade or "ungraded"))


class LedgerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    response_hours: ResponseHours = ResponseHours()


def load_ledger_config(cfg_dir: Path) -> LedgerConfig:
    """config/ledger.yaml, optional: without it the default deadlines apply."""
    return load_yaml(Path(cfg_dir) / "ledger.yaml", LedgerConfig, required=False)


@dataclass(frozen=True, slots=True)
class LedgerRow:
    found_at: datetime           # 发现时间
    source: str                  # 来源
    title: str                   # 标题
    link: str                    # 链接
    grade: str                   # 等级
    category: str                # 类别
    department: str              # 处置部门
    measures: str                # 处置措施
    replied_at: datetime | None  # 回复时间
    closed_at: datetime | None   # 办结时间
    overdue: bool | None         # 是否超时 (None: no incident, nothing was due)
    satisfaction: str            # 满意度
    incident_id: int | None
    event_id: str | None


@dataclass(frozen=True, slots=True)
class DepartmentLedgerStats:
    department: str
    incidents: int
    replied: int
    on_time: int
    due: int        # replied, or past the deadline unreplied: what 按时率 is measured over
    closed: int
    rated: int
    satisfied: int
    mean_hours_to_reply: float | None

    @staticmethod
    def _rate(n: int, d: int) -> float | None:
        return round(n / d, 4) if d else None

    @property
    def reply_rate(self) -> float | None:
        return self._rate(self.replied, self.incidents)

    @property
    def on_time_rate(self) -> float | None:
        return self._rate(self.on_time, self.due)

    @property
    def close_rate(self) -> float | None:
        return self._rate(self.closed, self.incidents)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._rate(self.satisfied, self.rated)


@dataclass(frozen=True, slots=True)
class Ledger:
    start: datetime
    end: datetime
    rows: tuple[LedgerRow, ...]
    departments: tuple[DepartmentLedgerStats, ...]  # the last one is 合计


def _first(entries, states) -> datetime | None:
    return next((e.at for e in entries if e.to_state in states), None)


def _measures(incident: Incident) -> str:
    return "；".join(f"{e.to_state.label}: {e.note.strip()}" for e in incident.log
                    if e.to_state in _MEASURE_STATES and e.note.strip())


def _event_documents(store, event_ids: Sequence[str]) -> dict[str, list[Document]]:
    if not event_ids:
        return {}
    with Session(store.engine) as s:
        pairs = s.execute(select(AlertEventDocRow.event_id, AlertEventDocRow.doc_id)
                          .where(AlertEventDocRow.event_id.in_(list(event_ids)))).all()
    docs = {d.id: d for d in store.get_documents([doc_id for _, doc_id in pairs])}
    out: dict[str, list[Document]] = {}
    for event_id, doc_id in pairs:
        if doc_id in docs:
            out.setdefault(event_id, []).append(docs[doc_id])
    return {k: sorted(v, key=post_order) for k, v in out.items()}


def _category(docs: Sequence[Document]) -> str:
    cats = [d.category for d in docs if d.category]
    return max(dict.fromkeys(cats), key=cats.count) if cats else ""


def build_ledger(store, book: IncidentBook, *, start: datetime, end: datetime, now: datetime,
                 config: LedgerConfig = LedgerConfig(),
                 source_names: Mapping[str, str] | None = None) -> Ledger:
    """Incidents created and graded events opened in [start, end), in discovery order; events
    that became an incident appear once, as the incident."""
    names = dict(source_names or {})
    with Session(store.engine) as s:
        incident_ids = list(s.scalars(select(IncidentRow.id).where(IncidentRow.created_at >= start,
                                                                   IncidentRow.created_at < end)))
        with_incident = set(s.scalars(select(IncidentRow.event_id)
                                      .where(IncidentRow.event_id.is_not(None))))
        events = {e.id: e for e in s.scalars(select(AlertEventRow).where(
            AlertEventRow.opened_at >= start, AlertEventRow.opened_at < end,
            AlertEventRow.severity.is_not(None)))}
    incidents = [i for i in (book.get(n) for n in incident_ids) if i is not None]
    with Session(store.engine) as s:  # the events behind incidents may have opened before `start`
        linked = [i.event_id for i in incidents if i.event_id and i.event_id not in events]
        for e in s.scalars(select(AlertEventRow).where(AlertEventRow.id.in_(linked))):
            events[e.id] = e
    docs = _event_documents(store, list(events))
    ratings = latest_ratings(store.engine, [i.id for i in incidents])

    def origin(event_id: str | None) -> tuple[str, str, str]:
        posts = docs.get(event_id or "", [])
        if not posts:
            return "", "", ""
        return names.get(posts[0].source_id, posts[0].source_id), posts[0].url, _category(posts)

    rows: list[LedgerRow] = []
    for inc in incidents:
        event = events.get(inc.event_id or "")
        found = min(inc.created_at, event.opened_at) if event is not None else inc.created_at
        grade = inc.severity or (event.severity if event is not None else None)
        replied = _first(inc.log, _REPLY_STATES)
        deadline = found + config.response_hours.for_grade(grade)
        overdue = replied > deadline if replied is not None else now > deadline
        source, link, category = origin(inc.event_id)
        rows.append(LedgerRow(
            found_at=found, source=source, title=inc.title, link=link,
            grade=SEVERITY_LABELS.get(grade or "", ""), category=category,
            department=inc.department or UNASSIGNED, measures=_measures(inc), replied_at=replied,
            closed_at=inc.closed_at, overdue=overdue, satisfaction=ratings.get(inc.id, ""),
            incident_id=inc.id, event_id=inc.event_id))
    for event in events.values():
        if event.id in with_incident or not start <= event.opened_at < end:
            continue
        source, link, category = origin(event.id)
        rows.append(LedgerRow(
            found_at=event.opened_at, source=source, title=event.title, link=link,
            grade=SEVERITY_LABELS.get(event.severity or "", ""), category=category, department="",
            measures="", replied_at=None, closed_at=None, overdue=None, satisfaction="",
            incident_id=None, event_id=event.id))
    rows.sort(key=lambda r: (r.found_at, r.incident_id is None, r.incident_id or 0, r.event_id or ""))
    return Ledger(start=start, end=end, rows=tuple(rows),
                  departments=department_stats([r for r in rows if r.incident_id is not None]))


def department_stats(rows: Sequence[LedgerRow]) -> tuple[DepartmentLedgerStats, ...]:
    """Per 处置部门 (incidents only; an event nobody took up has no department), then 合计."""
    groups: dict[str, list[LedgerRow]] = {}
    for r in rows:
        groups.setdefault(r.department, []).append(r)

    def stats(name: str, rs: Sequence[LedgerRow]) -> DepartmentLedgerStats:
        spans = [(r.replied_at - r.found_at).total_seconds() / 3600 for r in rs if r.replied_at]
        return DepartmentLedgerStats(
            department=name, incidents=len(rs),
            replied=sum(1 for r in rs if r.replied_at is not None),
            on_time=sum(1 for r in rs if r.replied_at is not None and not r.overdue),
            due=sum(1 for r in rs if r.replied_at is not None or r.overdue),
            closed=sum(1 for r in rs if r.closed_at is not None),
            rated=sum(1 for r in rs if r.satisfaction),
            satisfied=sum(1 for r in rs if r.satisfaction in SATISFIED),
            mean_hours_to_reply=round(sum(spans) / len(spans), 1) if spans else None)

    return tuple([stats(k, v) for k, v in sorted(groups.items())] + [stats("合计", rows)])
