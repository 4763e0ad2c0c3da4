"""Rebuild the search index from the database (`yqwatch reindex [--since]`)."""
from __future__ import annotations

from datetime import datetime

from .search import SearchIndex
from .store import Store


def reindex(store: Store, index: SearchIndex, since: datetime | None = None) -> int:
    """(Re)index every relevant document (time >= since if given); idempotent by document id.
    Returns the number of documents sent."""
    n = 0
    for batch in store.iter_indexable(since, batch=1000):
        index.bulk_index([d for d, _ in batch], {d.id: s for d, s in batch})
        n += len(batch)
    return n
