"""Local crawl workers over pipes (one machine).

The pool starts `count` worker processes (`python -m crawlers.worker`), sends each up to `slots`
crawls at a time as JSON lines and reads their events. A source has at most one crawl pending or
running (a due poll of a source still being crawled is skipped, like APScheduler's
max_instances=1). A worker that exits or is killed is replaced; the crawls it had not finished
go back to the front of the queue (its committed posts are kept, the re-run stores the rest)."""
from __future__ import annotations

import itertools
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dispatch.config import WorkersSettings

log = logging.getLogger("yqwatch.dispatch")
MAX_ATTEMPTS = 3  # a crawl that took down its worker this many times is given up (a poison page?)


@dataclass
class Job:
    id: str
    source: str
    submitted: float  # time.monotonic()
    started: float | None = None
    attempts: int = 0
    summary: dict | None = None
    done: threading.Event = field(default_factory=threading.Event)
    callbacks: list[Callable[[dict], None]] = field(default_factory=list)


class _Worker:
    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self.jobs: dict[str, Job] = {}
        self.retiring = False
        self.started_at = time.monotonic()


class WorkerPool:
    def __init__(self, config_dir: Path, settings: WorkersSettings, *, env: dict | None = None,
                 python: str = sys.executable, redis_url: str | None = None):
        """With `redis_url` the pool only keeps `count` workers alive; they take their crawls from
        Redis (dispatch.redis_dispatch queues them) instead of this pool's pipes."""
        self.config_dir, self.settings, self.redis_url = Path(config_dir), settings, redis_url
        self.env, self.python = env, python
        self._lock = threading.Condition()
        self._pending: deque[Job] = deque()
        self._by_source: dict[str, Job] = {}
        self._workers: list[_Worker] = []
        self._ids = itertools.count(1)
        self._closed = False
        self.restarts = 0  # workers that died (not those retired after max_crawls / max_rss_mb)
        self.spawned = 0  # worker processes started, first ones and replacements
        self.completed = 0
        self._monitor = threading.Thread(target=self._watch_timeouts, name="dispatch-timeouts", daemon=True)
        self._monitor.start()

    # -- the scheduler's side ------------------------------------------------------------------
    def start(self) -> None:
        """Start the workers now (they load their Pipeline before the first poll is due)."""
        with self._lock:
            self._pump()

    def submit(self, source_id: str, on_done: Callable[[dict], None] | None = None) -> Job | None:
        """Queue a crawl of `source_id`; None when one is already pending or running."""
        with self._lock:
            if self._closed:
                raise RuntimeError("worker pool closed")
            if source_id in self._by_source:
                return None
            job = Job(str(next(self._ids)), source_id, time.monotonic())
            if on_done:
                job.callbacks.append(on_done)
            self._by_source[source_id] = job
            self._pending.append(job)
            self._pump()
            return job

    def crawl(self, source_id: str, timeout: float | None = None) -> dict | None:
        """Crawl now and wait for the summary (or join the crawl already under way)."""
        with self._lock:
            job = self._by_source.get(source_id) or self.submit(source_id)
        if not job.done.wait(timeout if timeout is not None else self.settings.crawl_timeout + 60):
            return None
        return job.summary

    def busy(self) -> int:
        with self._lock:
            return len(self._by_source)

    def close(self, timeout: float = 30) -> None:
        """Stop sending crawls; workers finish theirs and exit on EOF."""
        with self._lock:
            self._closed = True
            workers = list(self._workers)
        for w in workers:
            try:
                w.proc.stdin.close()
            except OSError:
                pass
        deadline = time.monotonic() + timeout
        for w in workers:
            try:
                w.proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                w.proc.kill()
                w.proc.wait()

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [w.proc.pid for w in self._workers if w.proc.poll() is None]

    # -- internals (called with the lock held) ---------------------------------------------------
    def _pump(self) -> None:
        live = [w for w in self._workers if not w.retiring and w.proc.poll() is None]
        while len(live) < self.settings.count and not self._closed:
            live.append(self._spawn())  # a retiring worker is replaced at once; it exits when done
        while self._pending and self.redis_url is None:
            free = [w for w in live if len(w.jobs) < self.settings.slots]
            if not free:
                return
            w = min(free, key=lambda x: len(x.jobs))
            job = self._pending.popleft()
            job.started, job.attempts = time.monotonic(), job.attempts + 1
            w.jobs[job.id] = job
            try:
                w.proc.stdin.write(json.dumps({"op": "crawl", "job": job.id, "source": job.source}) + "\n")
                w.proc.stdin.flush()
            except (OSError, ValueError):  # the worker is gone; its reader thread requeues the job
                w.retiring = True
                live.remove(w)

    def _spawn(self) -> _Worker:
        s = self.settings
        cmd = [self.python, "-m", "crawlers.worker", "--config", str(self.config_dir),
               "--max-crawls", str(s.max_crawls), "--max-rss-mb", str(s.max_rss_mb)]
        env = {**os.environ, **(self.env or {})}
        if self.redis_url:
            # the URL may hold a password: passed in the environment, not on the command line (ps)
            env["YQ_WORKER_REDIS"] = self.redis_url
            cmd += ["--exit-on-eof", "--slots", str(s.slots), "--lease", str(s.lease_seconds), "--prefix", s.key_prefix]
        # Own session: a Ctrl-C at the terminal stops the scheduler, which then ends the workers
        # by closing their stdin, instead of cutting every crawl at once.
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
                                env=env, start_new_session=True)
        w = _Worker(proc)
        self.spawned += 1
        self._workers.append(w)
        threading.Thread(target=self._read, args=(w,), name=f"dispatch-worker-{proc.pid}", daemon=True).start()
        return w

    def _read(self, w: _Worker) -> None:
        for line in w.proc.stdout:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            with self._lock:
                if ev.get("event") == "done":
                    job = w.jobs.pop(str(ev.get("job")), None)
                    if job is not None:
                        self._finish(job, ev.get("summary") or {})
                elif ev.get("event") == "retiring":
                    w.retiring = True
                    log.info("crawl worker %s retiring (%s)", w.proc.pid, ev.get("reason"))
                self._pump()
        code = w.proc.wait()
        for pipe in (w.proc.stdin, w.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass  # stdin of a dead worker: the unsent line is lost, its job requeued below
        with self._lock:
            self._workers.remove(w)
            lost = list(w.jobs.values())
            w.jobs.clear()
            if lost or code not in (0, None):
                log.warning("crawl worker %s exited (%s) with %d unfinished crawls", w.proc.pid, code, len(lost))
            for job in reversed(lost):
                if job.attempts >= MAX_ATTEMPTS:
                    self._finish(job, {"source": job.source, "status": "failed", "error": "worker_died"})
                else:
                    self._pending.appendleft(job)  # run again, before newer polls
            if self._closed:
                for job in list(self._pending):
                    self._finish(job, {"source": job.source, "status": "failed", "error": "shutdown"})
                self._pending.clear()
                return
            if code != 0:
                self.restarts += 1
                if time.monotonic() - w.started_at < 5:
                    self._lock.wait(2)  # a worker dying at start (bad config?) is not restarted in a loop
            self._pump()

    def _finish(self, job: Job, summary: dict) -> None:
        job.summary = summary
        self._by_source.pop(job.source, None)
        self.completed += 1
        job.done.set()
        for cb in job.callbacks:
            try:
                cb(summary)
            except Exception:
                log.exception("crawl callback failed for %s", job.source)

    def _watch_timeouts(self) -> None:
        """A crawl past crawl_timeout is stuck (a hung connection the timeouts missed): its worker
        is killed, which re-runs the worker's other crawls elsewhere and gives up the stuck one."""
        while True:
            time.sleep(1)
            now = time.monotonic()
            with self._lock:
                if self._closed:
                    return
                for w in self._workers:
                    stuck = [j for j in w.jobs.values() if j.started and now - j.started > self.settings.crawl_timeout]
                    if stuck and w.proc.poll() is None:
                        for j in stuck:
                            w.jobs.pop(j.id)
                            self._finish(j, {"source": j.source, "status": "failed", "error": "timeout"})
                        log.error("crawl timeout %s: killing worker %s", [j.source for j in stuck], w.proc.pid)
                        w.proc.kill()
