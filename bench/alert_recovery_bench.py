"""Alert delivery after a channel outage, in real time: how long after the channel comes back are
the alerts queued during the outage delivered, and how many requests hit the dead channel.

A real HTTP receiver answers 503 for `--down` seconds while alerts are queued, then 200. The
engine runs with alerts.yaml's shipped retry policy (back-off 10 s doubling, capped at 30 s) and
is called every `--every` seconds, as the watch's rules job (watch.yaml rules_every, 30 s by
default) or a separate delivery job would. The recovery moment is placed at a different phase
of the run cycle each round. Reported: delivered-after-recovery per round (max, mean), requests
during the outage, every alert delivered exactly once.

Usage: .venv/bin/python bench/alert_recovery_bench.py [--rounds 3] [--down 120] [--every 30]
Takes about rounds × (down + 60) seconds, mostly asleep.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from alerts.channels import WebhookChannel  # noqa: E402
from alerts.config import load_alerts_config  # noqa: E402
from alerts.engine import AlertEngine  # noqa: E402
from test_alerts_support import make_doc, make_store, put  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
ROOT = Path(__file__).resolve().parents[1]


class Receiver:
    def __init__(self):
        self.up = False
        self.hits_down = 0
        self.delivered: dict[str, float] = {}
        self.duplicates = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                if outer.up:
                    if body["alert_id"] in outer.delivered:
                        outer.duplicates += 1
                    outer.delivered.setdefault(body["alert_id"], time.monotonic())
                    self.send_response(200)
                else:
                    outer.hits_down += 1
                    self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/"


def one_round(down: float, every: float, phase: float, n_events: int) -> dict:
    shipped = load_alerts_config(ROOT / "config" / "alerts.yaml")
    cfg = shipped.model_copy(update={"channels": {"hook": shipped.channels["webhook"].model_copy(
        update={"enabled": True})}, "rules": [r.model_copy(update={"channels": ["hook"]})
                                             for r in shipped.rules if r.type == "new_hit"]})
    rx = Receiver()
    with tempfile.TemporaryDirectory() as tmp:
        store = make_store(Path(tmp))
        put(store, [make_doc(i, thread=f"t-{i}", title=f"第{i}号事件", simhash=(0xFFFF << (i * 16 % 48)) ^ i,
                             keywords=(f"词{i}", f"甲{i}", f"乙{i}")) for i in range(1, n_events + 1)])
        engine = AlertEngine(store, cfg, {"hook": WebhookChannel(url=rx.url, timeout=5)},
                             now=lambda: datetime.now(TZ))
        start = time.monotonic()
        recover_at = start + down + phase
        queued = None
        while True:
            now = time.monotonic()
            if not rx.up and now >= recover_at:
                rx.up, recovered = True, now
            engine.run_once()
            if queued is None:
                queued = len(engine.undelivered())
            if rx.up and engine.delivery_state().undelivered == 0:
                break
            next_run = now + every
            while time.monotonic() < next_run:  # flip the receiver at its moment, not at a run
                if not rx.up and time.monotonic() >= recover_at:
                    rx.up, recovered = True, time.monotonic()
                time.sleep(0.05)
        engine.close()
        store.engine.dispose()
    rx.server.shutdown()
    lags = [t - recovered for t in rx.delivered.values()]
    return {"queued": queued, "delivered": len(rx.delivered), "duplicates": rx.duplicates,
            "requests_while_down": rx.hits_down, "max_s": max(lags), "mean_s": statistics.mean(lags)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--down", type=float, default=120)
    ap.add_argument("--every", type=float, default=30)
    ap.add_argument("--events", type=int, default=5)
    a = ap.parse_args()
    results = []
    for i in range(a.rounds):
        r = one_round(a.down, a.every, phase=a.every * i / a.rounds, n_events=a.events)
        results.append(r)
        print(json.dumps(r, ensure_ascii=False), flush=True)
    print(f"every {a.every:g} s, down {a.down:g} s: delivered {max(r['max_s'] for r in results):.1f} s "
          f"after recovery at worst, requests to the dead channel per round "
          f"{max(r['requests_while_down'] for r in results)}, duplicates "
          f"{sum(r['duplicates'] for r in results)}")


if __name__ == "__main__":
    main()
