"""删帖 and 改帖 found by one re-read of stored threads: a thread answering 404, a Discuz! deletion
notice, a floor replaced by a 屏蔽 notice, a floor missing from a complete thread, an edited floor
(both versions kept, with a diff); idempotent; a thread that comes back is 已恢复."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime

from conftest import ROOT
from crawlers.recheck import Fetched, read_thread, thread_gone_reason
from crawlers.sources import load_sources
from pipeline.normalize import Normalizer
from storage.versions import DELETED, EDITED, RESTORED, PostVersions, text_hash, thread_documents
from test_crawl_support import Site, crawl, forum_sources, open_store, send, write_config

SH_NOON = datetime.fromisoformat("2026-12-04T12:00:00+08:00")
DISCUZ_GONE = ("<html><head><meta charset='utf-8'><title>提示信息 - 青溪论坛</title></head><body>"
               "<div id='messagetext' class='alert_error'><p>抱歉，指定的主题不存在或已被删除或正在被审核</p>"
               "</div></body></html>")


def _recheck(cfg, site, store, tids, at=SH_NOON):
    from crawlers.recheck import recheck

    sources = load_sources(cfg)
    source = sources.get("bbs")
    urls = [f"{site.url}/thread-{t}-1-1.html" for t in tids]
    return recheck(source, sources.crawling_for(source), store, urls, at=at)


def _by_floor(store, site, tid):
    return {d.floor: d for d in thread_documents(store, "bbs", f"{site.url}/thread-{tid}-1-1.html")}


def test_one_reread_finds_deleted_and_edited_posts(tmp_path):
    with Site() as site:
        for tid, n in ((1, 3), (2, 7), (3, 12), (4, 2)):
            site.forum.add_thread(tid, n)
        cfg = write_config(tmp_path, forum_sources(site.url))
        assert crawl(cfg, "bbs")["new"] == 24

        site.routes["/thread-1-1-1.html"] = lambda h: send(h, 200, DISCUZ_GONE.encode())  # thread removed
        del site.forum.threads[4]                                                        # 404
        site.forum.threads[2].posts[2] = "第2帖第3楼 青溪 东湖区 改成了别的说法"          # floor 3 edited
        site.forum.threads[2].posts.pop()                                                # floor 7 vanished
        site.forum.threads[3].posts[1] = "提示: 该帖被管理员或版主屏蔽"                   # floor 2 hidden
        # a reply quoting a deletion notice is neither a deleted thread nor a blocked floor
        quoting = "楼上说“该帖已被删除”，还说“提示: 该帖被管理员或版主屏蔽”，其实帖子都还在，大家放心"

        site.forum.threads[3].posts[4] = quoting  # floor 5: stored, then edited into a quote
        store = open_store(cfg)
        try:
            summary = _recheck(cfg, site, store, [1, 2, 3, 4])
            assert summary == {"source": "bbs", "threads": 4, "unreadable": 0, "deleted": 7, "edited": 2,
                               "restored": 0}
            versions = PostVersions(store.engine)
            t1, t2, t3, t4 = (_by_floor(store, site, t) for t in (1, 2, 3, 4))
            changes = versions.changes([d.id for t in (t1, t2, t3, t4) for d in t.values()])
            reasons = {(tid, floor): [(c.kind, c.reason) for c in changes.get(d.id, [])]
                       for tid, t in ((1, t1), (2, t2), (3, t3), (4, t4)) for floor, d in t.items()}
            assert all(reasons[(1, f)] == [(DELETED, "删帖提示页（主题不存在或已被删除）")] for f in (1, 2, 3))
            assert reasons[(4, 1)] == reasons[(4, 2)] == [(DELETED, "HTTP 404")]
            assert reasons[(2, 7)] == [(DELETED, "楼层消失")] and reasons[(3, 2)] == [(DELETED, "楼层被屏蔽")]
            assert reasons[(2, 3)] == reasons[(3, 5)] == [(EDITED, "正文变化")]
            assert sum(1 for v in reasons.values() if v) == 9  # the other floors are untouched

            edited = t2[3]
            old, new = versions.versions(edited.id)
            assert (old.version, new.version) == (1, 2)
            assert old.text == edited.text and new.text == "第2帖第3楼 青溪 东湖区 改成了别的说法"
            assert new.text_sha256 == text_hash(edited.title, new.text) != old.text_sha256
            diff = changes[edited.id][0].diff
            assert f"-{old.text}" in diff and f"+{new.text}" in diff
            assert versions.state([edited.id, t4[1].id, t2[1].id]) == {edited.id: EDITED, t4[1].id: DELETED}

            # the same page again: nothing new; the thread coming back is 已恢复
            assert _recheck(cfg, site, store, [1, 2, 3, 4])["deleted"] == 0
            site.forum.add_thread(4, 2)
            back = _recheck(cfg, site, store, [4])
            assert (back["restored"], back["deleted"], back["edited"]) == (2, 0, 0)
            assert [c.kind for c in versions.changes([t4[1].id])[t4[1].id]] == [DELETED, RESTORED]
            assert versions.state([t4[1].id]) == {}
        finally:
            store.engine.dispose()

        # the command the scheduler runs, in its own process
        r = subprocess.run([sys.executable, "-m", "crawlers.recheck", "bbs", f"{site.url}/thread-2-1-1.html",
                            "--config", str(cfg)], capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout) == {"source": "bbs", "threads": 1, "unreadable": 0, "deleted": 0,
                                        "edited": 0, "restored": 0}


def test_an_unreadable_page_proves_nothing(tmp_path):
    with Site() as site:
        site.forum.add_thread(1, 3)
        cfg = write_config(tmp_path, forum_sources(site.url))
        crawl(cfg, "bbs")
        site.routes["/thread-1-1-1.html"] = lambda h: send(h, 503, b"busy")
        store = open_store(cfg)
        try:
            summary = _recheck(cfg, site, store, [1])
            assert (summary["unreadable"], summary["deleted"]) == (1, 0)
            site.routes["/thread-1-1-1.html"] = lambda h: send(h, 200, b"<html><body>redesigned</body></html>")
            assert _recheck(cfg, site, store, [1])["deleted"] == 0
        finally:
            store.engine.dispose()


def test_deletion_notices():
    assert thread_gone_reason(Fetched("u", 410)) == "HTTP 410"
    tieba = "<html><body><div class='page404'>很抱歉，该贴已被删除。</div></body></html>".encode()
    assert thread_gone_reason(Fetched("u", 200, tieba)) == "删帖提示页（该贴已被删除）"
    gbk = DISCUZ_GONE.encode("gbk")
    assert thread_gone_reason(Fetched("u", 200, gbk)).startswith("删帖提示页")
    assert thread_gone_reason(Fetched("u", 200, b"<html>ok</html>")) is None
    assert thread_gone_reason(Fetched("u", None)) is None

    def fetch(url):
        return Fetched(url, 500)

    reading = read_thread("http://x/t", fetch, lambda *a, **k: None, single_post_articles=False,
                          normalizer=Normalizer())
    assert reading.unreadable and not reading.seen
