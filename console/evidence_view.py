"""What the console shows of evidence and post changes: per post its 已删除/已编辑 badge and its
first-sight capture (取证截图), per event the changes of its posts (a timeline), and the two
download routes (the PNG, the evidence ZIP)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from alerts.models import AlertEventDocRow
from storage.evidence import CaptureSummary, EvidenceStore
from storage.evidence_bundle import build_bundle
from storage.versions import CHANGE_LABELS, DELETED, EDITED, PostChange, PostVersions


@dataclass(frozen=True, slots=True)
class PostMark:
    doc_id: str
    state: str | None                 # deleted | edited | None
    changes: tuple[PostChange, ...]
    capture: CaptureSummary | None

    @property
    def label(self) -> str | None:
        return CHANGE_LABELS.get(self.state or "")

    @property
    def last_change(self) -> PostChange | None:
        return self.changes[-1] if self.changes else None


def post_marks(engine, doc_ids: Sequence[str]) -> dict[str, PostMark]:
    """Only posts with something to show (a change or a capture) are in the result."""
    versions = PostVersions(engine)
    changes = versions.changes(doc_ids)
    states = versions.state(doc_ids)
    captures = EvidenceStore(engine).summaries(doc_ids)
    return {i: PostMark(i, states.get(i), tuple(changes.get(i, ())), captures.get(i))
            for i in doc_ids if i in changes or i in captures}


@dataclass(frozen=True, slots=True)
class CardMarks:
    """A thread card's summary: how many of its posts were deleted / edited, and its lead's capture."""

    deleted: int = 0
    edited: int = 0
    capture: CaptureSummary | None = None
    last: PostChange | None = None

    @property
    def any(self) -> bool:
        return bool(self.deleted or self.edited or self.capture)


def card_marks(marks: dict[str, PostMark], ids: Sequence[str], lead_id: str) -> CardMarks:
    mine = [marks[i] for i in ids if i in marks]
    changes = sorted((c for m in mine for c in m.changes), key=lambda c: c.detected_at)
    lead = marks.get(lead_id)
    return CardMarks(deleted=sum(1 for m in mine if m.state == DELETED),
                     edited=sum(1 for m in mine if m.state == EDITED),
                     capture=lead.capture if lead and lead.capture and lead.capture.png_sha256 else None,
                     last=changes[-1] if changes else None)


def event_changes(engine, event_ids: Sequence[str]) -> dict[str, list[PostChange]]:
    """Per event: the changes of its posts, oldest first (the event's 删帖/改帖 timeline)."""
    if not event_ids:
        return {}
    with Session(engine) as s:
        pairs = s.execute(select(AlertEventDocRow.event_id, AlertEventDocRow.doc_id)
                          .where(AlertEventDocRow.event_id.in_(list(event_ids)))).all()
    changes = PostVersions(engine).changes([d for _, d in pairs])
    out: dict[str, list[PostChange]] = {}
    for event_id, doc_id in pairs:
        out.setdefault(event_id, []).extend(changes.get(doc_id, ()))
    return {k: sorted(v, key=lambda c: (c.detected_at, c.doc_id)) for k, v in out.items() if v}


def _capture(request: Request):
    s = request.app.state.services
    capture = EvidenceStore(s.store.engine).get(int(request.path_params["capture_id"]))
    if capture is None:
        raise HTTPException(404, "没有这条取证记录")
    return s, capture


def capture_png(request: Request) -> Response:
    _, capture = _capture(request)
    if capture.png is None:
        raise HTTPException(404, "这条取证记录没有截图")
    return Response(capture.png, media_type="image/png",
                    headers={"Content-Disposition": f'inline; filename="capture-{capture.id}.png"',
                             "X-Content-SHA256": capture.png_sha256 or ""})


def capture_bundle(request: Request) -> Response:
    s, capture = _capture(request)
    docs = s.store.get_documents([capture.doc_id])
    versions = PostVersions(s.store.engine)
    data = build_bundle(capture, docs[0] if docs else None, versions=versions.versions(capture.doc_id),
                        changes=versions.changes([capture.doc_id]).get(capture.doc_id, []), exported_at=s.now())
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="evidence-{capture.id}.zip"'})
