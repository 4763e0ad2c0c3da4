"""Build pipeline/data/idf.json.gz: the IDF table behind Document.keywords.

Segments the news titles of ../shared/data/topics/thucnews_titles/train.csv (train split only)
with a private jieba tokenizer and keeps the IDF of every word found in at least two titles.

Usage: .venv/bin/python scripts/build_idf.py [--shared DIR] [--out FILE]
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
import tempfile
from pathlib import Path

import jieba

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from pipeline.fingerprint import idf_table  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "pipeline" / "data" / "idf.json.gz")
    args = ap.parse_args()
    tk = jieba.Tokenizer()
    tk.tmp_dir = tempfile.gettempdir()
    with open(args.shared / "data/topics/thucnews_titles/train.csv", encoding="utf-8", newline="") as f:
        titles = [row["text"] for row in csv.DictReader(f)]
    idf, default = idf_table({w.lower() for w in tk.cut(t) if w.strip()} for t in titles)
    data = {"format": "yqwatch-idf-1", "source": "thucnews_titles/train.csv", "documents": len(titles),
            "default_idf": default, "idf": dict(sorted(idf.items()))}
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with gzip.GzipFile(args.out, "wb", compresslevel=9, mtime=0) as f:
        f.write(raw)
    print(f"{args.out}: {len(idf)} terms from {len(titles)} titles, {args.out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
