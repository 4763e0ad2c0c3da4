"""Deliver queued documents from the persisted outbox to the search index, in order."""
from __future__ import annotations

import logging

from .search import SearchIndex
from .store import Store

log = logging.getLogger(__name__)


def drain_outbox(store: Store, index: SearchIndex, *, batch: int = 500,
                 max_batches: int | None = None) -> int:
    """Index queued documents oldest first; a batch's rows are deleted only after the index took
    it. Stops at the first outage (IndexUnavailable propagates; the rows stay queued) or when the
    queue is empty. Returns the number of outbox rows delivered."""
    done = n = 0
    while max_batches is None or n < max_batches:
        rows = store.outbox_batch(batch)
        if not rows:
            break
        ids = list(dict.fromkeys(doc_id for _, doc_id in rows))
        docs = [d for d in store.get_documents(ids) if d.relevant]
        rejected = index.bulk_index(docs, store.statuses(ids)) if docs else []
        for doc_id, reason in rejected:
            log.error("索引拒收文档 %s: %s", doc_id, reason)
        store.outbox_ack(rows[-1][0])
        done += len(rows)
        n += 1
    return done
