"""Development check of topic matching on train-derived material (never the evaluation sets).

The labelled government messages of ../shared/data/topics/gov_messages_tipdm2020/train.csv (train
only; test.csv is never read) are matched against the example topics of config/topics.yaml, every
topic made locality-optional (the messages are about anonymised places "A市"). For the four
categories that map to one example topic (环境保护 → pollution, 交通运输 → traffic, 卫生计生 →
health, 教育文体 → school): recall = share of messages whose topic is found, exact = share whose
found topics are exactly that one; for the others, the share given any example topic at all.
The first sentence of a message stands for its title.

    .venv/bin/python bench/topic_dev.py [--shared DIR] [--no-standard-terms]
"""
from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.process import Pipeline  # noqa: E402
from pipeline.topics import load_topics  # noqa: E402

EXPECTED = {"环境保护": "pollution", "交通运输": "traffic", "卫生计生": "health", "教育文体": "school"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--no-standard-terms", action="store_true")
    args = ap.parse_args()
    config = load_topics(ROOT / "config" / "topics.yaml")
    config.topics = [t.model_copy(update={"locality": "optional",
                                          "standard_terms": not args.no_standard_terms})
                     for t in config.topics if not t.catch_all]
    pipeline = Pipeline(config)
    path = args.shared / "data/topics/gov_messages_tipdm2020/train.csv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    found, exact, total, any_topic = Counter(), Counter(), Counter(), Counter()
    for i, row in enumerate(rows):
        title, _, text = row["text"].partition("。")
        got = set(pipeline.analyze({"id": i, "title": title, "text": text}).topics)
        label = row["label"]
        total[label] += 1
        any_topic[label] += bool(got)
        if label in EXPECTED:
            found[label] += EXPECTED[label] in got
            exact[label] += got == {EXPECTED[label]}
    for label in sorted(total):
        if label in EXPECTED:
            print(f"{label} → {EXPECTED[label]}: {total[label]} messages  recall {found[label] / total[label]:.3f}"
                  f"  exact {exact[label] / total[label]:.3f}")
        else:
            print(f"{label}: {total[label]} messages  any example topic {any_topic[label] / total[label]:.3f}")
    n = sum(total[c] for c in EXPECTED)
    print(f"mapped categories: recall {sum(found.values()) / n:.3f}  exact {sum(exact.values()) / n:.3f}")


if __name__ == "__main__":
    main()
