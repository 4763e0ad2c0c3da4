"""A long-lived crawl worker picks up an edited configuration: when sources.yaml, topics.yaml or
watch.yaml changes it retires after its crawl and its pool starts a fresh one, which loads the
new files (a worker may otherwise live for 20,000 crawls)."""
from __future__ import annotations

import os
import time

from test_crawl_support import Site, forum_sources, write_config
from workers_support import wait_for


def test_an_edited_topics_yaml_retires_the_worker_and_its_replacement_crawls(tmp_path):
    from crawlers.worker import CONFIG_CHECK_SECONDS
    from dispatch.config import WorkersSettings
    from dispatch.pool import WorkerPool

    with Site() as site:
        site.forum.add_thread(1, 2)
        cfg = write_config(tmp_path, forum_sources(site.url, source_id="bbs-a"))
        (tmp_path / "var").mkdir()
        p = WorkerPool(cfg, WorkersSettings(count=1))
        try:
            assert p.crawl("bbs-a")["status"] == "ok"
            first = p.worker_pids()
            assert p.crawl("bbs-a")["status"] == "ok" and p.worker_pids() == first  # unchanged: kept
            topics = cfg / "topics.yaml"
            topics.write_text(topics.read_text(encoding="utf-8") + "\n# 值班员调整了话题\n", encoding="utf-8")
            later = time.time() + 2
            os.utime(topics, (later, later))
            time.sleep(CONFIG_CHECK_SECONDS + 0.5)  # the worker looks at its files this often
            assert p.crawl("bbs-a")["status"] == "ok"  # this crawl's end retires the worker …
            fresh = wait_for(lambda: [x for x in p.worker_pids() if x not in first], 30, "a fresh worker")
            wait_for(lambda: p.worker_pids() == fresh, 30, "the old worker gone")
            assert p.crawl("bbs-a")["status"] == "ok" and p.worker_pids() == fresh  # … the new one crawls
            assert p.restarts == 0 and p.spawned == 2  # retired cleanly, not a crash
        finally:
            p.close()
