"""Issue numbers (第N期, a yearly counter per report kind) and the posts staff select for a day."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alerts.db import write_session
from alerts.models import ReportIssueRow, ReportSelectionRow


def issue_number(engine: Engine, kind: str, day: date) -> int:
    """The issue number of `kind` for `day`: the one it already has, else the next of its year."""
    for _ in range(3):  # a concurrent writer may take the number first: recount
        with write_session(engine) as s, s.begin():
            got = s.scalar(select(ReportIssueRow.number).where(ReportIssueRow.kind == kind,
                                                               ReportIssueRow.day == day))
            if got is not None:
                return got
            last = s.scalar(select(func.max(ReportIssueRow.number)).where(
                ReportIssueRow.kind == kind, ReportIssueRow.year == day.year)) or 0
            s.add(ReportIssueRow(kind=kind, year=day.year, number=last + 1, day=day))
            try:
                s.flush()
            except IntegrityError:
                s.rollback()
                continue
            return last + 1
    raise RuntimeError(f"could not allocate a {kind} issue number for {day}")


def select_for_report(engine: Engine, doc_id: str, day: date, *, by: str | None = None,
                      note: str = "", now: datetime | None = None) -> bool:
    """Put a post into `day`'s report; False when it was already selected."""
    with write_session(engine) as s, s.begin():
        exists = s.scalar(select(ReportSelectionRow.id).where(ReportSelectionRow.day == day,
                                                             ReportSelectionRow.doc_id == doc_id))
        if exists is not None:
            return False
        s.add(ReportSelectionRow(day=day, doc_id=doc_id, selected_by=by, note=note,
                                 created_at=now or datetime.now(timezone.utc)))
        return True


def unselect_for_report(engine: Engine, doc_id: str, day: date) -> bool:
    with write_session(engine) as s, s.begin():
        res = s.execute(delete(ReportSelectionRow).where(ReportSelectionRow.day == day,
                                                         ReportSelectionRow.doc_id == doc_id))
        return res.rowcount > 0


def selected_doc_ids(engine: Engine, day: date) -> list[str]:
    """Selected posts of `day`, in the order staff picked them."""
    with Session(engine) as s:
        return list(s.scalars(select(ReportSelectionRow.doc_id).where(ReportSelectionRow.day == day)
                              .order_by(ReportSelectionRow.created_at, ReportSelectionRow.id)))
