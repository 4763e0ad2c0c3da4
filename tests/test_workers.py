"""Long-lived crawl workers on one machine (dispatch.pool + crawlers.worker): many crawls in one
process, no lost post when a worker is SIGKILLed, recycling, no overlapping crawls of a source,
and politeness per host across all the crawls of a worker."""
from __future__ import annotations

import os
import signal

import pytest

from test_crawl_support import Site, forum_sources, write_config
from workers_support import SOURCES, assert_every_post_stored_once, demo_sources_config, fresh_store, wait_for


@pytest.fixture
def demo():
    from demo.server import DemoServer

    srv = DemoServer(port=0, clock="manual", latency=0.03)
    srv.start()
    srv.advance(15 * 60)
    yield srv
    srv.stop()


def pool(cfg, **kw):
    from dispatch.config import WorkersSettings
    from dispatch.pool import WorkerPool

    return WorkerPool(cfg, WorkersSettings(**kw))


def test_sigkilled_worker_is_replaced_and_its_crawls_rerun_losing_no_post(tmp_path, demo):
    cfg = demo_sources_config(tmp_path, demo.base_url)
    store = fresh_store(cfg)
    p = pool(cfg, count=1, slots=8)
    try:
        jobs = [p.submit(sid) for sid in SOURCES]
        assert all(jobs)
        assert p.submit("demo-tieba") is None  # already queued: a source's crawls never overlap
        first = wait_for(p.worker_pids, 30, "a worker")[0]
        # mid-crawl: some posts committed, the crawls not finished
        wait_for(lambda: store.count_documents() > 0, 60, "first committed posts", every=0.02)
        assert p.busy() >= 1  # crawls still running (a fast one may have finished already)
        os.kill(first, signal.SIGKILL)
        for job in jobs:
            assert job.done.wait(120), job.source
            assert job.summary["status"] == "ok", job.summary
        assert p.restarts == 1 and p.worker_pids() != [first]
        assert_every_post_stored_once(store, demo.base_url)
        again = p.crawl("demo-bbs")  # seen-state was saved after the posts: nothing is new
        assert again["new"] == 0 and again["status"] == "ok"
    finally:
        p.close()
        store.engine.dispose()


def test_worker_is_recycled_after_max_crawls(tmp_path, demo):
    cfg = demo_sources_config(tmp_path, demo.base_url)
    fresh_store(cfg).engine.dispose()
    p = pool(cfg, count=1, slots=1, max_crawls=2)
    try:
        pids = set()
        for sid in SOURCES:
            assert p.crawl(sid)["status"] == "ok"
            pids.update(p.worker_pids())
        assert len(pids) >= 2  # four crawls, two per worker
        assert p.restarts == 0  # a retiring worker exits cleanly: not counted as a crash
    finally:
        p.close()


def test_politeness_holds_across_sources_sharing_a_host(tmp_path):
    """Two sources on one host, crawled at once by one worker: one request at a time in total,
    and robots.txt fetched once for both."""
    with Site(delay=0.05) as site:
        for tid in range(1, 7):
            site.forum.add_thread(tid, 1)
        yaml = forum_sources(site.url, source_id="bbs-a", defaults="concurrency_per_domain: 1\n")
        yaml += (f"  - id: bbs-b\n    name: 青溪论坛二\n    kind: forum\n    urls: [{site.url}/forum-2-1.html]\n")
        cfg = write_config(tmp_path, yaml)
        (tmp_path / "var").mkdir()
        p = pool(cfg, count=1, slots=4)
        try:
            a, b = p.submit("bbs-a"), p.submit("bbs-b")
            assert a.done.wait(120) and b.done.wait(120)
            assert a.summary["status"] == b.summary["status"] == "ok", (a.summary, b.summary)
            assert a.summary["items"] == b.summary["items"] == 6
        finally:
            p.close()
        assert site.max_inflight == 1
        assert [h.path for h in site.hits if h.path == "/robots.txt"] == ["/robots.txt"]


def test_a_source_added_after_the_worker_started_is_crawled_and_an_unknown_one_fails(tmp_path):
    with Site() as site:
        site.forum.add_thread(1, 2)
        cfg = write_config(tmp_path, forum_sources(site.url, source_id="bbs-a"))
        (tmp_path / "var").mkdir()
        p = pool(cfg, count=1)
        try:
            assert p.crawl("bbs-a")["items"] == 2
            with (cfg / "sources.yaml").open("a", encoding="utf-8") as f:
                f.write(f"  - id: bbs-new\n    name: 新增论坛\n    kind: forum\n    urls: [{site.url}/forum-2-1.html]\n")
            assert p.crawl("bbs-new")["items"] == 2  # the same worker re-read sources.yaml
            gone = p.crawl("no-such-source")
            assert gone["status"] == "failed" and gone["error"] == "unknown_source"
            assert p.restarts == 0
        finally:
            p.close()


def test_workers_section_of_watch_yaml(tmp_path):
    from dispatch.config import load_workers_settings
    from dispatch.factory import open_dispatcher
    from pipeline.config import ConfigError

    assert load_workers_settings(tmp_path).count == 1  # no watch.yaml: one local worker
    (tmp_path / "watch.yaml").write_text("locality: 青溪市\nworkers:\n  count: 2\n  slots: 0\n", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_workers_settings(tmp_path)
    assert "watch.yaml" in str(e.value) and "slots" in str(e.value)
    (tmp_path / "watch.yaml").write_text("workers: {count: 0, max_crawls: 50}\n", encoding="utf-8")
    settings = load_workers_settings(tmp_path)
    assert settings.max_crawls == 50 and settings.redis({}) is None
    assert settings.redis({"YQ_REDIS_URL": "redis://127.0.0.1:1/0"}) == "redis://127.0.0.1:1/0"
    with pytest.raises(ConfigError, match="Redis"):
        open_dispatcher(tmp_path, settings, environ={})  # nobody would crawl


def _first_poll_offsets(tmp_path, n: int, interval: str) -> list[float]:
    from datetime import datetime

    from scheduler import TZ, Services, build_scheduler, load_config
    from test_crawl_support import ROOT

    cfg = write_config(tmp_path, "sources:\n" + "".join(
        f"  - id: s{i}\n    name: 源{i}\n    kind: forum\n    urls: [http://127.0.0.1:9/f{i}]\n    interval: {interval}\n"
        for i in range(n)), (ROOT / "config" / "alerts.yaml").read_text(encoding="utf-8"))
    (tmp_path / "var").mkdir()
    svc = Services(load_config(cfg))
    try:
        sched = build_scheduler(svc)
        start = datetime.now(TZ)
        return sorted((j.next_run_time - start).total_seconds() for j in sched.get_jobs()
                      if j.id.startswith("crawl:"))
    finally:
        svc.close()


def test_first_polls_are_spread_over_the_interval(tmp_path):
    """Many sources: first polls evenly over the whole interval, never all at once."""
    offsets = _first_poll_offsets(tmp_path, 80, "100s")
    assert len(offsets) == 80
    assert offsets[0] < 1 and 95 < offsets[-1] < 100
    assert all(0.8 < b - a < 1.8 for a, b in zip(offsets, offsets[1:]))  # 100 s / 80


def test_a_few_sources_start_within_seconds(tmp_path):
    """A handful of sources are spread a couple of seconds apart, not over their whole interval."""
    offsets = _first_poll_offsets(tmp_path, 4, "300s")
    assert len(offsets) == 4 and offsets[-1] < 10
    assert all(b - a > 1 for a, b in zip(offsets, offsets[1:]))
