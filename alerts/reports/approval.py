"""The approval of report issues: draft (assembled automatically) → edited by duty staff (which
items, in which order, an 编者按 per item) → approved by a 分管领导 → sent, archived with the
SHA-256 of the file that went out. The desk (desk.py) mails an issue only once it is approved,
unless its kind is set to auto_send (watch.yaml reports.auto_send); who may approve is the
console's business (roles), this book records who did.

An approved issue is frozen: a later edit is refused, so leadership receives what was approved."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alerts.db import write_session
from alerts.reports.models import ReportApprovalRow

STATES = ("draft", "edited", "approved", "sent")
STATE_LABELS = {"draft": "草稿待编辑", "edited": "已编辑待审批", "approved": "已审批待发送", "sent": "已发送归档"}
AUTO = "自动报送"  # approved_by of an auto_send kind
MAX_NOTE = 500  # characters of one 编者按


class ApprovalError(ValueError):
    """A step the approval does not allow (message in Chinese, for the console and CLI)."""


@dataclass(frozen=True, slots=True)
class EditedItem:
    doc_id: str
    note: str = ""  # 编者按


@dataclass(frozen=True, slots=True)
class Approval:
    kind: str
    key: str
    state: str
    items: tuple[EditedItem, ...] | None  # None: the automatic selection, not edited
    created_at: datetime
    edited_by: str | None
    edited_at: datetime | None
    approved_by: str | None
    approved_at: datetime | None
    sent_at: datetime | None
    sha256: str | None
    archive: str | None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def releasable(self) -> bool:
        return self.state in ("approved", "sent")


def _load(row: ReportApprovalRow) -> Approval:
    items = None if row.items is None else tuple(EditedItem(i["doc_id"], i.get("note", "")) for i in row.items)
    return Approval(row.kind, row.key, row.state, items, row.created_at, row.edited_by, row.edited_at,
                    row.approved_by, row.approved_at, row.sent_at, row.sha256, row.archive)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class ApprovalBook:
    def __init__(self, engine: Engine, *, now: Callable[[], datetime]):
        self.engine = engine
        self.now = now

    def get(self, kind: str, key: str) -> Approval | None:
        with Session(self.engine) as s:
            row = self._row(s, kind, key)
            return _load(row) if row is not None else None

    def list(self, *, states: Sequence[str] = STATES, limit: int = 50) -> list[Approval]:
        with Session(self.engine) as s:
            rows = s.scalars(select(ReportApprovalRow).where(ReportApprovalRow.state.in_(list(states)))
                             .order_by(ReportApprovalRow.created_at.desc(), ReportApprovalRow.id.desc())
                             .limit(limit))
            return [_load(r) for r in rows]

    def draft(self, kind: str, key: str) -> Approval:
        """The issue's approval, created as a draft the first time (idempotent, race-safe)."""
        for _ in range(2):
            with write_session(self.engine) as s, s.begin():
                row = self._row(s, kind, key)
                if row is not None:
                    return _load(row)
                row = ReportApprovalRow(kind=kind, key=key, state="draft", items=None, created_at=self.now())
                s.add(row)
                try:
                    s.flush()
                except IntegrityError:
                    s.rollback()
                    continue
                return _load(row)
        raise RuntimeError(f"could not create the approval of {kind} {key}")

    def edit(self, kind: str, key: str, items: Sequence[EditedItem], *, by: str) -> Approval:
        """Duty staff's version of the issue: exactly `items`, in this order, with their 编者按."""
        by = by.strip()
        if not by:
            raise ApprovalError("编辑人不能为空")
        ids = [i.doc_id for i in items]
        if len(set(ids)) != len(ids):
            raise ApprovalError("同一条信息不能重复收录")
        if any(len(i.note) > MAX_NOTE for i in items):
            raise ApprovalError(f"编者按不能超过{MAX_NOTE}字")
        self.draft(kind, key)
        with write_session(self.engine) as s, s.begin():
            row = self._row(s, kind, key)
            if row.state not in ("draft", "edited"):
                raise ApprovalError(f"该期报告{STATE_LABELS[row.state]}，不能再编辑")
            row.items = [{"doc_id": i.doc_id, "note": i.note.strip()} for i in items]
            row.state, row.edited_by, row.edited_at = "edited", by, self.now()
            return _load(row)

    def approve(self, kind: str, key: str, *, by: str) -> Approval:
        by = by.strip()
        if not by:
            raise ApprovalError("审批人不能为空")
        with write_session(self.engine) as s, s.begin():
            row = self._row(s, kind, key)
            if row is None:
                raise ApprovalError("该期报告尚无草稿")
            if row.state not in ("draft", "edited"):
                raise ApprovalError(f"该期报告{STATE_LABELS[row.state]}，无需重复审批")
            row.state, row.approved_by, row.approved_at = "approved", by, self.now()
            return _load(row)

    def auto_approve(self, kind: str, key: str) -> Approval:
        """An auto_send kind: approved by rule, recorded as such."""
        self.draft(kind, key)
        with write_session(self.engine) as s, s.begin():
            row = self._row(s, kind, key)
            if row.state in ("draft", "edited"):
                row.state, row.approved_by, row.approved_at = "approved", AUTO, self.now()
            return _load(row)

    def sent(self, kind: str, key: str, archive: Path) -> Approval:
        """Archive: the file that went out, by name and SHA-256. Only an approved issue is sent."""
        digest = file_sha256(archive)
        with write_session(self.engine) as s, s.begin():
            row = self._row(s, kind, key)
            if row is None or row.state not in ("approved", "sent"):
                raise ApprovalError("未经审批的报告不能发送")
            if row.state == "approved":
                row.state, row.sent_at, row.sha256, row.archive = "sent", self.now(), digest, Path(archive).name
            return _load(row)

    @staticmethod
    def _row(s: Session, kind: str, key: str) -> ReportApprovalRow | None:
        return s.scalar(select(ReportApprovalRow).where(ReportApprovalRow.kind == kind,
                                                        ReportApprovalRow.key == key))
