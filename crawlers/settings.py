"""Scrapy settings built from a source's `Crawling` block: polite by default, bounded always."""
from __future__ import annotations

import os

from crawlers.sources import Crawling, Source

RETRY_CODES = [408, 429, 500, 502, 503, 504, 522, 524]


def login_cookie(source: Source, environ=os.environ) -> str | None:
    """The Cookie header (`name=value; ...`) held in the environment variable the source names.
    The spider sends it itself, only to the source's own hosts: Scrapy's cookie middleware would
    replace the header (and look up public suffixes online), so it stays off."""
    raw = environ.get(source.cookies_env, "").strip() if source.cookies_env else ""
    return raw or None


def scrapy_settings(source: Source, crawling: Crawling, *, log_level: str = "INFO") -> dict:
    return {
        "BOT_NAME": "yqwatch",
        "USER_AGENT": crawling.user_agent,
        "ROBOTSTXT_OBEY": crawling.obey_robots,
        "CONCURRENT_REQUESTS": 8,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawling.concurrency_per_domain,
        "DOWNLOAD_DELAY": crawling.download_delay,
        "AUTOTHROTTLE_ENABLED": crawling.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(crawling.download_delay, 0.5),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_TIMEOUT": crawling.timeout,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": crawling.retries,
        "RETRY_HTTP_CODES": RETRY_CODES,
        "DOWNLOAD_MAXSIZE": crawling.max_page_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "REDIRECT_MAX_TIMES": 5,  # redirect loops end here and are counted as errors
        "COOKIES_ENABLED": False,
        "DEFAULT_REQUEST_HEADERS": {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                                    "Accept-Language": "zh-CN,zh;q=0.9"},
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": log_level,
        "ITEM_PIPELINES": {"crawlers.item_pipeline.StoragePipeline": 300},
        # The gate sits after every built-in middleware (highest number), right before the download.
        # The address guard runs first, so a refused request never reaches robots.txt or the wire.
        "DOWNLOADER_MIDDLEWARES": {"crawlers.ssrf.AddressGuardMiddleware": 50,
                                   "crawlers.backoff.RetryBackoffMiddleware": 551,
                                   "crawlers.concurrency.HostConcurrencyMiddleware": 990},
        "HTTPERROR_ALLOW_ALL": True,  # the spider counts HTTP errors per status itself
    }
