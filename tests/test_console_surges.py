"""The events page lists volume surges (spike rules: alerts without grouped posts), so duty staff
can acknowledge them in the console and stop their escalation (Starlette TestClient)."""
from __future__ import annotations

import re
import warnings
from urllib.parse import quote

from alerts.channels import WebhookChannel
from alerts.engine import AlertEngine
from alerts.incidents import IncidentBook
from console.app import create_app
from console.services import ConsoleServices
from storage.embedded_index import EmbeddedIndex
from test_alerts_spike import BASELINE, NOW, Feed, _config
from test_alerts_support import Clock, HttpReceiver, make_store

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient


def test_events_page_lists_a_surge_and_acknowledges_it(tmp_path):
    store, clock = make_store(tmp_path), Clock(NOW)
    feed = Feed(store)
    feed.hourly(BASELINE + [40], title="<b>青溪东湖区停水</b>")
    with HttpReceiver() as rx:
        engine = AlertEngine(store, _config(("hook",)), {"hook": WebhookChannel(url=rx.url, timeout=5)},
                             now=clock)
        assert engine.run_once().alerts_sent == 1
    services = ConsoleServices(
        store=store, index=EmbeddedIndex(tmp_path / "index.sqlite"), query_terms=str.split, alerts=engine,
        incidents=IncidentBook(store.engine, now=clock), source_names={}, locality="青溪市", now=clock,
        report_dir=tmp_path)
    c = TestClient(create_app(services), base_url="http://127.0.0.1:8080")
    c.get("/")
    c.cookies.set("yq_actor", quote("张三"))

    page = c.get("/events").text
    surges = page[page.index('id="surges"'):]
    assert "声量突增" in surges and "已发 1" in surges and "<b>" not in page
    event = re.search(r'data-ack="(spike-[^"]+)"', surges).group(1)
    r = c.post(f"/api/events/{event}/ack", headers={"X-CSRF-Token": c.cookies["yq_csrf"]})
    assert r.json() == {"event_id": event, "acknowledged": 1, "by": "张三"}
    assert "已确认（张三" in c.get("/events").text

    clock.advance(days=3, hours=1)  # older than the page's 3-day look-back: no longer listed
    assert 'id="surges"' not in c.get("/events").text
