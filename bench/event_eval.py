"""Event grouping (analysis/events.py) against the labelled post pairs of
tests/fixtures/event_pairs.jsonl (built by bench/event_labels.py, rules in its docstring).

Each post goes through the real pipeline (config/topics.yaml); the relevant ones of each demo
timeline are grouped by analysis.events.cluster; a pair is predicted "same story" when both posts
land in one event. Precision and recall of "same story" are reported per split: `tune` is what
the grouping rules were adjusted on, `heldout` was never looked at while adjusting them, and
`heldout-hand` (tests/fixtures/event_pairs_hand.jsonl) was written by hand after the adjusting.

    .venv/bin/python bench/event_eval.py [--split tune|heldout|heldout-hand] [--show N] [--stream]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from analysis.events import add_to_event, cluster, match_event, new_event  # noqa: E402
from pipeline.process import Pipeline  # noqa: E402
from pipeline.topics import load_topics  # noqa: E402
from pipeline.types import Document, RawPost  # noqa: E402

PAIRS = ROOT / "tests" / "fixtures" / "event_pairs.jsonl"
# Posts written by hand after the tuning (other stories, other wordings), labelled by the story
# each was written for: a second held-out set, never tuned on.
HAND = ROOT / "tests" / "fixtures" / "event_pairs_hand.jsonl"
TOPICS = ROOT / "config" / "topics.yaml"
START = datetime(2025, 3, 10, 8, tzinfo=ZoneInfo("Asia/Shanghai"))
CRAWL_DELAY = timedelta(seconds=20)


class _NoCategory:
    """Categories play no part in grouping; keeps the run off the classifier's package data."""

    def predict(self, body: str) -> None:
        return None


@dataclass(frozen=True)
class Score:
    pairs: int
    same: int  # labelled same story
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load(*paths: Path) -> tuple[list[dict], list[dict]]:
    rows = [json.loads(line) for path in (paths or (PAIRS, HAND))
            for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if r["kind"] == "post"], [r for r in rows if r["kind"] == "pair"]


def documents(posts: list[dict], pipeline: Pipeline) -> dict[str, Document]:
    """The posts as the pipeline makes them (ids are the labelled set's post ids)."""
    out = {}
    for p in posts:
        at = START + timedelta(seconds=p["offset"])
        url = f"https://{p['site']}.example/{p['thread']}"
        raw = RawPost(p["site"], "forum", f"{url}?pid={p['id']}", url, p["title"], p["text"],
                      at + CRAWL_DELAY, published_at=at, floor=p["floor"])
        doc = pipeline.process(raw)
        out[p["id"]] = Document(**{**{f: getattr(doc, f) for f in doc.__slots__}, "id": p["id"]})
    return out


def events_of(posts: list[dict], docs: dict[str, Document], *, stream: bool = False) -> dict[str, str]:
    """Post id -> event id, each seed's timeline grouped on its own (relevant posts only).

    `stream`: as the alert stage does it, one post at a time in the order they were fetched,
    each matched against every open event (match_event), instead of the batch `cluster`."""
    by_seed: dict[int, list[Document]] = defaultdict(list)
    for p in posts:
        if docs[p["id"]].relevant:
            by_seed[p["seed"]].append(docs[p["id"]])
    if not stream:
        return {i: f"{seed}/{c.ref.id}" for seed, ds in by_seed.items() for c in cluster(ds) for i in c.doc_ids}
    out: dict[str, str] = {}
    for seed, ds in by_seed.items():
        events = {}
        for doc in sorted(ds, key=lambda d: (d.fetched_at, d.id)):
            eid = match_event(doc, list(events.values()))
            ref = add_to_event(events[eid], doc) if eid else new_event(doc, f"ev-{doc.id}")
            events[ref.id] = ref
            out[doc.id] = f"{seed}/{ref.id}"
    return out


def score(pairs: list[dict], event: dict[str, str]) -> tuple[Score, list[dict], list[dict]]:
    """The score, the wrongly merged pairs and the missed ones."""
    merged, missed = [], []
    tp = 0
    for r in pairs:
        ea, eb = event.get(r["a"]), event.get(r["b"])
        predicted = ea is not None and ea == eb
        if predicted and r["label"] == "same":
            tp += 1
        elif predicted:
            merged.append(r)
        elif r["label"] == "same":
            missed.append(r)
    same = sum(r["label"] == "same" for r in pairs)
    return Score(len(pairs), same, tp, len(merged), len(missed)), merged, missed


def evaluate(split: str | None = None, *, stream: bool = False):
    """{split: (score, wrongly merged pairs, missed pairs)}, and the posts."""
    posts, pairs = load()
    if split:
        posts = [p for p in posts if p["split"] == split]
        pairs = [r for r in pairs if r["split"] == split]
    docs = documents(posts, Pipeline(load_topics(TOPICS), category=_NoCategory()))
    event = events_of(posts, docs, stream=stream)
    return {s: score([r for r in pairs if r["split"] == s], event)
            for s in sorted({r["split"] for r in pairs}, key=lambda s: s != "tune")}, posts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("tune", "heldout", "heldout-hand"))
    ap.add_argument("--show", type=int, default=0, help="print N wrongly merged / missed pairs per split")
    ap.add_argument("--stream", action="store_true", help="group one post at a time, as the alert stage does")
    args = ap.parse_args()
    results, posts = evaluate(args.split, stream=args.stream)
    titles = {p["id"]: p["title"] for p in posts}
    print("| split | pairs | same story | precision | recall | wrongly merged | missed |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for split, (s, merged, missed) in results.items():
        print(f"| {split} | {s.pairs} | {s.same} | {s.precision:.3f} | {s.recall:.3f} | {s.fp} | {s.fn} |")
    for split, (_s, merged, missed) in results.items():
        for what, rows in (("merged", merged), ("missed", missed)):
            for r in rows[:args.show]:
                print(f"{split} {what}: {titles[r['a']]} | {titles[r['b']]}")


if __name__ == "__main__":
    main()
