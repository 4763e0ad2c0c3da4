"""Exponential backoff before Scrapy's RetryMiddleware retries a 429/5xx.

Sits just below RetryMiddleware (551 > 550) so it sees the response first; it only waits, then
hands the response on unchanged and RetryMiddleware decides whether to retry. A site that says
"too many requests" (429, or 503 with Retry-After) also gets a longer delay between all further
requests of this crawl, not just the retried one."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from crawlers.settings import RETRY_CODES

MAX_WAIT = 60.0
MAX_DOMAIN_DELAY = 10.0  # a whole crawl must still finish within the scheduler's crawl timeout


def backoff_seconds(retry_times: int, retry_after: bytes | None, base: float,
                    now: datetime | None = None) -> float:
    """Retry-After in seconds or as an HTTP date (capped at MAX_WAIT), else base × 2^retries."""
    value = retry_after.decode("latin-1").strip() if retry_after else ""
    if value:
        try:
            return max(0.0, min(MAX_WAIT, float(value)))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            when = None  # unparseable: exponential
        if when is not None and when.tzinfo is not None:
            wait = (when - (now or datetime.now(timezone.utc))).total_seconds()
            return max(0.0, min(MAX_WAIT, wait))
    return min(MAX_WAIT, base * (2 ** retry_times))


class RetryBackoffMiddleware:
    def __init__(self, crawler, base: float, max_retries: int):
        self.crawler = crawler
        self.base = base
        self.max_retries = max_retries

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(crawler, base=max(s.getfloat("DOWNLOAD_DELAY"), 0.5), max_retries=s.getint("RETRY_TIMES"))

    async def process_response(self, request, response, spider=None):
        tries = request.meta.get("retry_times", 0)
        if response.status in RETRY_CODES and tries < self.max_retries:
            retry_after = response.headers.get("Retry-After")
            wait = backoff_seconds(tries, retry_after, self.base)
            if response.status == 429 or retry_after:
                self._slow_down(request, wait)
            await asyncio.sleep(wait)
        return response

    def _slow_down(self, request, wait: float) -> None:
        downloader = getattr(self.crawler.engine, "downloader", None)
        slot = downloader.slots.get(request.meta.get("download_slot")) if downloader else None
        if slot is not None:
            slot.delay = max(slot.delay, min(wait, MAX_DOMAIN_DELAY))
