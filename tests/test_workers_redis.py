"""Several crawl hosts sharing one Redis crawl queue (storage.crawl_queue): three workers as
separate processes, one SIGKILLed mid-crawl; its lease lapses and another worker re-runs the
crawl. Every post on the demo sites is stored exactly once and every due source is polled.
PostgreSQL (YQ_PG_URL) when set, as on real crawl hosts, else SQLite. The same again with each
worker in its own network namespace (as on its own host) where namespaces can be made."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys

import pytest

from conftest import ROOT, free_port
from netns_support import NetnsLab
from workers_support import (SOURCES, assert_every_post_stored_once, demo_sources_config, fresh_store,  # noqa: F401
                             redis_url, wait_for)

LEASE = 3.0


@pytest.fixture
def demo():
    from demo.server import DemoServer

    srv = DemoServer(port=0, clock="manual", latency=0.03)
    srv.start()
    srv.advance(15 * 60)
    yield srv
    srv.stop()


def start_worker(cfg, url: str, name: str, prefix: str, netns: list[str] = ()) -> subprocess.Popen:
    """`netns`: a command prefix running the worker in its own network namespace (NetnsLab)."""
    return subprocess.Popen(
        [*netns, sys.executable, "-m", "crawlers.worker", "--config", str(cfg), "--name", name, "--slots", "4",
         "--lease", str(LEASE), "--prefix", prefix, "--exit-on-eof"],  # ends with the test process
        cwd=ROOT, env={**os.environ, "YQ_WORKER_REDIS": url}, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def test_three_workers_one_killed_mid_crawl(tmp_path, demo, redis_url):
    cfg = demo_sources_config(tmp_path, demo.base_url)
    three_workers_one_killed(cfg, demo, redis_url, lambda i: ())


def test_three_workers_in_their_own_network_namespaces_one_killed(tmp_path):
    """Each worker in its own network namespace, reaching the demo sites and Redis over a bridge
    (the database is a SQLite file: the namespaces share the file system)."""
    from demo.server import DemoServer

    lab = NetnsLab.open(3)
    if lab is None:
        pytest.skip("network namespaces cannot be made here (needs root and iproute2)")
    exe = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    # protected mode refuses clients off loopback without a password: this bridge is the test's own
    redis_proc = subprocess.Popen([exe, "--port", str(port), "--bind", lab.host_ip, "--protected-mode", "no",
                                   "--save", "", "--appendonly", "no"],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    srv = DemoServer(host=lab.host_ip, port=0, clock="manual", latency=0.03)
    try:
        srv.start()
        srv.advance(15 * 60)
        url = f"redis://{lab.host_ip}:{port}/0"
        wait_for(lambda: _answers(url), 10, "redis-server on the bridge")
        cfg = demo_sources_config(tmp_path, srv.base_url, shared_db=False)
        three_workers_one_killed(cfg, srv, url, lab.prefix)
    finally:
        srv.stop()
        redis_proc.terminate()
        redis_proc.wait(10)
        lab.close()


def _answers(url: str) -> bool:
    import redis

    try:
        return redis.Redis.from_url(url, socket_timeout=1).ping()
    except redis.RedisError:
        return False


def three_workers_one_killed(cfg, demo, redis_url: str, netns) -> None:
    """`netns(i)`: the command prefix of worker i (() for none)."""
    import redis

    from dispatch.config import WorkersSettings
    from dispatch.redis_dispatch import RedisDispatcher

    prefix = f"yqtest{os.getpid()}"
    store = fresh_store(cfg)
    r = redis.Redis.from_url(redis_url, decode_responses=True)
    settings = WorkersSettings(count=0, lease_seconds=LEASE, key_prefix=prefix)
    workers: dict[str, subprocess.Popen] = {}
    sched = standby = None
    try:
        workers.update({f"w{i}": start_worker(cfg, redis_url, f"w{i}", prefix, netns(i)) for i in range(3)})
        sched = RedisDispatcher(cfg, settings, redis_url, name="scheduler-1")
        standby = RedisDispatcher(cfg, settings, redis_url, name="scheduler-2")
        for w in workers.values():  # each has loaded its Pipeline and joined the group
            assert json.loads(w.stdout.readline())["event"] == "ready"
        if netns(0):  # each worker really is on a network of its own
            nets = {os.readlink(f"/proc/{w.pid}/ns/net") for w in workers.values()}
            assert len(nets | {os.readlink("/proc/self/ns/net")}) == 4
        assert sched.leader and not standby.leader  # one scheduler decides what is due
        assert standby.submit("demo-bbs") is None
        done: dict[str, list[dict]] = {}
        for sid in SOURCES:
            assert sched.submit(sid, on_done=lambda s, sid=sid: done.setdefault(sid, []).append(s))
        assert sched.submit("demo-tieba") is None  # queued already: never two crawls of a source

        # Kill a worker holding a lease once posts are being committed.
        def victim():
            if store.count_documents() == 0:
                return None
            for sid in SOURCES:
                holder = r.get(f"{prefix}:lease:{sid}")
                if holder:
                    return holder, sid
            return None

        holder, killed_source = wait_for(victim, 60, "a crawl in flight", every=0.02)
        workers[holder].send_signal(signal.SIGKILL)
        workers[holder].wait(10)
        wait_for(lambda: len(done) == len(SOURCES), 120, "every source crawled")
        assert all(len(v) == 1 and v[0]["status"] == "ok" for v in done.values()), done
        assert_every_post_stored_once(store, demo.base_url)
        # its entry was taken over by a live worker, not lost and not left pending
        assert r.xpending(f"{prefix}:due", "workers")["pending"] == 0
        assert not r.keys(f"{prefix}:queued:*") and not r.keys(f"{prefix}:lease:*")

        # The next round: every due source is polled again by the two survivors, and the
        # posts that appeared meanwhile are stored once.
        demo.advance(30 * 60)
        again = {sid: sched.crawl(sid, timeout=120) for sid in SOURCES}
        assert all(s and s["status"] == "ok" for s in again.values()), again
        assert sum(s["new"] for s in again.values()) > 0
        assert_every_post_stored_once(store, demo.base_url)
        assert killed_source in again
    finally:
        for d in (sched, standby):
            if d is not None:
                d.close()
        for w in workers.values():
            if w.poll() is None:
                w.terminate()
                w.wait(20)
            w.stdout.close()
            w.stdin.close()
        for k in r.scan_iter(f"{prefix}:*"):
            r.delete(k)
        r.close()
        store.engine.dispose()
