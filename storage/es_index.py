"""The Elasticsearch 8 search index: monthly indices `{prefix}-docs-YYYY.MM` (by document time)
created from a shipped index template that also puts them behind the alias `{prefix}-docs`; an
ILM policy deletes each monthly index `retention_days` after its creation. Tokens are the
space-joined jieba tokens in `content_seg` (whitespace analyzer: no IK plugin needed).
Same contract as EmbeddedIndex (search.py)."""
from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from importlib.resources import files
from typing import Literal

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError

from pipeline.types import Document

from .config import ElasticsearchSettings
from .indexdoc import FRAGMENT, content_seg, epoch_ms
from .models import TZ
from .search import AGG_FIELDS, IndexUnavailable
from .types import SearchHit, SearchQuery, SearchResult

log = logging.getLogger(__name__)

_AGG_FIELD = {"source": "source_id", "topic": "topics", "category": "category", "severity": "severity",
              "kind": "kind"}
_HIT_FIELDS = ["title", "url", "source_id", "published_at", "severity"]


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


def _ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def _package_json(name: str, **subst: str) -> dict:
    text = files("storage").joinpath("data", name).read_text(encoding="utf-8")
    for key, value in subst.items():
        text = text.replace(f"__{key}__", value)
    return json.loads(text)


def make_client(s: ElasticsearchSettings) -> Elasticsearch:
    """A client from settings; credentials come from the environment variables they name."""
    kw: dict = {"request_timeout": s.request_timeout, "max_retries": 2, "retry_on_timeout": True}
    if s.url.startswith("https:"):
        kw["verify_certs"] = s.verify_certs
        if s.ca_certs:
            kw["ca_certs"] = s.ca_certs
    if os.environ.get(s.api_key_env):
        kw["api_key"] = os.environ[s.api_key_env]
    elif os.environ.get(s.username_env):
        kw["basic_auth"] = (os.environ[s.username_env], os.environ.get(s.password_env, ""))
    return Elasticsearch(s.url, **kw)


class ElasticsearchIndex:
    def __init__(self, settings: ElasticsearchSettings, *, client: Elasticsearch | None = None,
                 refresh: bool = False, retries: int = 3, backoff: float = 0.5):
        self.settings = settings
        self.prefix = settings.index_prefix
        self.alias = f"{self.prefix}-docs"
        self.policy = f"{self.prefix}-docs-retention"
        self.client = client if client is not None else make_client(settings)
        self._refresh = "wait_for" if refresh else None  # tests against a live node read their writes
        self._retries, self._backoff = retries, backoff

    # -- setup (`yqwatch init-index`) -------------------------------------------------------------
    def template(self) -> dict:
        return _package_json("es_index_template.json", PREFIX=self.prefix)

    def ilm_policy(self) -> dict:
        return _package_json("es_ilm_policy.json", DAYS=str(self.settings.retention_days))

    def index_name(self, when: datetime) -> str:
        return f"{self.prefix}-docs-{when.astimezone(TZ):%Y.%m}"

    def ensure(self) -> None:
        """Install the ILM policy and the index template, and make sure the alias exists (by
        creating the current month's index) so searches work before the first document."""
        try:
            self.client.ilm.put_lifecycle(name=self.policy, body=self.ilm_policy())
            self.client.indices.put_index_template(name=self.alias, body=self.template())
            if not self.client.indices.exists_alias(name=self.alias):
                try:
                    self.client.indices.create(index=self.index_name(datetime.now(TZ)))
                except ApiError as e:  # another process created it first
                    if e.error != "resource_already_exists_exception":
                        raise
        except TransportError as e:
            raise IndexUnavailable(f"Elasticsearch {self.settings.url}: {e}") from e

    def drop_all(self) -> None:
        """Remove this prefix's indices, template and policy (tests, decommissioning)."""
        self.client.options(ignore_status=404).indices.delete(index=f"{self.prefix}-docs-*")
        self.client.options(ignore_status=404).indices.delete_index_template(name=self.alias)
        self.client.options(ignore_status=404).ilm.delete_lifecycle(name=self.policy)

    def close(self) -> None:
        self.client.close()

    # -- writes ---------------------------------------------------------------------------------
    def source(self, doc: Document, status: str) -> dict:
        return {
            "@timestamp": epoch_ms(doc), "published_at": _ms(doc.published_at) if doc.published_at else None,
            "doc_id": doc.id, "source_id": doc.source_id, "kind": doc.kind, "topics": list(doc.topic_ids),
            "category": doc.category, "severity": doc.severity, "status": status,
            "negative": doc.negative, "sentiment": doc.sentiment, "url": doc.url, "title": doc.title,
            "text": doc.text, "content_seg": content_seg(doc),
        }

    def bulk_index(self, docs: Sequence[Document],
                   statuses: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
        """Bulk-index by id; retry items refused with 429/5xx (backoff); report the others."""
        statuses = statuses or {}
        pending = [({"index": {"_index": self.index_name(datetime.fromtimestamp(epoch_ms(d) / 1000, TZ)),
                               "_id": d.id}}, self.source(d, statuses.get(d.id, "new")))
                   for d in {d.id: d for d in docs}.values()]
        rejected: list[tuple[str, str]] = []
        for attempt in range(self._retries + 1):
            if attempt:
                time.sleep(self._backoff * 2 ** (attempt - 1))
            ops = [x for pair in pending for x in pair]
            try:
                resp = self.client.bulk(operations=ops, refresh=self._refresh)
            except TransportError as e:  # connection refused, timeout
                raise IndexUnavailable(f"Elasticsearch {self.settings.url}: {e}") from e
            except ApiError as e:  # the whole request refused (429, 5xx, auth)
                raise IndexUnavailable(f"Elasticsearch {self.settings.url}: {e.meta.status} {e.error}") from e
            if not resp["errors"]:
                return rejected
            retry = []
            for pair, item in zip(pending, resp["items"]):
                res = item["index"]
                if "error" not in res:
                    continue
                if _retryable(res["status"]):
                    retry.append(pair)
                else:
                    rejected.append((res["_id"], f"{res['error']['type']}: {res['error'].get('reason')}"))
            if not retry:
                return rejected
            pending = retry
            log.warning("Elasticsearch 暂时拒收 %d 条, 重试 (第 %d 次)", len(retry), attempt + 1)
        raise IndexUnavailable(f"Elasticsearch kept refusing {len(pending)} documents (429/5xx)")

    def delete(self, ids: Sequence[str]) -> None:
        try:
            self.client.options(ignore_status=404).delete_by_query(
                index=self.alias, query={"ids": {"values": list(ids)}}, conflicts="proceed",
                refresh=bool(self._refresh))
        except (TransportError, ApiError) as e:
            raise IndexUnavailable(f"Elasticsearch {self.settings.url}: {e}") from e

    # -- reads ----------------------------------------------------------------------------------
    def _token_hits(self, terms: list[str]) -> list[bool]:
        """Whether each term occurs as a token anywhere (one request, a `filters` aggregation)."""
        if not terms:
            return []
        resp = self._call(self.client.search, body={
            "size": 0, "track_total_hits": False,
            "aggs": {"tokens": {"filters": {"filters": {
                str(i): {"match_phrase": {"content_seg": t}} for i, t in enumerate(terms)}}}}})
        if resp is None:
            return [False] * len(terms)
        buckets = resp["aggregations"]["tokens"]["buckets"]
        return [buckets[str(i)]["doc_count"] > 0 for i in range(len(terms))]

    def query(self, q: SearchQuery) -> dict:
        terms = list(dict.fromkeys(t.strip() for t in q.terms if t.strip()))
        multi = [t for t in terms if len(t) >= 2]
        tokens = {t for t, hit in zip(multi, self._token_hits(multi)) if hit}
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
            rng["gte"] = _ms(q.since)
        if q.until is not None:
            rng["lt"] = _ms(q.until)
        if rng:
            flt.append({"range": {"@timestamp": {**rng, "format": "epoch_millis"}}})
        if not must and not flt:
            return {"match_all": {}}
        return {"bool": {**({"must": must} if must else {}), **({"filter": flt} if flt else {})}}

    def _call(self, fn, **kw):
        """Run a read; None when the alias does not exist yet (nothing indexed)."""
        try:
            return fn(index=self.alias, **kw)
        except NotFoundError:
            return None
        except (TransportError, ApiError) as e:
            raise IndexUnavailable(f"Elasticsearch {self.settings.url}: {e}") from e

    def search_body(self, q: SearchQuery) -> dict:
        query = self.query(q)
        scored = q.sort == "score" and "must" in query.get("bool", {})
        sort = (["_score"] if scored else []) + [{"@timestamp": "desc"}, {"doc_id": "desc"}]
        body = {"query": query, "sort": sort, "from": q.offset, "size": q.limit, "track_total_hits": True,
                "_source": _HIT_FIELDS}
        terms = [t.strip() for t in q.terms if t.strip()]
        if q.highlight and terms:
            body["highlight"] = {
                "pre_tags": ["<em>"], "post_tags": ["</em>"], "encoder": "html",
                "highlight_query": {"bool": {"should": [{"match_phrase": {f: t}} for t in terms
                                                        for f in ("text", "title")]}},
                "fields": {"text": {"fragment_size": FRAGMENT, "number_of_fragments": 1},
                           "title": {"number_of_fragments": 0}}}
        return body

    def search(self, q: SearchQuery) -> SearchResult:
        body = self.search_body(q)
        scored = body["sort"][0] == "_score"
        resp = self._call(self.client.search, body=body)
        if resp is None:
            return SearchResult(total=0, hits=())
        hits = []
        for h in resp["hits"]["hits"]:
            src, hl = h["_source"], h.get("highlight", {})
            frag = (hl.get("text") or hl.get("title") or [None])[0]
            hits.append(SearchHit(
                id=h["_id"], score=float(h["_score"] or 0.0) if scored else 0.0, title=src["title"],
                url=src["url"], source_id=src["source_id"], severity=src.get("severity"), highlight=frag,
                published_at=datetime.fromtimestamp(src["published_at"] / 1000, TZ)
                if src.get("published_at") is not None else None))
        return SearchResult(total=resp["hits"]["total"]["value"], hits=tuple(hits))

    def count(self, q: SearchQuery) -> int:
        resp = self._call(self.client.count, query=self.query(q))
        return resp["count"] if resp is not None else 0

    def aggregate(self, q: SearchQuery, by: str) -> dict[str, int]:
        if by not in AGG_FIELDS:
            raise ValueError(f"cannot aggregate by {by!r}; one of {AGG_FIELDS}")
        resp = self._call(self.client.search, body={
            "size": 0, "query": self.query(q),
            "aggs": {"by": {"terms": {"field": _AGG_FIELD[by], "size": 1000}}}})
        if resp is None:
            return {}
        return {b["key"]: b["doc_count"] for b in resp["aggregations"]["by"]["buckets"]}

    def histogram_body(self, q: SearchQuery, interval: Literal["hour", "day"]) -> dict:
        agg = {"field": "@timestamp", "calendar_interval": interval, "time_zone": "Asia/Shanghai",
               "min_doc_count": 1}
        if q.since is not None and q.until is not None:
            agg.update(min_doc_count=0, extended_bounds={
                "min": _ms(q.since), "max": _ms(q.until - timedelta(milliseconds=1))})
        return {"size": 0, "query": self.query(q), "aggs": {"h": {"date_histogram": agg}}}

    def histogram(self, q: SearchQuery, interval: Literal["hour", "day"]) -> list[tuple[datetime, int]]:
        resp = self._call(self.client.search, body=self.histogram_body(q, interval))
        if resp is None:
            return []
        return [(datetime.fromtimestamp(b["key"] / 1000, TZ), b["doc_count"])
                for b in resp["aggregations"]["h"]["buckets"]]
