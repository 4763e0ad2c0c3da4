"""Build the labelled post pairs for event grouping (tests/fixtures/event_pairs.jsonl).

Written, and the file generated, BEFORE analysis/events.py was tuned against it; re-running it
must give the same file (the demo timeline is seeded). The labels come from what the demo
generator wrote, by these rules and nothing else:

- A thread's story: the incident (all three incident threads are one story); a complaint is
  about its named place (the school, road or hospital its opening post names: two schools'
  canteens are two stories, one school's canteen in two threads is one); a local news event
  is its (event, place) pair ("书画展 in 西山镇"), two different editions (第二届/第五届) being two
  stories; any other thread is a story of its own.
- SAME: two opening posts whose threads have the same story.
- DIFFERENT: two opening posts of different stories, except the pairs left out as ambiguous:
  two threads of harmless local chatter written from the same template (both "青溪湖 is
  pretty"), or a chatter thread and a news item about the same place (西山镇's market): nobody
  can say whether those are "one story".
- Only threads that can concern the locality are paired: local chatter, complaints, the
  incident and local news (chatter, look-alike traps and national news never name it, by the
  word banks' own rules). Their posts are all listed, because the grouping sees what is relevant.
- A reply is paired (SAME) with the opening posts of the OTHER threads of its story (the incident's
  replies on Tieba with the forum repost and the news article): that is the story told across
  sites. Within a thread, replies join by the thread rule and are not paired.

Splits: `tune` (seed 7, the demo's own timeline) is the only one looked at while tuning;
`heldout` (seeds 11 and 23) is measured, never tuned on.

    .venv/bin/python bench/event_labels.py        # rewrites tests/fixtures/event_pairs.jsonl
"""
from __future__ import annotations

import itertools
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from demo import wordbank as wb  # noqa: E402
from demo.timeline import build_timeline  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "event_pairs.jsonl"
SPLITS = {"tune": (7,), "heldout": (11, 23)}
_NTH = re.compile(r"第(.)届")
_PLACES = ("西山镇", "白沙镇", "青溪湖", "东湖区", "青溪市")


def _longest(text: str, values: list[str]) -> str | None:
    found = [v for v in values if v in text]
    return max(found, key=len) if found else None


def story_key(thread) -> tuple:
    """The story of a thread, by the rules in the module docstring."""
    first = thread.posts[0]
    text = f"{thread.title}\n{first.text}"
    own = ("thread", thread.site, thread.thread_id)
    if thread.category == "incident":
        return ("incident",)
    if thread.category == "complaint":
        for slot in ("school", "road", "hospital"):
            value = _longest(text, wb.SLOTS[slot])
            if value:
                return ("complaint", slot, value)
        return own
    if thread.category == "news":
        event, place = _longest(thread.title, wb.SLOTS["event"]), _longest(thread.title, wb.SLOTS["place"])
        if event and place:
            nth = _NTH.search(text)
            return ("news-event", event, place, nth.group(1) if nth else None)
    return own


def _template(thread) -> tuple | None:
    """(bank, index) of the template a chatter / local / trap thread was written from."""
    banks = {"chatter": wb.CHATTER, "local": wb.LOCAL, "trap": wb.TRAPS}
    bank = banks.get(thread.category)
    if bank is None:
        return None
    body = thread.posts[0].text
    for i, (_titles, groups) in enumerate(bank):
        # the last sentence group of a template is shared words ("{pos}。"); the first is distinctive
        heads = [re.escape(s).replace(r"\{", "{").replace(r"\}", "}") for s in groups[0]]
        pattern = "|".join(re.sub(r"\{\w+\}", ".+?", h) for h in heads)
        if re.match(pattern, body):
            return (thread.category, i)
    return None


def _place(thread) -> str | None:
    return _longest(f"{thread.title}\n{thread.posts[0].text}", list(_PLACES))


def label(a, b) -> str | None:
    """'same', 'different' or None (ambiguous, left out) for two threads' opening posts."""
    ka, kb = story_key(a), story_key(b)
    if ka[0] == "news-event" and kb[0] == "news-event" and ka[1:3] == kb[1:3]:
        # one event at one place is one story unless both name different editions
        return "different" if ka[3] and kb[3] and ka[3] != kb[3] else "same"
    if ka == kb:
        return "same"
    ta, tb = _template(a), _template(b)
    if ta is not None and ta == tb:
        return None
    soft = {"local", "news"}
    if ({a.category, b.category} == soft and ka[0] == kb[0] == "thread"
            and _place(a) is not None and _place(a) == _place(b)):
        return None
    return "different"


def post_row(split: str, seed: int, post) -> dict:
    return {"kind": "post", "split": split, "seed": seed, "id": _pid(seed, post),
            "site": post.site, "thread": f"s{seed}-{post.site}-{post.thread_id}", "floor": post.floor,
            "title": post.title, "text": post.text, "offset": post.offset}


def _local(thread) -> bool:
    if thread.category == "news":
        return thread.source in wb.NEWS_SOURCES_LOCAL
    return thread.category in ("local", "complaint", "incident")


def _pid(seed: int, post) -> str:
    return f"s{seed}-{post.site}-{post.post_id}"


def build() -> list[dict]:
    rows: list[dict] = []
    for split, seeds in SPLITS.items():
        for seed in seeds:
            tl = build_timeline(seed)
            threads = [t for site in ("tieba", "bbs", "news") for t in tl.threads(site) if not t.sticky]
            rows += [post_row(split, seed, p) for t in threads for p in t.posts]
            paired = [t for t in threads if _local(t)]
            for a, b in itertools.combinations(paired, 2):
                lab = label(a, b)
                if lab is None:
                    continue
                rows.append({"kind": "pair", "split": split, "label": lab,
                             "a": _pid(seed, a.posts[0]), "b": _pid(seed, b.posts[0])})
                if lab == "same":  # the story across threads: replies of each side with the other
                    rows += [{"kind": "pair", "split": split, "label": "same", "a": _pid(seed, r),
                              "b": _pid(seed, o.posts[0])}
                             for x, o in ((a, b), (b, a)) for r in x.posts[1:]]
    return rows


def main() -> None:
    rows = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    for split in SPLITS:
        pairs = [r for r in rows if r["kind"] == "pair" and r["split"] == split]
        same = sum(r["label"] == "same" for r in pairs)
        openers = sum(r["label"] == "same" and r["a"] in _openers(rows) for r in pairs)
        print(f"{split}: {sum(r['kind'] == 'post' and r['split'] == split for r in rows)} posts, "
              f"{len(pairs)} pairs ({same} same story, {openers} of them between opening posts)")


def _openers(rows: list[dict]) -> set[str]:
    return {r["id"] for r in rows if r["kind"] == "post" and r["floor"] == 1}


if __name__ == "__main__":
    main()
