"""Scrapy settings of a crawl in a long-lived worker: the per-source settings (crawlers.settings)
minus what a warm process does not need per crawl, plus the worker's shared politeness."""
from __future__ import annotations

# What a crawl costs when the process is already warm is mostly Scrapy's per-crawl machinery, so
# the worker trims what it does not use (profiled: at 1,000 polls a minute these were most of it).
WORKER_SETTINGS = {
    # Items are processed synchronously by our item pipeline; Scrapy's default of 100 parallel item
    # slots creates ~100 asyncio tasks per response for nothing.
    "CONCURRENT_ITEMS": 1,
    # Per-crawl timers (stats logging, memory checks) x hundreds of crawls; the worker watches its
    # own memory (max_rss_mb) and the crawl summary carries the counts.
    "LOGSTATS_INTERVAL": 0,
    "MEMUSAGE_ENABLED": False,
    "STATS_DUMP": False,
}
WORKER_DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawlers.politeness.SharedRobotsTxtMiddleware": 100,  # robots.txt once per host per worker
}


def worker_settings(per_source: dict) -> dict:
    out = {**per_source, **WORKER_SETTINGS}
    out["DOWNLOADER_MIDDLEWARES"] = {**per_source["DOWNLOADER_MIDDLEWARES"], **WORKER_DOWNLOADER_MIDDLEWARES}
    return out

