"""Source health end to end: a forum redesigns its pages between crawls → the crawl records an
"empty" CrawlRun → source_health flags it broken → the source_broken rule sends one alert to a real
webhook receiver, and `yqwatch sources` shows the state. A jump in thread-page parse failures is
flagged the same way."""
from __future__ import annotations

import json

from collections import Counter

from alerts.health import source_health
from crawlers.item_pipeline import crawl_status
from test_alerts_support import HttpReceiver
from test_crawl_support import Site, crawl, forum_sources, open_store, write_config

ALERTS = """\
channels:
  duty:
    type: webhook
    url: {url}
rules:
  - id: broken
    name: 采集异常
    type: source_broken
    consecutive: 1
    channels: [duty]
"""


def runs(cfg, source_id="bbs"):
    store = open_store(cfg)
    try:
        return store.crawl_runs(source_id, limit=20)
    finally:
        store.engine.dispose()


def test_redesign_mid_watch_raises_a_source_alert(tmp_path, capsys):
    from scheduler import Services, load_config, main

    with Site() as site, HttpReceiver() as rx:
        for tid in (1, 2, 3):
            site.forum.add_thread(tid, 2)
        cfg = write_config(tmp_path, forum_sources(site.url), ALERTS.format(url=rx.url))

        first = crawl(cfg, "bbs")
        assert first["status"] == "ok" and first["items"] == 6
        svc = Services(load_config(cfg))
        try:
            svc.run_rules()
            assert rx.requests == []  # a healthy source raises nothing

            site.forum.layout = "redesigned"  # the list markup the parser knows is gone
            site.forum.add_thread(4, 3)  # ... while the site goes on posting
            second = crawl(cfg, "bbs")
            assert second["status"] == "empty" and second["items"] == 0
            assert second["reasons"].get("list_empty") == 1

            health = source_health("bbs", runs(cfg))
            assert health.broken and health.status == "empty" and health.bad_streak == 1

            svc.run_rules()
            svc.run_rules()  # the outage goes on: still one alert
        finally:
            svc.close()
        assert len(rx.requests) == 1
        body = rx.requests[0].body
        assert body["subject"] == "【采集异常】青溪论坛" and "列表页无内容" in body["text"]

        assert main(["sources", "--config", str(cfg)]) == 0
        line = capsys.readouterr().out.strip()
        assert line.startswith("bbs") and "无内容" in line and "可能改版" in line
        assert main(["sources", "--config", str(cfg), "--json"]) == 0
        (row,) = json.loads(capsys.readouterr().out)
        assert row["status"] == "empty" and row["label"] == "无内容" and row["bad_streak"] == 1


def test_thread_layout_change_is_a_parse_failure_jump(tmp_path):
    with Site() as site:
        for tid in (1, 2, 3):
            site.forum.add_thread(tid, 2)
        cfg = write_config(tmp_path, forum_sources(site.url))
        for i in range(5):  # a healthy history: threads grow a little between crawls
            site.forum.threads[1 + i % 3].posts.append(f"又一条回复 {i}")
            assert crawl(cfg, "bbs")["status"] == "ok"
        assert source_health("bbs", runs(cfg)).status == "ok"

        site.forum.thread_layout = "redesigned"  # list pages still parse, thread pages no longer
        for t in site.forum.threads.values():
            t.posts.append("改版后的回复")
        run = crawl(cfg, "bbs")
        assert run["status"] == "ok" and run["parse_failures"] == 3
        assert run["reasons"] == {"parse:不是可识别的 Discuz! 帖子页或列表页": 3}
        health = source_health("bbs", runs(cfg))
        assert health.status == "parse_jump" and health.broken, health

        site.forum.thread_layout = "discuz"  # fixed: the replies missed meanwhile are fetched now
        run = crawl(cfg, "bbs")
        assert run["new"] == 3 and source_health("bbs", runs(cfg)).status == "ok"


def test_crawl_status_needs_evidence_of_a_working_site():
    def h(**kw):
        return Counter(kw)

    assert crawl_status(h(pages=5, list_pages=1, list_items=20, items=12)) == "ok"
    assert crawl_status(h(pages=1, list_pages=1, list_items=20)) == "ok"  # nothing new: quiet, not broken
    assert crawl_status(h(pages=1, list_pages=1, list_items=0)) == "empty"
    assert crawl_status(h()) == "failed"  # not even a page
    assert crawl_status(h(pages=1, errors=1)) == "failed"  # the list page itself failed
    # The list works, every thread page is refused (blocked): failing, not quiet.
    assert crawl_status(h(pages=6, list_pages=1, list_items=20, errors=5)) == "failed"
    # One thread page timed out among good ones: a bad page, not a bad source.
    assert crawl_status(h(pages=6, list_pages=1, list_items=20, errors=1, items=8)) == "ok"
