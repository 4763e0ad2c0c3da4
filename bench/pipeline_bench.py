"""Pipeline throughput against bare jieba on the same posts, in the same process.

Posts: the texts of ../shared/data/sentiment/weibo2018/test.csv (measurement only), with a
locality term of the demo config injected into a given share of them. Figures are ratios to a
baseline measured in the same run, interleaved and best-of-N, because absolute speed depends on
the machine and on whatever else runs on it.

  ratio = pipeline posts/s ÷ bare jieba posts/s (Tokenizer.lcut, HMM on, jieba's default)
  targets: ≥ 0.8 when every post is local; ≥ 5 when 5 % are; flat (±10 %) from 10 to 2,000 topics.

The headline ratios are measured twice: with the shipped sentiment and category models, and with
constant stand-ins (the pipeline's own cost: normalising, matching, jieba, fingerprints). The
topic-count sweep uses the stand-ins, since the models' cost does not depend on topics.
Best-of-N rounds see warm per-instance caches (the HMM results of the segmenter, SimHash
features, key-term weights) filled by the same posts in earlier rounds. Two more columns, against
the same jieba rate: "unseen" is a fresh Pipeline's first pass over the posts after a warm-up on
WARMUP other posts (weibo2018 train.csv), the steady state of a watch that has been running;
"cold" is a fresh Pipeline's very first pass, every cache empty.

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


def compare(pipeline: Pipeline, tokenizer: jieba.Tokenizer, posts: list[RawPost], repeat: int):
    """Interleaved rounds: each round times jieba then the pipeline; best of `repeat` rounds.
    Returns (best pipeline rate, first-round pipeline rate, best jieba rate)."""
    base = pipe = 0.0
    first = None
    for _ in range(repeat):
        base = max(base, best_rate(lambda p: tokenizer.lcut(p.text), posts, 1))
        rate = best_rate(pipeline.process, posts, 1)
        first = rate if first is None else first
        pipe = max(pipe, rate)
    return pipe, first, base


def build(topics: TopicsConfig, stub: bool) -> tuple[Pipeline, float, int]:
    """The pipeline, its build time, and the RSS it added (tracemalloc would slow jieba's
    dictionary load twentyfold)."""
    gc.collect()
    before = rss_mb()
    t0 = time.perf_counter()
    kw = {"sentiment": _Constant(), "category": _Constant()} if stub else {}
    pipeline = Pipeline(topics, **kw)
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
    local, other = make_posts(texts, 1.0), make_posts(texts, 0.0)
    parts = [
        ("bare jieba (Tokenizer.lcut)", lambda p: tokenizer.lcut(p.text), other),
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
    build_rows = []
    for stub, label in ((False, "shipped models"), (True, "stand-in models")):
        for share, target in ((1.0, "≥ 0.8"), (0.05, "≥ 5")):
            posts = make_posts(texts, share)
            warm, *_ = build(base_topics, stub)
            for p in make_posts(warmup, share, seed=2):
                warm.process(p)
            unseen = best_rate(warm.process, posts, 1)
            del warm
            pipeline, secs, mem = build(base_topics, stub)  # fresh: the first pass is cold
            if not build_rows:
                build_rows.append((len(base_topics.topics), secs, mem))
            pipe, first, base = compare(pipeline, tokenizer, posts, args.repeat)
            rows.append((f"demo config ({len(base_topics.topics)} topics), {label}, {share:.0%} local",
                         pipe, base, unseen, first, target))
            del pipeline

    scaling = []
    for n in (10, 100, 500, 2000):
        topics = synthetic_topics(base_topics, n, vocab)
        pipeline, secs, mem = build(topics, True)
        build_rows.append((n, secs, mem))
        for share in (1.0, 0.05):
            posts = make_posts(texts, share)
            pipe, _, base = compare(pipeline, tokenizer, posts, args.repeat)
            scaling.append((n, share, pipe, base))
        del pipeline

    lines = [
        "| workload | pipeline posts/s | jieba posts/s | ratio (best of N) | unseen | cold | target |",
        "|---|---:|---:|---:|---:|---:|---|",
        *(f"| {name} | {pipe:,.0f} | {base:,.0f} | **{pipe / base:.2f}** | {unseen / base:.2f} | "
          f"{first / base:.2f} | {target} |"
          for name, pipe, base, unseen, first, target in rows),
        "",
        "Topic-count sweep (stand-in models; synthetic topics of 5 everyday words each):", "",
        "| topics | local share | pipeline posts/s | jieba posts/s | ratio | ratio ÷ ratio at 10 topics |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    first = {share: pipe / base for n, share, pipe, base in scaling if n == 10}
    for n, share, pipe, base in scaling:
        lines.append(f"| {n} | {share:.0%} | {pipe:,.0f} | {base:,.0f} | {pipe / base:.2f} | "
                     f"{(pipe / base) / first[share]:.2f} |")
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
            "- Segmentation is jieba's accurate mode WITH its HMM (unknown names such as 鑫源 come out as "
            "words), reimplemented in pipeline/segment.py with identical output: one right-to-left pass "
            "over a word → log-probability table, and jieba's Viterbi unrolled and cached per run of "
            "single characters. The baseline is bare jieba with HMM on, the same token output.",
            "- The models share one Featurizer (normalise once, 1-2-grams once, one probe per n-gram of "
            "one merged table, fixed-point packed weight sums). Alone they are cheap (last table), but "
            "inside the pipeline their table probes compete with jieba's 580k-entry dictionary for the "
            "CPU cache, so they cost more there than in isolation: compare the shipped and stand-in rows.",
            "- Variance: other jobs share this 2-core box; four whole runs on 2026-11-25 gave 0.76-0.83 "
            "for the shipped 100 % local row and 5.35-5.56 for 5 %.",
            "- Caches: best-of-N rounds repeat the same posts, so the HMM cache (runs of single "
            "characters) and the SimHash/key-term caches (tokens) are as warm as they can be. "
            "'unseen' (posts never seen, after a warm-up on other posts) is the steady state of a "
            "running watch; 'cold' is the first minute after a start.",
            "- RSS: only the first build row is a footprint; later builds reuse memory the previous "
            "Pipeline freed (Python keeps its arenas), so they add little RSS.",
            "- Topic count: unrelated posts never look at topics (one automaton of locality terms); local "
            "posts look up runs of tokens in a dict, so the cost follows hits, not topics. The synthetic "
            "topics use everyday words: at 2,000 topics a post matches ~2.8 of them, and each topic hit "
            "costs ~7 µs (pipeline/matcher.py `_topic_hits`, the TopicHit, the grade). Now that the rest "
            "is faster, that shows more at 100 % local; repeated runs put 2,000 topics at 0.82-0.90 of "
            "10 topics (the machine is shared: single runs vary by ±5 %).",
        ]
        args.write.write_text("\n".join(header) + table + "\n".join(notes) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
