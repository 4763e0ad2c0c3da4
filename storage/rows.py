"""Document <-> `documents` row conversion (the only place that knows the column layout)."""
from __future__ import annotations

import re

from sqlalchemy import Row

from pipeline.types import Document, TopicHit


def doc_time(doc: Document):
    """The document's time for windows, search and histograms: published, else fetched."""
    return doc.published_at or doc.fetched_at


# What no database text column takes (PostgreSQL refuses NUL; UTF-8 cannot encode a lone
# surrogate). The crawler cleans text first (pipeline.sanitize); this keeps one post that got past
# it from failing the batch it shares with others.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(s: str | None) -> str | None:
    return _UNSTORABLE.sub("", s) if s else s


def to_row(doc: Document) -> dict:
    return {
        "id": doc.id, "source_id": doc.source_id, "kind": doc.kind, "url": _storable(doc.url),
        "thread_url": _storable(doc.thread_url), "title": _storable(doc.title), "text": _storable(doc.text),
        "author": _storable(doc.author), "outlet": _storable(doc.outlet),
        "published_at": doc.published_at, "fetched_at": doc.fetched_at, "ts": doc_time(doc),
        "floor": doc.floor, "replies": doc.replies, "views": doc.views, "tokens": list(doc.tokens),
        "locality_terms": list(doc.locality_terms),
        "topic_hits": [{"topic_id": h.topic_id, "name": h.name, "category": h.category,
                        "severity": h.severity, "words": list(h.words),
                        "spans": [list(s) for s in h.spans]} for h in doc.topic_hits],
        "exclusions": list(doc.exclusions), "relevant": doc.relevant, "sentiment": doc.sentiment,
        "negative": doc.negative, "category": doc.category, "severity": doc.severity,
        "simhash": doc.simhash, "keywords": list(doc.keywords), "source_weight": doc.source_weight,
    }


def from_row(r: Row) -> Document:
    return Document(
        id=r.id, source_id=r.source_id, kind=r.kind, url=r.url, thread_url=r.thread_url,
        title=r.title, text=r.text, fetched_at=r.fetched_at, author=r.author, outlet=r.outlet,
        published_at=r.published_at, floor=r.floor, replies=r.replies, views=r.views,
        tokens=tuple(r.tokens), locality_terms=tuple(r.locality_terms),
        topic_hits=tuple(TopicHit(topic_id=h["topic_id"], name=h["name"], category=h["category"],
                                  severity=h["severity"], words=tuple(h["words"]),
                                  spans=tuple(tuple(s) for s in h["spans"])) for h in r.topic_hits),
        exclusions=tuple(r.exclusions), relevant=r.relevant, sentiment=r.sentiment,
        negative=r.negative, category=r.category, severity=r.severity, simhash=r.simhash,
        keywords=tuple(r.keywords), source_weight=r.source_weight,
    )
