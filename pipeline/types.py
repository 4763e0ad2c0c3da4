"""Boundary types that cross module boundaries (DESIGN §3).

Defined once, here. Plain frozen dataclasses: no ORM rows, no Scrapy items.
Adding a field with a default is fine; renaming one is a contract change.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

SOURCE_KINDS = ("forum", "tieba", "news", "feed", "generic")

# 红橙黄蓝, most to least severe.
SEVERITIES = ("red", "orange", "yellow", "blue")
SEVERITY_RANK = {"red": 4, "orange": 3, "yellow": 2, "blue": 1}
SEVERITY_LABELS = {"red": "红色", "orange": "橙色", "yellow": "黄色", "blue": "蓝色"}


def severity_at_least(grade: str | None, threshold: str) -> bool:
    """True when `grade` is as severe as `threshold` or more."""
    return grade is not None and SEVERITY_RANK[grade] >= SEVERITY_RANK[threshold]


@dataclass(frozen=True, slots=True)
class RawPost:
    """One post (a forum floor, a Tieba floor, a news article, a feed entry) as crawled."""

    source_id: str
    kind: str  # forum | tieba | news | feed | generic
    url: str  # the post's own URL (a floor's URL may carry #pid / ?pid)
    thread_url: str  # the thread or article the post belongs to
    title: str
    text: str  # plain text of the body (parsers strip markup)
    fetched_at: datetime
    author: str | None = None
    published_at: datetime | None = None  # aware, Asia/Shanghai
    floor: int | None = None  # 1 = the thread starter / article
    replies: int | None = None  # thread reply count seen on the list or thread page
    views: int | None = None
    html: str = ""  # optional raw HTML of the body, kept as evidence
    source_weight: float = 1.0  # from sources.yaml `weight`
    outlet: str | None = None  # an article's publishing outlet (来源), kept apart from its author


@dataclass(frozen=True, slots=True)
class TopicHit:
    """A topic that matched a document, and why."""

    topic_id: str
    name: str
    category: str | None
    severity: str | None  # the topic's configured grade
    words: tuple[str, ...]  # matched terms (`any` and `all` terms), in order of first appearance
    spans: tuple[tuple[int, int], ...] = ()  # char spans of those terms in Document.match_text


@dataclass(frozen=True, slots=True)
class Document:
    """A normalised, analysed post: what storage keeps and the alert stage reads."""

    id: str  # hash of canonical URL + floor
    source_id: str
    kind: str
    url: str  # canonical
    thread_url: str  # canonical
    title: str  # normalised
    text: str  # normalised plain text
    fetched_at: datetime
    author: str | None = None
    published_at: datetime | None = None
    floor: int | None = None
    replies: int | None = None
    views: int | None = None
    tokens: tuple[str, ...] = ()  # jieba tokens of title + text (empty for irrelevant posts)
    locality_terms: tuple[str, ...] = ()  # locality terms found
    topic_hits: tuple[TopicHit, ...] = ()
    exclusions: tuple[str, ...] = ()  # exclusions that fired, "locality:青溪路" / "pollution:演练"
    relevant: bool = False  # about the locality (or a locality-optional topic matched)
    sentiment: float = 0.0  # -1 (negative) .. 1 (positive)
    negative: bool = False
    category: str | None = None
    severity: str | None = None  # red | orange | yellow | blue | None
    simhash: int = 0  # 64-bit SimHash of the tokens, for near-duplicate grouping
    keywords: tuple[str, ...] = ()  # top key terms, for event grouping and hot words
    source_weight: float = 1.0
    outlet: str | None = None  # an article's publishing outlet (来源), kept apart from its author

    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(h.topic_id for h in self.topic_hits)

    @property
    def match_text(self) -> str:
        """The text that TopicHit.spans index into."""
        return f"{self.title}\n{self.text}"


@dataclass(frozen=True, slots=True)
class Analysis:
    """The `yqwatch analyze` view of one input (DESIGN §5)."""

    id: str
    relevant: bool
    topics: tuple[str, ...]
    locality: tuple[str, ...]
    sentiment: float
    negative: bool
    category: str | None
    severity: str | None

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "relevant": self.relevant,
            "topics": list(self.topics),
            "locality": list(self.locality),
            "sentiment": round(self.sentiment, 4),
            "negative": self.negative,
            "category": self.category,
            "severity": self.severity,
        }


