"""ElasticsearchIndex without a live node: the official client talks HTTP to a real local server
that records every request and answers with Elasticsearch 8 response shapes. We check the exact
bodies (template, ILM policy, bulk NDJSON, query DSL, aggregations) and the parsing of the
answers, including partial bulk failures and outages."""
from __future__ import annotations

import base64
import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import free_port
from storage.config import ElasticsearchSettings
from storage.es_index import ElasticsearchIndex
from storage.factory import create_schema, make_engine
from storage.outbox import drain_outbox
from storage.search import IndexUnavailable
from storage.store import Store
from storage.types import SearchQuery
from storage_docs import T0, TZ, make_doc

SHARDS = {"total": 1, "successful": 1, "skipped": 0, "failed": 0}


def search_resp(hits=(), total=0, aggs=None, max_score=None):
    out = {"took": 3, "timed_out": False, "_shards": SHARDS,
           "hits": {"total": {"value": total, "relation": "eq"}, "max_score": max_score, "hits": list(hits)}}
    if aggs is not None:
        out["aggregations"] = aggs
    return out


def error_resp(status, etype, reason):
    return {"error": {"root_cause": [{"type": etype, "reason": reason}], "type": etype, "reason": reason},
            "status": status}


def bulk_item(doc_id, index, status=201, error=None):
    if error:
        return {"index": {"_index": index, "_id": doc_id, "status": status, "error": error}}
    return {"index": {"_index": index, "_id": doc_id, "_version": 1, "result": "created",
                      "_shards": {"total": 2, "successful": 1, "failed": 0}, "_seq_no": 0,
                      "_primary_term": 1, "status": status}}


class FakeES:
    """A real HTTP server on 127.0.0.1. `answer(method, path, body)` -> (status, json or None)."""

    def __init__(self, answer, opensearch: bool = False):
        self.requests: list[dict] = []
        self.answer = answer
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                url = urlsplit(self.path)
                ctype = self.headers.get("Content-Type", "")
                if "ndjson" in ctype or url.path.endswith("/_bulk"):  # opensearch-py says application/json
                    body = [json.loads(line) for line in raw.decode().splitlines() if line]
                else:
                    body = json.loads(raw) if raw else None
                fake.requests.append({"method": self.command, "path": url.path, "params": parse_qs(url.query),
                                      "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                status, payload = fake.answer(self.command, url.path, body)
                data = b"" if payload is None or self.command == "HEAD" else json.dumps(payload).encode()
                self.send_response(status)
                if opensearch:
                    self.send_header("Content-Type", "application/json; charset=UTF-8")
                else:
                    self.send_header("X-Elastic-Product", "Elasticsearch")
                    self.send_header("Content-Type", "application/vnd.elasticsearch+json;compatible-with=8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _serve

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def es(request):
    servers = []

    def start(answer):
        f = FakeES(answer)
        servers.append(f)
        return f, ElasticsearchIndex(ElasticsearchSettings(url=f.url, index_prefix="yqt"), backoff=0.01)

    yield start
    for f in servers:
        f.close()


CORPUS = [
    make_doc(1, title="化工厂异味", text="东湖区 化工厂 异味", tokens=("东湖区", "化工厂", "，", "异味"),
             topics=("pollution",), category="生态环境", severity="orange", negative=True,
             published_at=T0 - timedelta(hours=1)),
    make_doc(2, title="夜里偷排", text="偷排", tokens=("偷排",), source="tieba_qx", kind="tieba",
             published_at=None, fetched_at=datetime(2026, 10, 31, 23, 30, tzinfo=TZ)),
]


def test_init_index_installs_policy_template_and_alias(es):
    def answer(method, path, body):
        if method == "HEAD":
            return 404, None
        if path.startswith("/yqt-docs-"):
            return 200, {"acknowledged": True, "shards_acknowledged": True, "index": path[1:]}
        return 200, {"acknowledged": True}

    fake, idx = es(answer)
    idx.ensure()
    month = datetime.now(TZ).strftime("%Y.%m")
    assert [(r["method"], r["path"]) for r in fake.requests] == [
        ("PUT", "/_ilm/policy/yqt-docs-retention"), ("PUT", "/_index_template/yqt-docs"),
        ("HEAD", "/_alias/yqt-docs"), ("PUT", f"/yqt-docs-{month}")]
    policy, template = fake.requests[0]["body"], fake.requests[1]["body"]
    assert policy["policy"]["phases"]["delete"] == {"min_age": "365d", "actions": {"delete": {}}}
    assert template["index_patterns"] == ["yqt-docs-*"]
    assert template["template"]["aliases"] == {"yqt-docs": {}}
    settings, props = template["template"]["settings"], template["template"]["mappings"]["properties"]
    assert settings["index.lifecycle.name"] == "yqt-docs-retention"
    assert settings["analysis"]["analyzer"]["yq_tokens"] == {"type": "custom", "tokenizer": "whitespace",
                                                              "filter": ["lowercase"]}
    assert props["content_seg"] == {"type": "text", "analyzer": "yq_tokens"}
    assert props["@timestamp"] == {"type": "date"}
    assert all(props[f] == {"type": "keyword"} for f in ("source_id", "kind", "topics", "category",
                                                         "severity", "status", "doc_id"))
    # alias present: nothing created
    fake.answer = lambda m, p, b: (200, {"yqt-docs-2026.11": {"aliases": {"yqt-docs": {}}}} if m != "PUT"
                                   else {"acknowledged": True})
    fake.requests.clear()
    idx.ensure()
    assert [r["method"] for r in fake.requests] == ["PUT", "PUT", "HEAD"]


def test_bulk_sends_ndjson_to_monthly_indices(es):
    fake, idx = es(lambda m, p, b: (200, {"took": 7, "errors": False, "items": [
        bulk_item(b[i]["index"]["_id"], b[i]["index"]["_index"]) for i in range(0, len(b), 2)]}))
    assert idx.bulk_index(CORPUS, {"d2": "handling"}) == []
    (req,) = fake.requests
    assert (req["method"], req["path"]) == ("PUT", "/_bulk")
    assert req["headers"]["content-type"] == "application/vnd.elasticsearch+x-ndjson; compatible-with=8"
    assert req["body"] == [
        {"index": {"_index": "yqt-docs-2026.11", "_id": "d1"}},
        {"@timestamp": int((T0 - timedelta(hours=1)).timestamp() * 1000),
         "published_at": int((T0 - timedelta(hours=1)).timestamp() * 1000), "doc_id": "d1",
         "source_id": "forum_a", "kind": "forum", "topics": ["pollution"], "category": "生态环境",
         "severity": "orange", "status": "new", "negative": True, "sentiment": -0.5,
         "url": "https://bbs.example.cn/t/1", "title": "化工厂异味", "text": "东湖区 化工厂 异味",
         "content_seg": "东湖区 化工厂 异味"},
        # fetched 2026-10-31 23:30 Shanghai (15:30 UTC): the October index, by Shanghai month
        {"index": {"_index": "yqt-docs-2026.10", "_id": "d2"}},
        {"@timestamp": int(datetime(2026, 10, 31, 23, 30, tzinfo=TZ).timestamp() * 1000), "published_at": None,
         "doc_id": "d2", "source_id": "tieba_qx", "kind": "tieba", "topics": [], "category": None,
         "severity": None, "status": "handling", "negative": False, "sentiment": 0.2,
         "url": "https://bbs.example.cn/t/2", "title": "夜里偷排", "text": "偷排", "content_seg": "偷排"},
    ]


def test_bulk_partial_failure_retries_only_retryable_items(es):
    replies = [
        {"took": 30, "errors": True, "items": [
            bulk_item("d1", "yqt-docs-2026.11"),
            bulk_item("d2", "yqt-docs-2026.10", 429, {
                "type": "es_rejected_execution_exception",
                "reason": "rejected execution of coordinating operation [coordinating_and_primary_bytes=0]"}),
            bulk_item("d3", "yqt-docs-2026.11", 400, {
                "type": "document_parsing_exception",
                "reason": "[1:42] failed to parse field [@timestamp] of type [date]"})]},
        {"took": 5, "errors": False, "items": [bulk_item("d2", "yqt-docs-2026.10")]},
    ]
    fake, idx = es(lambda m, p, b: (200, replies.pop(0)))
    rejected = idx.bulk_index(CORPUS + [make_doc(3)])
    assert [[op["index"]["_id"] for op in r["body"][::2]] for r in fake.requests] == [["d1", "d2", "d3"], ["d2"]]
    assert rejected == [("d3", "document_parsing_exception: [1:42] failed to parse field [@timestamp] "
                                "of type [date]")]


def test_items_still_refused_after_retries_mean_unavailable(es):
    fake, idx = es(lambda m, p, b: (200, {"took": 1, "errors": True, "items": [
        bulk_item("d1", "yqt-docs-2026.11", 503, {"type": "unavailable_shards_exception", "reason": "primary shard is not active"})]}))
    with pytest.raises(IndexUnavailable):
        idx.bulk_index(CORPUS[:1])
    assert len(fake.requests) == 4  # first try + 3 retries with backoff


def test_whole_request_rejection_is_unavailable(es):
    fake, idx = es(lambda m, p, b: (429, error_resp(429, "es_rejected_execution_exception",
                                                     "rejected execution of coordinating operation")))
    with pytest.raises(IndexUnavailable, match="429"):
        idx.bulk_index(CORPUS)
    assert len(fake.requests) == 3  # the client's own retries (max_retries=2)


def test_outbox_survives_es_outage_and_resumes(es, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'yq.db'}")
    create_schema(engine)
    store = Store(engine)
    store.save_documents(CORPUS)
    down = ElasticsearchIndex(ElasticsearchSettings(url=f"http://127.0.0.1:{free_port()}", index_prefix="yqt"))
    with pytest.raises(IndexUnavailable):
        drain_outbox(store, down)
    assert store.outbox_pending() == 2
    fake, idx = es(lambda m, p, b: (200, {"took": 2, "errors": False, "items": [
        bulk_item(b[i]["index"]["_id"], b[i]["index"]["_index"]) for i in range(0, len(b), 2)]}))
    assert drain_outbox(store, idx) == 2
    assert [op["index"]["_id"] for op in fake.requests[0]["body"][::2]] == ["d1", "d2"]
    assert store.outbox_pending() == 0
    engine.dispose()


def test_search_body_and_response(es):
    hit = {"_index": "yqt-docs-2026.11", "_id": "d1", "_score": 2.0794415,
           "_source": {"title": "化工厂异味", "url": "https://bbs.example.cn/t/1", "source_id": "forum_a",
                       "published_at": int(T0.timestamp() * 1000), "severity": "orange"},
           "highlight": {"text": ["东湖区 化工厂 <em>异</em><em>味</em> &lt;b&gt;"]},
           "sort": [2.0794415, int(T0.timestamp() * 1000), "d1"]}

    def answer(method, path, body):
        if "aggs" in body:  # the token probe
            return 200, {**search_resp(), "aggregations": {"tokens": {"buckets": {
                "0": {"doc_count": 2}, "1": {"doc_count": 0}}}}}
        return 200, search_resp([hit], total=7, max_score=2.0794415)

    fake, idx = es(answer)
    q = SearchQuery(terms=("异味", "化工", "吃"), sources=("forum_a",), severities=("orange", "red"),
                    negative=True, since=T0 - timedelta(days=1), until=T0, sort="score", offset=20, limit=10)
    res = idx.search(q)
    probe, req = fake.requests
    assert probe["path"] == req["path"] == "/yqt-docs/_search"
    assert probe["body"] == {"size": 0, "track_total_hits": False, "aggs": {"tokens": {"filters": {"filters": {
        "0": {"match_phrase": {"content_seg": "异味"}}, "1": {"match_phrase": {"content_seg": "化工"}}}}}}}
    sub = lambda t: {"bool": {"should": [{"match_phrase": {"title": t}}, {"match_phrase": {"text": t}}],  # noqa: E731
                              "minimum_should_match": 1}}
    assert req["body"] == {
        "query": {"bool": {"must": [{"match_phrase": {"content_seg": "异味"}}], "filter": [
            sub("化工"), sub("吃"), {"terms": {"source_id": ["forum_a"]}}, {"terms": {"severity": ["orange", "red"]}},
            {"term": {"negative": True}},
            {"range": {"@timestamp": {"gte": int((T0 - timedelta(days=1)).timestamp() * 1000),
                                      "lt": int(T0.timestamp() * 1000), "format": "epoch_millis"}}}]}},
        "sort": ["_score", {"@timestamp": "desc"}, {"doc_id": "desc"}], "from": 20, "size": 10,
        "track_total_hits": True,
        "_source": ["title", "url", "source_id", "published_at", "severity"],
        "highlight": {"pre_tags": ["<em>"], "post_tags": ["</em>"], "encoder": "html",
                      "highlight_query": {"bool": {"should": [
                          {"match_phrase": {f: t}} for t in ("异味", "化工", "吃") for f in ("text", "title")]}},
                      "fields": {"text": {"fragment_size": 100, "number_of_fragments": 1},
                                 "title": {"number_of_fragments": 0}}}}
    assert res.total == 7
    (h,) = res.hits
    assert (h.id, h.score, h.title, h.source_id, h.severity, h.published_at) == \
        ("d1", 2.0794415, "化工厂异味", "forum_a", "orange", T0)
    # the engine marks CJK per character; adjacent marks are merged like the embedded index's
    assert h.highlight == "东湖区 化工厂 <em>异味</em> &lt;b&gt;"


def test_time_sorted_filter_only_search(es):
    fake, idx = es(lambda m, p, b: (200, search_resp()))
    assert idx.search(SearchQuery(status=("closed",), topics=("pollution",))).total == 0
    (req,) = fake.requests  # no terms: no token probe
    assert req["body"]["query"] == {"bool": {"filter": [{"terms": {"topics": ["pollution"]}},
                                                        {"terms": {"status": ["closed"]}}]}}
    assert req["body"]["sort"] == [{"@timestamp": "desc"}, {"doc_id": "desc"}]
    assert "highlight" not in req["body"]
    fake.requests.clear()
    idx.search(SearchQuery())
    assert fake.requests[0]["body"]["query"] == {"match_all": {}}


def test_aggregation_count_and_histogram(es):
    answers = {
        "agg": search_resp(total=4, aggs={"by": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
                                                "buckets": [{"key": "forum_a", "doc_count": 3},
                                                            {"key": "tieba_qx", "doc_count": 1}]}}),
        "hist": search_resp(total=3, aggs={"h": {"buckets": [
            {"key_as_string": "2026-11-19T22:00:00.000+08:00", "key": int(datetime(2026, 11, 19, 22, tzinfo=TZ).timestamp() * 1000), "doc_count": 0},
            {"key_as_string": "2026-11-19T23:00:00.000+08:00", "key": int(datetime(2026, 11, 19, 23, tzinfo=TZ).timestamp() * 1000), "doc_count": 3}]}}),
    }
    fake, idx = es(lambda m, p, b: (200, {"count": 5, "_shards": SHARDS} if p.endswith("_count")
                                    else answers["hist" if "h" in b["aggs"] else "agg"]))
    assert idx.aggregate(SearchQuery(kinds=("forum", "tieba")), "source") == {"forum_a": 3, "tieba_qx": 1}
    assert fake.requests[-1]["body"] == {"size": 0, "query": {"bool": {"filter": [
        {"terms": {"kind": ["forum", "tieba"]}}]}}, "aggs": {"by": {"terms": {"field": "source_id", "size": 1000}}}}
    idx.aggregate(SearchQuery(), "topic")
    assert fake.requests[-1]["body"]["aggs"]["by"]["terms"]["field"] == "topics"

    since, until = datetime(2026, 11, 19, 22, tzinfo=TZ), datetime(2026, 11, 20, 0, tzinfo=TZ)
    assert idx.histogram(SearchQuery(since=since, until=until), "hour") == [
        (datetime(2026, 11, 19, 22, tzinfo=TZ), 0), (datetime(2026, 11, 19, 23, tzinfo=TZ), 3)]
    assert fake.requests[-1]["body"]["aggs"] == {"h": {"date_histogram": {
        "field": "@timestamp", "calendar_interval": "hour", "time_zone": "Asia/Shanghai", "min_doc_count": 0,
        "extended_bounds": {"min": int(since.timestamp() * 1000), "max": int(until.timestamp() * 1000) - 1}}}}
    idx.histogram(SearchQuery(), "day")
    assert fake.requests[-1]["body"]["aggs"]["h"]["date_histogram"] == {
        "field": "@timestamp", "calendar_interval": "day", "time_zone": "Asia/Shanghai", "min_doc_count": 1}

    assert idx.count(SearchQuery(negative=False)) == 5
    assert (fake.requests[-1]["path"], fake.requests[-1]["body"]) == \
        ("/yqt-docs/_count", {"query": {"bool": {"filter": [{"term": {"negative": False}}]}}})


def test_missing_alias_reads_as_empty(es):
    fake, idx = es(lambda m, p, b: (404, error_resp(404, "index_not_found_exception", "no such index [yqt-docs]")))
    assert idx.search(SearchQuery(terms=("异味",))) .total == 0
    assert idx.count(SearchQuery()) == 0 and idx.aggregate(SearchQuery(), "kind") == {}
    assert idx.histogram(SearchQuery(), "hour") == []


def test_delete_by_ids(es):
    fake, idx = es(lambda m, p, b: (200, {
        "took": 12, "timed_out": False, "total": 2, "deleted": 2, "batches": 1, "version_conflicts": 0,
        "noops": 0, "retries": {"bulk": 0, "search": 0}, "throttled_millis": 0, "requests_per_second": -1.0,
        "throttled_until_millis": 0, "failures": []}))
    idx.delete(["d1", "d2"])
    (req,) = fake.requests
    assert (req["method"], req["path"], req["body"]) == \
        ("POST", "/yqt-docs/_delete_by_query", {"query": {"ids": {"values": ["d1", "d2"]}}})
    assert req["params"]["conflicts"] == ["proceed"]


@pytest.mark.parametrize("env, expected", [
    ({"YQ_ES_API_KEY": "a2V5OnNlY3JldA=="}, "ApiKey a2V5OnNlY3JldA=="),
    ({"YQ_ES_USER": "elastic", "YQ_ES_PASSWORD": "pw"}, "Basic " + base64.b64encode(b"elastic:pw").decode()),
])
def test_credentials_come_from_named_env_vars(es, monkeypatch, env, expected):
    for k in ("YQ_ES_API_KEY", "YQ_ES_USER", "YQ_ES_PASSWORD"):
        monkeypatch.delenv(k, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    fake, idx = es(lambda m, p, b: (200, {"count": 0, "_shards": SHARDS}))
    idx.count(SearchQuery())
    assert fake.requests[0]["headers"]["authorization"] == expected
