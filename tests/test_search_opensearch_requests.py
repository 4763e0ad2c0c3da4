"""OpenSearchIndex without a live node: `opensearch-py` talks HTTP to the recording server of
test_search_es_requests. Checks the ISM policy and template it installs, that it sends exactly the
Elasticsearch backend's DSL for the same calls, and that an unreachable or silent engine surfaces
as IndexUnavailable from every method of both backends (never a client exception)."""
from __future__ import annotations

import socket
from datetime import datetime, timedelta

import pytest

from conftest import free_port
from storage.config import ElasticsearchSettings, OpenSearchSettings
from storage.es_index import ElasticsearchIndex
from storage.opensearch_index import OpenSearchIndex
from storage.search import IndexUnavailable
from storage.types import SearchQuery
from storage_docs import T0, TZ, make_doc
from test_search_es_requests import CORPUS, SHARDS, FakeES, bulk_item, error_resp, search_resp


@pytest.fixture
def fake():
    servers = []

    def start(answer, opensearch=True):
        f = FakeES(answer, opensearch=opensearch)
        servers.append(f)
        return f

    yield start
    for f in servers:
        f.close()


def os_index(url, **kw):
    return OpenSearchIndex(OpenSearchSettings(url=url, index_prefix="yqt", retention_days=90), backoff=0.01, **kw)


def test_ensure_installs_ism_policy_template_and_alias(fake):
    def answer(method, path, body):
        if method == "HEAD":
            return 404, None
        if path.startswith("/yqt-docs-"):
            return 200, {"acknowledged": True, "shards_acknowledged": True, "index": path[1:]}
        return 200, {"_id": "yqt-docs-retention", "_seq_no": 0, "_primary_term": 1} if "_ism" in path \
            else {"acknowledged": True}

    f = fake(answer)
    os_index(f.url).ensure()
    month = datetime.now(TZ).strftime("%Y.%m")
    assert [(r["method"], r["path"]) for r in f.requests] == [
        ("PUT", "/_plugins/_ism/policies/yqt-docs-retention"), ("PUT", "/_index_template/yqt-docs"),
        ("HEAD", "/_alias/yqt-docs"), ("PUT", f"/yqt-docs-{month}")]
    policy = f.requests[0]["body"]["policy"]
    assert policy["default_state"] == "hot"
    assert policy["states"][0]["transitions"] == [{"state_name": "delete",
                                                   "conditions": {"min_index_age": "90d"}}]
    assert policy["states"][1]["actions"] == [{"delete": {}}]
    assert policy["ism_template"] == [{"index_patterns": ["yqt-docs-*"], "priority": 100}]
    # the Elasticsearch template minus its ILM setting, which OpenSearch would refuse
    es_template = ElasticsearchIndex(ElasticsearchSettings(url=f.url, index_prefix="yqt")).template()
    del es_template["template"]["settings"]["index.lifecycle.name"]
    assert f.requests[1]["body"] == es_template


def test_existing_ism_policy_is_updated_in_place(fake):
    def answer(method, path, body):
        if "_ism" in path and method == "PUT" and not f.requests[-1]["params"]:
            return 409, error_resp(409, "version_conflict_engine_exception", "document already exists")
        if "_ism" in path:
            return 200, {"_id": "yqt-docs-retention", "_seq_no": 7, "_primary_term": 2, "policy": {}}
        return (200, {"yqt-docs-2026.11": {"aliases": {}}}) if method == "HEAD" else (200, {"acknowledged": True})

    f = fake(answer)
    os_index(f.url).ensure()
    ism = [r for r in f.requests if "_ism" in r["path"]]
    assert [r["method"] for r in ism] == ["PUT", "GET", "PUT"]
    assert ism[2]["params"] == {"if_seq_no": ["7"], "if_primary_term": ["2"]}


def test_cluster_without_ism_plugin_still_gets_template(fake, caplog):
    f = fake(lambda m, p, b: (400, {"error": f"no handler found for uri [{p}] and method [{m}]", "status": 400})
             if "_ism" in p else (200, {"yqt-docs-2026.11": {}}) if m == "HEAD" else (200, {"acknowledged": True}))
    os_index(f.url).ensure()
    assert [r["path"] for r in f.requests][1] == "/_index_template/yqt-docs"
    assert "ISM" in caplog.text


def test_same_dsl_as_the_elasticsearch_backend(fake):
    """Both backends send identical bodies to the same paths for every read and write."""
    def answer(method, path, body):
        if path.endswith("_count"):
            return 200, {"count": 3, "_shards": SHARDS}
        if path.endswith("_bulk"):
            return 200, {"took": 1, "errors": False, "items": [
                bulk_item(body[i]["index"]["_id"], body[i]["index"]["_index"]) for i in range(0, len(body), 2)]}
        if path.endswith("_delete_by_query"):
            return 200, {"took": 1, "deleted": 1, "failures": []}
        aggs = (body or {}).get("aggs", {})
        if "tokens" in aggs:
            return 200, {**search_resp(), "aggregations": {"tokens": {"buckets": {
                str(i): {"doc_count": i % 2} for i in range(len(aggs["tokens"]["filters"]["filters"]))}}}}
        if "by" in aggs:
            return 200, search_resp(aggs={"by": {"buckets": [{"key": "forum_a", "doc_count": 3}]}})
        if "h" in aggs:
            return 200, search_resp(aggs={"h": {"buckets": [{"key": int(T0.timestamp() * 1000), "doc_count": 3}]}})
        return 200, search_resp()

    def run(idx):
        q = SearchQuery(terms=("异味", "化工厂", "吃"), sources=("forum_a",), negative=False,
                        since=T0 - timedelta(days=1), until=T0, sort="score", offset=10, limit=5)
        out = [idx.bulk_index(CORPUS, {"d1": "handling"}), idx.search(q), idx.count(q),
               idx.aggregate(q, "topic"), idx.histogram(q, "hour"), idx.delete(["d1"])]
        return out

    fe, fo = fake(answer, opensearch=False), fake(answer)
    es_out = run(ElasticsearchIndex(ElasticsearchSettings(url=fe.url, index_prefix="yqt")))
    os_out = run(os_index(fo.url))
    assert es_out == os_out
    # same paths and bodies (the HTTP verb for _bulk is the client's choice: PUT or POST)
    assert [(r["path"], r["body"]) for r in fe.requests] == [(r["path"], r["body"]) for r in fo.requests]
    assert len(fo.requests) == 10  # bulk, (probe + search), (probe + count), (probe + agg), (probe + hist), delete


def _silent_port():
    """A port that accepts connections and never answers (a hung engine)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    return s


CALLS = {
    "ensure": lambda idx: idx.ensure(),
    "bulk_index": lambda idx: idx.bulk_index([make_doc(1)]),
    "delete": lambda idx: idx.delete(["d1"]),
    "search": lambda idx: idx.search(SearchQuery(terms=("异味",))),
    "search_no_terms": lambda idx: idx.search(SearchQuery()),
    "count": lambda idx: idx.count(SearchQuery()),
    "aggregate": lambda idx: idx.aggregate(SearchQuery(), "source"),
    "histogram": lambda idx: idx.histogram(SearchQuery(), "day"),
    "drop_all": lambda idx: idx.drop_all(),
}


@pytest.mark.parametrize("backend", ["elasticsearch", "opensearch"])
@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("failure", ["refused", "timeout"])
def test_unreachable_engine_raises_index_unavailable(backend, call, failure):
    silent = _silent_port() if failure == "timeout" else None
    port = silent.getsockname()[1] if silent else free_port()
    url = f"http://127.0.0.1:{port}"
    idx = (ElasticsearchIndex(ElasticsearchSettings(url=url, index_prefix="yqt", request_timeout=0.2), backoff=0.01)
           if backend == "elasticsearch" else
           OpenSearchIndex(OpenSearchSettings(url=url, index_prefix="yqt", request_timeout=0.2), backoff=0.01))
    try:
        with pytest.raises(IndexUnavailable) as exc:
            CALLS[call](idx)
        assert str(port) in str(exc.value)
    finally:
        idx.close()
        if silent:
            silent.close()


def test_whole_request_refused_is_unavailable(fake):
    f = fake(lambda m, p, b: (429, error_resp(429, "rejected_execution_exception", "too many requests")))
    with pytest.raises(IndexUnavailable, match="429"):
        os_index(f.url).bulk_index(CORPUS)
    with pytest.raises(IndexUnavailable, match="429"):
        os_index(f.url).search(SearchQuery())


def test_credentials_come_from_named_env_vars(fake, monkeypatch):
    import base64
    monkeypatch.setenv("YQ_OS_USER", "admin")
    monkeypatch.setenv("YQ_OS_PASSWORD", "pw")
    f = fake(lambda m, p, b: (200, {"count": 0, "_shards": SHARDS}))
    os_index(f.url).count(SearchQuery())
    assert f.requests[0]["headers"]["authorization"] == "Basic " + base64.b64encode(b"admin:pw").decode()
