"""Crawl throughput with full parsing, as a ratio to `scrapy bench` on the same machine, same run.

Baseline: `scrapy bench` (Scrapy's own local server in a subprocess; a spider that follows every
link with a LinkExtractor and parses nothing). Its "Crawled N pages (at X pages/min)" lines are
logged every second for 10 s; its rate is N (last line) × 60 / number of intervals.

Ours: the real crawl — `python -m crawlers.run SOURCE`, i.e. WatchSpider + parsers + the document
pipeline (jieba, topics, sentiment) + storage (SQLite) — of the four demo sources, against the demo
sites served in their own process (`python -m demo`), every post visible (manual clock advanced).
Each round starts from an empty database, so every list page, thread page and article is fetched
and parsed. The rate is pages ÷ crawl time, crawl time being each CrawlRun's started → finished
(spider open to close, the same span logstats covers; process start-up and jieba loading are not
counted, as `scrapy bench` does not count its own).

Same settings as the baseline: CONCURRENT_REQUESTS_PER_DOMAIN 8 (all demo sites are one host;
scrapy bench's one host also gets 8), no download delay, no AutoThrottle, robots.txt not fetched
(scrapy bench does not fetch it either). ratio = ours ÷ baseline; target ≥ 0.7.

Usage: .venv/bin/python bench/crawl_bench.py [--rounds 3] [--write bench/RESULTS_crawl.md]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import urllib.request
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TZ = ZoneInfo("Asia/Shanghai")
SOURCES = ("demo-tieba", "demo-bbs", "demo-news", "demo-news-rss")
_CRAWLED = re.compile(r"Crawled (\d+) pages \(at (\d+) pages/min\)")
BENCH_CRAWLING = """\
defaults:
  obey_robots: false
  concurrency_per_domain: 8
  download_delay: 0
  autothrottle: false
  max_pages: 100000
  max_list_pages: 1000
  max_thread_pages: 1000
"""


def scrapy_bench() -> dict:
    """Run `scrapy bench` outside any Scrapy project and read its logstats lines."""
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([sys.executable, "-m", "scrapy", "bench"], cwd=tmp, capture_output=True,
                           text=True, timeout=120)
    counts = [int(m[1]) for m in _CRAWLED.finditer(r.stderr)]
    if len(counts) < 3:
        raise RuntimeError(f"scrapy bench printed no rate lines:\n{r.stderr[-2000:]}")
    intervals = len(counts) - 1  # the first line is logged at 0 pages, when the spider opens
    return {"pages": counts[-1], "seconds": float(intervals), "pages_per_min": counts[-1] * 60 / intervals}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_demo() -> tuple[subprocess.Popen, str]:
    """The demo sites in their own process, as `yqwatch demo-sites` serves them."""
    port = free_port()
    entry = ["-m", "demo"]
    proc = subprocess.Popen([sys.executable, *entry, "--port", str(port), "--clock", "manual"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    proc.stdout.readline()  # the first banner line: the server is listening
    base = f"http://127.0.0.1:{port}"
    req = urllib.request.Request(f"{base}/__demo/advance?seconds={40 * 86400}", method="POST")
    urllib.request.urlopen(req, timeout=10).read()  # every post of the timeline is visible
    return proc, base


def write_config(tmp: Path, base: str) -> Path:
    cfg = tmp / "config"
    cfg.mkdir()
    shutil.copy(ROOT / "config" / "topics.yaml", cfg / "topics.yaml")
    (cfg / "watch.yaml").write_text(textwrap.dedent("""\
        locality: 青溪市
        storage:
          database_url: sqlite:///../var/yq.db
          index_path: ../var/index.sqlite
        """), encoding="utf-8")
    sources = (ROOT / "config" / "sources.yaml").read_text(encoding="utf-8")
    sources = sources.replace("http://127.0.0.1:8765", base)
    body = sources[sources.index("sources:"):]
    (cfg / "sources.yaml").write_text(BENCH_CRAWLING + body, encoding="utf-8")
    return cfg


def crawl_round(base: str) -> list[dict]:
    """One crawl of each demo source from an empty database; per source: pages, items, seconds."""
    from storage.config import load_storage_settings
    from storage.factory import open_store

    with tempfile.TemporaryDirectory() as tmp:
        cfg = write_config(Path(tmp), base)
        for sid in SOURCES:
            r = subprocess.run([sys.executable, "-m", "crawlers.run", sid, "--config", str(cfg)], cwd=ROOT,
                               capture_output=True, text=True, timeout=600)
            summary = json.loads(r.stdout.strip().splitlines()[-1])
            if summary["status"] != "ok" or summary["errors"]:
                raise RuntimeError(f"crawl of {sid} went wrong: {summary}")
        store = open_store(load_storage_settings(cfg))
        try:
            runs = store.crawl_runs(limit=len(SOURCES))
        finally:
            store.engine.dispose()
    return [{"source": r.source_id, "pages": r.pages, "items": r.items,
             "seconds": (r.finished_at - r.started_at).total_seconds()} for r in runs]


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    import scrapy

    return (f"{platform.machine()}, {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
            f"Scrapy {scrapy.__version__}, {platform.system()} {platform.release()}")


def measure(base: str) -> dict:
    ours = crawl_round(base)
    pages, secs = sum(r["pages"] for r in ours), sum(r["seconds"] for r in ours)
    return {"ours": ours, "pages": pages, "seconds": secs, "items": sum(r["items"] for r in ours),
            "pages_per_min": pages * 60 / secs}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--write", type=Path, help="write the results as Markdown here")
    args = ap.parse_args(argv)

    demo, base = start_demo()
    rows = []
    try:
        for i in range(args.rounds):  # interleaved: baseline, ours, baseline, ours, ...
            row = {"round": i + 1, "bench": scrapy_bench(), **measure(base)}
            row["ratio"] = row["pages_per_min"] / row["bench"]["pages_per_min"]
            rows.append(row)
            print(f"round {i + 1}: scrapy bench {row['bench']['pages_per_min']:,.0f} pages/min; ours "
                  f"{row['pages_per_min']:,.0f} pages/min ({row['pages']} pages, {row['items']} posts, "
                  f"{row['seconds']:.2f} s), ratio {row['ratio']:.2f}", flush=True)
    finally:
        demo.terminate()
        demo.wait(10)
    median = sorted(r["ratio"] for r in rows)[len(rows) // 2]
    print(f"median ratio {median:.2f} (target ≥ 0.7)")
    if args.write:
        args.write.write_text(report(rows, median, args), encoding="utf-8")
    return 0


def report(rows: list[dict], median: float, args) -> str:
    lines = [
        "# Crawl benchmark",
        "",
        f"Command: `.venv/bin/python bench/crawl_bench.py --rounds {args.rounds} --write {args.write}`  ",
        f"Machine: {machine()}; shared with other work, hence interleaved rounds and ratios  ",
        f"Date: {datetime.now(TZ):%Y-%m-%d %H:%M} (Asia/Shanghai)",
        "",
        "Baseline: `scrapy bench` (its own server and a link-following spider that parses nothing, 10 s).",
        "Ours: one full crawl of each of the four demo sources (`python -m crawlers.run`: real spider, parsers,",
        "document pipeline, SQLite storage) from an empty database, the demo sites in their own process.",
        "Both at 8 concurrent requests to the one host, no delay, no AutoThrottle, no robots.txt; ours timed",
        "from spider open to close, the span logstats covers. Target: ratio ≥ 0.7. Our four crawls last",
        "under 2 s in all, against the baseline's steady 10 s, so their ramp-up and close (waiting for the",
        "first list page, the last flush) weigh on our figure: the ratio is conservative.",
        "",
        "| round | scrapy bench pages/min | ours pages/min | pages | posts | crawl s | ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['round']} | {r['bench']['pages_per_min']:,.0f} | {r['pages_per_min']:,.0f} | {r['pages']} "
                     f"| {r['items']} | {r['seconds']:.2f} | {r['ratio']:.2f} |")
    lines += [
        "", f"**Median ratio: {median:.2f}** (target ≥ 0.7).", "",
        "The demo server listens with a backlog of 128: with socketserver's default of 5, the crawler's 8",
        "simultaneous connections lost SYNs, each retransmitted after ~1 s, and about half of the crawls",
        "stalled for most of a second (ratio 0.53-0.59 then).",
        "",
        "Hot spots fixed after profiling with py-spy (parser CPU per demo page, best of 5: Discuz 3.14 → 1.59 ms,",
        "Tieba 2.52 → 1.41 ms): the \"next page\" lookup looped in Python over every link of a page (now one",
        "XPath pass that only yields anchors whose text can match); Discuz translated a new CSS selector",
        "(`#postmessage_<pid>`, ...) for every post (now one XPath with a variable); the binary-text check",
        "called unicodedata.category() for 20,000 characters of every page (now one regex scan, same set).",
        "",
        "Per source, last round:", "", "| source | pages | posts | crawl s | pages/min |", "|---|---:|---:|---:|---:|"]
    for s in rows[-1]["ours"]:
        lines.append(f"| {s['source']} | {s['pages']} | {s['items']} | {s['seconds']:.2f} | "
                     f"{s['pages'] * 60 / s['seconds']:,.0f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
