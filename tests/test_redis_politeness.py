"""Per-host politeness shared by crawl workers through Redis (crawlers.redis_politeness), against a
real redis-server: two worker processes crawling one host at the same time keep, together, that
host's concurrency_per_domain; a worker that dies holding a place frees it when its lease ends."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from test_crawl_support import Site, forum_sources, write_config
from workers_support import redis_url, wait_for  # noqa: F401 (fixture)


def test_gates_of_two_workers_share_one_place_and_a_dead_holders_lease_runs_out(redis_url):
    from crawlers.redis_politeness import RedisHostGates

    prefix = f"yqtest{os.getpid()}g"
    order: list[str] = []

    async def scenario():
        a = RedisHostGates(redis_url, prefix, lease_margin=0)  # two workers: two clients
        b = RedisHostGates(redis_url, prefix, lease_margin=0)
        try:
            ta = await a.acquire("bbs.example", 1, 0.0, lease=30)
            order.append("a in")
            waiter = asyncio.ensure_future(b.acquire("bbs.example", 1, 0.0, lease=0.5))
            await asyncio.sleep(0.3)
            assert not waiter.done()  # the host's one place is a's, whichever worker asks
            order.append("a out")
            a.release("bbs.example", ta)
            tb = await asyncio.wait_for(waiter, 10)
            order.append("b in")
            assert tb is not None
            # b "dies" holding its place (never releases): the place comes back after its lease
            tc = await asyncio.wait_for(a.acquire("bbs.example", 1, 0.0, lease=30), 10)
            order.append("a in again")
            a.release("bbs.example", tc)
            await asyncio.sleep(0.1)  # the release is sent in the background
        finally:
            keys = [k async for k in a.r.scan_iter(f"{prefix}:*")]
            if keys:
                await a.r.delete(*keys)
            await a.r.aclose()
            await b.r.aclose()

    asyncio.run(scenario())
    assert order == ["a in", "a out", "b in", "a in again"]


def _worker(cfg, url: str, name: str, prefix: str, err: Path) -> subprocess.Popen:
    with err.open("w") as stderr:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "crawlers.worker", "--config", str(cfg), "--name", name, "--slots", "1",
             "--lease", "5", "--prefix", prefix, "--exit-on-eof"],
            cwd=ROOT, env={**os.environ, "YQ_WORKER_REDIS": url}, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=stderr, text=True)


def _ready(worker: subprocess.Popen, err: Path) -> dict:
    """The worker's first event; a worker that ended before it shows its stderr (CI once saw one end so)."""
    line = worker.stdout.readline()
    assert line, f"worker exited ({worker.poll()}) before `ready`; stderr:\n{err.read_text()[-3000:]}"
    return json.loads(line)


def test_two_worker_processes_on_one_host_keep_its_concurrency_together(tmp_path, redis_url):
    import redis

    from dispatch.config import WorkersSettings
    from dispatch.redis_dispatch import RedisDispatcher

    prefix = f"yqtest{os.getpid()}w"
    r = redis.Redis.from_url(redis_url, decode_responses=True)
    with Site(delay=0.15) as site:
        for tid in range(1, 9):
            site.forum.add_thread(tid, 1)
        yaml = forum_sources(site.url, source_id="bbs-a", defaults="concurrency_per_domain: 1\n")
        yaml += f"  - id: bbs-b\n    name: 青溪论坛二\n    kind: forum\n    urls: [{site.url}/forum-2-1.html]\n"
        cfg = write_config(tmp_path, yaml)
        (tmp_path / "var").mkdir()
        errs = [tmp_path / f"w{i}.err" for i in range(2)]
        workers = [_worker(cfg, redis_url, f"w{i}", prefix, err) for i, err in enumerate(errs)]
        sched = None
        try:
            for w, err in zip(workers, errs):
                assert _ready(w, err)["event"] == "ready"
            sched = RedisDispatcher(cfg, WorkersSettings(count=0, lease_seconds=5, key_prefix=prefix), redis_url)
            done: dict[str, dict] = {}
            for sid in ("bbs-a", "bbs-b"):
                assert sched.submit(sid, on_done=lambda s, sid=sid: done.__setitem__(sid, s))
            # one slot each: both workers are crawling the host at the same time …
            holders = wait_for(lambda: {r.get(f"{prefix}:lease:{s}") for s in ("bbs-a", "bbs-b")} == {"w0", "w1"},
                               30, "both workers crawling at once", every=0.02)
            assert holders
            wait_for(lambda: len(done) == 2, 60, "both crawls")
            assert done["bbs-a"]["status"] == done["bbs-b"]["status"] == "ok", done
            assert done["bbs-a"]["items"] == done["bbs-b"]["items"] == 8
        finally:
            if sched is not None:
                sched.close()
            for w in workers:
                w.stdin.close()
                w.wait(30)
                w.stdout.close()
            for k in r.scan_iter(f"{prefix}:*"):
                r.delete(k)
            r.close()
    # … and the host saw one request at a time from the two of them together
    assert site.max_inflight == 1
    assert len([h for h in site.hits if h.path != "/robots.txt"]) >= 18  # 2 × (list + 8 threads)
