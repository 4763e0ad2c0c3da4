"""Prometheus /metrics on the console port: what it counts (read from the database), who may
scrape it (loopback or a bearer token, with console sign-in on) and the Host check before it."""
from __future__ import annotations

import dataclasses
import json
import warnings
from datetime import timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import ROOT
from console.app import create_app
from console.metrics import scrape_allowed
from console.server import ConsoleServer
from storage.types import CrawlRun
from test_console_support import NOW, build_env, post, with_accounts

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

TOKEN = "metrics-token-0123456789abcdef"


def samples(text: str) -> dict[tuple, float]:
    """{(sample name, sorted labels...): value} of an exposition text."""
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, *sorted(s.labels.items()))] = s.value
    return out


@pytest.fixture
def env(tmp_path):
    env = build_env(tmp_path)
    env.services.metrics_token = TOKEN
    return env


def _scrape(env) -> dict:
    c = TestClient(create_app(env.services), base_url="http://127.0.0.1:8080")
    r = c.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return samples(r.text)


def test_metrics_count_crawls_items_hits_alerts_and_queue(env):
    store = env.services.store
    at = NOW - timedelta(minutes=3)
    store.record_crawl_run(CrawlRun("qxbbs", at, at, pages=2, items=10, new_items=4, errors=0,
                                    parse_failures=0, list_items=10))
    store.record_crawl_run(CrawlRun("qxbbs", at, at + timedelta(minutes=1), pages=1, items=0, new_items=0,
                                    errors=3, parse_failures=0, list_items=0, status="failed"))
    store.record_crawl_run(CrawlRun("qxnews", at, at, pages=1, items=5, new_items=5, errors=0,
                                    parse_failures=0, list_items=5))
    m = _scrape(env)
    assert m[("yqwatch_crawls_total", ("source", "qxbbs"), ("status", "ok"))] == 1
    assert m[("yqwatch_crawls_total", ("source", "qxbbs"), ("status", "failed"))] == 1
    assert m[("yqwatch_crawl_items_total", ("new", "true"), ("source", "qxbbs"))] == 4
    assert m[("yqwatch_crawl_items_total", ("new", "false"), ("source", "qxbbs"))] == 6
    assert m[("yqwatch_crawl_items_total", ("new", "true"), ("source", "qxnews"))] == 5
    last = m[("yqwatch_crawl_last_finished_timestamp_seconds", ("source", "qxbbs"))]
    assert last == (at + timedelta(minutes=1)).timestamp()
    # sample_posts: 5 relevant (blue, red, orange, yellow, red) and one not
    assert m[("yqwatch_items_total", ("relevant", "true"))] == 5
    assert m[("yqwatch_items_total", ("relevant", "false"))] == 1
    assert m[("yqwatch_hits_total", ("grade", "red"))] == 2
    assert m[("yqwatch_hits_total", ("grade", "orange"))] == 1
    assert m[("yqwatch_hits_total", ("grade", "blue"))] == 1
    # the rule (orange and above → hook) sent one message per event; the Recorder took them all
    sent = len(env.channel.sent)
    assert sent >= 1
    assert m[("yqwatch_alerts_total", ("channel", "hook"), ("state", "sent"))] == sent
    assert m[("yqwatch_alerts_unacknowledged",)] == sent
    assert m[("yqwatch_outbox_depth",)] == 0
    store.save_documents([post(50, title="新帖尚未入索引", severity="blue", words=("公园",), minutes_ago=1)])
    assert _scrape(env)[("yqwatch_outbox_depth",)] == 1


def test_detection_latency_histogram_measures_publish_to_store(env):
    late = dataclasses.replace(post(60, title="晚到的帖子", severity="yellow", words=("施工",), minutes_ago=30),
                               fetched_at=NOW - timedelta(minutes=20))  # stored 10 minutes after publication
    base = _scrape(env)
    env.services.store.save_documents([late])
    m = _scrape(env)

    def grew(le: str) -> float:
        key = ("yqwatch_detection_latency_seconds_bucket", ("le", le))
        return m[key] - base[key]

    assert grew("300.0") == 0 and grew("600.0") == 1 and grew("+Inf") == 1
    assert m[("yqwatch_detection_latency_seconds_count",)] - base[("yqwatch_detection_latency_seconds_count",)] == 1
    assert m[("yqwatch_detection_latency_seconds_sum",)] - base[("yqwatch_detection_latency_seconds_sum",)] \
        == pytest.approx(600, abs=1)
    # alerts were sent by the clock: each message counted once in the alert latency histogram
    assert m[("yqwatch_alert_latency_seconds_count",)] == len(env.channel.sent)


def test_non_loopback_scrapers_need_the_token(env):
    c = TestClient(create_app(env.services), base_url="http://127.0.0.1:8080")  # client "testclient"
    assert c.get("/metrics").status_code == 403
    assert c.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert c.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 403
    assert c.post("/metrics").status_code == 405
    env.services.metrics_token = None  # no token configured: nobody off-host, whatever they send
    c = TestClient(create_app(env.services), base_url="http://127.0.0.1:8080")
    assert c.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403


def test_scrape_rule():
    assert scrape_allowed(("127.0.0.1", 5), None, None)
    assert scrape_allowed(("::1", 5), None, None)
    assert not scrape_allowed(("10.0.0.8", 5), None, None)
    assert not scrape_allowed(("10.0.0.8", 5), "Bearer x", None)
    assert scrape_allowed(("10.0.0.8", 5), f"Bearer {TOKEN}", TOKEN)
    assert not scrape_allowed(None, None, TOKEN)


def test_loopback_scrape_works_with_sign_in_on_and_the_host_check_still_applies(env):
    with_accounts(env)  # sign-in on, no accounts
    with ConsoleServer(create_app(env.services), "127.0.0.1", 0) as server, \
            httpx.Client(base_url=server.url, timeout=20) as c:
        assert c.get("/", follow_redirects=False).status_code == 303  # pages still need sign-in
        r = c.get("/metrics")
        assert r.status_code == 200 and "yqwatch_hits_total" in r.text
        # a rebinding page's requests carry the attacker's name: refused before /metrics
        assert c.get("/metrics", headers={"Host": "evil.example"}).status_code == 421


def test_grafana_dashboard_uses_only_exported_metrics(env):
    dash = json.loads((ROOT / "docs" / "grafana-yqwatch.json").read_text(encoding="utf-8"))
    c = TestClient(create_app(env.services), base_url="http://127.0.0.1:8080")
    text = c.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
    names = set()  # every series name a family can have, with or without samples yet
    for fam in text_string_to_metric_families(text):
        names |= {fam.name, *(fam.name + sfx for sfx in ("_total", "_bucket", "_count", "_sum"))}
    exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
    assert exprs
    for expr in exprs:
        used = {w for w in _words(expr) if w.startswith("yqwatch_")}
        assert used and used <= names, (expr, used - names)


def _words(expr: str) -> set[str]:
    import re

    return set(re.findall(r"[a-z_][a-z0-9_]*", expr))


@pytest.mark.postgres
def test_metrics_on_postgresql():
    """The same aggregate queries on PostgreSQL (interval arithmetic instead of SQLite's)."""
    import uuid

    from alerts.engine import AlertEngine
    from console.metrics import WatchCollector, render_metrics
    from storage.factory import create_schema
    from storage.store import Store
    from storage_docs import drop_postgres_schema, postgres_engine
    from test_alerts_support import Clock
    from test_console_support import NAMES, Recorder, alerts_config

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = postgres_engine(schema)
    try:
        create_schema(engine)
        store = Store(engine)
        late = dataclasses.replace(post(1, title="化工厂偷排", severity="orange", words=("偷排",), minutes_ago=30),
                                   fetched_at=NOW - timedelta(minutes=20))
        store.save_documents([late, post(2, title="公园开放", severity="blue", words=("公园",), minutes_ago=5)])
        store.record_crawl_run(CrawlRun("qxbbs", NOW, NOW, pages=1, items=2, new_items=2, errors=0,
                                        parse_failures=0, list_items=2))
        clock, hook = Clock(NOW), Recorder()
        AlertEngine(store, alerts_config(), {"hook": hook}, now=clock, source_names=NAMES).run_once()
        m = samples(render_metrics(WatchCollector(engine)).decode())
        assert m[("yqwatch_hits_total", ("grade", "orange"))] == 1
        assert m[("yqwatch_crawls_total", ("source", "qxbbs"), ("status", "ok"))] == 1
        assert m[("yqwatch_outbox_depth",)] == 2
        assert m[("yqwatch_detection_latency_seconds_bucket", ("le", "300.0"))] == 1  # the on-time post
        assert m[("yqwatch_detection_latency_seconds_bucket", ("le", "600.0"))] == 2
        assert m[("yqwatch_detection_latency_seconds_sum",)] == pytest.approx(600, abs=1)
        assert len(hook.sent) == 1
        # published 30 min before NOW, sent at NOW
        assert m[("yqwatch_alert_latency_seconds_sum",)] == pytest.approx(1800, abs=1)
        assert m[("yqwatch_alerts_total", ("channel", "hook"), ("state", "sent"))] == 1
    finally:
        drop_postgres_schema(engine, schema)


def test_a_long_running_collector_counts_what_a_fresh_one_counts(env):
    """The tallies kept between scrapes (documents, settled crawl runs) add up to the full count,
    and a crawl still running at one scrape is counted with its final status at the next."""
    from console.metrics import WatchCollector, render_metrics

    store = env.services.store
    collector = WatchCollector(store.engine)
    at = NOW - timedelta(hours=2)
    running = CrawlRun("qxbbs", at, at, pages=0, items=0, new_items=0, errors=0, parse_failures=0,
                       list_items=0, status="running")
    run_id = store.record_crawl_run(running)
    store.record_crawl_run(CrawlRun("qxnews", at, at, pages=1, items=3, new_items=3, errors=0,
                                    parse_failures=0, list_items=3))
    first = samples(render_metrics(collector).decode())
    assert first[("yqwatch_crawls_total", ("source", "qxbbs"), ("status", "running"))] == 1
    store.record_crawl_run(dataclasses.replace(running, pages=2, items=7, new_items=2, status="ok"), run_id)
    store.save_documents([post(70 + i, title=f"新帖{i}", severity="red", words=("偷排",), minutes_ago=i)
                          for i in range(3)])
    kept = samples(render_metrics(collector).decode())
    fresh = samples(render_metrics(WatchCollector(store.engine)).decode())
    assert kept == fresh
    assert kept[("yqwatch_crawls_total", ("source", "qxbbs"), ("status", "ok"))] == 1
    assert ("yqwatch_crawls_total", ("source", "qxbbs"), ("status", "running")) not in kept
    assert kept[("yqwatch_hits_total", ("grade", "red"))] == first[("yqwatch_hits_total", ("grade", "red"))] + 3
