"""One contract suite for every SearchIndex implementation.

`embedded` always runs. `opensearch` runs against a live node when YQ_OS_URL is set (CI starts
one with scripts/ci_opensearch.sh and sets YQ_REQUIRE_OPENSEARCH=1, so it cannot skip there).
`elasticsearch` runs against a live node when YQ_ES_URL is set (see bench/RESULTS_storage.md);
without one, tests/test_search_es_requests.py checks the exact requests the official client sends.
Every assertion is the same for all three, ranking included: where the engines' BM25 differs from
FTS5's the corpus is built so the order does not depend on it."""
from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta

import pytest

from opensearch_support import live_index
from storage.embedded_index import EmbeddedIndex
from storage.types import SearchQuery
from storage_docs import T0, TZ, make_doc


@pytest.fixture(params=["embedded", "opensearch", "elasticsearch"])
def index(request, tmp_path):
    if request.param == "embedded":
        idx = EmbeddedIndex(tmp_path / "index.sqlite")
    elif request.param == "opensearch":
        idx = live_index()
    else:
        url = os.environ.get("YQ_ES_URL")
        if not url:
            pytest.skip("live Elasticsearch contract run needs YQ_ES_URL (e.g. http://127.0.0.1:9200)")
        from storage.config import ElasticsearchSettings
        from storage.es_index import ElasticsearchIndex

        idx = ElasticsearchIndex(ElasticsearchSettings(url=url, index_prefix=f"yqt-{uuid.uuid4().hex[:8]}"),
                                 refresh=True)
    idx.ensure()
    yield idx
    if request.param != "embedded":
        idx.drop_all()
    idx.close()


def ids(result):
    return [h.id for h in result.hits]


CORPUS = [
    make_doc(1, title="青溪化工厂异味", text="东湖区 化工厂 排放 刺鼻 异味，居民 投诉",
             tokens=("东湖区", "化工厂", "排放", "刺鼻", "异味", "居民", "投诉"), source="forum_a",
             topics=("pollution",), category="生态环境", severity="orange", negative=True,
             published_at=T0 - timedelta(hours=1)),
    make_doc(2, title="化工厂又有异味", text="异味 异味 异味 很 严重",
             tokens=("化工厂", "异味", "异味", "异味", "很", "严重"), source="tieba_qx", kind="tieba",
             topics=("pollution",), category="生态环境", severity="yellow", negative=True,
             published_at=T0 - timedelta(hours=3)),
    make_doc(3, title="临江县 道路 拥堵", text="早高峰 道路 拥堵 严重",
             tokens=("早高峰", "道路", "拥堵", "严重"), source="news_qx", kind="news",
             topics=("traffic",), category="交通", severity="blue", published_at=T0 - timedelta(days=1)),
    make_doc(4, title="美食 推荐", text="青溪 小吃 好吃", tokens=("青溪", "小吃", "好吃"),
             source="forum_a", published_at=None, fetched_at=T0 - timedelta(minutes=10)),
]


@pytest.fixture
def filled(index):
    index.bulk_index(CORPUS)
    return index


def test_terms_match_tokens_and_are_anded(filled):
    assert ids(filled.search(SearchQuery(terms=("异味",)))) == ["d1", "d2"]
    assert ids(filled.search(SearchQuery(terms=("异味", "投诉")))) == ["d1"]
    assert ids(filled.search(SearchQuery(terms=("严重",)))) == ["d2", "d3"]
    assert filled.search(SearchQuery(terms=("地震",))).total == 0


def test_short_or_unindexed_terms_fall_back_to_substring(filled):
    # "化工" is no token anywhere (tokens say "化工厂"): substring of title/text
    assert ids(filled.search(SearchQuery(terms=("化工",)))) == ["d1", "d2"]
    # a 1-character term is always a substring match ("吃" is inside "小吃"/"好吃")
    assert ids(filled.search(SearchQuery(terms=("吃",)))) == ["d4"]
    assert ids(filled.search(SearchQuery(terms=("吃", "青溪")))) == ["d4"]


def test_substring_fallback_is_literal(index):
    index.bulk_index([make_doc(1, text="团购 降价50%_特惠", tokens=("团购", "降价")),
                      make_doc(2, text="只要 500元", tokens=("只要",))])
    assert ids(index.search(SearchQuery(terms=("50%",)))) == ["d1"]


def test_sort_by_time_and_by_score(filled):
    assert ids(filled.search(SearchQuery())) == ["d4", "d1", "d2", "d3"]  # newest first
    assert ids(filled.search(SearchQuery(terms=("异味",), sort="score"))) == ["d2", "d1"]
    res = filled.search(SearchQuery(terms=("异味",), sort="score"))
    assert res.hits[0].score > res.hits[1].score > 0
    assert ids(filled.search(SearchQuery(sort="score"))) == ["d4", "d1", "d2", "d3"]  # no terms: time
    assert {h.score for h in filled.search(SearchQuery(terms=("异味",))).hits} == {0.0}  # time order: no score


def test_filters(filled):
    q = lambda **kw: ids(filled.search(SearchQuery(**kw)))  # noqa: E731
    assert q(sources=("forum_a",)) == ["d4", "d1"]
    assert q(sources=("forum_a", "news_qx")) == ["d4", "d1", "d3"]
    assert q(kinds=("tieba",)) == ["d2"]
    assert q(topics=("traffic",)) == ["d3"]
    assert q(categories=("生态环境",)) == ["d1", "d2"]
    assert q(severities=("orange", "blue")) == ["d1", "d3"]
    assert q(negative=True) == ["d1", "d2"]
    assert q(negative=False) == ["d4", "d3"]
    assert q(status=("new",)) == ["d4", "d1", "d2", "d3"]
    assert q(status=("closed",)) == []
    assert q(terms=("异味",), sources=("tieba_qx",)) == ["d2"]
    # since inclusive, until exclusive, on published_at else fetched_at
    assert q(since=T0 - timedelta(hours=1)) == ["d4", "d1"]
    assert q(until=T0 - timedelta(hours=1)) == ["d2", "d3"]
    assert q(since=T0 - timedelta(hours=3), until=T0 - timedelta(minutes=10)) == ["d1", "d2"]
    assert q(terms=("异味",), since=T0 - timedelta(hours=2)) == ["d1"]
    assert filled.search(SearchQuery(terms=("异味",), since=T0 - timedelta(hours=2))).total == 1


def test_status_is_indexed_from_the_given_map(index):
    index.bulk_index(CORPUS[:2], {"d1": "handling"})
    assert ids(index.search(SearchQuery(status=("handling",)))) == ["d1"]
    assert ids(index.search(SearchQuery(status=("new",)))) == ["d2"]


def test_paging_and_total(filled):
    res = filled.search(SearchQuery(offset=1, limit=2))
    assert res.total == 4 and ids(res) == ["d1", "d2"]
    assert ids(filled.search(SearchQuery(offset=4))) == []


def test_hit_fields_and_escaped_highlight(index):
    doc = make_doc(9, title="化工厂 <b>通报</b>", text="据说 <script>alert(1)</script> 化工厂 夜里 偷排",
                   tokens=("据说", "化工厂", "夜里", "偷排"), severity="red", published_at=T0)
    index.bulk_index([doc])
    (hit,) = index.search(SearchQuery(terms=("偷排",))).hits
    assert (hit.id, hit.title, hit.url, hit.source_id, hit.severity) == \
        ("d9", doc.title, doc.url, "forum_a", "red")
    assert hit.published_at == T0
    assert "<em>偷排</em>" in hit.highlight
    assert "<script>" not in hit.highlight and "&lt;script&gt;" in hit.highlight
    assert index.search(SearchQuery(terms=("偷排",), highlight=False)).hits[0].highlight is None


def test_index_is_idempotent_and_replaces(filled):
    filled.bulk_index(CORPUS)
    assert filled.count(SearchQuery()) == 4
    changed = make_doc(3, title="临江县 道路 已 疏通", text="已 疏通", tokens=("已", "疏通"),
                       source="news_qx", kind="news", published_at=T0 - timedelta(days=1))
    filled.bulk_index([changed])
    assert filled.count(SearchQuery()) == 4
    assert ids(filled.search(SearchQuery(terms=("疏通",)))) == ["d3"]
    assert filled.count(SearchQuery(terms=("拥堵",))) == 0
    assert filled.count(SearchQuery(topics=("traffic",))) == 0


def test_delete(filled):
    filled.delete(["d1", "d404"])
    assert filled.count(SearchQuery()) == 3
    assert ids(filled.search(SearchQuery(terms=("异味",)))) == ["d2"]


def test_document_without_tokens_is_searchable_by_bigrams(index):
    index.bulk_index([make_doc(5, title="水库放水", text="下游注意安全", tokens=())])
    assert ids(index.search(SearchQuery(terms=("放水",)))) == ["d5"]
    assert ids(index.search(SearchQuery(terms=("注意",)))) == ["d5"]


def test_count_and_aggregations(filled):
    assert filled.count(SearchQuery(terms=("异味",))) == 2
    assert filled.aggregate(SearchQuery(), "source") == {"forum_a": 2, "news_qx": 1, "tieba_qx": 1}
    assert filled.aggregate(SearchQuery(), "topic") == {"pollution": 2, "traffic": 1}
    assert filled.aggregate(SearchQuery(), "category") == {"生态环境": 2, "交通": 1}
    assert filled.aggregate(SearchQuery(negative=True), "severity") == {"orange": 1, "yellow": 1}
    assert filled.aggregate(SearchQuery(terms=("严重",)), "kind") == {"news": 1, "tieba": 1}
    with pytest.raises(ValueError):
        filled.aggregate(SearchQuery(), "author")


def test_histogram_buckets_are_shanghai_time(index):
    # 23:30 and 00:30 Shanghai time fall on different Shanghai days (same UTC day)
    late = datetime(2026, 11, 19, 23, 30, tzinfo=TZ)
    index.bulk_index([make_doc(1, published_at=late), make_doc(2, published_at=late + timedelta(minutes=10)),
                      make_doc(3, published_at=late + timedelta(hours=1)),
                      make_doc(4, published_at=late + timedelta(hours=3))])
    day = index.histogram(SearchQuery(), "day")
    assert day == [(datetime(2026, 11, 19, tzinfo=TZ), 2), (datetime(2026, 11, 20, tzinfo=TZ), 2)]
    assert all(k.utcoffset() == timedelta(hours=8) for k, _ in day)
    hour = index.histogram(SearchQuery(), "hour")
    assert hour == [(datetime(2026, 11, 19, 23, tzinfo=TZ), 2), (datetime(2026, 11, 20, 0, tzinfo=TZ), 1),
                    (datetime(2026, 11, 20, 2, tzinfo=TZ), 1)]
    # with both bounds: every bucket in [since, until), empty ones too
    full = index.histogram(SearchQuery(since=datetime(2026, 11, 19, 22, tzinfo=TZ),
                                       until=datetime(2026, 11, 20, 2, tzinfo=TZ)), "hour")
    assert full == [(datetime(2026, 11, 19, 22, tzinfo=TZ), 0), (datetime(2026, 11, 19, 23, tzinfo=TZ), 2),
                    (datetime(2026, 11, 20, 0, tzinfo=TZ), 1), (datetime(2026, 11, 20, 1, tzinfo=TZ), 0)]
