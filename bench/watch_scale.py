"""Watch scale: N boards polled every 60 s by the real watch (scheduler + crawl dispatch + workers).

The demo server (own process) hosts N Tieba-style boards (demo.boards) on a live timeline at real
speed: each board gets a new thread every 300 s and two replies 25 s and 50 s later. The watch is
`scheduler.build_scheduler(Services(...))`, i.e. the APScheduler jobs of `yqwatch run` (crawls,
outbox → embedded index, alert rules, report mail), with N tieba sources at `interval: 60s`.

Modes:
- workers (this design): crawls handed to long-lived crawl workers (dispatch.pool).
- per-process (the design before): every poll spawns `python -m crawlers.run SOURCE`, one
  thread per running crawl, as `Services.crawl` did; the source is skipped while its previous
  crawl still runs (APScheduler max_instances=1).

Measured over the run (after a warm-up of `--warmup` seconds, which is excluded):
- CPU share: CPU seconds (user+sys) of the watch process and every crawl process it started,
  ÷ wall seconds (1.0 = one core).
- peak RSS: the largest sum of resident memory of the watch process and its crawl processes,
  sampled every second.
- polls on time: polls whose crawl started within 10 s of being due (APScheduler fired the job),
  ÷ polls fired; a poll skipped because the source's last crawl was still running is late.
  Polls fired are also shown against N × window ÷ interval (a starved scheduler fires fewer).
- detection latency: post published (its exact time on the demo timeline) → committed to the
  database (the index outbox row written in the post's transaction), for posts published in the
  window up to 90 s before its end; a post not stored by the end counts as "missing".

Usage: .venv/bin/python bench/watch_scale.py --n 100 --seconds 120 [--mode workers|per-process]
       [--workers 1] [--slots 64] [--db URL] [--append bench/RESULTS_watch_scale.md]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TZ = ZoneInfo("Asia/Shanghai")
INTERVAL = 60
PERIOD = 300
ON_TIME = 10.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(d: Path, base_url: str, n: int, db: str | None) -> Path:
    cfg = d / "config"
    cfg.mkdir(parents=True)
    (d / "var").mkdir()
    for name in ("topics.yaml", "alerts.yaml"):
        (cfg / name).write_text((ROOT / "config" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (cfg / "watch.yaml").write_text(
        f"locality: 青溪市\nstorage:\n  database_url: {db or 'sqlite:///../var/yq.db'}\n"
        "  index_path: ../var/index.sqlite\nconsole:\n  enabled: false\nrules_every: 10\noutbox_every: 5\n",
        encoding="utf-8")
    from demo.boards import bar_name

    lines = ["defaults:", "  obey_robots: true", "  concurrency_per_domain: 8", "  download_delay: 0",
             "  autothrottle: false", "  max_pages: 20", "  max_list_pages: 1", "sources:"]
    for i in range(n):
        lines += [f"  - id: b{i:04d}", f"    name: {bar_name(i)}吧", "    kind: tieba", f"    kw: {bar_name(i)}",
                  f"    base_url: {base_url}/tieba", f"    interval: {INTERVAL}s"]
    (cfg / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cfg


def proc_cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError):
        return 0.0


def proc_rss(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, IndexError):
        return 0.0


class PerProcess:
    """The design before: one `python -m crawlers.run` process per poll, one thread waiting on it."""

    def __init__(self, cfg: Path):
        self.cfg = cfg
        self.running: dict[str, subprocess.Popen | None] = {}
        self.lock = threading.Lock()

    def submit(self, source_id: str, on_done=None):
        with self.lock:
            if source_id in self.running:
                return None
            self.running[source_id] = None
        threading.Thread(target=self._run, args=(source_id,), daemon=True).start()
        return source_id

    def _run(self, source_id: str) -> None:
        p = subprocess.Popen([sys.executable, "-m", "crawlers.run", source_id, "--config", str(self.cfg)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with self.lock:
            self.running[source_id] = p
        p.wait()
        with self.lock:
            del self.running[source_id]

    def pids(self) -> list[int]:
        with self.lock:
            return [p.pid for p in self.running.values() if p is not None]

    def close(self) -> None:
        deadline = time.monotonic() + 60
        while self.pids() and time.monotonic() < deadline:
            time.sleep(0.5)


def run(args) -> dict:
    from demo.boards import build_board
    from scheduler import Services, build_scheduler, load_config

    tmp = Path(tempfile.mkdtemp(prefix="yq-watch-scale-"))
    port = free_port()
    demo = subprocess.Popen([sys.executable, "-m", "demo", "--port", str(port), "--boards", str(args.n),
                             "--speed", "1", "--board-period", str(PERIOD), "--latency", str(args.latency)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    demo.stdout.readline()  # serving
    base = f"http://127.0.0.1:{port}"
    with urllib.request.urlopen(f"{base}/__demo/state", timeout=10) as r:
        demo_start = datetime.fromisoformat(json.load(r)["start"])
    cfg = write_config(tmp, base, args.n, args.db)
    if args.db:
        _empty_database(cfg)
    svc = Services(load_config(cfg))
    polls = {"due": 0, "on_time": 0, "skipped": 0}
    if args.mode == "per-process":
        disp = PerProcess(cfg)
        svc.__dict__["crawl_workers"] = disp
        pids = disp.pids
    else:
        from dispatch.config import WorkersSettings
        from dispatch.pool import WorkerPool

        disp = WorkerPool(cfg, WorkersSettings(count=args.workers, slots=args.slots))
        svc.__dict__["crawl_workers"] = disp
        pids = disp.worker_pids

    measuring = threading.Event()
    real_submit = disp.submit

    def submit(source_id, on_done=None):
        job = real_submit(source_id, on_done)
        if measuring.is_set():
            polls["due"] += 1
            if job is None:
                polls["skipped"] += 1
            elif args.mode == "per-process":
                polls["on_time"] += 1  # spawned at once (its start-up cost is paid after)
            else:
                threading.Thread(target=_await_start, args=(job,), daemon=True).start()
        return job

    def _await_start(job):
        deadline = job.submitted + ON_TIME
        while time.monotonic() < deadline and job.started is None:
            time.sleep(0.2)
        if job.started is not None and job.started - job.submitted <= ON_TIME:
            polls["on_time"] += 1

    disp.submit = submit
    committed: dict[str, datetime] = {}  # doc id → commit time, read from the outbox before it drains
    real_drain = svc.drain

    def drain():
        _read_outbox(svc, committed)
        return real_drain()

    svc.drain = drain
    sched = build_scheduler(svc)
    peak = {"rss": 0.0}
    stop = threading.Event()
    me = os.getpid()

    def sample():
        while not stop.wait(1.0):
            if measuring.is_set():
                peak["rss"] = max(peak["rss"], proc_rss(me) + sum(proc_rss(p) for p in pids()))

    threading.Thread(target=sample, daemon=True).start()
    sched.start()
    time.sleep(args.warmup)
    live0 = {p: proc_cpu(p) for p in pids()}
    t0, w0 = os.times(), time.monotonic()
    start_wall = datetime.now(TZ)
    measuring.set()
    time.sleep(args.seconds)
    measuring.clear()
    t1, w1 = os.times(), time.monotonic()
    live1 = {p: proc_cpu(p) for p in pids()}
    end_wall = datetime.now(TZ)
    # CPU of live crawl processes over the window, plus the watch itself and reaped children
    cpu = (t1.user + t1.system - t0.user - t0.system) + (t1.children_user + t1.children_system
                                                          - t0.children_user - t0.children_system)
    cpu += sum(v - live0.get(p, 0.0) for p, v in live1.items())
    sched.shutdown(wait=False)
    disp.close()
    _read_outbox(svc, committed)
    runs = _crawl_runs(svc, start_wall, end_wall)
    lat, missing = _latencies(svc, committed, args.n, demo_start, start_wall, end_wall - timedelta(seconds=90),
                              build_board)
    svc.store.engine.dispose()
    demo.terminate()
    demo.wait(10)
    due_expected = args.n * args.seconds / INTERVAL
    return {"mode": args.mode, "n": args.n, "seconds": args.seconds, "workers": args.workers, "slots": args.slots,
            "cpu_share": round(cpu / (w1 - w0), 3), "peak_rss_mb": round(peak["rss"]),
            "polls_due": round(due_expected), "polls_submitted": polls["due"], "skipped": polls["skipped"],
            "on_time_pct": round(100 * polls["on_time"] / max(1, polls["due"]), 1),
            "crawls": runs["crawls"], "failed": runs["failed"],
            "pages_per_poll": round(runs["pages"] / max(1, runs["crawls"]), 2),
            "crawl_seconds_p95": runs["p95"],
            "latency_posts": len(lat), "missing": missing,
            "p50": _pct(lat, 50), "p95": _pct(lat, 95), "max": round(max(lat), 1) if lat else None}


def _pct(xs, q):
    if not xs:
        return None
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))], 1)


def _crawl_runs(svc, since, until) -> dict:
    """Crawls started in the window: how many, failed, pages, and how long they took."""
    from sqlalchemy import select

    from storage.models import CrawlRunRow

    with svc.store.engine.connect() as c:
        rows = c.execute(select(CrawlRunRow.started_at, CrawlRunRow.finished_at, CrawlRunRow.pages,
                                CrawlRunRow.status)).all()
    rows = [r for r in rows if since <= r.started_at <= until]
    took = [(r.finished_at - r.started_at).total_seconds() for r in rows]
    return {"crawls": len(rows), "failed": sum(r.status == "failed" for r in rows),
            "pages": sum(r.pages for r in rows), "p95": _pct(took, 95)}


def _read_outbox(svc, into: dict) -> None:
    from sqlalchemy import select

    from storage.models import OutboxRow

    with svc.store.engine.connect() as c:
        for doc_id, created in c.execute(select(OutboxRow.doc_id, OutboxRow.created_at)):
            into.setdefault(doc_id, created)


def _latencies(svc, committed, n, demo_start, since, until, build_board):
    """(published → committed seconds for posts published in [since, until], posts missing)."""
    from sqlalchemy import select

    from pipeline.fingerprint import canonical_url
    from storage.models import DocumentRow

    published = {}
    for b in range(n):
        for th in build_board(b, period=PERIOD).threads("tieba"):
            for p in th.posts:
                at = demo_start + timedelta(seconds=p.offset)
                if since <= at <= until:
                    published[(f"/tieba/p/{th.thread_id}", p.floor)] = at
    with svc.store.engine.connect() as c:
        rows = c.execute(select(DocumentRow.thread_url, DocumentRow.floor, DocumentRow.id)).all()
    stored = {}
    for thread_url, floor, doc_id in rows:
        path = canonical_url(thread_url).split("://", 1)[1].split("/", 1)[1]
        if doc_id in committed:
            stored[("/" + path, floor)] = committed[doc_id]
    lat, missing = [], 0
    for key, at in published.items():
        if key in stored:
            lat.append((stored[key] - at).total_seconds())
        else:
            missing += 1
    return lat, missing


def _empty_database(cfg: Path) -> None:
    from sqlalchemy import text

    from storage.config import load_storage_settings
    from storage.factory import create_schema, open_store

    store = open_store(load_storage_settings(cfg))
    create_schema(store.engine)
    with store.engine.begin() as c:
        names = [r[0] for r in c.execute(text("select tablename from pg_tables where schemaname='public' "
                                              "and tablename <> 'alembic_version'"))]
        c.execute(text("truncate " + ", ".join(f'"{x}"' for x in names) + " cascade"))
    store.engine.dispose()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seconds", type=int, default=600, help="measured window (≥ 600 for the issue's figures)")
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--mode", choices=["workers", "per-process"], default="workers")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--slots", type=int, default=64)
    ap.add_argument("--latency", type=float, default=0.02, help="seconds each demo response takes")
    ap.add_argument("--db", default=None, help="database URL (default: SQLite in a temp dir)")
    ap.add_argument("--append", type=Path, default=None, help="append the result as a table row")
    args = ap.parse_args()
    res = run(args)
    print(json.dumps(res, ensure_ascii=False), flush=True)
    if args.append:
        row = (f"| {res['mode']} | {res['n']} | {res['seconds']} s | {res['workers']}×{res['slots']} | "
               f"{res['cpu_share']:.2f} | {res['peak_rss_mb']} MB | {res['on_time_pct']} % "
               f"({res['skipped']} skipped) | {res['p50']} / {res['p95']} / {res['max']} s | "
               f"{res['latency_posts']} ({res['missing']} missing) |\n")
        with args.append.open("a", encoding="utf-8") as f:
            f.write(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
