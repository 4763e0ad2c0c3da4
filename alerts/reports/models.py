"""ORM tables of report delivery and 专报 numbering (prefix report_), declared on storage's Base like
alerts/models.py so one metadata and one Alembic history (0003_reports) cover them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import AwareDateTime, Base


class ReportDeliveryRow(Base):
    """One report issue to e-mail, unique per (kind, key): reserved before the report is built,
    filled with the frozen message, sent until the SMTP server accepts it."""

    __tablename__ = "report_deliveries"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_report_delivery"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # also the Message-ID
    kind: Mapped[str] = mapped_column(String(16))  # daily | special | handover
    key: Mapped[str] = mapped_column(String(64))  # the issue: a day, an incident version, a shift end
    title: Mapped[str] = mapped_column(Text)
    recipients: Mapped[list] = mapped_column(JSON)
    message: Mapped[bytes | None] = mapped_column(LargeBinary)  # RFC 5322 bytes; None: not built yet
    status: Mapped[str] = mapped_column(String(16), index=True)  # preparing, then alerts.delivery_queue states
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # sends tried
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    next_try_at: Mapped[datetime | None] = mapped_column(AwareDateTime, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class SpecialIssueRow(Base):
    """专报 numbers: a yearly counter, one number per incident (a re-issue keeps it)."""

    __tablename__ = "report_specials"
    __table_args__ = (UniqueConstraint("year", "number", name="uq_report_special_number"),)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident_incidents.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(AwareDateTime)


class ReportApprovalRow(Base):
    """The approval of one report issue (kind, key): drafted automatically, edited by duty staff
    (which items, in which order, 编者按 per item), approved by a 分管领导, then sent and archived
    with the SHA-256 of the file leadership received. Kinds set to auto_send skip to sent."""

    __tablename__ = "report_approvals"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_report_approval"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), index=True)  # draft | edited | approved | sent
    items: Mapped[list | None] = mapped_column(JSON)  # [{"doc_id", "note"}] in order; None: as drafted
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    edited_by: Mapped[str | None] = mapped_column(String(64))
    edited_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    sha256: Mapped[str | None] = mapped_column(String(64))  # of the archived file that was sent
    archive: Mapped[str | None] = mapped_column(Text)  # its file name in the report directory
