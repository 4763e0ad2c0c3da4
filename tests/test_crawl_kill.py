"""No post is lost: a `python -m crawlers.run` process SIGKILLed mid-crawl, after some posts were
committed, leaves no seen-state behind, so the next crawl re-fetches what was not committed and
every post the site shows is stored exactly once. Likewise a post the pipeline rejects, or a
database that refuses the batch, leaves its thread to be fetched again."""
from __future__ import annotations

import signal
import time
from collections import Counter
from datetime import datetime, timezone

from sqlalchemy.exc import OperationalError

from test_crawl_support import (Site, built_pipeline, crawl, crawl_cli, forum_sources, open_store, start_crawl,
                                write_config)


def counts(cfg):
    store = open_store(cfg)
    try:
        docs = Counter((d.thread_url, d.floor) for d in store.iter_documents())
        return docs, store.active_threads("bbs", datetime(2000, 1, 1, tzinfo=timezone.utc))  # every state
    finally:
        store.engine.dispose()


def test_sigkill_mid_crawl_then_recrawl_stores_every_post_once(tmp_path):
    with Site() as site:
        for tid in range(1, 11):
            site.forum.add_thread(tid, 10)  # 100 posts on 20 thread pages
        cfg = write_config(tmp_path, forum_sources(site.url))
        site.hang_after = 13  # 65 posts served (the first batch of 50 commits), then the site stalls
        site.release.clear()

        proc = start_crawl(cfg, "bbs")
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and proc.poll() is None:
                if (tmp_path / "var" / "yq.db").exists() and sum(counts(cfg)[0].values()) >= 50:
                    break
                time.sleep(0.1)
            assert proc.poll() is None, proc.communicate()
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.communicate()
        assert proc.returncode == -signal.SIGKILL

        docs, states = counts(cfg)
        assert 50 <= sum(docs.values()) < 100  # some posts were committed, not all
        assert states == []  # no seen-state without its posts: nothing is marked done

        site.release.set()
        site.hang_after = None
        run = crawl_cli(cfg, "bbs")  # the next scheduled crawl, exactly as the scheduler runs it
        assert run["status"] == "ok" and run["new"] == 100 - sum(docs.values())
        docs, states = counts(cfg)
        assert len(docs) == 100 and set(docs.values()) == {1}
        assert len(states) == 10

        site.clear()
        assert crawl(cfg, "bbs")["items"] == 0 and site.paths() == ["/forum-2-1.html"]


class PoisonPipeline:
    """The real pipeline, except that it raises on one post (a bug in a model, say)."""

    def __init__(self, real, poison: str):
        self.real, self.poison = real, poison

    def process(self, raw):
        if self.poison in raw.text:
            raise ValueError("model exploded")
        return self.real.process(raw)


def test_a_post_the_pipeline_rejects_is_tried_again(tmp_path):
    with Site() as site:
        for tid in (1, 2):
            site.forum.add_thread(tid, 7)
        site.forum.threads[2].posts[5] = "毒 这一楼让模型出错"
        cfg = write_config(tmp_path, forum_sources(site.url))

        run = crawl(cfg, "bbs", doc_pipeline=PoisonPipeline(built_pipeline(cfg), "毒"))
        assert run["reasons"] == {"pipeline:ValueError": 1} and run["new"] == 13
        docs, states = counts(cfg)
        assert [s.thread_url.rsplit("/", 1)[-1] for s in states] == ["thread-1-1-1.html"]

        site.clear()
        run = crawl(cfg, "bbs")  # the bug is fixed: the thread is fetched again, the post stored
        assert run["new"] == 1 and "/thread-2-2-1.html" in site.paths()
        docs, states = counts(cfg)
        assert len(docs) == 14 and set(docs.values()) == {1} and len(states) == 2


def test_a_database_failure_marks_nothing_as_seen(tmp_path, monkeypatch):
    from storage.store import Store

    def refuse(self, docs, raw_html=None):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    with Site() as site:
        site.forum.add_thread(1, 3)
        cfg = write_config(tmp_path, forum_sources(site.url))
        open_store(cfg).engine.dispose()  # the schema exists; only inserting documents fails
        with monkeypatch.context() as m:
            m.setattr(Store, "save_documents", refuse)  # inherited by the forked crawl
            run = crawl(cfg, "bbs")
        assert run["status"] == "failed" and run["reasons"] == {"storage:OperationalError": 1}
        assert counts(cfg) == (Counter(), [])

        run = crawl(cfg, "bbs")
        assert run["status"] == "ok" and run["new"] == 3
