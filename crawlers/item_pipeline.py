"""Scrapy item pipeline: a thin adapter RawPost → pipeline.process → storage (DESIGN §2).

Documents are committed in small batches; thread seen-state is saved only after the posts it
covers are committed, so a crash re-crawls (idempotently) instead of losing posts. A thread with a
post the pipeline could not process keeps its old seen-state, so that post is tried again next
crawl; if storage fails, no seen-state is saved at all and the run is recorded as failed. A batch
the database refuses is retried post by post, so one post it rejects costs only that post.

The crawl's record is written when the crawl opens (status "running") and finished when it
closes; a crawl killed in between is marked failed ("killed") when the next crawl of the source
opens, so a source whose crawls never finish still raises its health alert. When the record
cannot be written at all (database full), the run printed in the summary says why
(`crawl_record:<error>`), so the scheduler logs it."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from pipeline.process import Pipeline
from pipeline.types import Document, RawPost
from storage.types import CrawlRun

from crawlers.run import RECORD_ERROR
from crawlers.spider import TZ, WatchSpider

BATCH = 50


class StoragePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.docs: list[Document] = []
        self.raw_html: dict[str, str] = {}
        self.new_items = 0
        self.pipeline: Pipeline | None = None
        self.unfinished: set[str] = set()  # thread URLs with a post that was not processed
        self.run_id: int | None = None  # the crawl record written at open

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    # Scrapy ≥ 2.14 no longer needs to pass the spider; older versions do (hence `_spider=None`).
    def open_spider(self, _spider=None) -> None:
        spider: WatchSpider = self.crawler.spider
        self.pipeline = spider.doc_pipeline
        self.started = datetime.now(TZ)
        try:
            self.run_id = spider.store.open_crawl_run(self._run(spider, "running", 0), {"killed": 1})
        except Exception as e:  # noqa: BLE001 - the crawl still runs; the close tries again
            spider.logger.warning("could not write the crawl's start record: %s", e)

    def process_item(self, item, _spider=None):
        spider: WatchSpider = self.crawler.spider
        if not isinstance(item, RawPost):
            return item
        try:
            doc = self.pipeline.process(item)
        except Exception as e:  # one bad post never ends the crawl
            spider.health["parse_failures"] += 1
            spider.reasons[f"pipeline:{type(e).__name__}"] += 1
            spider.logger.exception("pipeline failed on %s", item.url)
            self.unfinished.add(item.thread_url)
            return item
        self.docs.append(doc)
        if item.html:
            self.raw_html[doc.id] = item.html
        if len(self.docs) >= BATCH:
            self.flush(spider)  # on failure the batch stays and is tried again with the next one
        return item

    def flush(self, spider: WatchSpider) -> None:
        if not self.docs:
            return
        try:
            new = spider.store.save_documents(self.docs, self.raw_html)
        except Exception:
            if len(self.docs) == 1:
                raise
            new = self._save_one_by_one(spider)  # raises when the database refuses every post
        self.new_items += len(new)
        self.docs, self.raw_html = [], {}

    def _save_one_by_one(self, spider: WatchSpider) -> list[str]:
        new: list[str] = []
        refused: list[tuple[Document, Exception]] = []
        for doc in self.docs:
            html = {doc.id: self.raw_html[doc.id]} if doc.id in self.raw_html else {}
            try:
                new += spider.store.save_documents([doc], html)
            except Exception as e:  # noqa: BLE001 - judged below: this post, or the database
                refused.append((doc, e))
        if len(refused) == len(self.docs):
            raise refused[0][1]  # the database refuses everything: a storage failure, not bad posts
        for doc, e in refused:  # counted; their threads are read again next crawl
            spider.reasons[f"storage_rejected:{type(e).__name__}"] += 1
            spider.logger.warning("database refused %s: %s", doc.url, e)
            self.unfinished.add(doc.thread_url)
        return new

    def close_spider(self, _spider=None) -> None:
        spider: WatchSpider = self.crawler.spider
        h = spider.health
        try:
            self.flush(spider)
            states = [s for url, s in spider.pending_states.items() if url not in self.unfinished]
            if states:
                spider.store.save_thread_states(states)
            status = crawl_status(h)
        except Exception as e:  # the database is down or refused the batch: nothing marked as seen
            spider.reasons[f"storage:{type(e).__name__}"] += 1
            spider.logger.exception("storing the crawl failed")
            status = "failed"
        run = self._run(spider, status, self.new_items)
        try:
            self.run_id = spider.store.record_crawl_run(run, self.run_id)
        except Exception as e:  # noqa: BLE001 - surfaced in the summary the scheduler logs
            spider.logger.error("could not record the crawl: %s", e)
            reasons = {**run.reasons, f"{RECORD_ERROR}{type(e).__name__}": 1}
            run = replace(run, status="failed", reasons=reasons)
        spider.run_record = run

    def _run(self, spider: WatchSpider, status: str, new_items: int) -> CrawlRun:
        h = spider.health
        return CrawlRun(
            source_id=spider.source.id, started_at=self.started, finished_at=datetime.now(TZ),
            pages=h["pages"], items=h["items"], new_items=new_items, errors=h["errors"],
            parse_failures=h["parse_failures"], list_items=h["list_items"], reasons=dict(spider.reasons),
            status=status,
        )


def crawl_status(h) -> str:
    """ok | empty | failed, from a crawl's health counters. A silent spider is the worst failure a
    24-hour watch can have, so "ok" needs evidence: list pages that still list something, and
    some page beyond them fetched (a site that lists threads but blocks every thread page is
    failing, not quiet)."""
    if h["list_pages"] and not h["list_items"]:
        return "empty"  # the layout probably changed
    if h["pages"] == 0 or h["errors"] >= h["pages"]:
        return "failed"
    if h["errors"] and not h["items"] and h["errors"] >= h["pages"] - h["list_pages"]:
        return "failed"  # every page after the lists failed and nothing came of the crawl
    return "ok"
