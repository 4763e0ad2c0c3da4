"""Measure the shipped negativity model and category classifier (measurement only, no fitting).

Sentiment: accuracy and negative-class F1 on held-out sets; throughput vs two baselines run on the
same texts in the same process (iterating the characters; bare jieba.lcut).
Category: accuracy on gov_messages_tipdm2020/test.csv.

    .venv/bin/python bench/sentiment_eval.py [--shared DIR]
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from pipeline.category import CategoryClassifier  # noqa: E402
from pipeline.sentiment import SentimentModel  # noqa: E402

SENTIMENT_SETS = ["weibo2018/test.csv", "weibo2018/orig_test.csv", "chnsenticorp/test.csv",
                  "chnsenticorp/orig_test.csv", "waimai_10k/test.csv",
                  "weibo_senti_100k_slice/test.csv"]


def read_csv(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["label"], r["text"]) for r in csv.DictReader(fh)]


def sentiment_metrics(model: SentimentModel, rows) -> tuple[float, float]:
    tp = fp = fn = correct = 0
    for label, text in rows:
        gold_neg = label == "0"
        pred_neg = model.is_negative(model.score(text))
        correct += gold_neg == pred_neg
        tp += gold_neg and pred_neg
        fp += pred_neg and not gold_neg
        fn += gold_neg and not pred_neg
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return correct / len(rows), f1


def rate(fn, texts, repeat: int = 3) -> float:
    """Best-of-`repeat` texts per second."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for t in texts:
            fn(t)
        best = min(best, time.perf_counter() - t0)
    return len(texts) / best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args()
    data = args.shared / "data"

    t0 = time.perf_counter()
    model = SentimentModel.load()
    load_s = time.perf_counter() - t0
    print(f"sentiment model load: {load_s:.2f} s; threshold {model.threshold}")
    print("| set | rows | accuracy | negative F1 |\n|---|---|---|---|")
    for rel in SENTIMENT_SETS:
        rows = read_csv(data / "sentiment" / rel)
        acc, f1 = sentiment_metrics(model, rows)
        print(f"| {rel} | {len(rows)} | {acc:.4f} | {f1:.4f} |")

    texts = [t for _, t in read_csv(data / "sentiment/weibo2018/test.csv")]
    import jieba  # baseline only; the product's sentiment path never calls jieba
    tok = jieba.Tokenizer()
    tok.initialize()
    base_iter = rate(lambda t: [c for c in t], texts)
    base_jieba = rate(tok.lcut, texts, repeat=1)
    ours = rate(model.score, texts)
    print(f"\nthroughput on {len(texts)} weibo2018 test posts (mean {sum(map(len, texts)) / len(texts):.0f} chars):")
    print(f"  model.score      {ours:10.0f} posts/s")
    print(f"  iterate chars    {base_iter:10.0f} posts/s  (score is {base_iter / ours:.1f}x slower)")
    print(f"  jieba.lcut       {base_jieba:10.0f} posts/s  (score is {ours / base_jieba:.1f}x faster)")

    t0 = time.perf_counter()
    clf = CategoryClassifier.load()
    load_c = time.perf_counter() - t0
    rows = read_csv(data / "topics/gov_messages_tipdm2020/test.csv")
    acc = sum(clf.predict(t) == label for label, t in rows) / len(rows)
    print(f"\ncategory load {load_c:.2f} s; gov_messages test accuracy {acc:.4f} ({len(rows)} rows); "
          f"{rate(clf.predict, [t for _, t in rows]):.0f} texts/s")


if __name__ == "__main__":
    main()
