"""Pipeline throughput against bare jieba on the same posts, in the same process.

Posts: the texts of ../shared/data/sentiment/weibo2018/test.csv (measurement only), with a
locality term of the demo config injected into a given share of them. Figures are ratios to a
baseline measured in the same run, interleaved and best-of-N, because absolute speed depends on
the machine and on whatever else runs on it.

  ratio = pipeline posts/s ÷ bare jieba posts/s (Tokenizer.lcut, HMM on, jieba's default)
  targets: ≥ 0.8 when every post is local; ≥ 5 when 5 % are; flat (±10 %) from 10 to 2,000 topics.

The ratios are measured twice: with the shipped sentiment and category models, and with
constant stand-ins (the pipeline's own cost: normalising, matching, jieba, fingerprints). The
topic-count sweep uses the stand-ins, since the models' cost does not depend on topics.
The headline is "unseen": each round builds a fresh Pipeline, warms it on WARMUP other posts
(weibo2018 train.csv) and times one pass over the measured posts, which it has never seen: the
steady state of a watch that has been running, with its per-instance caches (HMM results of the
segmenter, SimHash features, key-term weights) holding other posts' tokens only. "warm" is the
same Pipeline's second pass over the same posts (every cache as warm as it can be); "cold" is a
fresh Pipeline's very first pass, every cache empty. Every column is the best of N rounds, each
round interleaved with bare jieba on the same posts, so all columns are compared alike.

Usage: .venv/bin/python bench/pipeline_bench.py [--repeat 5] [--write bench/RESULTS_pipeline.md]
"""
from __future__ import annotations

import argparse
import csv
import gc
import logging
import os
import platform
import random
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import jieba  # noqa: E402

from pipeline.process import Pipeline  # noqa: E402
from pipeline.topics import Topic, TopicsConfig, load_topics  # noqa: E402
from pipeline.types import RawPost  # noqa: E402

SHARED = ROOT.parent / "shared"
TZ = ZoneInfo("Asia/Shanghai")
LOCAL_TERMS = ["青溪", "临江县", "东湖区", "青溪市"]


class _Constant:
    def score(self, text: str) -> float:
        return 0.0

    def is_negative(self, score: float) -> bool:
        return False

    def predict(self, text: str) -> str:
        return "其他"


def load_texts(split: str = "test") -> list[str]:
    with open(SHARED / f"data/sentiment/weibo2018/{split}.csv", encoding="utf-8", newline="") as f:
        return [row["text"] for row in csv.DictReader(f)]


def make_posts(texts: list[str], share: float, seed: int = 1) -> list[RawPost]:
    rnd = random.Random(seed)
    now = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
    posts = []
    for i, text in enumerate(texts):
        if rnd.random() < share:
            cut = rnd.randrange(len(text) + 1)
            text = f"{text[:cut]}{rnd.choice(LOCAL_TERMS)}{text[cut:]}"
        posts.append(RawPost("bench", "forum", f"http://bbs.example.cn/t/{seed}-{i}?utm_source=x",
                             "http://bbs.example.cn/t/", "", text, now, floor=1, replies=i % 80))
    return posts


def synthetic_topics(base: TopicsConfig, n: int, vocab: list[str]) -> TopicsConfig:
    """The demo topics plus synthetic ones (5 `any` words and 1 exclusion each, real words)."""
    rnd = random.Random(n)
    extra = [Topic(id=f"syn{i}", name=f"合成{i}", category="其他", any=rnd.sample(vocab, 5),
                   exclude=[rnd.choice(vocab)], severity="yellow")
             for i in range(max(0, n - len(base.topics)))]
    return TopicsConfig(locality=base.locality, topics=[*base.topics, *extra][:n])


def dictionary_words(k: int = 20_000) -> list[str]:
    """Mid-frequency 2–4 character words of jieba's dictionary, as synthetic topic terms."""
    words = []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            word, freq, _ = line.split()
            if 2 <= len(word) <= 4 and 50 <= int(freq) <= 5000:
                words.append(word)
    return random.Random(0).sample(words, min(k, len(words)))


def best_rate(fn, posts, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.process_time()  # CPU time of this process: other jobs on the machine count less
        for p in posts:
            fn(p)
        best = min(best, time.process_time() - t0)
    return len(posts) / best


WARMUP = 10_000


def measure(topics: TopicsConfig, stub: bool, posts: list[RawPost], warmup: list[RawPost],
            tokenizer: jieba.Tokenizer, repeat: int, cold: bool = False,
            native: bool = True) -> dict[str, float]:
    """Best-of-`repeat` rates (posts per CPU second): "jieba", "unseen", "warm" and, when asked,
    "cold". Each round times jieba, then fresh Pipelines (see the module docstring)."""
    best = {"jieba": 0.0, "unseen": 0.0, "warm": 0.0, **({"cold": 0.0} if cold else {})}

    def keep(key: str, rate: float) -> None:
        best[key] = max(best[key], rate)

    for _ in range(repeat):
        keep("jieba", best_rate(lambda p: tokenizer.lcut(p.text), posts, 1))
        if cold:
            pipeline, *_ = build(topics, stub, native)
            keep("cold", best_rate(pipeline.process, posts, 1))
            del pipeline
        pipeline, *_ = build(topics, stub, native)
        for p in warmup:
            pipeline.process(p)
        keep("unseen", best_rate(pipeline.process, posts, 1))
        keep("warm", best_rate(pipeline.process, posts, 1))
        del pipeline
    return best


def build(topics: TopicsConfig, stub: bool, native: bool = True) -> tuple[Pipeline, float, int]:
    """The pipeline, its build time, and the RSS it added (tracemalloc would slow jieba's
    dictionary load twentyfold)."""
    gc.collect()
    before = rss_mb()
    t0 = time.perf_counter()
    kw = {"sentiment": _Constant(), "category": _Constant()} if stub else {}
    pipeline = Pipeline(topics, native=native, **kw)
    seconds = time.perf_counter() - t0
    return pipeline, seconds, rss_mb() - before


def cost_breakdown(texts: list[str], tokenizer: jieba.Tokenizer, repeat: int) -> list[str]:
    """CPU µs per post of the parts, to show where the time of the shipped configuration goes."""
    from pipeline.category import CategoryClassifier
    from pipeline.sentiment import Featurizer, SentimentModel

    sentiment, category = SentimentModel.load(), CategoryClassifier.load()
    shared = Featurizer()
    both = (SentimentModel.load(featurizer=shared), CategoryClassifier.load(featurizer=shared))
    stand_in = Pipeline(load_topics(ROOT / "config" / "topics.yaml"),
                        sentiment=_Constant(), category=_Constant())
    from pipeline.segment import Segmenter

    native_seg, python_seg = Segmenter(), Segmenter(native=False)
    local, other = make_posts(texts, 1.0), make_posts(texts, 0.0)
    parts = [
        ("bare jieba (Tokenizer.lcut)", lambda p: tokenizer.lcut(p.text), other),
        ("Segmenter.cut, C extension (same tokens as jieba)", lambda p: native_seg.cut(p.text), other),
        ("Segmenter.cut, pure Python (same tokens)", lambda p: python_seg.cut(p.text), other),
        ("pipeline with stand-in models, local post", stand_in.process, local),
        ("pipeline with stand-in models, unrelated post", stand_in.process, other),
        ("SentimentModel.score alone (every local post)", lambda p: sentiment.score(p.text), other),
        ("CategoryClassifier.predict alone (local posts without a specific topic)",
         lambda p: category.predict(p.text), other),
        ("both, sharing one Featurizer (as in the Pipeline)",
         lambda p: (both[0].score(p.text), both[1].predict(p.text)), other),
    ]
    out = ["| part | CPU µs per post |", "|---|---:|"]
    for name, fn, posts in parts:
        out.append(f"| {name} | {1e6 / best_rate(fn, posts, repeat):.0f} |")
    return out


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--write", type=Path)
    args = ap.parse_args()
    logging.getLogger("jieba").setLevel(logging.WARNING)

    texts = load_texts()
    warmup = load_texts("train")[:WARMUP]
    base_topics = load_topics(ROOT / "config" / "topics.yaml")
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = tempfile.gettempdir()
    tokenizer.initialize()
    vocab = dictionary_words()

    rows = []
    pipeline, secs, mem = build(base_topics, False)
    build_rows = [(len(base_topics.topics), secs, mem)]
    del pipeline
    workloads = [(False, True, "shipped models"), (True, True, "stand-in models"),
                 (False, False, "shipped models, pure Python (no C extension)")]
    for stub, native, label in workloads:
        for share, target in ((1.0, "≥ 0.8"), (0.05, "≥ 5")):
            posts = make_posts(texts, share)
            r = measure(base_topics, stub, posts, make_posts(warmup, share, seed=2), tokenizer,
                        args.repeat, cold=True, native=native)
            rows.append((f"demo config ({len(base_topics.topics)} topics), {label}, {share:.0%} local",
                         r, target))

    # The sweep: the shipped pipeline at both shares; the stand-ins (the pipeline's own cost,
    # where per-hit work weighs most) at 100 % local.
    scaling = []
    for n in (10, 100, 500, 2000):
        topics = synthetic_topics(base_topics, n, vocab)
        pipeline, secs, mem = build(topics, False)
        build_rows.append((n, secs, mem))
        sample = [pipeline.process(p) for p in make_posts(texts[:500], 1.0)]
        hits = sum(len(d.topic_hits) for d in sample) / len(sample)
        del pipeline, sample
        for stub, share in ((False, 1.0), (False, 0.05), (True, 1.0)):
            r = measure(topics, stub, make_posts(texts, share), make_posts(warmup, share, seed=2),
                        tokenizer, args.repeat)
            scaling.append((n, stub, share, hits, r))

    lines = [
        "| workload | pipeline posts/s (unseen) | jieba posts/s | ratio, unseen | warm | cold | target |",
        "|---|---:|---:|---:|---:|---:|---|",
        *(f"| {name} | {r['unseen']:,.0f} | {r['jieba']:,.0f} | **{r['unseen'] / r['jieba']:.2f}** | "
          f"{r['warm'] / r['jieba']:.2f} | {r['cold'] / r['jieba']:.2f} | {target} |"
          for name, r, target in rows),
        "",
        "Topic-count sweep (synthetic topics of 5 everyday words each; unseen posts; 'hits' = "
        "topics matched per local post):", "",
        "| topics | models | local share | topic hits | pipeline posts/s (unseen) | jieba posts/s | "
        "ratio, unseen | warm | unseen ratio ÷ that at 10 topics |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    first = {(stub, share): r["unseen"] / r["jieba"] for n, stub, share, _, r in scaling if n == 10}
    for n, stub, share, hits, r in scaling:
        ratio = r["unseen"] / r["jieba"]
        lines.append(f"| {n} | {'stand-in' if stub else 'shipped'} | {share:.0%} | {hits:.2f} | "
                     f"{r['unseen']:,.0f} | {r['jieba']:,.0f} | {ratio:.2f} | {r['warm'] / r['jieba']:.2f} | "
                     f"**{ratio / first[stub, share]:.2f}** |")
    lines += ["", "| topics | build time (s) | RSS added by building the Pipeline (MB) |", "|---:|---:|---:|"]
    lines += [f"| {n} | {secs:.2f} | {mem:.0f} |" for n, secs, mem in build_rows]
    lines += ["", f"Process RSS at the end: {rss_mb():.0f} MB.", ""]
    lines += cost_breakdown(texts, tokenizer, args.repeat)
    table = "\n".join(lines) + "\n"
    print(table)
    if args.write:
        machine = (f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
                   f"Python {platform.python_version()}, {platform.system()} {platform.release()}")
        header = [
            "# Pipeline benchmark", "",
            f"Command: `.venv/bin/python bench/pipeline_bench.py {' '.join(sys.argv[1:])}`  ",
            f"Machine: {machine}  ",
            f"Date: {datetime.now(TZ):%Y-%m-%d %H:%M} (Asia/Shanghai)  ",
            f"Posts: {len(texts)} texts of weibo2018/test.csv "
            f"(mean {sum(map(len, texts)) / len(texts):.0f} chars), "
            "locality terms injected into the stated share. "
            f"Rates are posts per CPU-second of this process, best of {args.repeat} interleaved rounds; "
            "the machine is shared, so ratios, not absolute rates, are the figures to compare.", "", "",
        ]
        notes = [
            "", "## Reading", "",
            "- Headline = 'unseen': every round builds a fresh Pipeline, warms it on the 8,392 posts of "
            "weibo2018 train.csv and times one pass over the measured posts, which it has never seen "
            "(the steady state of a running watch). 'warm' is that Pipeline's second pass over the same "
            "posts; 'cold' a fresh Pipeline's first pass. All three are best of N rounds, each round "
            "interleaved with bare jieba on the same posts.",
            "- Segmentation is jieba's accurate mode WITH its HMM (unknown names such as 鑫源 come out as "
            "words) with identical tokens (tests compare them): the best-path search over jieba's word "
            "table runs in the optional C extension pipeline/_native.c (one flat hash table, the "
            "fragment hash extended a character at a time, no str per probe), the HMM on runs of single "
            "characters in Python, cached per run. The baseline is bare jieba with HMM on.",
            "- The sentiment and category models share one Featurizer: normalise once, the distinct "
            "character 1-2-grams looked up once in one merged table (in C with the extension: no str "
            "per n-gram), fixed-point packed weight sums. Pure Python, these two loops were most of a "
            "local post's cost: the 'pure Python' rows are that configuration (what runs when no C "
            "compiler was present at install time).",
            "- Topic count: unrelated posts never look at topics (one automaton of locality terms), so "
            "the 5 % rows stay flat. Local posts look up runs of tokens in one dict, so the cost "
            "follows hits, not topics; but these synthetic topics are everyday words, so hits per post "
            "grow with the number of topics (column 'topic hits'), and each hit costs a "
            "TopicHit, its spans and a grade. The shipped-model rows are the product's throughput; the "
            "stand-in rows strip the models away, so the per-hit work weighs most there.",
            "- Variance: other jobs share this 2-core box; whole runs differ by several hundredths in the "
            "100 % rows and a few tenths in the 5 % rows.",
            "- RSS: with the C extension the segmenter keeps only its flat table (jieba's 500k-entry dict "
            "is freed after the build); later build rows reuse memory the previous Pipeline freed.",
        ]
        args.write.write_text("\n".join(header) + table + "\n".join(notes) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
