"""Run every benchmark in turn (minutes; the 1,000,000-document index bench dominates).

Each script prints its own table and, with --write, rewrites its RESULTS_*.md; bench/README.md
summarises the latest figures by hand. Usage: .venv/bin/python bench/run_all.py [--quick]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

BENCHES = [
    ("pipeline", ["pipeline_bench.py", "--write", "bench/RESULTS_pipeline.md"]),
    ("sentiment", ["sentiment_eval.py"]),
    ("crawl", ["crawl_bench.py", "--write", "bench/RESULTS_crawl.md"]),
    ("index", ["index_bench.py", "--write", "bench/out/index_bench.txt"]),  # figures copied to RESULTS_storage.md by hand
]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="index bench on 100,000 documents")
    ap.add_argument("only", nargs="*", help="names to run (default: all)")
    args = ap.parse_args()
    failed = []
    (HERE / "out").mkdir(exist_ok=True)
    for name, cmd in BENCHES:
        if args.only and name not in args.only:
            continue
        if name == "index" and args.quick:
            cmd = cmd + ["--docs", "100000"]
        print(f"\n===== {name}: {' '.join(cmd)}", flush=True)
        r = subprocess.run([sys.executable, str(HERE / cmd[0]), *cmd[1:]], cwd=HERE.parent)
        if r.returncode:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
