"""Exponential backoff before Scrapy's RetryMiddleware retries a 429/5xx.

Sits just below RetryMiddleware (551 > 550) so it sees the response first; it only waits, then
hands the response on unchanged and RetryMiddleware decides whether to retry."""
from __future__ import annotations

import asyncio

from crawlers.settings import RETRY_CODES

MAX_WAIT = 60.0


def backoff_seconds(retry_times: int, retry_after: bytes | None, base: float) -> float:
    if retry_after:
        try:
            return min(MAX_WAIT, float(retry_after.decode("ascii", "ignore").strip()))
        except ValueError:
            pass  # an HTTP date: fall back to exponential
    return min(MAX_WAIT, base * (2 ** retry_times))


class RetryBackoffMiddleware:
    def __init__(self, base: float, max_retries: int):
        self.base = base
        self.max_retries = max_retries

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(base=max(s.getfloat("DOWNLOAD_DELAY"), 0.5), max_retries=s.getint("RETRY_TIMES"))

    async def process_response(self, request, response, spider=None):
        tries = request.meta.get("retry_times", 0)
        if response.status in RETRY_CODES and tries < self.max_retries:
            await asyncio.sleep(backoff_seconds(tries, response.headers.get("Retry-After"), self.base))
        return response
