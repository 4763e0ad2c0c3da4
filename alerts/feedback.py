"""Satisfaction (满意度) recorded on an incident after the reply, as the 《e线民生》-style ledgers
keep it: the latest rating counts; every rating is kept."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from alerts.db import write_session
from alerts.models import IncidentRow
from storage.models import AwareDateTime, Base

RATINGS = ("满意", "基本满意", "不满意")
SATISFIED = frozenset({"满意", "基本满意"})


class IncidentFeedbackRow(Base):
    __tablename__ = "incident_feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident_incidents.id"), index=True)
    rating: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(AwareDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")


class FeedbackError(ValueError):
    """Unknown rating or incident (message in Chinese)."""


def record_feedback(engine: Engine, incident_id: int, rating: str, *, actor: str,
                    now: Callable[[], datetime], note: str = "") -> None:
    if rating not in RATINGS:
        raise FeedbackError(f"满意度应为 {'/'.join(RATINGS)}, 不是 {rating!r}")
    with write_session(engine) as s, s.begin():
        if s.get(IncidentRow, incident_id) is None:
            raise FeedbackError(f"事件单 {incident_id} 不存在")
        s.add(IncidentFeedbackRow(incident_id=incident_id, rating=rating, at=now(), actor=actor,
                                  note=note))


def latest_ratings(engine: Engine, incident_ids: Sequence[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    if not incident_ids:
        return out
    with Session(engine) as s:
        rows = s.scalars(select(IncidentFeedbackRow)
                         .where(IncidentFeedbackRow.incident_id.in_(list(incident_ids)))
                         .order_by(IncidentFeedbackRow.at, IncidentFeedbackRow.id))
        for r in rows:
            out[r.incident_id] = r.rating  # later rows overwrite: the latest wins
    return out
