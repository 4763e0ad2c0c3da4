"""Deliver queued documents from the persisted outbox to the search index, oldest first."""
from __future__ import annotations

import logging

from pipeline.types import Document

from .search import SearchIndex
from .store import Store

log = logging.getLogger(__name__)


def drain_outbox(store: Store, index: SearchIndex, *, batch: int = 500,
                 max_batches: int | None = None) -> int:
    """Index queued documents oldest first, one batch per transaction: a batch's rows are deleted
    (exactly those rows) only after the index took it, and only one drainer runs at a time
    (Store.outbox_deliver). Stops at the first outage (IndexUnavailable propagates; the rows stay
    queued) or when the queue is empty. Returns the number of outbox rows delivered."""

    def deliver(docs: list[Document], statuses: dict[str, str]) -> None:
        relevant = [d for d in docs if d.relevant]
        for doc_id, reason in index.bulk_index(relevant, statuses) if relevant else []:
            log.error("索引拒收文档 %s: %s", doc_id, reason)

    done = n = 0
    while max_batches is None or n < max_batches:
        k = store.outbox_deliver(batch, deliver)
        if not k:
            break
        done += k
        n += 1
    return done
