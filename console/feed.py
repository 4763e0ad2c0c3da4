"""The live feed: relevant posts of the last 24 hours grouped into one card per thread (a news
article or feed entry is a thread of one), filtered, ranked by the thread's most important post.

A hot thread with 60 replies is one card, not 60: staff triage the thread, and the card says how
many of its posts are still unhandled. Crawled text is escaped (console.highlight) before any
markup is added."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from markupsafe import Markup

from alerts.escape import one_line, safe_url
from analysis.stats import importance
from pipeline.types import SEVERITIES, SEVERITY_LABELS, SEVERITY_RANK, Document
from storage.search import IndexUnavailable
from storage.types import SearchQuery

from .evidence_view import CardMarks, card_marks, post_marks
from .explain import grade_reason
from .highlight import highlighted
from .queries import EventView, WatchReads, main_event

WINDOW = timedelta(hours=24)
# Posts stamped a little in the future (a site's clock, a misparsed relative time) still show.
FUTURE_SLACK = timedelta(hours=2)
MAX_ROWS = 200  # thread cards
SEARCH_LIMIT = 1000
NEW_COUNT_CAP = 500

STATUSES = ("new", "read", "ignored", "selected", "escalated")
STATUS_LABELS = {"new": "未处理", "read": "已读", "ignored": "已忽略", "selected": "已入摘报",
                 "escalated": "已升级"}
# Feed status filters: one status, or all of them.
STATUS_FILTERS = {"new": "未处理", **{s: STATUS_LABELS[s] for s in STATUSES[1:]}, "all": "全部"}


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

    def in_view(self, status: str) -> bool:
        """The status filter: which posts of a thread the view (and its buttons) covers."""
        return self.status == "all" or status == self.status

    def matches(self, doc: Document) -> bool:
        """Grade, topic and source: a thread shows when one of its posts in view matches."""
        return ((self.grade is None or doc.severity == self.grade)
                and (self.topic is None or self.topic in doc.topic_ids)
                and (self.source is None or doc.source_id == self.source))

    def params(self) -> dict[str, str]:
        """Non-default values, to rebuild the same view (fragment refresh, links)."""
        p = {"grade": self.grade, "topic": self.topic, "source": self.source,
             "status": None if self.status == "new" else self.status, "q": self.q or None}
        return {k: v for k, v in p.items() if v}


@dataclass(frozen=True)
class FeedPost:
    doc: Document
    status: str
    score: float

    @property
    def time(self) -> datetime:
        return self.doc.published_at or self.doc.fetched_at


def is_opening(doc: Document) -> bool:
    """The thread starter, or an article / feed entry (no floors: a thread of one)."""
    return doc.floor is None or doc.floor == 1


def opening_post(docs: Iterable[Document]) -> Document | None:
    return min((d for d in docs if is_opening(d)),
               key=lambda d: (d.published_at or d.fetched_at, d.id), default=None)


def worst_grade(grades: Iterable[str | None]) -> str | None:
    return max(grades, key=lambda g: SEVERITY_RANK.get(g or "", 0), default=None)


@dataclass(frozen=True)
class ThreadCard:
    """One thread of the feed: `posts` are its posts in the view (status filter), most
    important first; the buttons act on them."""

    lead: FeedPost  # the opening post when in the window, else the most important post in view
    posts: tuple[FeedPost, ...]
    relevant: int  # relevant posts of the thread in the window, whatever their status
    unhandled: int
    title_html: Markup
    excerpt_html: Markup
    latest_html: Markup | None  # the newest post in view, when it is not the lead
    link: str | None  # the thread; http(s) only: anything else is shown, never linked
    event: EventView | None  # the open alert event the thread belongs to
    marks: CardMarks = CardMarks()  # 已删除 / 已编辑 posts and the lead's 取证 capture

    @property
    def score(self) -> float:
        return self.posts[0].score

    @property
    def severity(self) -> str | None:
        return worst_grade(p.doc.severity for p in self.posts)

    @property
    def latest(self) -> FeedPost:
        return max(self.posts, key=lambda p: (p.time, p.doc.id))

    @property
    def ids(self) -> list[str]:
        return [p.doc.id for p in self.posts]

    @property
    def negative(self) -> bool:
        return any(p.doc.negative for p in self.posts)

    @property
    def topics(self) -> dict[str, str]:
        return {h.topic_id: h.name for p in self.posts for h in p.doc.topic_hits}

    def statuses(self) -> dict[str, int]:
        return dict(Counter(p.status for p in self.posts))

    @property
    def reason(self) -> str | None:
        """Why the card has its badge: the grading of its worst post."""
        worst = max(self.posts, key=lambda p: SEVERITY_RANK.get(p.doc.severity or "", 0))
        return grade_reason(worst.doc)

    def grade_counts(self) -> dict[str, int]:
        """Posts in view per grade, worst first: why the card has its badge."""
        counts = Counter(p.doc.severity for p in self.posts if p.doc.severity in SEVERITY_RANK)
        return {g: counts[g] for g in sorted(counts, key=lambda g: -SEVERITY_RANK[g])}

    def to_json(self, source_names: Mapping[str, str]) -> dict:
        d = self.lead.doc
        latest = self.latest
        e = self.event
        return {
            "id": d.id, "ids": self.ids, "url": self.link,
            "title": d.title, "source": d.source_id,
            "source_name": source_names.get(d.source_id, d.source_id), "author": d.author,
            "time": self.lead.time.isoformat(), "latest_time": latest.time.isoformat(),
            "severity": self.severity, "grade": SEVERITY_LABELS.get(self.severity or ""),
            "grade_reason": self.reason,
            "negative": self.negative,
            "topics": [{"id": k, "name": v} for k, v in self.topics.items()],
            "statuses": self.statuses(), "posts": self.relevant, "unhandled": self.unhandled,
            "importance": round(self.score, 3), "excerpt": str(self.excerpt_html.striptags()),
            "latest_excerpt": str(self.latest_html.striptags()) if self.latest_html else None,
            "event": None if e is None else {"id": e.id, "sources": list(e.sources),
                                             "threads": e.thread_count, "posts": e.doc_count},
            "deleted": self.marks.deleted, "edited": self.marks.edited,
            "capture": self.marks.capture.id if self.marks.capture else None,
        }


SEARCH_DOWN = "搜索服务暂不可用，关键词筛选未能执行，请稍后再试（其他筛选照常）"
NO_TERMS = "关键词中没有可搜索的文字（只有标点或空白），未找到帖子"


def search_terms(services, q: str) -> list[str]:
    """The search box's words, segmented; punctuation and blanks are no words (a query of
    only those finds nothing, rather than everything)."""
    return [t for t in services.query_terms(q) if any(ch.isalnum() for ch in t)]


def _search_ids(services, q: str, since: datetime) -> tuple[set[str] | None, list[str], str | None]:
    """Ids matching the search box (None: no search), the terms to highlight, and why the search
    found nothing when that is not the posts' doing (a message for staff)."""
    if not q:
        return None, [], None
    terms = search_terms(services, q)
    if not terms:
        return set(), [], NO_TERMS
    try:
        res = services.index.search(SearchQuery(terms=tuple(terms), since=since, limit=SEARCH_LIMIT,
                                                highlight=False))
    except IndexUnavailable:
        return set(), terms, SEARCH_DOWN
    return {h.id for h in res.hits}, terms, None


@dataclass(frozen=True)
class Feed:
    cards: list[ThreadCard]
    topics: dict[str, str]  # topic id -> name of every post in the window (for the filter box)
    matched: int  # threads matching the filter (cards holds at most `limit` of them)
    posts: int  # posts in view of those threads
    notice: str | None = None  # why the search box found nothing (engine down, no words)


def _rank(p: FeedPost) -> tuple:
    return -p.score, -p.time.timestamp(), p.doc.id


def build_feed(services, flt: FeedFilter, now: datetime, limit: int = MAX_ROWS) -> Feed:
    since = now - WINDOW
    docs = services.store.documents_between(since, now + FUTURE_SLACK)
    wanted, terms, notice = _search_ids(services, flt.q, since)
    statuses = services.store.statuses([d.id for d in docs])
    threads: dict[str, list[FeedPost]] = {}
    for d in docs:
        threads.setdefault(d.thread_url, []).append(FeedPost(d, statuses.get(d.id, "new"),
                                                             importance(d, now)))
    picked = []  # (every post of the thread in the window, its posts in view)
    for posts in threads.values():
        in_view = sorted((p for p in posts if flt.in_view(p.status)), key=_rank)
        if any(flt.matches(p.doc) and (wanted is None or p.doc.id in wanted) for p in in_view):
            picked.append((posts, in_view))
    picked.sort(key=lambda x: _rank(x[1][0]))
    shown = picked[:limit]
    events = _thread_events(services.reads, [[p.doc.id for p in v] for _, v in shown])
    cards = [_card(posts, in_view, terms, ev) for (posts, in_view), ev in zip(shown, events)]
    marks = post_marks(services.store.engine, [i for c in cards for i in (*c.ids, c.lead.doc.id)])
    cards = [replace(c, marks=card_marks(marks, c.ids, c.lead.doc.id)) for c in cards]
    return Feed(cards, _topics(docs), len(picked), sum(len(v) for _, v in picked), notice)


def _thread_events(reads: WatchReads, groups: Sequence[list[str]]) -> list[EventView | None]:
    """Per group of post ids: the open event it belongs to, when that story spread further."""
    doc_events = reads.events_of_docs([i for g in groups for i in g])
    mains = [main_event(doc_events, g) for g in groups]
    views = reads.events_by_id([m for m in mains if m])
    out = []
    for m in mains:
        e = views.get(m) if m else None
        out.append(e if e is not None and not e.closed and e.spread else None)
    return out


def _card(posts: list[FeedPost], in_view: list[FeedPost], terms: list[str],
          event: EventView | None) -> ThreadCard:
    opening = opening_post(p.doc for p in posts)
    lead = next((p for p in posts if p.doc is opening), None) or in_view[0]
    title_html, excerpt_html = highlighted(lead.doc, terms)
    latest = max(in_view, key=lambda p: (p.time, p.doc.id))
    latest_html = highlighted(latest.doc, terms)[1] if latest is not lead else None
    return ThreadCard(lead=lead, posts=tuple(in_view), relevant=len(posts),
                      unhandled=sum(1 for p in posts if p.status == "new"), title_html=title_html,
                      excerpt_html=excerpt_html, latest_html=latest_html,
                      link=safe_url(lead.doc.thread_url), event=event)


@dataclass(frozen=True)
class NewPosts:
    posts: int
    threads: int
    worst: str | None  # the worst grade among them: the banner's colour, and a beep for 红/橙


def count_new(services, flt: FeedFilter, after_seq: int, now: datetime) -> NewPosts:
    """Relevant unhandled posts ingested after `after_seq` that the current view (except the
    search box) would show, and the threads they belong to. Counting stops at NEW_COUNT_CAP."""
    since = now - WINDOW
    batch = services.store.documents_since(after_seq, NEW_COUNT_CAP)
    docs = [d for _, d in batch if d.relevant and since <= (d.published_at or d.fetched_at)]
    statuses = services.store.statuses([d.id for d in docs])
    fresh = [d for d in docs if statuses.get(d.id, "new") == "new" and flt.matches(d)]
    return NewPosts(len(fresh), len({d.thread_url for d in fresh}), worst_grade(d.severity for d in fresh))


def _topics(docs: Iterable[Document]) -> dict[str, str]:
    out: dict[str, str] = {}
    for d in docs:
        for h in d.topic_hits:
            out.setdefault(h.topic_id, h.name)
    return dict(sorted(out.items(), key=lambda kv: kv[1]))
