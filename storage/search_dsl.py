"""What the Elasticsearch 8 and the OpenSearch 2 backends share: the document source, the query
DSL, the aggregation bodies, the parsing of the answers and the bulk retry loop. Both engines
speak the same DSL for everything yqwatch asks, so both send byte-for-byte the same bodies; a
backend only supplies its client calls (and maps its client's errors to IndexUnavailable).

Layout: monthly indices `{prefix}-docs-YYYY.MM` (Asia/Shanghai month of the document time)
created from one shipped index template that also puts them behind the alias `{prefix}-docs`.
Tokens are the space-joined jieba tokens in `content_seg` (whitespace analyzer: no IK plugin)."""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from importlib.resources import files
from typing import Literal

from pipeline.types import Document

from .indexdoc import FRAGMENT, content_seg, epoch_ms
from .models import TZ
from .search import AGG_FIELDS, IndexUnavailable
from .types import SearchHit, SearchQuery, SearchResult

log = logging.getLogger(__name__)

AGG_FIELD = {"source": "source_id", "topic": "topics", "category": "category", "severity": "severity",
             "kind": "kind"}
HIT_FIELDS = ["title", "url", "source_id", "published_at", "severity"]


def ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def package_json(name: str, **subst: str) -> dict:
    """A JSON file from storage/data with `__KEY__` placeholders replaced."""
    text = files("storage").joinpath("data", name).read_text(encoding="utf-8")
    for key, value in subst.items():
        text = text.replace(f"__{key}__", value)
    return json.loads(text)


def retryable(status: int) -> bool:
    return status == 429 or status >= 500


# -- bodies ---------------------------------------------------------------------------------------
def source(doc: Document, status: str) -> dict:
    return {
        "@timestamp": epoch_ms(doc), "published_at": ms(doc.published_at) if doc.published_at else None,
        "doc_id": doc.id, "source_id": doc.source_id, "kind": doc.kind, "topics": list(doc.topic_ids),
        "category": doc.category, "severity": doc.severity, "status": status,
        "negative": doc.negative, "sentiment": doc.sentiment, "url": doc.url, "title": doc.title,
        "text": doc.text, "content_seg": content_seg(doc),
    }


def token_probe_body(terms: Sequence[str]) -> dict:
    """Whether each term occurs as a token anywhere: one request, a `filters` aggregation."""
    return {"size": 0, "track_total_hits": False,
            "aggs": {"tokens": {"filters": {"filters": {
                str(i): {"match_phrase": {"content_seg": t}} for i, t in enumerate(terms)}}}}}


def query(q: SearchQuery, tokens: set[str]) -> dict:
    """The bool query for q, given which of its terms are known tokens (scored `must` on
    content_seg); the other terms are literal substring filters on title/text."""
    terms = list(dict.fromkeys(t.strip() for t in q.terms if t.strip()))
    must = [{"match_phrase": {"content_seg": t}} for t in terms if t in tokens]
    flt: list[dict] = [
        {"bool": {"should": [{"match_phrase": {"title": t}}, {"match_phrase": {"text": t}}],
                  "minimum_should_match": 1}} for t in terms if t not in tokens]
    for field, values in (("source_id", q.sources), ("kind", q.kinds), ("topics", q.topics),
                          ("category", q.categories), ("severity", q.severities), ("status", q.status)):
        if values:
            flt.append({"terms": {field: list(values)}})
    if q.negative is not None:
        flt.append({"term": {"negative": q.negative}})
    rng = {}
    if q.since is not None:
        rng["gte"] = ms(q.since)
    if q.until is not None:
        rng["lt"] = ms(q.until)
    if rng:
        flt.append({"range": {"@timestamp": {**rng, "format": "epoch_millis"}}})
    if not must and not flt:
        return {"match_all": {}}
    return {"bool": {**({"must": must} if must else {}), **({"filter": flt} if flt else {})}}


def search_body(q: SearchQuery, qry: dict) -> dict:
    scored = q.sort == "score" and "must" in qry.get("bool", {})
    sort = (["_score"] if scored else []) + [{"@timestamp": "desc"}, {"doc_id": "desc"}]
    body = {"query": qry, "sort": sort, "from": q.offset, "size": q.limit, "track_total_hits": True,
            "_source": HIT_FIELDS}
    terms = [t.strip() for t in q.terms if t.strip()]
    if q.highlight and terms:
        body["highlight"] = {
            "pre_tags": ["<em>"], "post_tags": ["</em>"], "encoder": "html",
            "highlight_query": {"bool": {"should": [{"match_phrase": {f: t}} for t in terms
                                                    for f in ("text", "title")]}},
            "fields": {"text": {"fragment_size": FRAGMENT, "number_of_fragments": 1},
                       "title": {"number_of_fragments": 0}}}
    return body


def aggregate_body(qry: dict, by: str) -> dict:
    if by not in AGG_FIELDS:
        raise ValueError(f"cannot aggregate by {by!r}; one of {AGG_FIELDS}")
    return {"size": 0, "query": qry, "aggs": {"by": {"terms": {"field": AGG_FIELD[by], "size": 1000}}}}


def histogram_body(q: SearchQuery, qry: dict, interval: Literal["hour", "day"]) -> dict:
    agg = {"field": "@timestamp", "calendar_interval": interval, "time_zone": "Asia/Shanghai",
           "min_doc_count": 1}
    if q.since is not None and q.until is not None:
        agg.update(min_doc_count=0, extended_bounds={
            "min": ms(q.since), "max": ms(q.until - timedelta(milliseconds=1))})
    return {"size": 0, "query": qry, "aggs": {"h": {"date_histogram": agg}}}


# -- answers --------------------------------------------------------------------------------------
def parse_hits(resp: dict, scored: bool) -> SearchResult:
    hits = []
    for h in resp["hits"]["hits"]:
        src, hl = h["_source"], h.get("highlight", {})
        frag = (hl.get("text") or hl.get("title") or [None])[0]
        if frag is not None:  # the standard analyzer marks CJK per character: 偷排 -> <em>偷</em><em>排</em>
            frag = frag.replace("</em><em>", "")
        hits.append(SearchHit(
            id=h["_id"], score=float(h["_score"] or 0.0) if scored else 0.0, title=src["title"],
            url=src["url"], source_id=src["source_id"], severity=src.get("severity"), highlight=frag,
            published_at=datetime.fromtimestamp(src["published_at"] / 1000, TZ)
            if src.get("published_at") is not None else None))
    return SearchResult(total=resp["hits"]["total"]["value"], hits=tuple(hits))


class DslIndex:
    """The SearchIndex contract (search.py) over an engine that speaks this DSL. Subclasses set
    `engine` (a name for messages) and implement the four client calls below; each raises
    IndexUnavailable when the engine cannot be reached or refuses the whole request."""

    engine = "search engine"

    @staticmethod
    def make_client(settings):
        """The engine's client for `settings` (its section of watch.yaml `storage:`)."""
        raise NotImplementedError

    def __init__(self, settings, *, client=None, refresh: bool = False, retries: int = 3,
                 backoff: float = 0.5):
        self.settings = settings
        self.client = client if client is not None else self.make_client(settings)
        prefix = settings.index_prefix
        self.prefix, self.url, self.retention_days = prefix, settings.url, settings.retention_days
        self.replicas = settings.replicas
        self.alias = f"{prefix}-docs"
        self.policy = f"{prefix}-docs-retention"
        # Tests against a live node read their writes: refresh at once ("wait_for" would wait for
        # the template's 5 s refresh interval on every write).
        self._refresh = "true" if refresh else None
        self._retries, self._backoff = retries, backoff

    # client calls (subclasses) ---------------------------------------------------------------
    def _bulk(self, operations: list[dict]) -> dict:
        raise NotImplementedError

    def _search(self, body: dict) -> dict | None:
        """The search answer; None when the alias does not exist yet (nothing indexed)."""
        raise NotImplementedError

    def _count(self, qry: dict) -> int | None:
        raise NotImplementedError

    def _delete_ids(self, ids: list[str]) -> None:
        raise NotImplementedError

    def unavailable(self, detail: object) -> IndexUnavailable:
        return IndexUnavailable(f"{self.engine} {self.url}: {detail}")

    # layout ------------------------------------------------------------------------------------
    def template(self) -> dict:
        body = package_json("es_index_template.json", PREFIX=self.prefix)
        if self.replicas is not None:  # a one-node cluster cannot place a replica: stays yellow
            body["template"]["settings"]["index.number_of_replicas"] = self.replicas
        return body

    def index_name(self, when: datetime) -> str:
        return f"{self.prefix}-docs-{when.astimezone(TZ):%Y.%m}"

    # writes ------------------------------------------------------------------------------------
    def source(self, doc: Document, status: str) -> dict:
        return source(doc, status)

    def bulk_index(self, docs: Sequence[Document],
                   statuses: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
        """Bulk-index by id; retry items refused with 429/5xx (backoff); report the others."""
        statuses = statuses or {}
        pending = [({"index": {"_index": self.index_name(datetime.fromtimestamp(epoch_ms(d) / 1000, TZ)),
                               "_id": d.id}}, source(d, statuses.get(d.id, "new")))
                   for d in {d.id: d for d in docs}.values()]
        rejected: list[tuple[str, str]] = []
        for attempt in range(self._retries + 1):
            if attempt:
                time.sleep(self._backoff * 2 ** (attempt - 1))
            resp = self._bulk([x for pair in pending for x in pair])
            if not resp["errors"]:
                return rejected
            retry = []
            for pair, item in zip(pending, resp["items"]):
                res = item["index"]
                if "error" not in res:
                    continue
                if retryable(res["status"]):
                    retry.append(pair)
                else:
                    rejected.append((res["_id"], f"{res['error']['type']}: {res['error'].get('reason')}"))
            if not retry:
                return rejected
            pending = retry
            log.warning("%s 暂时拒收 %d 条, 重试 (第 %d 次)", self.engine, len(retry), attempt + 1)
        raise IndexUnavailable(f"{self.engine} kept refusing {len(pending)} documents (429/5xx)")

    def delete(self, ids: Sequence[str]) -> None:
        self._delete_ids(list(ids))

    # reads -------------------------------------------------------------------------------------
    def _token_hits(self, terms: list[str]) -> list[bool]:
        if not terms:
            return []
        resp = self._search(token_probe_body(terms))
        if resp is None:
            return [False] * len(terms)
        buckets = resp["aggregations"]["tokens"]["buckets"]
        return [buckets[str(i)]["doc_count"] > 0 for i in range(len(terms))]

    def query(self, q: SearchQuery) -> dict:
        terms = list(dict.fromkeys(t.strip() for t in q.terms if t.strip()))
        multi = [t for t in terms if len(t) >= 2]
        return query(q, {t for t, hit in zip(multi, self._token_hits(multi)) if hit})

    def search_body(self, q: SearchQuery) -> dict:
        return search_body(q, self.query(q))

    def search(self, q: SearchQuery) -> SearchResult:
        body = self.search_body(q)
        resp = self._search(body)
        if resp is None:
            return SearchResult(total=0, hits=())
        return parse_hits(resp, scored=body["sort"][0] == "_score")

    def count(self, q: SearchQuery) -> int:
        return self._count(self.query(q)) or 0

    def aggregate(self, q: SearchQuery, by: str) -> dict[str, int]:
        if by not in AGG_FIELDS:
            raise ValueError(f"cannot aggregate by {by!r}; one of {AGG_FIELDS}")
        resp = self._search(aggregate_body(self.query(q), by))
        if resp is None:
            return {}
        return {b["key"]: b["doc_count"] for b in resp["aggregations"]["by"]["buckets"]}

    def histogram_body(self, q: SearchQuery, interval: Literal["hour", "day"]) -> dict:
        return histogram_body(q, self.query(q), interval)

    def histogram(self, q: SearchQuery, interval: Literal["hour", "day"]) -> list[tuple[datetime, int]]:
        resp = self._search(self.histogram_body(q, interval))
        if resp is None:
            return []
        return [(datetime.fromtimestamp(b["key"] / 1000, TZ), b["doc_count"])
                for b in resp["aggregations"]["h"]["buckets"]]
