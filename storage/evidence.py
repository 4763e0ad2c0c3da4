"""First-sight evidence (取证): for a post at or above a grade, the thread page as fetched (exact
bytes, HTTP status and headers) and a PNG rendered from those bytes by headless Chromium, each
with its SHA-256 and time. Written by the capture worker (crawlers.capture), read by the console
and `yqwatch evidence export`. Configured by the optional config/evidence.yaml."""
from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import JSON, Integer, LargeBinary, String, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from pipeline.config import load_yaml, parse_duration
from pipeline.types import SEVERITY_RANK

from .models import AwareDateTime, Base, DocumentRow, SeqInt

Grade = Literal["red", "orange", "yellow", "blue"]


class CaptureSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    enabled: bool = True
    min_grade: Grade = "yellow"             # capture posts graded this or worse
    workers: int = Field(2, ge=1, le=8)     # Chromium processes at once (a bounded pool)
    every: float | str = "30s"               # how often the watch starts a capture batch
    batch: int = Field(20, ge=1, le=500)    # posts per batch
    timeout: float = Field(30, gt=0)        # seconds per page (fetch, and render)
    width: int = Field(1280, ge=320, le=4000)
    height: int = Field(2400, ge=320, le=16000)
    javascript: bool = False                # crawled pages are hostile: scripts off unless needed
    load_resources: bool = False            # off: nothing but the fetched bytes is loaded
    chromium: str = "/usr/bin/chromium"
    lookback: float | str = "2d"             # posts crawled longer ago are not captured late

    def every_seconds(self) -> float:
        return parse_duration(self.every)

    def lookback_seconds(self) -> float:
        return parse_duration(self.lookback)


class RecheckSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    enabled: bool = True
    every: float | str = "10m"              # re-read threads of watched events this often
    min_grade: Grade = "yellow"             # events graded this or worse are watched
    window: float | str = "3d"              # ... while their last post is this recent

    def every_seconds(self) -> float:
        return parse_duration(self.every)

    def window_seconds(self) -> float:
        return parse_duration(self.window)


class EvidenceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    capture: CaptureSettings = CaptureSettings()
    recheck: RecheckSettings = RecheckSettings()


def load_evidence_config(cfg_dir: Path) -> EvidenceConfig:
    """config/evidence.yaml, optional: without it the defaults above apply."""
    return load_yaml(Path(cfg_dir) / "evidence.yaml", EvidenceConfig, required=False)


class CaptureRow(Base):
    __tablename__ = "evidence_captures"
    id: Mapped[int] = mapped_column(SeqInt, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(AwareDateTime)
    http_status: Mapped[int | None] = mapped_column(Integer)
    headers: Mapped[list] = mapped_column(JSON)  # [[name, value], ...] as received
    html_z: Mapped[bytes | None] = mapped_column(LargeBinary)  # zlib of the exact bytes
    html_sha256: Mapped[str | None] = mapped_column(String(64))
    png: Mapped[bytes | None] = mapped_column(LargeBinary)
    png_sha256: Mapped[str | None] = mapped_column(String(64))
    rendered_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    renderer: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str | None] = mapped_column(Text)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class Capture:
    id: int
    doc_id: str
    url: str
    fetched_at: datetime
    http_status: int | None
    headers: tuple[tuple[str, str], ...]
    html: bytes | None
    html_sha256: str | None
    png: bytes | None
    png_sha256: str | None
    rendered_at: datetime | None
    renderer: str = ""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.png is not None and self.error is None


@dataclass(frozen=True, slots=True)
class CaptureSummary:
    """What the console shows on a post card: no bytes."""

    id: int
    doc_id: str
    fetched_at: datetime
    png_sha256: str | None
    error: str | None = None


def _capture(r: CaptureRow) -> Capture:
    return Capture(r.id, r.doc_id, r.url, r.fetched_at, r.http_status,
                   tuple((str(k), str(v)) for k, v in r.headers or ()),
                   zlib.decompress(r.html_z) if r.html_z is not None else None, r.html_sha256,
                   r.png, r.png_sha256, r.rendered_at, r.renderer, r.error)


class EvidenceStore:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._writer = engine.execution_options(yq_write=True)

    def pending(self, min_grade: str, since: datetime, limit: int) -> list[tuple[str, str, str]]:
        """(doc id, source id, url) of posts graded `min_grade` or worse, crawled since `since`, not yet
        captured: the newest first (a backlog never delays today's red post)."""
        grades = [g for g, rank in SEVERITY_RANK.items() if rank >= SEVERITY_RANK[min_grade]]
        with Session(self.engine) as s:
            done = select(CaptureRow.doc_id)
            q = (select(DocumentRow.id, DocumentRow.source_id, DocumentRow.url)
                 .where(DocumentRow.severity.in_(grades), DocumentRow.fetched_at >= since,
                        DocumentRow.id.not_in(done))
                 .order_by(DocumentRow.seq.desc()).limit(limit))
            return [(i, src, u) for i, src, u in s.execute(q)]

    def save(self, doc_id: str, url: str, *, fetched_at: datetime, http_status: int | None,
             headers: Sequence[tuple[str, str]], html: bytes | None, png: bytes | None,
             rendered_at: datetime | None, renderer: str = "", error: str | None = None) -> bool:
        """Keep one capture per post: the first (first sight); False when one exists already."""
        row = CaptureRow(doc_id=doc_id, url=url, fetched_at=fetched_at, http_status=http_status,
                         headers=[list(h) for h in headers],
                         html_z=zlib.compress(html, 6) if html is not None else None,
                         html_sha256=sha256(html) if html is not None else None,
                         png=png, png_sha256=sha256(png) if png is not None else None,
                         rendered_at=rendered_at, renderer=renderer, error=error)
        try:
            with Session(self._writer) as s, s.begin():
                s.add(row)
        except IntegrityError:
            return False
        return True

    def get(self, capture_id: int) -> Capture | None:
        with Session(self.engine) as s:
            r = s.get(CaptureRow, capture_id)
            return _capture(r) if r is not None else None

    def for_doc(self, doc_id: str) -> Capture | None:
        with Session(self.engine) as s:
            r = s.scalars(select(CaptureRow).where(CaptureRow.doc_id == doc_id)).first()
            return _capture(r) if r is not None else None

    def summaries(self, doc_ids: Sequence[str]) -> dict[str, CaptureSummary]:
        if not doc_ids:
            return {}
        with Session(self.engine) as s:
            rows = s.execute(select(CaptureRow.id, CaptureRow.doc_id, CaptureRow.fetched_at,
                                    CaptureRow.png_sha256, CaptureRow.error)
                             .where(CaptureRow.doc_id.in_(list(doc_ids))))
            return {r.doc_id: CaptureSummary(r.id, r.doc_id, r.fetched_at, r.png_sha256, r.error) for r in rows}
