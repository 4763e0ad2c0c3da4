"""Per-host politeness shared by every crawl worker of every crawl host, through Redis (used only
when crawls come from Redis: crawlers.redis_feed). Local workers keep crawlers.politeness.HostGates.

Several workers on several machines polling one host (hundreds of Tieba bars are one site) must
together keep that host's `concurrency_per_domain` and `download_delay`, not each of them. On
Redis's own primitives, in one Lua script per request (atomic, on Redis's clock):
- `{p}:host:H:inflight`  a sorted set of the requests in flight to host H, each scored with the
                         time its lease runs out (its download timeout plus a margin). Expired
                         leases are dropped first, so a worker killed mid-request frees its
                         places when its requests could no longer be running anyway.
- `{p}:host:H:next`      the earliest time the next request to H may start (download_delay
                         apart); each caller reserves its start slot, then sleeps until it.
A full host is polled again after a short, growing pause. Inside a worker a local semaphore of the
same size queues the crawls first, so at most `limit` of a worker's requests ask Redis at a time.
If Redis cannot be reached the worker falls back to its own per-host gate (polite alone, not
together) and says so once, rather than stopping every crawl."""
from __future__ import annotations

import asyncio
import logging
import uuid

from crawlers.politeness import HostGates

log = logging.getLogger("yqwatch.worker")

# KEYS: inflight, next. ARGV: token, limit, delay_ms, lease_ms. Returns ms to wait before starting,
# or -1 when the host is full.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
local start = now
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
if nxt > start then start = nxt end
local delay, lease = tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZADD', KEYS[1], start + lease, ARGV[1])
if redis.call('PTTL', KEYS[1]) < start - now + lease then redis.call('PEXPIRE', KEYS[1], start - now + lease) end
if delay > 0 then redis.call('SET', KEYS[2], start + delay, 'PX', start - now + delay + 1000) end
return start - now
"""
LEASE_MARGIN = 30.0  # seconds a request may outlive its download timeout (retries are new requests)
POLL_FIRST, POLL_MAX = 0.01, 0.2  # seconds between asks while the host is full


class RedisHostGates:
    """HostGates' interface (acquire → token, release(host, token)) with the budget in Redis."""

    def __init__(self, url: str, prefix: str = "yq", *, lease_margin: float = LEASE_MARGIN):
        import redis.asyncio

        self.r = redis.asyncio.Redis.from_url(url, decode_responses=True)
        self.prefix, self.lease_margin = prefix, lease_margin
        self._acquire = self.r.register_script(_ACQUIRE)
        self._local = HostGates()  # queues this worker's requests; the fallback when Redis is away
        self._redis_down = False
        self._releasing: set[asyncio.Task] = set()

    def _keys(self, host: str) -> list[str]:
        return [f"{self.prefix}:host:{host}:inflight", f"{self.prefix}:host:{host}:next"]

    async def acquire(self, host: str, limit: int, delay: float, lease: float = 180.0) -> str | None:
        """Wait for a place at `host`; the token to release it with (None: the local gate's)."""
        await self._local.acquire(host, limit, 0.0)  # no delay here: Redis spaces the starts
        token = uuid.uuid4().hex
        pause = POLL_FIRST
        try:
            while True:
                wait_ms = await self._acquire(keys=self._keys(host),
                                              args=[token, limit, int(delay * 1000), int((lease + self.lease_margin) * 1000)])
                if self._redis_down:
                    self._redis_down = False
                    log.warning("Redis 已恢复: 按主机的礼貌限制重新在各采集节点间共享")
                if wait_ms >= 0:
                    if wait_ms:
                        await asyncio.sleep(wait_ms / 1000)
                    return token
                await asyncio.sleep(pause)
                pause = min(POLL_MAX, pause * 2)
        except asyncio.CancelledError:
            self._local.release(host)
            raise
        except Exception as e:  # Redis away: polite per worker until it is back
            if not self._redis_down:
                self._redis_down = True
                log.warning("Redis 不可用, 按主机的礼貌限制暂时只在本进程内生效: %s", e)
            if delay > 0:
                await asyncio.sleep(delay)
            return None

    def release(self, host: str, token: str | None = None) -> None:
        self._local.release(host)
        if token is None:
            return
        try:
            task = asyncio.get_running_loop().create_task(self._release(host, token))
        except RuntimeError:  # no loop running (shutting down): the lease runs out on its own
            return
        self._releasing.add(task)  # a task nobody references may be collected before it ran
        task.add_done_callback(self._releasing.discard)

    async def _release(self, host: str, token: str) -> None:
        try:
            await self.r.zrem(self._keys(host)[0], token)
        except Exception:  # the lease runs out on its own
            log.debug("could not release %s at %s", token, host, exc_info=True)
