"""End to end on the demo sites: crawl subprocesses → pipeline → DB + index → one alert e-mail for the
incident (real SMTP server) → a report that contains it. Also: a re-crawl of an unchanged site yields
nothing new, and a thread with new replies yields only the new replies."""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import ROOT, free_port
from test_alerts_support import SmtpServer
from test_crawl_support import write_config

pytestmark = pytest.mark.e2e
TZ = ZoneInfo("Asia/Shanghai")
SOURCES = ("demo-tieba", "demo-bbs", "demo-news", "demo-news-rss")


@pytest.fixture
def smtp():
    port = free_port()
    with SmtpServer(port) as server:
        yield port, server


@pytest.fixture
def demo():
    from demo.server import DemoServer

    srv = DemoServer(port=0, clock="manual", speed=60.0)
    srv.start()
    yield srv
    srv.stop()


def demo_config(tmp_path, base_url: str, smtp_port: int):
    """The shipped demo sources pointed at this test's demo server, and one e-mail rule."""
    sources = (ROOT / "config" / "sources.yaml").read_text(encoding="utf-8")
    # A page budget large enough for the demo's backlog, so one crawl sees everything.
    sources = sources.replace("http://127.0.0.1:8765", base_url).replace("max_pages: 60", "max_pages: 500")
    return write_config(tmp_path, sources, f"""\
        channels:
          mail:
            type: email
            host: 127.0.0.1
            port: {smtp_port}
            sender: yqwatch@example.org
            recipients: [leader@example.org]
        rules:
          - id: serious
            name: 橙色及以上新舆情
            type: new_hit
            min_severity: orange
            channels: [mail]
        """)


def timeline(base_url: str) -> list[dict]:
    with urllib.request.urlopen(f"{base_url}/__demo/timeline", timeout=10) as r:
        return json.load(r)


def crawl_all(svc) -> dict[str, dict]:
    out = {}
    for sid in SOURCES:
        summary = svc.crawl(sid)
        assert summary is not None, f"crawl of {sid} failed"
        assert summary["status"] != "failed", summary
        out[sid] = summary
    return out


def test_demo_chain_end_to_end(tmp_path, demo, smtp):
    from pipeline.fingerprint import canonical_url
    from scheduler import Services, load_config
    from storage.types import SearchQuery

    smtp_port, inbox = smtp
    cfg = demo_config(tmp_path, demo.base_url, smtp_port)
    svc = Services(load_config(cfg))
    try:
        svc.ensure_index()
        demo.advance(15 * 60)  # the incident has started on Tieba and been reposted on the forum
        first = crawl_all(svc)
        assert sum(s["new"] for s in first.values()) > 20
        svc.run_rules()

        again = crawl_all(svc)  # nothing changed on the sites: no thread is fetched, no post yielded
        assert {sid: s["items"] for sid, s in again.items()} == {sid: 0 for sid in SOURCES}
        assert all(s["pages"] <= 2 for s in again.values()), again

        demo.advance(45 * 60)  # replies grow, the news article and RSS item appear
        later = crawl_all(svc)
        assert later["demo-news"]["new"] + later["demo-news-rss"]["new"] >= 1
        for sid in ("demo-tieba", "demo-bbs"):
            # Grown threads yield only their new replies: every post yielded is a new one.
            assert later[sid]["items"] == later[sid]["new"] > 0, later[sid]
        visible = timeline(demo.base_url)
        svc.run_rules()
        svc.run_rules()

        # Every incident post the sites show is stored, once.
        incident = [p for p in visible if p["incident"]]
        assert {p["site"] for p in incident} == {"tieba", "bbs", "news"}
        docs = list(svc.store.iter_documents())
        keys = {(d.thread_url, d.floor) for d in docs}
        for p in incident:
            floor = p["floor"] if p["site"] != "news" else None
            assert (canonical_url(p["thread_url"]), floor) in keys, p
        assert len({d.id for d in docs}) == len(docs)

        # Exactly one alert e-mail for the incident, however many posts it has.
        assert len(inbox.messages) == 1, [m["Subject"] for m in inbox.messages]
        mail = inbox.messages[0]
        body = mail.get_body(("plain",)).get_content()
        assert "临江" in mail["Subject"] + body
        assert "橙" in mail["Subject"] or "红" in mail["Subject"]

        # Hits are indexed and searchable.
        svc.drain()
        res = svc.index.search(SearchQuery(terms=("化工厂",), limit=50))
        assert res.total >= len([p for p in incident if p["floor"] in (1, None)])
        assert any("化工厂" in h.title for h in res.hits)

        # The daily report lists the incident.
        rep = svc.daily_report(datetime.now(TZ).date())
        html = next(p for p in rep.paths if str(p).endswith(".html"))
        text = html.read_text(encoding="utf-8")
        assert "重要舆情摘报" in text and f"第{rep.issue_no}期" in text
        assert "化工厂" in text
        assert any(str(p).endswith(".docx") for p in rep.paths)
    finally:
        svc.close()

    # The same, through the CLI that staff and outside checks use.
    out = cli("search", "化工厂 偷排", "--json", "--config", str(cfg))
    hits = json.loads(out)["hits"]
    assert hits and all("化工厂" in h["title"] + (h["highlight"] or "") for h in hits)
    health = {row["source"]: row["status"] for row in json.loads(cli("sources", "--json", "--config", str(cfg)))}
    assert health == {sid: "ok" for sid in SOURCES}
    target = tmp_path / "out" / "today.html"
    target.parent.mkdir()
    cli("report", "daily", "--format", "html", "--out", str(target), "--config", str(cfg))
    assert "化工厂" in target.read_text(encoding="utf-8")


def cli(*args: str) -> str:
    r = subprocess.run([sys.executable, "-m", "scheduler", *args], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout
