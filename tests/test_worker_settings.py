"""A crawl worker builds a source's Scrapy settings once and copies them per crawl
(crawlers.worker_settings): every crawl must see the same settings Scrapy's own deep copy gives,
and no crawl may change what the next one gets. The spider reads a list page's seen-state in one
query (Store.thread_states), with the same answers as one query per thread."""
from __future__ import annotations

from datetime import datetime, timedelta

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings, Settings

from crawlers.settings import scrapy_settings
from crawlers.sources import Crawling, Source
from crawlers.spider import WatchSpider
from crawlers.worker_settings import reusable_settings, worker_settings
from pipeline.config import TZ


def _per_source() -> dict:
    source = Source.model_validate({"id": "bbs", "name": "论坛", "kind": "forum", "urls": ["http://127.0.0.1:9/f"]})
    return scrapy_settings(source, Crawling(concurrency_per_domain=3, download_delay=0.5), log_level="WARNING")


def _flat(settings) -> dict:
    return {k: (_flat(v) if isinstance(v, BaseSettings) else v) for k, v in settings.items()}


def test_reused_settings_give_every_crawler_what_a_fresh_deep_copy_gives():
    template = reusable_settings(_per_source())
    fresh = Crawler(WatchSpider, Settings(worker_settings(_per_source()))).settings
    for _ in range(2):  # the second crawler gets an untouched template too
        got = Crawler(WatchSpider, template).settings
        assert _flat(got) == _flat(fresh)
        assert got is not template and got.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 3
        assert got.getwithbase("DOWNLOADER_MIDDLEWARES")["crawlers.politeness.SharedRobotsTxtMiddleware"] == 100
        got.set("DOWNLOAD_DELAY", 9)  # a crawler changing its copy …
        got["DOWNLOADER_MIDDLEWARES"].set("x.Y", 1)
        got.getlist("RETRY_HTTP_CODES").append(999)
        got.freeze()
    assert template.getfloat("DOWNLOAD_DELAY") == 0.5  # … changes neither the template
    assert "x.Y" not in template["DOWNLOADER_MIDDLEWARES"]
    assert 999 not in template.getlist("RETRY_HTTP_CODES")
    assert not template.frozen


def test_batched_seen_state_answers_as_one_lookup_per_thread(tmp_path):
    from storage.factory import create_schema, open_store
    from storage.config import StorageSettings
    from storage.types import ThreadState

    store = open_store(StorageSettings(database_url=f"sqlite:///{tmp_path}/yq.db", index_path=str(tmp_path / "i")))
    create_schema(store.engine)
    now = datetime.now(TZ)
    states = [ThreadState(source_id=src, thread_url=f"http://x/p/{i}", replies=i, last_floor=i, last_page=1,
                          first_seen=now - timedelta(hours=1), last_seen=now, last_growth=now,
                          last_page_url=f"http://x/p/{i}?pn=1")
              for src in ("a", "b") for i in range(3)]
    store.save_thread_states(states)
    urls = [f"http://x/p/{i}" for i in range(2, 1205)]  # more than one IN (...) batch
    got = store.thread_states("a", urls + urls[:3])
    assert got == {u: store.thread_state("a", u) for u in urls if store.thread_state("a", u)}
    assert set(got) == {"http://x/p/2"} and got["http://x/p/2"].replies == 2
    assert store.thread_states("a", []) == {}
    store.engine.dispose()
