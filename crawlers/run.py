"""`python -m crawlers.run SOURCE_ID [--config DIR]`: one crawl of one source, in its own process
(a Twisted reactor cannot be restarted, so the scheduler starts one process per crawl).

Prints one JSON line with the crawl's health counters. Exit 0 ok, 2 bad config, 1 crawl failed."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from pipeline.config import ConfigError

RECORD_ERROR = "crawl_record:"  # reason key prefix: the crawl record was not written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m crawlers.run")
    ap.add_argument("source_id")
    ap.add_argument("--config", default=os.environ.get("YQ_CONFIG", "config"))
    ap.add_argument("--log-level", default=os.environ.get("YQ_CRAWL_LOG", "WARNING"))
    args = ap.parse_args(argv)
    config_dir = Path(args.config)
    try:
        from crawlers.sources import load_sources
        from pipeline.process import Pipeline
        from storage.config import load_storage_settings

        sources = load_sources(config_dir)
        try:
            source = sources.get(args.source_id)
        except KeyError:
            print(f"未知的信息源: {args.source_id} (见 {config_dir / 'sources.yaml'})", file=sys.stderr)
            return 2
        settings = load_storage_settings(config_dir)
        doc_pipeline = Pipeline.from_config_dir(config_dir)
    except ConfigError as e:
        print(f"配置错误: {e}", file=sys.stderr)
        return 2
    run = crawl(source, sources.crawling_for(source), settings, doc_pipeline, log_level=args.log_level)
    out = summary(run)
    if out.get("record_error"):  # the database did not take the crawl record: say so loudly
        print(f"采集记录写入失败: {args.source_id}: {out['record_error']}", file=sys.stderr, flush=True)
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0 if out["status"] != "failed" else 1


def summary(run) -> dict:
    """The one JSON line a crawl prints (the scheduler logs it and reads the counts).

    `record_error` (e.g. "crawl_record:OperationalError", also among `reasons`) is there when the
    crawl's record could not be written: source health in the database knows nothing of this
    crawl, so the scheduler must hear it from this line (the crawl then counts as failed)."""
    out = {"source": run.source_id, "status": run.status, "pages": run.pages, "items": run.items,
           "new": run.new_items, "errors": run.errors, "parse_failures": run.parse_failures,
           "reasons": run.reasons}
    record_error = next((k for k in run.reasons if k.startswith(RECORD_ERROR)), None)
    if record_error:
        out["record_error"] = record_error
    return out


def crawl(source, crawling, storage_settings, doc_pipeline, *, log_level: str = "WARNING"):
    from scrapy.crawler import CrawlerProcess

    from crawlers.settings import scrapy_settings
    from crawlers.spider import WatchSpider
    from storage.factory import create_schema, open_store

    store = open_store(storage_settings)
    create_schema(store.engine)
    process = CrawlerProcess(settings=scrapy_settings(source, crawling, log_level=log_level))
    logging.getLogger("scrapy").setLevel(log_level)
    crawler = process.create_crawler(WatchSpider)
    process.crawl(crawler, source=source, crawling=crawling, store=store, doc_pipeline=doc_pipeline)
    process.start()
    return crawler.spider.run_record


if __name__ == "__main__":
    sys.exit(main())
