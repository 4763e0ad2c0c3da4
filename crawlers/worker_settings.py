"""Scrapy settings of a crawl in a long-lived worker: the per-source settings (crawlers.settings)
minus what a warm process does not need per crawl, plus the worker's shared politeness, built
once per source and copied cheaply for each crawl."""
from __future__ import annotations

from scrapy.settings import BaseSettings, Settings, SettingsAttribute

# What a crawl costs when the process is already warm is mostly Scrapy's per-crawl machinery, so
# the worker trims what it does not use (profiled with bench/worker_poll_cost.py: at 1,000 polls a
# minute these were most of it). None of them changes what is fetched or stored.
WORKER_SETTINGS = {
    # Items are processed synchronously by our item pipeline; Scrapy's default of 100 parallel item
    # slots creates ~100 asyncio tasks per response for nothing.
    "CONCURRENT_ITEMS": 1,
    # Per-crawl timers (stats logging, memory checks) x hundreds of crawls; the worker watches its
    # own memory (max_rss_mb) and the crawl summary carries the counts.
    "LOGSTATS_INTERVAL": 0,
    "MEMUSAGE_ENABLED": False,
    "STATS_DUMP": False,
    # Scrapy's counters are never read (the spider keeps its own health counters): not kept.
    "STATS_CLASS": "scrapy.statscollectors.DummyStatsCollector",
    # A developer warning: it reads and parses the source of every callback of every new spider.
    "WARN_ON_GENERATOR_RETURN_VALUE": False,
    # Extensions with nothing to do here (no feeds, no JOBDIR, no close conditions, no telnet),
    # built per crawl all the same. AutoThrottle stays (sources may turn it on).
    "EXTENSIONS_BASE": {"scrapy.extensions.throttle.AutoThrottle": 0},
}
WORKER_DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawlers.politeness.SharedRobotsTxtMiddleware": 100,  # robots.txt once per host per worker
    # No-ops for our spider, built per crawl: no http_user, no cache, cookies off (the spider sends
    # a source's login cookie itself), no allowed_domains (crawlers.ssrf bounds the hosts), stats.
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "scrapy.downloadermiddlewares.stats.DownloaderStats": None,
}
# Depth only counts (no DEPTH_LIMIT); meta-copy detection is a developer warning.
WORKER_SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}


def worker_settings(per_source: dict) -> dict:
    out = {**per_source, **WORKER_SETTINGS}
    out["DOWNLOADER_MIDDLEWARES"] = {**per_source["DOWNLOADER_MIDDLEWARES"], **WORKER_DOWNLOADER_MIDDLEWARES}
    out["SPIDER_MIDDLEWARES"] = {**per_source.get("SPIDER_MIDDLEWARES", {}), **WORKER_SPIDER_MIDDLEWARES}
    return out


class ReusableSettings(Settings):
    """Settings built once per source and handed to every Crawler of that source. A Crawler
    starts by copying its settings; Scrapy's copy is a deepcopy of ~200 entries (and building
    Settings from a dict re-reads every default), about a third of a warm crawl's set-up. This
    copy makes new entries and copies nested settings and containers one level deep, which is
    all a Crawler changes (it sets entries, then freezes its copy)."""

    def copy(self):
        return _copy_settings(self)


def _copy_settings(s: BaseSettings):
    new = BaseSettings.__new__(type(s))
    new.frozen = False
    new.attributes = {name: _copy_attribute(a) for name, a in s.attributes.items()}
    return new


_KIND: dict[type, int] = {}  # value type → 0 shared as is, 1 settings, 2 container (isinstance on ABCs is slow)


def _kind(t: type) -> int:
    k = _KIND.get(t)
    if k is None:
        k = _KIND[t] = 1 if issubclass(t, BaseSettings) else 2 if issubclass(t, (dict, list, set)) else 0
    return k


def _copy_attribute(a: SettingsAttribute) -> SettingsAttribute:
    value = a.value
    kind = _kind(type(value))
    if kind == 1:
        value = _copy_settings(value)
    elif kind == 2:
        value = type(value)(value)
    new = SettingsAttribute.__new__(SettingsAttribute)
    new.value, new.priority = value, a.priority
    return new


def reusable_settings(per_source: dict) -> ReusableSettings:
    return ReusableSettings(worker_settings(per_source))
