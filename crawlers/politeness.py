"""Politeness shared by every crawl running in one crawl worker (DESIGN §1).

A worker runs many sources at once, and many of them share a host (hundreds of Tieba bars are one
site). Scrapy keeps its download slots, delay and robots.txt cache per Crawler, i.e. per crawl, so
two crawls of one host would each be polite alone and impolite together. The objects here are
made once per worker and handed to every Crawler (as `crawler.yq_politeness`), so the per-host
limits hold across all crawls of the worker."""
from __future__ import annotations

import asyncio
import time

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.httpobj import urlparse_cached


class HostGates:
    """Per host: at most `limit` requests in flight and `delay` seconds between request starts.
    The limit and delay of a host are those of the first crawl that reached it (sources sharing a
    host share its crawling block in practice: one `defaults:` in sources.yaml)."""

    def __init__(self):
        self._gates: dict[str, asyncio.Semaphore] = {}
        self._delay: dict[str, float] = {}
        self._next_start: dict[str, float] = {}

    async def acquire(self, host: str, limit: int, delay: float, lease: float = 0.0) -> None:
        """Wait for a place at `host` (`lease`: how long the request may take; used by the
        shared gates of crawlers.redis_politeness, not here). Returns the release token (None)."""
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = asyncio.Semaphore(limit)
            self._delay[host] = delay
        await gate.acquire()
        delay = self._delay[host]
        if delay > 0:
            # Reserve the next start slot before sleeping, so concurrent waiters queue behind it.
            now = time.monotonic()
            start = max(now, self._next_start.get(host, 0.0))
            self._next_start[host] = start + delay
            if start > now:
                try:
                    await asyncio.sleep(start - now)
                except BaseException:  # the crawl closed while waiting: its place is not kept forever
                    gate.release()
                    raise

    def release(self, host: str, token=None) -> None:
        self._gates[host].release()


class RobotsCache:
    """Parsed robots.txt per host, reused by every crawl of the worker for `ttl` seconds."""

    def __init__(self, ttl: float = 3600.0):
        self.ttl = ttl
        self._parsers: dict[str, tuple[float, object]] = {}
        self.pending: dict[str, asyncio.Future] = {}  # a fetch under way, awaited by the other crawls

    def get(self, netloc: str):
        hit = self._parsers.get(netloc)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, netloc: str, parser) -> None:
        self._parsers[netloc] = (time.monotonic() + self.ttl, parser)


class Politeness:
    """What a worker shares across its crawls. `gates`: the per-host gates, by default this
    process's own; crawlers.redis_politeness.RedisHostGates shares them across crawl hosts."""

    def __init__(self, robots_ttl: float = 3600.0, gates=None):
        self.gates = gates if gates is not None else HostGates()
        self.robots = RobotsCache(robots_ttl)


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, consulting the worker's cache before fetching robots.txt."""

    def __init__(self, crawler):
        super().__init__(crawler)
        shared = getattr(crawler, "yq_politeness", None)
        self._cache = shared.robots if shared is not None else None

    async def robot_parser(self, request):
        netloc = urlparse_cached(request).netloc
        cache = self._cache
        if cache is None or netloc in self._parsers:
            return await super().robot_parser(request)
        cached = cache.get(netloc)
        if cached is None and netloc in cache.pending:  # another crawl is fetching it right now
            cached = await asyncio.shield(cache.pending[netloc])
        if cached is not None:
            self._parsers[netloc] = cached
            return cached
        fut = cache.pending[netloc] = asyncio.get_running_loop().create_future()
        parser = None
        try:
            parser = await super().robot_parser(request)
            if parser is not None:
                cache.put(netloc, parser)
        finally:
            cache.pending.pop(netloc, None)
            fut.set_result(parser)  # None (robots.txt failed): the waiters fetch it themselves
        return parser
