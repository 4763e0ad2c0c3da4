"""Plain dataclasses storage hands to its callers (ORM rows never leave storage)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal


@dataclass(frozen=True)
class ThreadState:
    """What a crawler last saw of one thread, to revisit hot threads and skip stale ones."""

    source_id: str
    thread_url: str
    replies: int | None
    last_floor: int | None
    last_page: int
    first_seen: datetime
    last_seen: datetime
    last_growth: datetime
    last_page_url: str | None = None  # the last page fetched: new replies appear there or after it


@dataclass(frozen=True)
class CrawlRun:
    """One crawl of one source: the raw material of source health."""

    source_id: str
    started_at: datetime
    finished_at: datetime
    pages: int
    items: int
    new_items: int
    errors: int
    parse_failures: int
    list_items: int
    reasons: dict[str, int] = field(default_factory=dict)
    status: str = "ok"  # ok | empty | failed | running (written at start, finished at close)


@dataclass(frozen=True)
class SearchQuery:
    """A search over indexed (relevant) documents.

    `terms` come pre-segmented from the caller and are ANDed. A term matches a document whose
    tokens contain it; a 1-character term, or a term no indexed document has as a token, matches
    as a substring of title or text instead. `since` is inclusive, `until` exclusive, both on the
    document time (published_at, else fetched_at)."""

    terms: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    negative: bool | None = None
    status: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    sort: Literal["time", "score"] = "time"
    offset: int = 0
    limit: int = 20
    highlight: bool = True


@dataclass(frozen=True)
class SearchHit:
    id: str
    score: float
    title: str
    url: str
    source_id: str
    published_at: datetime | None
    severity: str | None
    highlight: str | None  # HTML-escaped fragment, matches wrapped in <em>…</em>


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: tuple[SearchHit, ...]
