"""ORM tables owned by alerts/ (prefixes alert_, incident_, report_), declared on storage's Base
so one metadata and one Alembic history cover the whole database. Rows never leave alerts/."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import AwareDateTime, Base


class AlertEventRow(Base):
    """An event (a cluster of posts about one story) as the alert stage tracks it."""

    __tablename__ = "alert_events"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    severity: Mapped[str | None] = mapped_column(String(8))  # worst grade seen
    doc_count: Mapped[int] = mapped_column(Integer, default=1)
    opened_at: Mapped[datetime] = mapped_column(AwareDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(AwareDateTime, index=True)
    closed: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    ref: Mapped[dict] = mapped_column(JSON)  # analysis.events.EventRef, serialised


class AlertEventDocRow(Base):
    """Which event each document joined: a document re-read (e.g. updated) joins only once."""

    __tablename__ = "alert_event_docs"
    doc_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), index=True)


class AlertMatchRow(Base):
    """Every rule firing, kept as the evidence behind alerts and for statistics."""

    __tablename__ = "alert_matches"
    __table_args__ = (UniqueConstraint("rule_id", "event_id", "doc_id", name="uq_alert_match"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rule_id: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[str] = mapped_column(String(64), index=True)
    doc_id: Mapped[str] = mapped_column(String(64))  # "" for source-level rules
    severity: Mapped[str | None] = mapped_column(String(8))
    matched_at: Mapped[datetime] = mapped_column(AwareDateTime)


# Rows a paced channel sends in place of several held alerts (alerts.pacing): one message, not an
# alert of its own — counts of alerts leave them out (the members are counted).
DIGEST_RULE, DIGEST_KIND = "pacing", "digest"


class AlertRow(Base):
    """One message over one channel. Unique per (rule, event, channel, kind): sent ONCE."""

    __tablename__ = "alert_alerts"
    __table_args__ = (UniqueConstraint("rule_id", "event_id", "channel", "kind", name="uq_alert_once"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))  # alerts.types.Alert.kind
    severity: Mapped[str | None] = mapped_column(String(8))
    recipients: Mapped[list] = mapped_column(JSON)
    message: Mapped[dict] = mapped_column(JSON)  # rendered AlertMessage: retries resend the same text
    status: Mapped[str] = mapped_column(String(16), index=True)  # alerts.delivery_queue states
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    # when due; while `sending`, when the lease runs out; None once sent, rejected or cancelled
    next_try_at: Mapped[datetime | None] = mapped_column(AwareDateTime, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)  # or who cancelled it and why
    acknowledged_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    # paced channels (alerts.pacing): the digest row this alert went out in
    digest_id: Mapped[str | None] = mapped_column(String(40), index=True)


class AlertPacingRow(Base):
    """A paced channel's push clock (alerts.pacing): nothing is released before next_push_at."""

    __tablename__ = "alert_pacing"
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_push_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    last_push_at: Mapped[datetime | None] = mapped_column(AwareDateTime)


class IncidentRow(Base):
    __tablename__ = "incident_incidents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), index=True)
    severity: Mapped[str | None] = mapped_column(String(8))
    department: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)


class IncidentLogRow(Base):
    """Audit trail: every state change, who made it, when, and why."""

    __tablename__ = "incident_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident_incidents.id"), index=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")


class ReportIssueRow(Base):
    """Issue numbers (第N期) of periodic reports: a yearly counter per report kind."""

    __tablename__ = "report_issues"
    __table_args__ = (UniqueConstraint("kind", "year", "number", name="uq_report_issue_number"),
                      UniqueConstraint("kind", "day", name="uq_report_issue_day"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)


class ReportSelectionRow(Base):
    """Posts staff picked for a day's 《重要舆情摘报》."""

    __tablename__ = "report_selections"
    __table_args__ = (UniqueConstraint("day", "doc_id", name="uq_report_selection"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    doc_id: Mapped[str] = mapped_column(String(64))
    selected_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
