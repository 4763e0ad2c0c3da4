"""Incremental and bounded crawling through the real spider (each crawl its own process): a re-crawl
fetches only new pages and replies, URLs are canonical, the page budget holds and unfinished threads
are finished by later crawls, hot threads are followed after they leave the list, stale ones left."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from test_crawl_support import Site, crawl, forum_sources, open_store, write_config

TZ = ZoneInfo("Asia/Shanghai")


def stored(cfg) -> Counter:
    """(thread path, floor) → times stored."""
    store = open_store(cfg)
    try:
        return Counter((d.thread_url.rsplit("/", 1)[-1], d.floor) for d in store.iter_documents())
    finally:
        store.engine.dispose()


def test_recrawl_fetches_only_new_pages_and_replies(tmp_path):
    with Site() as site:
        for tid, n in ((1, 3), (2, 7), (3, 12), (4, 2)):
            site.forum.add_thread(tid, n)
        cfg = write_config(tmp_path, forum_sources(site.url))

        first = crawl(cfg, "bbs")
        assert first["status"] == "ok" and first["items"] == first["new"] == 24
        fetched = site.paths()
        # List links carry ?from=list&utm_source=feed#top: the spider fetches the canonical URL.
        assert all("from=" not in p and "utm_" not in p for p in fetched), fetched
        assert sorted(fetched) == sorted(["/forum-2-1.html", "/thread-1-1-1.html", "/thread-2-1-1.html",
                                          "/thread-2-2-1.html", "/thread-3-1-1.html", "/thread-3-2-1.html",
                                          "/thread-3-3-1.html", "/thread-4-1-1.html"])
        docs = stored(cfg)
        assert len(docs) == 24 and set(docs.values()) == {1}
        assert {t for t, _ in docs} == {"thread-1-1-1.html", "thread-2-1-1.html", "thread-3-1-1.html",
                                        "thread-4-1-1.html"}  # canonical thread URLs, no tracking query

        site.clear()
        again = crawl(cfg, "bbs")
        assert site.paths() == ["/forum-2-1.html"]  # nothing changed: no thread is fetched
        assert again["items"] == 0 and again["status"] == "ok"

        site.clear()
        site.forum.threads[2].posts += [f"第2帖新回复{i} 青溪" for i in range(4)]  # 7 → 11 posts
        grown = crawl(cfg, "bbs")
        # Only the page the last crawl ended on and the new page after it; only the new floors.
        assert site.paths() == ["/forum-2-1.html", "/thread-2-2-1.html", "/thread-2-3-1.html"]
        assert grown["items"] == grown["new"] == 4
        docs = stored(cfg)
        assert len(docs) == 28 and set(docs.values()) == {1}
        assert {f for t, f in docs if t == "thread-2-1-1.html"} == set(range(1, 12))


def test_page_budget_holds_and_unfinished_threads_are_finished_later(tmp_path):
    with Site() as site:
        site.forum.add_thread(1, 12)  # three pages; most replies, so first on the list
        for tid in (2, 3, 4):
            site.forum.add_thread(tid, 1)
        cfg = write_config(tmp_path, forum_sources(site.url, defaults="max_pages: 4\nmax_thread_pages: 2\n"))

        runs = []
        for _ in range(3):
            site.clear()
            runs.append(crawl(cfg, "bbs"))
            assert len(site.paths()) <= 4, site.paths()  # list pages and threads together
        assert runs[0]["reasons"].get("page_budget_exhausted", 0) >= 1
        assert any(r["reasons"].get("thread_page_limit") for r in runs)
        # Three bounded crawls, no change on the site: everything is stored, each post once.
        docs = stored(cfg)
        assert set(docs.values()) == {1}
        assert sorted(f for t, f in docs if t == "thread-1-1-1.html") == list(range(1, 13))
        assert {t for t, _ in docs} == {f"thread-{i}-1-1.html" for i in (1, 2, 3, 4)}
        assert sum(r["new"] for r in runs) == 15

        site.clear()
        crawl(cfg, "bbs")
        assert site.paths() == ["/forum-2-1.html"]  # finished threads are left alone


def test_hot_threads_followed_off_the_list_stale_ones_left(tmp_path):
    with Site() as site:
        for tid in (1, 2, 3):
            site.forum.add_thread(tid, 2)
        cfg = write_config(tmp_path, forum_sources(site.url))
        crawl(cfg, "bbs")

        # Thread 1 last grew three days ago (beyond revisit_hours: 48); thread 2 just now.
        store = open_store(cfg)
        try:
            url1 = next(d.thread_url for d in store.iter_documents() if d.thread_url.endswith("thread-1-1-1.html"))
            old = store.thread_state("bbs", url1)
            store.save_thread_states([replace(old, last_growth=datetime.now(TZ) - timedelta(hours=72))])
        finally:
            store.engine.dispose()
        # Both grow but fall off the list pages a crawl reads (pushed down by newer threads).
        for tid in (1, 2):
            site.forum.threads[tid].posts += ["还在继续 青溪"]
        site.forum.unlisted |= {1, 2}

        site.clear()
        run = crawl(cfg, "bbs")
        assert "/thread-2-1-1.html" in site.paths()
        assert not any(p.startswith("/thread-1-") for p in site.paths())
        assert run["new"] == 1
        docs = stored(cfg)
        assert ("thread-2-1-1.html", 3) in docs and ("thread-1-1-1.html", 3) not in docs


def test_a_stored_page_that_moved_is_not_a_source_failure(tmp_path):
    """Issue 17: a moderator deletes replies, the thread's pages renumber, and the page the last
    crawl ended on answers 404. The thread is read again from its first page; the source stays
    healthy (no error, no 采集异常 alert)."""
    from alerts.health import source_health

    with Site() as site:
        site.forum.add_thread(1, 2)
        site.forum.add_thread(3, 12)  # pages 1-3: the crawl ends on thread-3-3-1.html
        site.forum.add_thread(5, 3)
        cfg = write_config(tmp_path, forum_sources(site.url))
        assert crawl(cfg, "bbs")["new"] == 17

        site.forum.threads[3].posts = site.forum.threads[3].posts[:8]  # now pages 1-2 only
        del site.forum.threads[5]  # removed altogether
        site.forum.unlisted |= {3, 5}  # off the list, still followed while hot
        site.clear()
        run = crawl(cfg, "bbs")
        store = open_store(cfg)
        try:
            runs = store.crawl_runs("bbs")
        finally:
            store.engine.dispose()

    assert "/thread-3-3-1.html" in site.paths() and "/thread-3-1-1.html" in site.paths()
    assert run["reasons"] == {"stale_thread_page": 1, "thread_gone": 1}, run
    assert run["status"] == "ok" and run["errors"] == 0
    assert source_health("bbs", runs).status == "ok"
    assert stored(cfg)[("thread-3-1-1.html", 8)] == 1  # nothing stored twice
