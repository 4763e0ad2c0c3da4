"""Per-host concurrency gate, the last downloader middleware before the download itself.

Scrapy 2.19 starts every queued request of a download slot at once when DOWNLOAD_DELAY is 0: the
slot counts a request as transferring only when its download coroutine first runs, after the
queue loop has already let the others through. CONCURRENT_REQUESTS_PER_DOMAIN then does not hold
(seen on the wire: 6 requests at once with a limit of 1). This gate holds it, through the public
middleware API: acquired just before the download, released as soon as it ends either way.

In a crawl worker (crawlers.worker) the gates belong to the worker, not the crawl: every crawl
of a host then shares its limit and its delay between requests (crawlers.politeness); with the
Redis feed, every worker of every crawl host shares them (crawlers.redis_politeness)."""
from __future__ import annotations

from urllib.parse import urlsplit

from crawlers.politeness import HostGates

_KEY = "yq_gate"


class HostConcurrencyMiddleware:
    def __init__(self, limit: int, gates: HostGates | None = None, delay: float = 0.0):
        self.limit = limit
        self.delay = delay  # only enforced across crawls (shared gates); Scrapy's slot does it per crawl
        self.gates = gates or HostGates()

    @classmethod
    def from_crawler(cls, crawler):
        shared = getattr(crawler, "yq_politeness", None)
        return cls(crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
                   shared.gates if shared is not None else None,
                   crawler.settings.getfloat("DOWNLOAD_DELAY") if shared is not None else 0.0)

    async def process_request(self, request, spider=None):
        host = urlsplit(request.url).hostname or ""
        token = await self.gates.acquire(host, self.limit, self.delay, request.meta.get("download_timeout", 180.0))
        request.meta[_KEY] = (host, token)
        return None

    def process_response(self, request, response, spider=None):
        self._release(request)
        return response

    def process_exception(self, request, exception, spider=None):
        self._release(request)
        return None

    def _release(self, request) -> None:
        held = request.meta.pop(_KEY, None)
        if held is not None:
            self.gates.release(*held)
