"""What happened to a post after we first saw it: every text version (a quiet edit keeps both, with
a diff) and every change found by a re-crawl (已删除 / 已编辑 / 已恢复). The documents row keeps
the text as first stored: it is the evidence; later versions live here."""
from __future__ import annotations

import difflib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from pipeline.types import Document

from .models import AwareDateTime, Base, DocumentRow, SeqInt

DELETED, EDITED, RESTORED = "deleted", "edited", "restored"
CHANGE_LABELS = {DELETED: "已删除", EDITED: "已编辑", RESTORED: "已恢复"}


class PostVersionRow(Base):
    __tablename__ = "post_versions"
    __table_args__ = (UniqueConstraint("doc_id", "version", name="uq_post_version"),)
    id: Mapped[int] = mapped_column(SeqInt, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)  # 1 = the text as first stored
    seen_at: Mapped[datetime] = mapped_column(AwareDateTime)
    text_sha256: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)


class PostChangeRow(Base):
    __tablename__ = "post_changes"
    id: Mapped[int] = mapped_column(SeqInt, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # deleted | edited | restored
    detected_at: Mapped[datetime] = mapped_column(AwareDateTime, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")  # e.g. "HTTP 404", "删帖提示页", "楼层消失"
    version: Mapped[int | None] = mapped_column(Integer)  # edited: the new version's number
    diff: Mapped[str] = mapped_column(Text, default="")


@dataclass(frozen=True, slots=True)
class PostVersion:
    doc_id: str
    version: int
    seen_at: datetime
    text_sha256: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class PostChange:
    doc_id: str
    kind: str
    detected_at: datetime
    reason: str = ""
    version: int | None = None
    diff: str = ""

    @property
    def label(self) -> str:
        return CHANGE_LABELS[self.kind]


def text_hash(title: str, text: str) -> str:
    """The hash an edit is detected by: title and text, whitespace-insensitive (a re-render that
    only reflows lines is not an edit)."""
    norm = " ".join(title.split()) + "\n" + " ".join(text.split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def text_diff(old: str, new: str) -> str:
    return "\n".join(difflib.unified_diff(old.splitlines(), new.splitlines(), "原文", "现文",
                                          lineterm="", n=1))


def _version(r: PostVersionRow) -> PostVersion:
    return PostVersion(r.doc_id, r.version, r.seen_at, r.text_sha256, r.title, r.text)


def _change(r: PostChangeRow) -> PostChange:
    return PostChange(r.doc_id, r.kind, r.detected_at, r.reason, r.version, r.diff)


class PostVersions:
    """Records what a re-crawl saw of stored posts; idempotent (a post deleted stays one 删帖)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        # writers take the lock up front (BEGIN IMMEDIATE on SQLite): they queue behind crawls
        self._writer = engine.execution_options(yq_write=True)

    def _latest_change(self, s: Session, doc_id: str) -> PostChangeRow | None:
        return s.scalars(select(PostChangeRow).where(PostChangeRow.doc_id == doc_id)
                         .order_by(PostChangeRow.id.desc()).limit(1)).first()

    def _ensure_first(self, s: Session, doc_id: str) -> PostVersionRow | None:
        """The newest version; version 1 is made from the stored document the first time."""
        last = s.scalars(select(PostVersionRow).where(PostVersionRow.doc_id == doc_id)
                         .order_by(PostVersionRow.version.desc()).limit(1)).first()
        if last is not None:
            return last
        doc = s.scalars(select(DocumentRow).where(DocumentRow.id == doc_id)).first()
        if doc is None:
            return None
        first = PostVersionRow(doc_id=doc_id, version=1, seen_at=doc.fetched_at,
                               text_sha256=text_hash(doc.title, doc.text), title=doc.title, text=doc.text)
        s.add(first)
        s.flush()
        return first

    def seen(self, doc_id: str, title: str, text: str, at: datetime) -> PostChange | None:
        """The post is still there with this text: an edit (new version + diff) when its hash
        changed, a restore when it had been deleted, else nothing."""
        with Session(self._writer) as s, s.begin():
            last = self._ensure_first(s, doc_id)
            if last is None:
                return None
            latest = self._latest_change(s, doc_id)
            change = None
            if latest is not None and latest.kind == DELETED:
                change = PostChangeRow(doc_id=doc_id, kind=RESTORED, detected_at=at, reason="帖子重新可见")
                s.add(change)
            digest = text_hash(title, text)
            if digest != last.text_sha256:
                new = PostVersionRow(doc_id=doc_id, version=last.version + 1, seen_at=at,
                                     text_sha256=digest, title=title, text=text)
                s.add(new)
                old_text = (last.title + "\n" + last.text) if title != last.title else last.text
                new_text = (title + "\n" + text) if title != last.title else text
                change = PostChangeRow(doc_id=doc_id, kind=EDITED, detected_at=at, reason="正文变化",
                                       version=new.version, diff=text_diff(old_text, new_text))
                s.add(change)
            if change is None:
                return None
            s.flush()
            return _change(change)

    def gone(self, doc_id: str, reason: str, at: datetime) -> PostChange | None:
        """The post is no longer there; recorded once until it reappears."""
        with Session(self._writer) as s, s.begin():
            if self._ensure_first(s, doc_id) is None:
                return None
            latest = self._latest_change(s, doc_id)
            if latest is not None and latest.kind == DELETED:
                return None
            row = PostChangeRow(doc_id=doc_id, kind=DELETED, detected_at=at, reason=reason)
            s.add(row)
            s.flush()
            return _change(row)

    def changes(self, doc_ids: Sequence[str]) -> dict[str, list[PostChange]]:
        out: dict[str, list[PostChange]] = {}
        if not doc_ids:
            return out
        with Session(self.engine) as s:
            for r in s.scalars(select(PostChangeRow).where(PostChangeRow.doc_id.in_(list(doc_ids)))
                               .order_by(PostChangeRow.detected_at, PostChangeRow.id)):
                out.setdefault(r.doc_id, []).append(_change(r))
        return out

    def changes_since(self, after: datetime) -> list[PostChange]:
        with Session(self.engine) as s:
            return [_change(r) for r in s.scalars(select(PostChangeRow)
                                                  .where(PostChangeRow.detected_at > after)
                                                  .order_by(PostChangeRow.detected_at, PostChangeRow.id))]

    def versions(self, doc_id: str) -> list[PostVersion]:
        with Session(self.engine) as s:
            return [_version(r) for r in s.scalars(select(PostVersionRow)
                                                   .where(PostVersionRow.doc_id == doc_id)
                                                   .order_by(PostVersionRow.version))]

    def state(self, doc_ids: Sequence[str]) -> dict[str, str]:
        """Each post's badge: deleted when its last change is a deletion, else edited when it has
        ever been edited; posts with neither are absent."""
        out: dict[str, str] = {}
        for doc_id, changes in self.changes(doc_ids).items():
            if changes[-1].kind == DELETED:
                out[doc_id] = DELETED
            elif any(c.kind == EDITED for c in changes):
                out[doc_id] = EDITED
        return out


def thread_documents(store, source_id: str, thread_url: str) -> list[Document]:
    """The stored posts of one thread (canonical URL), in floor order: what a re-read compares."""
    with Session(store.engine) as s:
        ids = list(s.scalars(select(DocumentRow.id).where(DocumentRow.source_id == source_id,
                                                          DocumentRow.thread_url == thread_url)))
    return sorted(store.get_documents(ids), key=lambda d: (d.floor is None, d.floor or 0, d.id))
