"""The search index contract shared by EmbeddedIndex and ElasticsearchIndex.

Only relevant documents are indexed. Behaviour both implementations follow (tested by one
contract suite): see SearchQuery for term semantics; filters are ANDed, values within one filter
ORed; sort "time" = newest first (ties by id, descending; hits carry score 0), "score" = best
first by BM25 over the tokens (ties newest first; without token terms it equals "time");
`aggregate` omits documents without a value (category/severity None); `histogram` buckets are
Asia/Shanghai hours/days, only non-empty ones unless both `since` and `until` are given, then
every bucket in [since, until) including zeros."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Literal, Protocol

from pipeline.types import Document

from .types import SearchQuery, SearchResult

AGG_FIELDS = ("source", "topic", "category", "severity", "kind")


class IndexUnavailable(Exception):
    """The index cannot take writes now (down, overloaded): retry later, lose nothing."""


class SearchIndex(Protocol):
    def ensure(self) -> None: ...

    def bulk_index(self, docs: Sequence[Document],
                   statuses: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
        """Index (or replace) documents by id. Returns (id, reason) of documents the index
        rejected for good; raises IndexUnavailable when it cannot take the batch now."""

    def delete(self, ids: Sequence[str]) -> None: ...

    def search(self, q: SearchQuery) -> SearchResult: ...

    def aggregate(self, q: SearchQuery, by: str) -> dict[str, int]: ...

    def histogram(self, q: SearchQuery, interval: Literal["hour", "day"]) -> list[tuple[datetime, int]]: ...

    def count(self, q: SearchQuery) -> int: ...

    def close(self) -> None: ...
