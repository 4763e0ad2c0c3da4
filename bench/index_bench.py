"""Storage benchmarks (figures go to bench/RESULTS_storage.md; ratios within one run).

1. Indexing: EmbeddedIndex.bulk_index vs bare FTS5 inserts of the same token rows.
2. Queries over a large embedded index (default 1,000,000 documents over 365 days): a filtered
   full-text search (terms + source + last 7 days, newest 20) and a 24-hour hourly histogram.
3. With --opensearch URL (opt-in, e.g. "$YQ_OS_URL"): the same --engine-docs documents ingested into the
   live node and into a fresh embedded index in the same run (docs/s of bulk_index calls alone,
   batches of 1000), then the same queries against both.

    .venv/bin/python bench/index_bench.py [--docs 1000000] [--write bench/RESULTS_storage.md]
    .venv/bin/python bench/index_bench.py --skip-embedded --opensearch http://127.0.0.1:9250 --engine-docs 200000
"""
from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
from dataclasses import replace
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.types import Document, TopicHit  # noqa: E402
from storage.embedded_index import EmbeddedIndex  # noqa: E402
from storage.indexdoc import content_seg  # noqa: E402
from storage.types import SearchQuery  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=TZ)
SOURCES = [f"src{i:02d}" for i in range(30)]
KINDS = ["forum", "tieba", "news", "feed"]
TOPICS = ["pollution", "traffic", "housing", "medical", "education", "safety"]
CHARS = "青溪东湖临江化工厂异味排污道路拥堵医院学校物业小区停车投诉政府街道社区居民水电燃气噪音施工拆迁"


def vocabulary(rng: random.Random, n: int = 20000) -> list[str]:
    words = sorted({"".join(rng.choices(CHARS, k=rng.choice((2, 2, 3, 4)))) for _ in range(n * 2)})
    rng.shuffle(words)  # frequency rank independent of spelling; deterministic (no set order)
    return words[:n]


def make_docs(n: int, seed: int = 7, start: int = 0):
    rng = random.Random(seed)
    vocab = vocabulary(random.Random(1))
    cum, acc = [], 0.0
    for r in range(len(vocab)):  # Zipf-like word frequencies
        acc += 1 / (r + 1)
        cum.append(acc)
    for i in range(start, start + n):
        tokens = tuple(rng.choices(vocab, cum_weights=cum, k=rng.randint(20, 80)))
        t = NOW - timedelta(seconds=rng.randrange(365 * 86400))
        topics = tuple(rng.sample(TOPICS, rng.choice((0, 0, 1, 1, 2))))
        sev = rng.choice((None, None, "blue", "yellow", "orange", "red"))
        yield Document(
            id=f"b{i}", source_id=rng.choice(SOURCES), kind=rng.choice(KINDS), url=f"https://x.cn/{i}",
            thread_url=f"https://x.cn/{i}", title="".join(tokens[:5]), text="".join(tokens[5:]), fetched_at=t,
            published_at=t, tokens=tokens, relevant=True, negative=rng.random() < 0.3, severity=sev,
            topic_hits=tuple(TopicHit(x, x, None, sev, ()) for x in topics),
            category=rng.choice((None, "交通", "生态环境")))


def batches(it, size):
    buf = []
    for x in it:
        buf.append(x)
        if len(buf) == size:
            yield buf
            buf = []
    if buf:
        yield buf


def bench_indexing(n: int, tmp: Path) -> dict:
    docs = list(make_docs(n, seed=3))
    idx = EmbeddedIndex(tmp / "ix.sqlite")
    idx.ensure()
    t = time.perf_counter()
    for b in batches(docs, 500):
        idx.bulk_index(b)
    ours = n / (time.perf_counter() - t)
    idx.close()
    db = sqlite3.connect(tmp / "bare.sqlite", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(content_seg, tokenize = 'unicode61 remove_diacritics 0')")
    t = time.perf_counter()
    for k, b in enumerate(batches(docs, 500)):
        db.execute("BEGIN")
        db.executemany("INSERT INTO fts(rowid, content_seg) VALUES (?, ?)",
                       [(k * 500 + j + 1, content_seg(d)) for j, d in enumerate(b)])
        db.execute("COMMIT")
    bare = n / (time.perf_counter() - t)
    db.close()
    return {"docs": n, "ours": ours, "bare": bare, "ratio": ours / bare}


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def bench_queries(n: int, path: Path, runs: int) -> dict:
    idx = EmbeddedIndex(path)
    idx.ensure()
    if idx.count(SearchQuery()) < n:
        t = time.perf_counter()
        for b in batches(make_docs(n, seed=11), 2000):
            idx.bulk_index(b)
        print(f"built {n} docs in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    out = query_figures(idx, runs)
    idx.close()
    return {"docs": n, **out}


def ingest(idx, n: int) -> float:
    """docs/s of bulk_index calls alone (document generation not timed)."""
    spent = 0.0
    for b in batches(make_docs(n, seed=11), 1000):
        t = time.perf_counter()
        rejected = idx.bulk_index(b)
        spent += time.perf_counter() - t
        assert not rejected, rejected[:3]
    return n / spent


def bench_engines(n: int, runs: int, url: str, tmp: Path) -> dict:
    """Embedded and OpenSearch side by side on the same documents and queries."""
    import uuid

    from storage.config import OpenSearchSettings
    from storage.opensearch_index import OpenSearchIndex

    live = OpenSearchIndex(OpenSearchSettings(url=url, index_prefix=f"yqbench-{uuid.uuid4().hex[:6]}",
                                              request_timeout=120))
    embedded = EmbeddedIndex(tmp / "side.sqlite")
    out = {"docs": n, "runs": runs}
    try:
        for name, idx in (("embedded", embedded), ("opensearch", live)):
            idx.ensure()
            out[name] = {"ingest": ingest(idx, n)}
            if idx is live:
                live.client.indices.refresh(index=live.alias)
                assert live.count(SearchQuery()) == n
            print(f"{name}: {out[name]['ingest']:,.0f} docs/s", file=sys.stderr)
            out[name].update(query_figures(idx, runs))
    finally:
        live.drop_all()
        live.close()
        embedded.close()
    return out


def query_figures(idx, runs: int) -> dict:
    vocab = vocabulary(random.Random(1))
    rng = random.Random(5)
    searches, scored, plain, hists, aggs = [], [], [], [], []

    def timed(out, fn, *a):
        t = time.perf_counter()
        fn(*a)
        out.append((time.perf_counter() - t) * 1000)

    for _ in range(runs):
        terms = (vocab[rng.randrange(5, 2000)],) if rng.random() < 0.5 else \
            (vocab[rng.randrange(5, 300)], vocab[rng.randrange(5, 2000)])
        q = SearchQuery(terms=terms, sources=tuple(rng.sample(SOURCES, 3)), since=NOW - timedelta(days=7),
                        until=NOW, limit=20)
        timed(searches, idx.search, q)
        timed(scored, idx.search, replace(q, sort="score"))
        timed(plain, idx.search, SearchQuery(terms=terms[:1]))
        day = SearchQuery(since=NOW - timedelta(hours=24, minutes=rng.randrange(600)),
                          until=NOW - timedelta(minutes=rng.randrange(600)))
        timed(hists, idx.histogram, day, "hour")
        timed(aggs, idx.aggregate, day, "source")
    return {"runs": runs,
            "search": (statistics.median(searches), pct(searches, 95)),
            "scored": (statistics.median(scored), pct(scored, 95)),
            "plain": (statistics.median(plain), pct(plain, 95)),
            "hist": (statistics.median(hists), pct(hists, 95)),
            "agg": (statistics.median(aggs), pct(aggs, 95))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--index-docs", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--index-path", type=Path, help="reuse a built query index (kept)")
    ap.add_argument("--write", type=Path)
    ap.add_argument("--opensearch", help="live node URL, e.g. \"$YQ_OS_URL\" (opt-in: the run is long)")
    ap.add_argument("--engine-docs", type=int, help="documents for the side-by-side run (default --docs)")
    ap.add_argument("--skip-embedded", action="store_true", help="only the side-by-side run")
    a = ap.parse_args()
    lines = []
    with tempfile.TemporaryDirectory() as d:
        if not a.skip_embedded:
            lines += embedded_lines(bench_indexing(a.index_docs, Path(d)),
                                    bench_queries(a.docs, a.index_path or Path(d) / "big.sqlite", a.runs))
        if a.opensearch:
            lines += engine_lines(bench_engines(a.engine_docs or a.docs, a.runs, a.opensearch, Path(d)))
    print("\n".join(lines))
    if a.write:
        a.write.write_text("\n".join(lines) + "\n", encoding="utf-8")


def engine_lines(r: dict) -> list[str]:
    e, o = r["embedded"], r["opensearch"]
    ms = lambda f: f"p50 {f[0]:.1f} ms, p95 {f[1]:.1f} ms"  # noqa: E731
    return [
        f"- side by side, {r['docs']:,} docs (same run, same documents, batches of 1000), {r['runs']} queries:",
        f"  - ingest (bulk_index calls): embedded {e['ingest']:,.0f} docs/s, OpenSearch {o['ingest']:,.0f} docs/s",
        f"  - filtered search (terms + 3 sources + 7 days, newest 20): embedded {ms(e['search'])}; "
        f"OpenSearch {ms(o['search'])}",
        f"  - the same by score: embedded {ms(e['scored'])}; OpenSearch {ms(o['scored'])}",
        f"  - one term, newest 20: embedded {ms(e['plain'])}; OpenSearch {ms(o['plain'])}",
        f"  - 24-hour hourly histogram: embedded {ms(e['hist'])}; OpenSearch {ms(o['hist'])}",
        f"  - 24-hour count by source: embedded {ms(e['agg'])}; OpenSearch {ms(o['agg'])}",
    ]


def embedded_lines(ix: dict, q: dict) -> list[str]:
    return [
        f"- indexing ({ix['docs']} docs, batches of 500): EmbeddedIndex {ix['ours']:,.0f} docs/s, "
        f"bare FTS5 inserts {ix['bare']:,.0f} docs/s, ratio {ix['ratio']:.2f}",
        f"- {q['docs']:,} docs, {q['runs']} queries: filtered search (terms + 3 sources + 7 days, newest 20) "
        f"p50 {q['search'][0]:.1f} ms, p95 {q['search'][1]:.1f} ms; the same sorted by score "
        f"p50 {q['scored'][0]:.1f} ms, p95 {q['scored'][1]:.1f} ms",
        f"- one term, no filter, newest 20 (total counted): p50 {q['plain'][0]:.1f} ms, p95 {q['plain'][1]:.1f} ms",
        f"- 24-hour hourly histogram p50 {q['hist'][0]:.1f} ms, p95 {q['hist'][1]:.1f} ms; "
        f"24-hour count by source p50 {q['agg'][0]:.1f} ms, p95 {q['agg'][1]:.1f} ms",
    ]


if __name__ == "__main__":
    main()
