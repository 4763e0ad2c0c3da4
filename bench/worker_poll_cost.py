"""CPU cost of one poll inside a warm crawl worker (crawlers.worker.CrawlWorker), without the
scheduler: the demo server (own process) hosts N boards; this process runs one worker's reactor
and starts `--crawls` crawls of those boards, `--slots` at a time, then reports CPU seconds per
crawl and per page. `--profile FILE` writes a cProfile of the crawls (pstats format).

Each board is crawled at most once per round, so the first round reads the backlog (several
pages per poll) and later rounds mostly one list page (no new thread yet): pick N and --crawls
to get the mix you want (e.g. N = 200 and 600 crawls: one backlog round, two quiet rounds).

Usage: .venv/bin/python bench/worker_poll_cost.py --n 200 --crawls 600 [--slots 64] [--profile out.prof]
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.watch_scale import free_port, write_config  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--crawls", type=int, default=600)
    ap.add_argument("--slots", type=int, default=64)
    ap.add_argument("--latency", type=float, default=0.02)
    ap.add_argument("--db", default=None)
    ap.add_argument("--profile", type=Path, default=None)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="yq-poll-cost-"))
    port = free_port()
    demo = subprocess.Popen([sys.executable, "-m", "demo", "--port", str(port), "--boards", str(args.n),
                             "--speed", "1", "--latency", str(args.latency)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    demo.stdout.readline()
    cfg = write_config(tmp, f"http://127.0.0.1:{port}", args.n, args.db)
    if args.db:
        from bench.watch_scale import _empty_database

        _empty_database(cfg)
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from twisted.internet import reactor

    from crawlers.worker import CrawlWorker, rss_mb

    worker = CrawlWorker(cfg, max_crawls=10**9, max_rss_mb=10**6, log_level="WARNING")
    ids = [s.id for s in worker.sources.sources]
    todo = [ids[i % len(ids)] for i in range(args.crawls)]
    state = {"next": 0, "done": 0, "pages": 0, "failed": 0, "busy": set()}
    prof = cProfile.Profile() if args.profile else None
    t = {}

    def pump():
        while state["next"] < len(todo) and len(state["busy"]) < args.slots:
            sid = todo[state["next"]]
            if sid in state["busy"]:
                return  # a source's crawls never overlap: wait for its last one
            state["next"] += 1
            state["busy"].add(sid)
            worker.start(str(state["next"]), sid, lambda job, s, sid=sid: done(sid, s))

    def done(sid, summary):
        state["busy"].discard(sid)
        state["done"] += 1
        state["pages"] += summary.get("pages", 0)
        state["failed"] += summary.get("status") == "failed"
        if state["done"] == len(todo):
            reactor.stop()
        else:
            pump()

    def go():
        t["cpu0"], t["wall0"] = time.process_time(), time.monotonic()
        if prof:
            prof.enable()
        pump()

    reactor.callWhenRunning(go)
    reactor.run(installSignalHandlers=False)
    if prof:
        prof.disable()
        prof.dump_stats(str(args.profile))
    cpu, wall = time.process_time() - t["cpu0"], time.monotonic() - t["wall0"]
    demo.terminate()
    demo.wait(10)
    out = {"n": args.n, "crawls": state["done"], "failed": state["failed"], "pages": state["pages"],
           "wall_s": round(wall, 1), "cpu_s": round(cpu, 2), "cpu_ms_per_crawl": round(1000 * cpu / state["done"], 1),
           "pages_per_crawl": round(state["pages"] / state["done"], 2), "rss_mb": round(rss_mb())}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
