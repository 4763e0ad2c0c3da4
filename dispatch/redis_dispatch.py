"""The scheduler's side of the Redis crawl queue (several crawl hosts, storage.crawl_queue).

Only the leader (a Redis lock renewed every third of a lease) queues due crawls, so several
`yqwatch run` processes may stand by for one another. Summaries come back on the results stream.
This host also keeps `count` local workers on the same queue (0: crawl hosts do all the work)."""
from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path

from dispatch.config import WorkersSettings
from dispatch.pool import WorkerPool
from storage.crawl_queue import CrawlQueue

log = logging.getLogger("yqwatch.dispatch")


class RedisDispatcher:
    def __init__(self, config_dir: Path, settings: WorkersSettings, url: str, *, env: dict | None = None,
                 name: str | None = None):
        import redis

        self.settings = settings
        self.name = name or f"scheduler@{socket.gethostname()}:{os.getpid()}"
        self.client = redis.Redis.from_url(url, decode_responses=True)
        self.queue = CrawlQueue(self.client, prefix=settings.key_prefix, lease_seconds=settings.lease_seconds,
                                queued_ttl=settings.crawl_timeout + 2 * settings.lease_seconds)
        self.queue.ensure_group()
        self._lock = threading.Lock()
        self._waiting: dict[str, list[Callable[[dict], None]]] = {}
        self._stop = threading.Event()
        last = self.client.xrevrange(self.queue.key("results"), count=1)
        self._last_result = last[0][0] if last else "0-0"
        self.leader = self.queue.lead(self.name)
        self.completed = 0
        self._threads = [threading.Thread(target=self._keep_leading, name="dispatch-leader", daemon=True),
                         threading.Thread(target=self._read_results, name="dispatch-results", daemon=True)]
        for t in self._threads:
            t.start()
        self.pool = WorkerPool(config_dir, settings, env=env, redis_url=url) if settings.count else None
        self.start()

    def start(self) -> None:
        """Start this host's local workers (they take crawls from Redis on their own)."""
        if self.pool:
            self.pool.start()

    def submit(self, source_id: str, on_done: Callable[[dict], None] | None = None) -> str | None:
        """Queue a crawl if this scheduler leads and none of the source is queued or running."""
        if not self.leader:
            return None
        job = self.queue.enqueue(source_id)
        if job is not None and on_done is not None:
            with self._lock:
                self._waiting.setdefault(job, []).append(on_done)
        return job

    def crawl(self, source_id: str, timeout: float | None = None) -> dict | None:
        done, box = threading.Event(), {}

        def got(summary: dict) -> None:
            box["summary"] = summary
            done.set()

        job = self.queue.enqueue(source_id) or self.client.get(self.queue.key("queued", source_id))
        if job is None:  # finished between the two calls
            return self.crawl(source_id, timeout)
        with self._lock:
            self._waiting.setdefault(job, []).append(got)
        done.wait(timeout if timeout is not None else self.settings.crawl_timeout + 60)
        return box.get("summary")

    def close(self, timeout: float = 30) -> None:
        self._stop.set()
        if self.pool:
            self.pool.close(timeout)
        for t in self._threads:
            t.join(timeout=3)
        self.client.close()

    def _keep_leading(self) -> None:
        while not self._stop.wait(self.settings.lease_seconds / 3):
            try:
                was, self.leader = self.leader, self.queue.lead(self.name)
                if self.leader != was:
                    log.warning("调度主节点%s: %s", "切换到本机" if self.leader else "已转移", self.name)
            except Exception as e:  # Redis away: stop queueing until it is back (another may lead)
                self.leader = False
                log.warning("Redis 不可用, 暂停派发抓取: %s", e)

    def _read_results(self) -> None:
        while not self._stop.is_set():
            try:
                got = self.queue.results(self._last_result, block_ms=500)
            except Exception as e:
                log.warning("读取抓取结果失败: %s", e)
                self._stop.wait(1)
                continue
            for mid, summary in got:
                self._last_result = mid
                self.completed += 1
                with self._lock:
                    callbacks = self._waiting.pop(summary.get("job"), [])
                for cb in callbacks:
                    try:
                        cb(summary)
                    except Exception:
                        log.exception("crawl callback failed")
