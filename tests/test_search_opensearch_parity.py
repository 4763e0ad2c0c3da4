"""On a live OpenSearch node, the demo corpus answers the console's searches exactly as the
embedded index does: same totals, same newest-first pages, same aggregations and histograms.
Ranking by score is the one documented difference (Lucene BM25 vs FTS5 bm25, per-shard
statistics): there the set of matching documents must agree, not their order."""
from __future__ import annotations

import pytest

from opensearch_support import live_index
from search_demo_corpus import console_queries, demo_documents, query_terms
from storage.embedded_index import EmbeddedIndex
from storage.types import SearchQuery


@pytest.fixture(scope="module")
def indices(tmp_path_factory):
    live = live_index()
    docs = demo_documents()
    embedded = EmbeddedIndex(tmp_path_factory.mktemp("parity") / "index.sqlite")
    for idx in (embedded, live):
        idx.ensure()
        for i in range(0, len(docs), 200):
            assert idx.bulk_index(docs[i:i + 200]) == []
    assert live.count(SearchQuery()) == embedded.count(SearchQuery()) == len(docs)
    yield embedded, live
    live.drop_all()
    live.close()
    embedded.close()


def ids(res):
    return [h.id for h in res.hits]


def test_newest_first_pages_and_totals_agree(indices):
    embedded, live = indices
    checked = 0
    for q in console_queries():
        query = SearchQuery(terms=query_terms(q), limit=20)
        want, got = embedded.search(query), live.search(query)
        assert (got.total, ids(got)) == (want.total, ids(want)), q
        checked += want.total > 0
    assert checked >= 40  # the query set really finds things


def test_score_order_matches_the_same_documents(indices):
    embedded, live = indices
    for q in console_queries():
        query = SearchQuery(terms=query_terms(q), sort="score", limit=1000, highlight=False)
        want, got = embedded.search(query), live.search(query)
        assert got.total == want.total and set(ids(got)) == set(ids(want)), q


def test_aggregations_and_histograms_agree(indices):
    embedded, live = indices
    for q in ("异味", "临江县 异味", "学校", ""):
        query = SearchQuery(terms=query_terms(q))
        for by in ("source", "topic", "severity", "kind", "category"):
            assert live.aggregate(query, by) == embedded.aggregate(query, by), (q, by)
        for interval in ("hour", "day"):
            assert live.histogram(query, interval) == embedded.histogram(query, interval), (q, interval)
