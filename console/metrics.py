"""Prometheus `/metrics` on the console port, read from the database at scrape time.

Every figure is an aggregate query over the system of record (no in-process counters), so the
numbers are the same whichever process crawled, alerted or sent, and survive restarts. Counters
derived from tables that are never pruned (documents, crawl runs, alerts, deliveries) are exposed
as `_total` counters; queue depths as gauges.

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
from collections.abc import Iterator
from datetime import datetime, timezone

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import Integer, and_, case, cast, func, select
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response

from alerts.models import AlertEventDocRow, AlertRow
from alerts.reports.models import ReportDeliveryRow
from storage.models import CrawlRunRow, DocumentRow, OutboxRow

METRICS_PATH = "/metrics"
# detection latency buckets (seconds): 1 min … 1 day; a local post should be seen within minutes
LATENCY_BUCKETS = (60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400)
GRADES = ("red", "orange", "yellow", "blue")
FORBIDDEN = "仅允许本机或携带令牌访问监控指标（watch.yaml console.metrics_token_env）"


def _seconds_between(dialect: str, start, end):
    """SQL for `end - start` in seconds (both columns naive UTC, see storage.models.AwareDateTime)."""
    if dialect == "sqlite":  # whole seconds: julianday() arithmetic puts 600 s a hair above 600
        return (cast(func.strftime("%s", end), Integer) - cast(func.strftime("%s", start), Integer))
    return func.extract("epoch", end - start)


class WatchCollector:
    """A prometheus_client collector whose `collect` runs the aggregate queries."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def describe(self) -> list:  # no metrics probed at registration (that would query the DB)
        return []

    def collect(self) -> Iterator:
        with self.engine.connect() as c:
            yield from self._crawls(c)
            yield from self._documents(c)
            yield from self._alerts(c)
            yield from self._deliveries(c)
            yield from self._latency(c)

    def _crawls(self, c):
        t = CrawlRunRow.__table__
        runs = CounterMetricFamily("yqwatch_crawls", "Crawl runs by source and final status",
                                   labels=["source", "status"])
        items = CounterMetricFamily("yqwatch_crawl_items", "Items extracted by crawls (new ones: new=\"true\")",
                                    labels=["source", "new"])
        last = GaugeMetricFamily("yqwatch_crawl_last_finished_timestamp_seconds",
                                 "When each source's last finished crawl ended (unix time)", labels=["source"])
        q = (select(t.c.source_id, t.c.status, func.count(), func.coalesce(func.sum(t.c["items"]), 0),
                    func.coalesce(func.sum(t.c.new_items), 0))
             .group_by(t.c.source_id, t.c.status))
        totals: dict[str, list[int]] = {}
        for source, status, n, n_items, n_new in c.execute(q):
            runs.add_metric([source, status], n)
            acc = totals.setdefault(source, [0, 0])
            acc[0] += int(n_items)
            acc[1] += int(n_new)
        for source, (n_items, n_new) in sorted(totals.items()):
            items.add_metric([source, "false"], n_items - n_new)
            items.add_metric([source, "true"], n_new)
        q = select(t.c.source_id, func.max(t.c.finished_at)).where(t.c.status != "running").group_by(t.c.source_id)
        for source, finished in c.execute(q):
            if isinstance(finished, datetime):
                aware = finished if finished.tzinfo else finished.replace(tzinfo=timezone.utc)
                last.add_metric([source], aware.timestamp())
        return [runs, items, last]

    def _documents(self, c):
        t = DocumentRow.__table__
        docs = CounterMetricFamily("yqwatch_items", "Stored posts, by relevance to the locality",
                                   labels=["relevant"])
        for relevant, n in c.execute(select(t.c.relevant, func.count()).group_by(t.c.relevant)):
            docs.add_metric(["true" if relevant else "false"], n)
        hits = CounterMetricFamily("yqwatch_hits", "Relevant posts by severity grade (none: ungraded)",
                                   labels=["grade"])
        found = dict(c.execute(select(t.c.severity, func.count()).where(t.c.relevant.is_(True))
                               .group_by(t.c.severity)).all())
        for grade in (*GRADES, None):
            hits.add_metric([grade or "none"], found.get(grade, 0))
        outbox = GaugeMetricFamily("yqwatch_outbox_depth", "Posts waiting for delivery to the search index")
        outbox.add_metric([], c.execute(select(func.count()).select_from(OutboxRow.__table__)).scalar_one())
        return [docs, hits, outbox]

    def _alerts(self, c):
        t = AlertRow.__table__
        fam = CounterMetricFamily("yqwatch_alerts", "Alert messages by channel and state (pending|sent|failed)",
                                  labels=["channel", "state"])
        for channel, status, n in c.execute(select(t.c.channel, t.c.status, func.count())
                                            .group_by(t.c.channel, t.c.status)):
            fam.add_metric([channel, status], n)
        unacked = GaugeMetricFamily("yqwatch_alerts_unacknowledged", "Sent alerts nobody acknowledged yet")
        unacked.add_metric([], c.execute(select(func.count()).select_from(t).where(
            t.c.status == "sent", t.c.acknowledged_at.is_(None))).scalar_one())
        return [fam, unacked]

    def _deliveries(self, c):
        t = ReportDeliveryRow.__table__
        fam = CounterMetricFamily("yqwatch_report_deliveries", "Report e-mail issues by kind and state",
                                  labels=["kind", "state"])
        for kind, status, n in c.execute(select(t.c.kind, t.c.status, func.count()).group_by(t.c.kind, t.c.status)):
            fam.add_metric([kind, status], n)
        return [fam]

    def _histogram(self, c, name: str, doc: str, seconds, frm, where) -> HistogramMetricFamily:
        """Bucket counts computed in SQL (one row back, whatever the table size)."""
        cols = [func.coalesce(func.sum(case((seconds <= b, 1), else_=0)), 0) for b in LATENCY_BUCKETS]
        q = select(*cols, func.count(), func.coalesce(func.sum(seconds), 0)).select_from(frm).where(where)
        *bucket_counts, total, total_sum = c.execute(q).one()
        buckets = [(str(float(b)), int(n)) for b, n in zip(LATENCY_BUCKETS, bucket_counts)]
        buckets.append(("+Inf", int(total)))
        fam = HistogramMetricFamily(name, doc)
        fam.add_metric([], buckets, float(total_sum))
        return fam

    def _latency(self, c):
        d = DocumentRow.__table__
        dialect = c.dialect.name
        stored = self._histogram(
            c, "yqwatch_detection_latency_seconds",
            "Relevant posts: time from publication to being stored (fetched_at)",
            _seconds_between(dialect, d.c.published_at, d.c.fetched_at), d,
            and_(d.c.relevant.is_(True), d.c.published_at.is_not(None)))
        # alert sent: from the earliest publication among the event's posts to the message's send time
        a, ed = AlertRow.__table__, AlertEventDocRow.__table__
        first = (select(ed.c.event_id, func.min(d.c.published_at).label("first_published"))
                 .join(d, d.c.id == ed.c.doc_id).group_by(ed.c.event_id).subquery())
        alerted = self._histogram(
            c, "yqwatch_alert_latency_seconds",
            "Alert messages sent: time from the event's first publication to sending",
            _seconds_between(dialect, first.c.first_published, a.c.sent_at),
            a.join(first, first.c.event_id == a.c.event_id),
            and_(a.c.status == "sent", a.c.sent_at.is_not(None), first.c.first_published.is_not(None)))
        return [stored, alerted]


def render_metrics(engine: Engine) -> bytes:
    """The exposition text (a registry of its own per call: no process-wide state)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(WatchCollector(engine))
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
        self.engine = engine
        self.token = token or None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] != METRICS_PATH:
            return await self.app(scope, receive, send)
        if scope["method"] not in ("GET", "HEAD"):
            response: Response = PlainTextResponse("仅支持 GET", status_code=405)
        elif not scrape_allowed(scope.get("client"), Headers(scope=scope).get("authorization"), self.token):
            response = PlainTextResponse(FORBIDDEN, status_code=403)
        else:
            body = await run_in_threadpool(render_metrics, self.engine)
            response = Response(body, media_type=CONTENT_TYPE_LATEST)
        await response(scope, receive, send)
