"""Prometheus `/metrics` on the console port, read from the database at scrape time.

Every figure is read from the system of record (no counters incremented by the code that does the
work), so the numbers are the same whichever process crawled, alerted or sent, and survive
restarts. Rows that never change again (documents, settled crawl runs) are tallied incrementally
in memory, so a scrape reads only the rows since the last one (a restart re-reads them once).
Tables that are never pruned give `_total` counters; queue depths are gauges.

Who may scrape (the console's Host check still applies first, see security.py):
  - a client on a loopback address (Prometheus or node agent on the same machine), or
  - a request with `Authorization: Bearer <token>` where the token is the value of the environment
    variable named by watch.yaml `console.metrics_token_env` (default YQ_METRICS_TOKEN).
Console sign-in is not needed either way (a scraper has no session). Anyone else gets 403.
Behind a reverse proxy on the same machine every client looks like loopback: set a token and do
not proxy /metrics (docs/operator-guide.md)."""
from __future__ import annotations

import hmac
import ipaddress
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import and_, case, func, select
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response

from alerts.models import DIGEST_KIND, AlertEventDocRow, AlertRow
from alerts.reports.models import ReportDeliveryRow
from storage.models import CrawlRunRow, DocumentRow, OutboxRow

METRICS_PATH = "/metrics"
# detection latency buckets (seconds): 1 min … 1 day; a local post should be seen within minutes
LATENCY_BUCKETS = (60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400)
GRADES = ("red", "orange", "yellow", "blue")
FORBIDDEN = "仅允许本机或携带令牌访问监控指标（watch.yaml console.metrics_token_env）"


def _seconds_between(dialect: str, start, end):
    """SQL for `end - start` in seconds (both columns naive UTC, see storage.models.AwareDateTime)."""
    if dialect == "sqlite":  # rounded: julianday() arithmetic puts 600 s a hair above 600
        return func.round((func.julianday(end) - func.julianday(start)) * 86400.0)
    return func.extract("epoch", end - start)


@dataclass
class _Tally:
    """Sums over rows that never change again, up to `upto` (a row id): each scrape adds only the
    rows past it, so a scrape costs the rows since the last one, not the whole history."""

    upto: int = 0
    counts: Counter = field(default_factory=Counter)
    latest: dict = field(default_factory=dict)  # key -> newest timestamp seen

    def add(self, other: "_Tally") -> None:
        self.counts.update(other.counts)
        for k, v in other.latest.items():
            self.latest[k] = max(v, self.latest.get(k, v))

    def merged(self, tail: "_Tally") -> "_Tally":
        out = _Tally(self.upto, Counter(self.counts), dict(self.latest))
        out.add(tail)
        return out


def _aware(value) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


class WatchCollector:
    """A prometheus_client collector whose `collect` runs the aggregate queries. Documents (whose
    stored analysis never changes, and whose seq is commit-ordered, see Store.save_documents) and
    finished crawl runs are tallied incrementally; small tables are counted whole each time."""

    # crawl runs are recorded by several processes; a run row committed out of id order would be
    # skipped by the tally, so the tally stays this far behind and the rest is counted fresh
    CRAWL_SETTLE = timedelta(minutes=10)

    def __init__(self, engine: Engine):
        self.engine = engine
        self._lock = threading.Lock()
        self._docs = _Tally()
        self._crawls = _Tally()

    def describe(self) -> list:  # no metrics probed at registration (that would query the DB)
        return []

    def collect(self) -> Iterator:
        with self._lock, self.engine.connect() as c:
            yield from self._crawl_families(c)
            yield from self._document_families(c)
            yield from self._alert_families(c)
            yield from self._delivery_families(c)

    # -- crawl runs ---------------------------------------------------------------------------------
    @staticmethod
    def _crawl_rows(c, after: int, upto: int | None) -> _Tally:
        t = CrawlRunRow.__table__
        where = and_(t.c.id > after, t.c.id <= upto) if upto is not None else t.c.id > after
        out = _Tally()
        q = (select(t.c.source_id, t.c.status, func.count(), func.coalesce(func.sum(t.c["items"]), 0),
                    func.coalesce(func.sum(t.c.new_items), 0), func.max(t.c.finished_at))
             .where(where).group_by(t.c.source_id, t.c.status))
        for source, status, n, n_items, n_new, finished in c.execute(q):
            out.counts[("run", source, status)] += n
            out.counts[("item", source, "false")] += int(n_items) - int(n_new)
            out.counts[("item", source, "true")] += int(n_new)
            finished = _aware(finished)
            if status != "running" and finished is not None:
                out.latest[source] = max(finished, out.latest.get(source, finished))
        return out

    def _crawl_families(self, c):
        t = CrawlRunRow.__table__
        settled = datetime.now(timezone.utc) - self.CRAWL_SETTLE
        running = c.execute(select(func.min(t.c.id)).where(t.c.status == "running")).scalar()
        upto = c.execute(select(func.max(t.c.id)).where(t.c.started_at < settled)).scalar() or 0
        if running is not None:
            upto = min(upto, running - 1)
        if upto > self._crawls.upto:
            self._crawls.add(self._crawl_rows(c, self._crawls.upto, upto))
            self._crawls.upto = upto
        tally = self._crawls.merged(self._crawl_rows(c, self._crawls.upto, None))
        runs = CounterMetricFamily("yqwatch_crawls", "Crawl runs by source and status (ok|empty|failed|running)",
                                   labels=["source", "status"])
        items = CounterMetricFamily("yqwatch_crawl_items", "Items extracted by crawls (new ones: new=\"true\")",
                                    labels=["source", "new"])
        for (kind, source, label), n in sorted(tally.counts.items()):
            (runs if kind == "run" else items).add_metric([source, label], n)
        last = GaugeMetricFamily("yqwatch_crawl_last_finished_timestamp_seconds",
                                 "When each source's last finished crawl ended (unix time)", labels=["source"])
        for source, finished in sorted(tally.latest.items()):
            last.add_metric([source], finished.timestamp())
        return [runs, items, last]

    # -- documents ----------------------------------------------------------------------------------
    def _document_rows(self, c, after: int, upto: int) -> _Tally:
        d = DocumentRow.__table__
        in_range = and_(d.c.seq > after, d.c.seq <= upto)
        out = _Tally()
        for relevant, n in c.execute(select(d.c.relevant, func.count()).where(in_range).group_by(d.c.relevant)):
            out.counts[("relevant", bool(relevant))] += n
        for grade, n in c.execute(select(d.c.severity, func.count()).where(in_range, d.c.relevant.is_(True))
                                  .group_by(d.c.severity)):
            out.counts[("grade", grade)] += n
        seconds = _seconds_between(c.dialect.name, d.c.published_at, d.c.fetched_at)
        for i, n, total in self._bucket_rows(c, seconds, d, and_(in_range, d.c.relevant.is_(True),
                                                                  d.c.published_at.is_not(None))):
            out.counts[("latency", i)] += n
            out.counts[("latency_sum",)] += total
        return out

    def _document_families(self, c):
        d = DocumentRow.__table__
        upto = c.execute(select(func.max(d.c.seq))).scalar() or 0
        if upto > self._docs.upto:
            self._docs.add(self._document_rows(c, self._docs.upto, upto))
            self._docs.upto = upto
        n = self._docs.counts
        docs = CounterMetricFamily("yqwatch_items", "Stored posts, by relevance to the locality", labels=["relevant"])
        for relevant in (True, False):
            docs.add_metric(["true" if relevant else "false"], n[("relevant", relevant)])
        hits = CounterMetricFamily("yqwatch_hits", "Relevant posts by severity grade (none: ungraded)",
                                   labels=["grade"])
        for grade in (*GRADES, None):
            hits.add_metric([grade or "none"], n[("grade", grade)])
        outbox = GaugeMetricFamily("yqwatch_outbox_depth", "Posts waiting for delivery to the search index")
        outbox.add_metric([], c.execute(select(func.count()).select_from(OutboxRow.__table__)).scalar_one())
        latency = _histogram("yqwatch_detection_latency_seconds",
                             "Relevant posts: time from publication to being stored (fetched_at)",
                             [n[("latency", i)] for i in range(len(LATENCY_BUCKETS) + 1)], n[("latency_sum",)])
        return [docs, hits, outbox, latency]

    # -- alerts and report mail (small tables, rows change state: counted whole) ---------------------
    def _alert_families(self, c):
        t = AlertRow.__table__
        fam = CounterMetricFamily("yqwatch_alerts", "Alert messages by channel and state (pending|sent|failed)",
                                  labels=["channel", "state"])
        for channel, status, n in c.execute(select(t.c.channel, t.c.status, func.count())
                                            .group_by(t.c.channel, t.c.status)):
            fam.add_metric([channel, status], n)
        unacked = GaugeMetricFamily("yqwatch_alerts_unacknowledged", "Sent alerts nobody acknowledged yet")
        unacked.add_metric([], c.execute(select(func.count()).select_from(t).where(
            t.c.status == "sent", t.c.acknowledged_at.is_(None), t.c.kind != DIGEST_KIND)).scalar_one())
        # from the earliest publication among the event's posts to the message's send time
        d, ed = DocumentRow.__table__, AlertEventDocRow.__table__
        first = (select(func.min(d.c.published_at)).select_from(ed.join(d, d.c.id == ed.c.doc_id))
                 .where(ed.c.event_id == t.c.event_id).scalar_subquery())
        seconds = _seconds_between(c.dialect.name, first, t.c.sent_at)
        per_bucket, total = [0] * (len(LATENCY_BUCKETS) + 1), 0.0
        for i, n, s in self._bucket_rows(c, seconds, t, and_(t.c.status == "sent", t.c.sent_at.is_not(None),
                                                             first.is_not(None))):
            per_bucket[i] += n
            total += s
        latency = _histogram("yqwatch_alert_latency_seconds",
                             "Alert messages sent: time from the event's first publication to sending",
                             per_bucket, total)
        return [fam, unacked, latency]

    def _delivery_families(self, c):
        t = ReportDeliveryRow.__table__
        fam = CounterMetricFamily("yqwatch_report_deliveries", "Report e-mail issues by kind and state",
                                  labels=["kind", "state"])
        for kind, status, n in c.execute(select(t.c.kind, t.c.status, func.count()).group_by(t.c.kind, t.c.status)):
            fam.add_metric([kind, status], n)
        return [fam]

    @staticmethod
    def _bucket_rows(c, seconds, frm, where) -> Iterator[tuple[int, int, float]]:
        """(bucket index, rows, sum of seconds) per latency bucket, computed in SQL; the CASE stops
        at a row's bucket, so the seconds are worked out a few times per row, not once per bucket."""
        bucket = case(*((seconds <= b, i) for i, b in enumerate(LATENCY_BUCKETS)), else_=len(LATENCY_BUCKETS))
        q = (select(bucket, func.count(), func.coalesce(func.sum(seconds), 0))
             .select_from(frm).where(where).group_by(bucket))
        for i, n, total in c.execute(q):
            yield int(i), int(n), float(total)


def _histogram(name: str, doc: str, per_bucket: list[int], total: float) -> HistogramMetricFamily:
    """A histogram family from per-bucket counts (the last one past the largest bound)."""
    buckets, running = [], 0
    for bound, n in zip(LATENCY_BUCKETS, per_bucket):
        running += n
        buckets.append((str(float(bound)), running))
    buckets.append(("+Inf", running + per_bucket[-1]))
    fam = HistogramMetricFamily(name, doc)
    fam.add_metric([], buckets, total)
    return fam


def render_metrics(collector: WatchCollector) -> bytes:
    """The exposition text (a registry of its own per call: no process-wide state)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return generate_latest(registry)


def _loopback(client: tuple | None) -> bool:
    if not client:
        return False
    try:
        return ipaddress.ip_address(client[0].split("%")[0]).is_loopback
    except ValueError:
        return False


def scrape_allowed(client: tuple | None, authorization: str | None, token: str | None) -> bool:
    if _loopback(client):
        return True
    if not token or not authorization:
        return False
    scheme, _, given = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


class MetricsMiddleware:
    """Answers GET /metrics itself (before console sign-in, after the Host check); the queries run
    in the threadpool. Pure ASGI, like the console's other middleware."""

    def __init__(self, app, engine: Engine, token: str | None = None):
        self.app = app
        self.collector = WatchCollector(engine)  # keeps its tallies from one scrape to the next
        self.token = token or None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] != METRICS_PATH:
            return await self.app(scope, receive, send)
        if scope["method"] not in ("GET", "HEAD"):
            response: Response = PlainTextResponse("仅支持 GET", status_code=405)
        elif not scrape_allowed(scope.get("client"), Headers(scope=scope).get("authorization"), self.token):
            response = PlainTextResponse(FORBIDDEN, status_code=403)
        else:
            body = await run_in_threadpool(render_metrics, self.collector)
            response = Response(body, media_type=CONTENT_TYPE_LATEST)
        await response(scope, receive, send)
