"""Train the category classifier shipped as pipeline/data/category_model.json.gz.

Train-time only dependencies: numpy, scikit-learn. Data (train splits only):
* gov_messages_tipdm2020/train.csv: the 7 government work areas;
* taxonomy.csv: every level-2/level-3 term as a short seed document for its level-1 area when
  that area is one of ours; terms of the other areas (政法, 民政, 农村农业 …) seed 其他;
* news titles of areas no city office handles (sports, games, entertainment, stocks, finance,
  world, military, tech) from thucnews_titles/tnews_toutiao train.csv as 其他.
安全生产 is rule-based (pipeline/category.py) and not trained. C is chosen by 5-fold
cross-validation on the gov_messages train rows.

    .venv/bin/python scripts/train_category.py [--shared DIR] [--out PATH]
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import normalize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from pipeline.category import CATEGORIES, MODEL_FORMAT  # noqa: E402
from pipeline.sentiment import NGRAM_MAX, normalise  # noqa: E402

SEED = 20240601
OTHER = "其他"
OTHER_NEWS = {"thucnews_titles": {"sports", "game", "entertainment", "stocks", "finance"},
              "tnews_toutiao": {"news_sports", "news_game", "news_entertainment", "news_stock",
                                "news_finance", "news_world", "news_military", "news_tech"}}
OTHER_ROWS = 400  # about one gov class's worth, so 其他 does not swamp the small classes
LEARNED = [c for c in CATEGORIES if c != "安全生产"]
KEEP = 60000  # size cap on the vocabulary, to keep the file small
C_GRID = (3.0, 10.0, 30.0, 100.0)


def read_csv(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["label"], r["text"]) for r in csv.DictReader(fh)]


def load(shared: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(gov message rows, auxiliary rows: taxonomy seeds + 其他 news titles)."""
    topics = shared / "data/topics"
    gov = read_csv(topics / "gov_messages_tipdm2020/train.csv")
    aux = []
    with (topics / "gov_messages_tipdm2020/taxonomy.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            label = row["level1"] if row["level1"] in LEARNED else OTHER
            for term in (row["level2"], row["level3"]):
                if term and term != "其他" and term != "安全生产":
                    aux.append((label, term))
    rng = random.Random(SEED)
    news = [(OTHER, t) for name, keep in OTHER_NEWS.items()
            for label, t in read_csv(topics / name / "train.csv") if label in keep]
    aux += rng.sample(news, OTHER_ROWS)
    return gov, sorted(set(aux))


def fit(rows: list[tuple[str, str]], c: float, min_df: int):
    # min_df prunes the vocabulary at training time (the run-time norm counts every vocabulary
    # n-gram, so it cannot be pruned afterwards): a small table stays in the CPU cache.
    vec = CountVectorizer(analyzer="char", ngram_range=(1, NGRAM_MAX), min_df=min_df, lowercase=False,
                          binary=True, dtype=np.float64)
    # L2-normalised presence vectors: long messages and short titles are scored alike
    x = normalize(vec.fit_transform([normalise(t) for _, t in rows]))
    y = [LEARNED.index(label) for label, _ in rows]
    # balanced: 其他 has several times more rows than any gov class
    clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced", random_state=SEED)
    clf.fit(x, y)
    return vec, clf


def predict(vec, clf, texts: list[str]) -> list[str]:
    return [LEARNED[int(clf.classes_[i])]
            for i in clf.decision_function(normalize(vec.transform([normalise(t) for t in texts]))).argmax(1)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "pipeline/data/category_model.json.gz")
    ap.add_argument("--min-df", type=int, default=3)
    args = ap.parse_args()
    gov, aux = load(args.shared)

    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    labels = [label for label, _ in gov]
    best = (0.0, C_GRID[0])
    for c in C_GRID:
        correct = 0
        for tr, te in folds.split(gov, labels):
            vec, clf = fit([gov[i] for i in tr] + aux, c, args.min_df)
            pred = predict(vec, clf, [gov[i][1] for i in te])
            correct += sum(p == gov[i][0] for p, i in zip(pred, te))
        acc = correct / len(gov)
        print(f"C={c}: 5-fold accuracy on gov train {acc:.4f}")
        if acc > best[0]:
            best = (acc, c)

    vec, clf = fit(gov + aux, best[1], args.min_df)
    assert list(clf.classes_) == list(range(len(LEARNED))), "every class needs training rows"
    coef, bias = clf.coef_.copy(), clf.intercept_
    # Softmax is shift-invariant per feature: centre each n-gram's weights so small ones vanish.
    coef -= coef.mean(0)
    vocab = vec.get_feature_names_out()
    # The run-time L2 norm counts every known n-gram of a text, so none may be dropped.
    assert len(vocab) <= KEEP, "raise KEEP or min_df: pruning would change the norms"
    order = range(len(vocab))
    model = {"format": MODEL_FORMAT, "ngram_max": NGRAM_MAX, "classes": LEARNED,
             "bias": [round(float(b), 4) for b in bias - bias.mean()],
             "ngrams": {vocab[j]: [round(float(v), 4) for v in coef[:, j]] for j in order},
             "meta": {"c": best[1], "cv_accuracy_gov_train": round(best[0], 4),
                      "aux_rows": len(aux), "min_df": args.min_df}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(model, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    args.out.write_bytes(gzip.compress(payload.encode("utf-8"), compresslevel=9, mtime=0))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, {len(model['ngrams'])} "
          f"n-grams, C={best[1]})")


if __name__ == "__main__":
    main()
