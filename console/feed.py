"""The live feed: relevant posts of the last 24 hours, filtered, ranked by importance, with the
matched words highlighted. Everything crawled is escaped here before any markup is added."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from markupsafe import Markup, escape

from alerts.escape import one_line, safe_url
from analysis.stats import importance
from pipeline.types import SEVERITIES, SEVERITY_LABELS, Document
from storage.types import SearchQuery

WINDOW = timedelta(hours=24)
# Posts stamped a little in the future (a site's clock, a misparsed relative time) still show.
FUTURE_SLACK = timedelta(hours=2)
MAX_ROWS = 200
EXCERPT_CHARS = 140
EXCERPT_LEAD = 30  # characters of context kept before the first highlighted word
SEARCH_LIMIT = 1000
NEW_COUNT_CAP = 500

STATUSES = ("new", "read", "ignored", "selected", "escalated")
STATUS_LABELS = {"new": "未处理", "read": "已读", "ignored": "已忽略", "selected": "已入摘报",
                 "escalated": "已升级"}
# Feed status filters: one status, or all of them.
STATUS_FILTERS = {"new": "未处理", **{s: STATUS_LABELS[s] for s in STATUSES[1:]}, "all": "全部"}
GRADE_SHORT = {"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝"}


def _pick(value: str | None, allowed: Iterable[str] | None = None) -> str | None:
    value = one_line(value)[:100] or None
    if value is not None and allowed is not None and value not in allowed:
        return None
    return value


@dataclass(frozen=True)
class FeedFilter:
    grade: str | None = None
    topic: str | None = None
    source: str | None = None
    status: str = "new"  # a STATUS_FILTERS key
    q: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> FeedFilter:
        """From query parameters; unknown values are dropped rather than refused."""
        return cls(grade=_pick(params.get("grade"), SEVERITIES), topic=_pick(params.get("topic")),
                   source=_pick(params.get("source")),
                   status=_pick(params.get("status"), STATUS_FILTERS) or "new",
                   q=one_line(params.get("q"))[:100])

    def matches(self, doc: Document, status: str) -> bool:
        return ((self.grade is None or doc.severity == self.grade)
                and (self.topic is None or self.topic in doc.topic_ids)
                and (self.source is None or doc.source_id == self.source)
                and (self.status == "all" or status == self.status))

    def params(self) -> dict[str, str]:
        """Non-default values, to rebuild the same view (fragment refresh, links)."""
        p = {"grade": self.grade, "topic": self.topic, "source": self.source,
             "status": None if self.status == "new" else self.status, "q": self.q or None}
        return {k: v for k, v in p.items() if v}


@dataclass(frozen=True)
class FeedItem:
    doc: Document
    status: str
    score: float
    title_html: Markup
    excerpt_html: Markup
    link: str | None  # http(s) only: anything else is shown, never linked

    @property
    def time(self) -> datetime:
        return self.doc.published_at or self.doc.fetched_at

    def to_json(self, source_names: Mapping[str, str]) -> dict:
        d = self.doc
        return {
            "id": d.id, "title": d.title, "url": self.link, "source": d.source_id,
            "source_name": source_names.get(d.source_id, d.source_id), "author": d.author,
            "time": self.time.isoformat(), "severity": d.severity,
            "grade": SEVERITY_LABELS.get(d.severity or ""), "negative": d.negative,
            "topics": [{"id": h.topic_id, "name": h.name} for h in d.topic_hits],
            "status": self.status, "status_label": STATUS_LABELS.get(self.status, self.status),
            "importance": round(self.score, 3), "excerpt": str(self.excerpt_html.striptags()),
        }


def _merge(spans: Iterable[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Spans clipped to [0, size), sorted, overlaps merged."""
    out: list[tuple[int, int]] = []
    for a, b in sorted((max(0, a), min(size, b)) for a, b in spans):
        if a >= b:
            continue
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def mark(text: str, spans: Iterable[tuple[int, int]]) -> Markup:
    """`text` escaped, with each span wrapped in <mark> (escape first, then wrap)."""
    parts, pos = [], 0
    for a, b in _merge(spans, len(text)):
        parts += [escape(text[pos:a]), Markup("<mark>"), escape(text[a:b]), Markup("</mark>")]
        pos = b
    parts.append(escape(text[pos:]))
    return Markup("").join(parts)


def _term_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    terms = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    if not terms:
        return []
    pat = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    return [m.span() for m in pat.finditer(text)]


def highlighted(doc: Document, terms: Iterable[str] = ()) -> tuple[Markup, Markup]:
    """(title, excerpt) with the topic words (TopicHit.spans) and search terms marked. The
    excerpt is a window of the text starting a little before the first marked word."""
    terms = tuple(terms)
    title, text = doc.title, doc.text
    body_at = len(title) + 1  # spans index Document.match_text = title + "\n" + text
    spans = [s for h in doc.topic_hits for s in h.spans]
    title_spans = [(a, b) for a, b in spans if b <= len(title)] + _term_spans(title, terms)
    text_spans = [(a - body_at, b - body_at) for a, b in spans if a >= body_at] + _term_spans(text, terms)
    text_spans = _merge(text_spans, len(text))
    start = max(0, text_spans[0][0] - EXCERPT_LEAD) if text_spans else 0
    end = min(len(text), start + EXCERPT_CHARS)
    window = [(a - start, b - start) for a, b in text_spans if a < end]
    excerpt = mark(text[start:end], window)
    if start > 0:
        excerpt = Markup("…") + excerpt
    if end < len(text):
        excerpt += Markup("…")
    return mark(title, title_spans), excerpt


def _search_ids(services, q: str, since: datetime) -> tuple[set[str] | None, list[str]]:
    """Ids matching the search box (None: no search) and the terms to highlight."""
    if not q:
        return None, []
    terms = [t for t in services.query_terms(q) if t.strip()] or [q]
    res = services.index.search(SearchQuery(terms=tuple(terms), since=since, limit=SEARCH_LIMIT,
                                            highlight=False))
    return {h.id for h in res.hits}, terms


@dataclass(frozen=True)
class Feed:
    items: list[FeedItem]
    topics: dict[str, str]  # topic id -> name of every post in the window (for the filter box)
    matched: int  # posts matching the filter (items holds at most `limit` of them)


def build_feed(services, flt: FeedFilter, now: datetime, limit: int = MAX_ROWS) -> Feed:
    since = now - WINDOW
    docs = services.store.documents_between(since, now + FUTURE_SLACK)
    topics = _topics(docs)
    wanted, terms = _search_ids(services, flt.q, since)
    if wanted is not None:
        docs = [d for d in docs if d.id in wanted]
    statuses = services.store.statuses([d.id for d in docs])
    picked = [(d, statuses.get(d.id, "new")) for d in docs]
    picked = [(d, s) for d, s in picked if flt.matches(d, s)]
    scored = sorted(((importance(d, now), d, s) for d, s in picked),
                    key=lambda x: (-x[0], -(x[1].published_at or x[1].fetched_at).timestamp(), x[1].id))
    items = []
    for score, d, s in scored[:limit]:
        title_html, excerpt_html = highlighted(d, terms)
        items.append(FeedItem(d, s, score, title_html, excerpt_html, safe_url(d.url)))
    return Feed(items, topics, len(scored))


def count_new(services, flt: FeedFilter, after_seq: int, now: datetime) -> int:
    """Relevant unhandled posts ingested after `after_seq` that the current view (except the
    search box) would show. Counting stops at NEW_COUNT_CAP."""
    since = now - WINDOW
    batch = services.store.documents_since(after_seq, NEW_COUNT_CAP)
    docs = [d for _, d in batch if d.relevant and since <= (d.published_at or d.fetched_at)]
    statuses = services.store.statuses([d.id for d in docs])
    view = FeedFilter(flt.grade, flt.topic, flt.source, "new")
    return sum(1 for d in docs if view.matches(d, statuses.get(d.id, "new")))


def _topics(docs: Iterable[Document]) -> dict[str, str]:
    out: dict[str, str] = {}
    for d in docs:
        for h in d.topic_hits:
            out.setdefault(h.topic_id, h.name)
    return dict(sorted(out.items(), key=lambda kv: kv[1]))
