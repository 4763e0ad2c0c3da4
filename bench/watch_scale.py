"""Watch scale: N boards polled every 60 s by the real watch (scheduler + crawl dispatch + workers).

The demo server (own process) hosts N Tieba-style boards (demo.boards) on a live timeline at real
speed: each board gets a new thread every 300 s and two replies 25 s and 50 s later; every
`--incident-every` K-th new thread reports a pollution incident on its own road (graded orange,
one alert event each). The watch is `scheduler.build_scheduler(Services(...))`, i.e. the
APScheduler jobs of `yqwatch run` (crawls, outbox → embedded index, alert rules, report mail),
with N tieba sources at `interval: 60s`, evidence capture and re-check off unless `--evidence`
(headless Chromium per post graded yellow or worse: a cost of its own, bench/evidence_bench.py),
and one alert rule (new_hit, orange) whose channel is a
webhook: a real HTTP receiver started by this bench on 127.0.0.1.

Modes:
- workers (this design): crawls handed to long-lived crawl workers (dispatch.pool).
- per-process (the design before): every poll spawns `python -m crawlers.run SOURCE`, one
  thread per running crawl, as `Services.crawl` did; the source is skipped while its previous
  crawl still runs (APScheduler max_instances=1).

Measured over the run (after a warm-up of `--warmup` seconds, which is excluded):
- CPU share: CPU seconds (user+sys) of the watch process and every crawl process it started,
  ÷ wall seconds (1.0 = one core); also split into the watch process and its workers.
- peak RSS: the largest sum of resident memory of the watch process and its crawl processes,
  sampled every second.
- polls on time: polls whose crawl was handed to a worker within 10 s of being due (APScheduler
  fired the job), ÷ polls fired; a poll skipped because the source's last crawl was still
  queued or running is late. Polls fired are also shown against N × window ÷ interval, and how
  late APScheduler itself ran the poll jobs after their due time (fired_late_*, a misfire
  counts as over 10 s).
- detection latency to alert: an incident post published (its exact time on the demo timeline)
  → its alert received by the webhook receiver, for incident posts published in the window up
  to 90 s before its end; one without an alert by the end counts as "missing".
- latency to store: every post published → committed to the database (the index outbox row
  written in the post's transaction), same window.

Usage: .venv/bin/python bench/watch_scale.py --n 1000 --seconds 600 [--mode workers|per-process]
       [--workers 2] [--slots 128] [--db URL] [--append bench/RESULTS_watch_scale.md]
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
INCIDENT_EVERY = 10
ALERTS_YAML = """channels:
  webhook:
    type: webhook
    url: {url}
rules:
  - id: serious_posts
    name: 橙色及以上舆情
    type: new_hit
    min_severity: orange
    channels: [webhook]
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(d: Path, base_url: str, n: int, db: str | None, webhook: str = "http://127.0.0.1:9/none",
                 evidence: bool = False) -> Path:
    cfg = d / "config"
    cfg.mkdir(parents=True)
    (d / "var").mkdir()
    if not evidence:  # first-sight capture (headless Chromium per yellow+ post) is measured apart
        (cfg / "evidence.yaml").write_text("capture:\n  enabled: false\nrecheck:\n  enabled: false\n", encoding="utf-8")
    (cfg / "topics.yaml").write_text((ROOT / "config" / "topics.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (cfg / "alerts.yaml").write_text(ALERTS_YAML.format(url=webhook), encoding="utf-8")
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


class WebhookReceiver:
    """The alert channel's other end: a real HTTP server on 127.0.0.1 noting when each alert
    arrived and which documents it names."""

    def __init__(self):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        got = self.got = []  # (arrival, payload)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                got.append((datetime.now(TZ), json.loads(body)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/alerts"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def run(args) -> dict:
    from demo.boards import build_board
    from scheduler import Services, build_scheduler, load_config

    tmp = Path(tempfile.mkdtemp(prefix="yq-watch-scale-"))
    port = free_port()
    demo = subprocess.Popen([sys.executable, "-m", "demo", "--port", str(port), "--boards", str(args.n),
                             "--speed", "1", "--board-period", str(PERIOD), "--latency", str(args.latency),
                             "--board-incidents", str(args.incident_every)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    demo.stdout.readline()  # serving
    base = f"http://127.0.0.1:{port}"
    with urllib.request.urlopen(f"{base}/__demo/state", timeout=10) as r:
        demo_start = datetime.fromisoformat(json.load(r)["start"])
    receiver = WebhookReceiver()
    cfg = write_config(tmp, base, args.n, args.db, receiver.url, evidence=args.evidence)
    if args.db:
        _empty_database(cfg)
    svc = Services(load_config(cfg))
    polls = {"due": 0, "skipped": 0}
    measured: list = []  # jobs submitted in the window (workers mode)
    if args.mode == "per-process":
        disp = PerProcess(cfg)
        svc.__dict__["crawl_workers"] = disp
        pids = disp.pids
    else:
        from dispatch.config import WorkersSettings
        from dispatch.pool import WorkerPool

        disp = WorkerPool(cfg, WorkersSettings(count=args.workers, slots=args.slots,
                                               **({"max_crawls": args.max_crawls} if args.max_crawls else {})))
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
            elif args.mode != "per-process":
                measured.append(job)  # on time or not is read from the job at the end
        return job

    disp.submit = submit
    committed: dict[str, datetime] = {}  # doc id → commit time, read from the outbox before it drains
    real_drain = svc.drain

    def drain():
        _read_outbox(svc, committed)
        return real_drain()

    svc.drain = drain
    sched = build_scheduler(svc)
    fired_late: list[float] = []  # seconds between a poll's due time and APScheduler running it

    def on_job(event):
        if measuring.is_set() and str(event.job_id).startswith("crawl:"):
            due = event.scheduled_run_time
            fired_late.append(ON_TIME + 1 if event.code == EVENT_JOB_MISSED else (datetime.now(TZ) - due).total_seconds())

    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED

    sched.add_listener(on_job, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    peak = {"rss": 0.0}
    stop = threading.Event()
    me = os.getpid()

    def sample():
        while not stop.wait(1.0):
            if measuring.is_set():
                peak["rss"] = max(peak["rss"], proc_rss(me) + sum(proc_rss(p) for p in pids()))

    threading.Thread(target=sample, daemon=True).start()
    sched.start()
    if args.mode != "per-process":  # the warm-up starts once a worker has loaded and crawled
        deadline = time.monotonic() + 300
        while disp.completed < args.workers and time.monotonic() < deadline:
            time.sleep(0.5)
    time.sleep(args.warmup)
    live0 = {p: proc_cpu(p) for p in pids()}
    t0, w0 = os.times(), time.monotonic()
    load0 = os.getloadavg()
    start_wall = datetime.now(TZ)
    measuring.set()
    time.sleep(args.seconds)
    measuring.clear()
    t1, w1 = os.times(), time.monotonic()
    live1 = {p: proc_cpu(p) for p in pids()}
    load1 = os.getloadavg()
    end_wall = datetime.now(TZ)
    # CPU of live crawl processes over the window, plus the watch itself and reaped children
    # (workers recycled in the window); a worker started in the window counts from 0.
    watch_cpu = t1.user + t1.system - t0.user - t0.system
    crawl_cpu = (t1.children_user + t1.children_system - t0.children_user - t0.children_system)
    crawl_cpu += sum(v - live0.get(p, 0.0) for p, v in live1.items())
    # Polls of the window's last seconds get their ON_TIME too; alerts of posts published up to
    # 90 s before the window's end had their time already.
    time.sleep(args.drain)
    if args.mode == "per-process":
        on_time = polls["due"] - polls["skipped"]  # spawned at once (its start-up cost is paid after)
    else:
        on_time = sum(1 for j in measured if j.started is not None and j.started - j.submitted <= ON_TIME)
    sched.shutdown(wait=False)
    disp.close()
    _read_outbox(svc, committed)
    runs = _crawl_runs(svc, start_wall, end_wall)
    until = end_wall - timedelta(seconds=90)
    lat, missing = _latencies(svc, committed, args.n, demo_start, start_wall, until, build_board, args.incident_every)
    alert_lat, alert_missing = _alert_latencies(svc, receiver.got, args.n, demo_start, start_wall, until,
                                                build_board, args.incident_every)
    svc.store.engine.dispose()
    receiver.close()
    demo.terminate()
    demo.wait(10)
    due_expected = args.n * args.seconds / INTERVAL
    wall = w1 - w0
    return {"mode": args.mode, "n": args.n, "seconds": args.seconds, "workers": args.workers, "slots": args.slots,
            "date": start_wall.isoformat(timespec="seconds"), "loadavg_start_end": [round(load0[0], 2), round(load1[0], 2)],
            "db": "postgresql" if args.db else "sqlite", "evidence": args.evidence,
            "cpu_share": round((watch_cpu + crawl_cpu) / wall, 3), "cpu_watch": round(watch_cpu / wall, 3),
            "cpu_workers": round(crawl_cpu / wall, 3), "peak_rss_mb": round(peak["rss"]),
            "polls_due": round(due_expected), "polls_submitted": polls["due"], "skipped": polls["skipped"],
            "on_time_pct": round(100 * on_time / max(1, polls["due"]), 2),
            "fired_late_p95": _pct(fired_late, 95), "fired_late_max": round(max(fired_late), 2) if fired_late else None,
            "fired_over_10s": sum(x > ON_TIME for x in fired_late),
            "crawls": runs["crawls"], "failed": runs["failed"], "worker_restarts": _restarts(disp),
            "pages_per_poll": round(runs["pages"] / max(1, runs["crawls"]), 2),
            "crawl_seconds_p95": runs["p95"],
            "cpu_ms_per_poll": round(1000 * (watch_cpu + crawl_cpu) / max(1, runs["crawls"]), 1),
            "latency_posts": len(lat), "missing": missing,
            "p50": _pct(lat, 50), "p95": _pct(lat, 95), "max": round(max(lat), 1) if lat else None,
            "alerts": len(alert_lat), "alerts_missing": alert_missing, "alert_p50": _pct(alert_lat, 50),
            "alert_p95": _pct(alert_lat, 95), "alert_max": round(max(alert_lat), 1) if alert_lat else None}


def _restarts(disp) -> int | None:
    """Worker processes started after the first ones (recycled or crashed), over the whole run."""
    return getattr(disp, "spawned", None) and disp.spawned - disp.settings.count


def _published(n, demo_start, since, until, build_board, incident_every, *, incidents_only=False):
    """(thread path, floor) → publish time of the posts published in [since, until]."""
    out = {}
    for b in range(n):
        for th in build_board(b, period=PERIOD, incident_every=incident_every).threads("tieba"):
            for p in th.posts:
                if incidents_only and (p.floor != 1 or "化工厂" not in th.title):
                    continue
                at = demo_start + timedelta(seconds=p.offset)
                if since <= at <= until:
                    out[(f"/tieba/p/{th.thread_id}", p.floor)] = at
    return out


def _doc_keys(svc) -> dict[str, tuple[str, int]]:
    """doc id → (thread path, floor) of every stored post."""
    from sqlalchemy import select

    from pipeline.fingerprint import canonical_url
    from storage.models import DocumentRow

    with svc.store.engine.connect() as c:
        rows = c.execute(select(DocumentRow.thread_url, DocumentRow.floor, DocumentRow.id)).all()
    return {doc_id: ("/" + canonical_url(u).split("://", 1)[1].split("/", 1)[1], floor) for u, floor, doc_id in rows}


def _alert_latencies(svc, got, n, demo_start, since, until, build_board, incident_every):
    """(incident post published → its alert received, seconds; incident posts without an alert)."""
    keys = _doc_keys(svc)
    received: dict[tuple[str, int], datetime] = {}
    for at, payload in got:
        for doc_id in payload.get("doc_ids", []):
            if doc_id in keys:
                received.setdefault(keys[doc_id], at)
    published = _published(n, demo_start, since, until, build_board, incident_every, incidents_only=True)
    lat = [(received[k] - at).total_seconds() for k, at in published.items() if k in received]
    return lat, len(published) - len(lat)


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


def _latencies(svc, committed, n, demo_start, since, until, build_board, incident_every):
    """(published → committed seconds for posts published in [since, until], posts missing)."""
    published = _published(n, demo_start, since, until, build_board, incident_every)
    stored = {key: committed[doc_id] for doc_id, key in _doc_keys(svc).items() if doc_id in committed}
    lat = [(stored[k] - at).total_seconds() for k, at in published.items() if k in stored]
    return lat, len(published) - len(lat)


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
    ap.add_argument("--evidence", action="store_true",
                    help="keep evidence capture and re-check on (the shipped default; off: polls only)")
    ap.add_argument("--max-crawls", type=int, default=None, help="workers.max_crawls (default: its default)")
    ap.add_argument("--incident-every", type=int, default=INCIDENT_EVERY,
                    help="every K-th new thread of a board is an incident (alerted)")
    ap.add_argument("--drain", type=float, default=ON_TIME + 1, help="seconds the watch runs on after the window")
    ap.add_argument("--db", default=None, help="database URL (default: SQLite in a temp dir)")
    ap.add_argument("--append", type=Path, default=None, help="append the result as a table row")
    args = ap.parse_args()
    res = run(args)
    print(json.dumps(res, ensure_ascii=False), flush=True)
    if args.append:
        row = (f"| {res['mode']} | {res['n']} | {res['seconds']} s | {res['workers']}×{res['slots']} | "
               f"{res['cpu_share']:.2f} ({res['cpu_watch']:.2f} + {res['cpu_workers']:.2f}) | "
               f"{res['peak_rss_mb']} MB | {res['on_time_pct']} % ({res['skipped']} skipped) | "
               f"{res['crawls']} ({res['pages_per_poll']}) | "
               f"{res['alert_p50']} / {res['alert_p95']} / {res['alert_max']} s | "
               f"{res['alerts']} ({res['alerts_missing']} missing) | "
               f"{res['p50']} / {res['p95']} / {res['max']} s | {res['latency_posts']} ({res['missing']} missing) |\n")
        with args.append.open("a", encoding="utf-8") as f:
            f.write(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
