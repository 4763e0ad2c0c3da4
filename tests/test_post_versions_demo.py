"""On the demo forum: the incident thread is crawled and grouped into an event; then a moderator
blocks one floor (Discuz! shows "该帖被管理员或版主屏蔽" in its place) and the poster edits another.
One re-check of the watched threads (the job the watch runs every `recheck.every`) finds both and
records them on the posts and on the event's timeline."""
from __future__ import annotations

import json
import re
import urllib.request
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from alerts.config import AlertsConfig
from alerts.engine import AlertEngine
from alerts.watched import watched_threads
from cli.evidence import run_recheck
from console.evidence_view import event_changes
from demo.server import DemoServer
from pipeline.normalize import Normalizer
from storage.evidence import RecheckSettings
from storage.versions import DELETED, EDITED, PostVersions, thread_documents
from test_crawl_support import crawl, forum_sources, open_store, write_config

START = datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
EDITED_TEXT = "【已编辑】楼主补充：经核实只是一次演练，大家不要传了。"


def _timeline(site) -> list[dict]:
    with urllib.request.urlopen(site.base_url + "/__demo/timeline", timeout=10) as r:
        return json.loads(r.read())


def _moderate(site, path: str, blocked_pid: str, edited_pid: str) -> None:
    """From now on the thread page shows `blocked_pid` blocked and `edited_pid` edited."""
    handle = site.app.handle

    def changed(method: str, target: str):
        resp = handle(method, target)
        if target.partition("?")[0] != path or resp.status != 200:
            return resp
        html = resp.body.decode("gbk")
        for pid, text in ((blocked_pid, "提示: 该帖被管理员或版主屏蔽"), (edited_pid, EDITED_TEXT)):
            html, n = re.subn(rf'(id="postmessage_{pid}">).*?(</td>)', rf"\g<1>{text}\g<2>", html, flags=re.S)
            assert n == 1, pid
        return replace(resp, body=html.encode("gbk"))

    site.app.handle = changed


def test_one_recheck_finds_the_blocked_and_the_edited_floor(tmp_path):
    with DemoServer(port=0, clock="manual", start=START) as site:
        site.advance(2400)  # 40 demo minutes: the incident thread has ten floors and more
        cfg = write_config(tmp_path, forum_sources(f"{site.base_url}/bbs", defaults="max_list_pages: 1\n"),
                           alerts_yaml="rules: []\n")
        assert crawl(cfg, "bbs", timeout=120)["status"] == "ok"
        store = open_store(cfg)
        try:
            AlertEngine(store, AlertsConfig(), {}, now=lambda: site.clock.now()).run_once()
            incident = [p for p in _timeline(site) if p["incident"] and p["site"] == "bbs"]
            thread = incident[0]["thread_url"]
            watched = watched_threads(store, min_grade="yellow", since=site.clock.now() - timedelta(days=1))
            assert thread in watched["bbs"]

            blocked, edited = incident[2], incident[4]  # floors 3 and 5, both on page 1
            _moderate(site, thread.replace(site.base_url, ""), blocked["url"].rpartition("#pid")[2],
                      edited["url"].rpartition("#pid")[2])
            summaries = run_recheck(cfg, store, RecheckSettings(window="1d"), clock=site.clock.now, timeout=120)
            assert [(s["source"], s["deleted"], s["edited"], s["unreadable"]) for s in summaries] == [
                ("bbs", 1, 1, 0)]

            floors = {d.floor: d for d in thread_documents(store, "bbs", thread)}
            versions = PostVersions(store.engine)
            assert versions.state([d.id for d in floors.values()]) == {floors[3].id: DELETED,
                                                                       floors[5].id: EDITED}
            change = versions.changes([floors[3].id])[floors[3].id][0]
            assert change.reason == "楼层被屏蔽"
            first, second = versions.versions(floors[5].id)
            assert first.text == floors[5].text and second.text == Normalizer().clean(EDITED_TEXT)  # stored as the pipeline stores text

            event_id = _event_of(store, floors[3].id)
            assert _event_of(store, floors[5].id) == event_id  # one story: one event
            timeline = event_changes(store.engine, [event_id])[event_id]
            assert sorted(c.kind for c in timeline) == [DELETED, EDITED]
        finally:
            store.engine.dispose()


def _event_of(store, doc_id: str) -> str:
    from sqlalchemy.orm import Session

    from alerts.models import AlertEventDocRow

    with Session(store.engine) as s:
        return s.get(AlertEventDocRow, doc_id).event_id
