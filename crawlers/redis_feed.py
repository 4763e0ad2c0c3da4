"""Crawls from the Redis queue shared by crawl hosts (storage.crawl_queue), for crawlers.worker.

A feeder thread claims due crawls while the worker has free slots and renews the leases of those
running; crawls start and end in the reactor thread. A worker that dies stops renewing: its
leases lapse and another worker takes its crawls. Past --max-crawls / --max-rss-mb the worker
stops claiming, finishes its crawls and exits 0 (its supervisor, the local pool or systemd,
starts a fresh one)."""
from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time

from storage.crawl_queue import CrawlQueue

log = logging.getLogger("yqwatch.worker")


class RedisFeed:
    def __init__(self, worker, reactor, url: str, *, slots: int, lease: float, name: str | None,
                 prefix: str, out):
        import redis

        self.worker, self.reactor, self.out = worker, reactor, out
        self.slots = slots
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.queue = CrawlQueue(redis.Redis.from_url(url, decode_responses=True), prefix=prefix,
                                lease_seconds=lease)
        self.renew_every = lease / 3
        self.running: dict[str, tuple[str, str]] = {}  # job → (entry id, source)
        self._lock = threading.Lock()
        self.retiring = False

    def run(self, *, exit_on_eof: bool = False) -> None:
        self.queue.ensure_group()
        self._send({"event": "ready", "pid": os.getpid(), "name": self.name})
        threading.Thread(target=self._feed, name="worker-redis", daemon=True).start()
        if exit_on_eof:  # started by a local pool: its end (stdin closed) ends this worker too
            threading.Thread(target=self._watch_stdin, name="worker-stdin", daemon=True).start()

    def _watch_stdin(self) -> None:
        import sys

        for _ in sys.stdin:
            pass
        self.reactor.callFromThread(self._retire, "parent_gone")

    def _retire(self, why: str) -> None:
        if not self.retiring:
            self.retiring = True
            self._send({"event": "retiring", "reason": why})
        with self._lock:
            left = len(self.running)
        if not left and self.reactor.running:
            self.reactor.stop()

    def _send(self, event: dict) -> None:
        try:
            self.out.write(json.dumps(event, ensure_ascii=False) + "\n")
            self.out.flush()
        except (BrokenPipeError, ValueError):  # the local pool was killed: as in PipeFeed.send,
            self.out = open(os.devnull, "w", encoding="utf-8")  # never let it skip _retire's stop

    def _feed(self) -> None:
        last_renew = time.monotonic()
        while not self.retiring:
            try:
                with self._lock:
                    free = self.slots - len(self.running)
                got = self.queue.claim(self.name, free, block_ms=500) if free > 0 else []
                for mid, job, source in got:
                    with self._lock:
                        self.running[job] = (mid, source)
                    self.reactor.callFromThread(self.worker.start, job, source, self._done)
                if free <= 0:
                    time.sleep(0.2)
                if time.monotonic() - last_renew >= self.renew_every:
                    with self._lock:
                        running = list(self.running.values())
                    self.queue.renew(self.name, running)
                    last_renew = time.monotonic()
            except Exception:  # Redis restarting or unreachable: keep crawling, retry
                log.exception("redis feed error")
                time.sleep(1)
        # retiring: keep the leases of the last crawls alive until they end
        while True:
            with self._lock:
                running = list(self.running.values())
            if not running:
                return
            try:
                self.queue.renew(self.name, running)
            except Exception:
                log.exception("redis renew error")
            time.sleep(min(self.renew_every, 1.0))

    def _done(self, job: str, summary: dict) -> None:
        with self._lock:
            mid, source = self.running[job]
        for attempt in range(30):  # the posts are committed; only the acknowledgement is left
            try:
                self.queue.finish(self.name, mid, job, source, summary)
                break
            except Exception:
                log.exception("redis finish error (attempt %d)", attempt + 1)
                time.sleep(1)
        with self._lock:
            self.running.pop(job, None)
        if self.retiring or (why := self.worker.worn_out):
            self._retire(why if not self.retiring else "")
