"""Events (舆情事件候选): grouping reposts and replies of one story, with its first poster (溯源).

A document joins an open event when, within `window` of the event's time span:
  1. it is in a thread the event already holds; else, unless the two name different things of
     one kind (another school, hospital, road, festival, town or edition: analysis.names), when
  2. its SimHash is within SIMHASH_DISTANCE bits of one of the event's representatives; or
  2b. it names the school, hospital or road the event names (a festival only at a place both
     name) and shares a topic with it (or neither has one); or
  3. it shares enough key terms with the event and a topic (or neither has a topic).
The names keep apart what shared words join: two schools' canteen complaints in one district
share every word but the school; a 书画展 and a 马拉松 share the news boilerplate. Measured on
labelled post pairs by bench/event_eval.py.
"Within `window`" means first_at − window ≤ doc time ≤ last_at + window, so an older post found
late still joins (and becomes the first poster).

Rule 3 weighs shared terms: a locality term counts LOCALITY_WEIGHT and one of the doc's matched
topic words TOPIC_WORD_WEIGHT, because every local post carries the place name and every post of a
topic carries its words: two unrelated pollution complaints in one county share both. A match needs
at least MIN_SPECIFIC shared terms that are neither, and either a weighted overlap of MIN_OVERLAP or
MIN_CONTAINMENT of the doc's own weighted terms already in the event. A single specific term is
enough when the weighted overlap reaches STRONG_OVERLAP: a repost that renames the story's one
proper noun (jieba without HMM splits unseen names such as 鑫源 into characters) still shares the
place, the object (化工厂) and four or five topic words with the original. Containment rather than
Jaccard, because an event gathers up to TERM_CAP terms from many posts while a repost brings about
eight: measured against the union, a short repost of a big story would never match.
The doc's topics are those of its hits with matched words; a catch-all topic (no words, e.g.
"本地动态") counts only for a doc that has nothing else, or it would join every local post.
Among matching events the strongest wins: thread, then SimHash (nearer first), then shared names
(more first), then terms (more overlap, then higher containment); ties go to the most recent event, then the smallest id, so
the result never depends on the order of `open_events`.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pipeline.fingerprint import hamming
from pipeline.types import Document

from analysis._docs import SHANGHAI, doc_time, hour_floor, hour_range, order_key, post_order, unique
from analysis.names import conflict, story_names
from analysis.stopwords import content_word

# The report and alert stages read post_order (it decides the first poster) and post_time (when
# a post appeared) through this module.
post_time = doc_time

WINDOW = timedelta(hours=72)
SIMHASH_DISTANCE = 3
MIN_OVERLAP = 3.0
MIN_CONTAINMENT = 0.4
MIN_SPECIFIC = 2
STRONG_OVERLAP = 3.5
LOCALITY_WEIGHT = 0.25
TOPIC_WORD_WEIGHT = 0.5
# Caps keep a persisted EventRef small however long the story runs.
TERM_CAP = 30
SIMHASH_CAP = 8
THREAD_CAP = 50
NAME_CAP = 20
# Terms taken from one document's tokens when the pipeline gave it no keywords.
_FALLBACK_TERMS = 12


@dataclass(frozen=True)
class EventRef:
    """The persisted summary of an open event (the alert stage stores these fields)."""

    id: str
    key_terms: frozenset[str]
    simhashes: tuple[int, ...]
    thread_urls: frozenset[str]
    topic_ids: frozenset[str]
    first_at: datetime
    last_at: datetime
    first_doc_id: str
    first_source: str
    doc_count: int
    sources: frozenset[str]
    # Where the first post sits, so a reply sharing its minute never displaces it (溯源).
    first_floor: int | None = None
    first_thread: str = ""
    # The schools, hospitals, roads, festivals and towns its opening posts name (analysis.names).
    names: frozenset[str] = frozenset()

    def first_key(self) -> tuple:
        """The first post's place in publication order (analysis._docs.order_key)."""
        return order_key(self.first_at, self.first_floor, self.first_thread, self.first_doc_id)


@dataclass(frozen=True)
class EventCluster:
    """A batch-built event for reports: its summary, documents (oldest first), hourly counts."""

    ref: EventRef
    doc_ids: tuple[str, ...]
    timeline: tuple[tuple[datetime, int], ...]


def _ranked_terms(doc: Document) -> tuple[str, ...]:
    """The doc's distinctive terms, strongest first: keywords, topic words, locality terms."""
    keywords = doc.keywords or _frequent_tokens(doc.tokens)
    topic_words = (w for hit in doc.topic_hits for w in hit.words)
    seen: dict[str, None] = {}
    for term in (*keywords, *topic_words, *doc.locality_terms):
        if content_word(term):
            seen.setdefault(term, None)
    return tuple(seen)


def _frequent_tokens(tokens: Sequence[str]) -> tuple[str, ...]:
    counts: dict[str, int] = defaultdict(int)
    for tok in tokens:
        if content_word(tok):
            counts[tok] += 1
    ranked = sorted(counts, key=lambda t: (-counts[t], t))
    return tuple(ranked[:_FALLBACK_TERMS])


def event_terms(doc: Document) -> frozenset[str]:
    """The doc's distinctive terms: keywords (or its most frequent tokens when it has none),
    locality terms and matched topic words, minus stopwords, numbers and single characters."""
    return frozenset(_ranked_terms(doc))


def _term_weights(doc: Document) -> dict[str, float]:
    """Weights of the doc's generic terms (locality first: a term that is both counts as locality)."""
    weights = {w: TOPIC_WORD_WEIGHT for hit in doc.topic_hits for w in hit.words}
    weights.update((t, LOCALITY_WEIGHT) for t in doc.locality_terms)
    return weights


def _matching_topics(doc: Document) -> frozenset[str]:
    worded = frozenset(h.topic_id for h in doc.topic_hits if h.words)
    return worded or frozenset(doc.topic_ids)


def _in_window(event: EventRef, t: datetime, window: timedelta) -> bool:
    return event.first_at - window <= t <= event.last_at + window


def _topics_agree(doc_topics: frozenset[str], event: EventRef) -> bool:
    """Both have topics and share one, or neither has any."""
    if bool(doc_topics) != bool(event.topic_ids):
        return False
    return not doc_topics or bool(doc_topics & event.topic_ids)


def _shared_names(names: frozenset[str], event: EventRef) -> int:
    """How many names say the doc tells the event's story: a school, hospital or road both name
    (not a town or an edition: a town holds many stories); a festival or exhibition only counts
    at a place both name, since every town holds its own 书画展."""
    shared = names & event.names
    things = [n for n in shared if not n.startswith(("place:", "edition:"))]
    if all(n.startswith("activity:") for n in things) and not any(n.startswith("place:") for n in shared):
        return 0
    return len(things)


def _term_score(
    terms: frozenset[str], weights: dict[str, float], doc_topics: frozenset[str], event: EventRef
) -> tuple[float, float] | None:
    """(weighted overlap, weighted containment) when rule 3 matches, else None."""
    if not _topics_agree(doc_topics, event):
        return None
    shared = terms & event.key_terms
    specific = sum(1 for t in shared if t not in weights)
    overlap = sum(weights.get(t, 1.0) for t in shared)
    if specific < MIN_SPECIFIC and not (specific >= 1 and overlap >= STRONG_OVERLAP):
        return None
    containment = overlap / sum(weights.get(t, 1.0) for t in terms)
    if overlap >= MIN_OVERLAP or containment >= MIN_CONTAINMENT:
        return overlap, containment
    return None


def match_event(
    doc: Document, open_events: Sequence[EventRef], *, window: timedelta = WINDOW
) -> str | None:
    """The id of the open event `doc` belongs to, or None when it starts a new one."""
    t = doc_time(doc)
    terms = event_terms(doc)
    weights = _term_weights(doc)
    topics = _matching_topics(doc)
    names = story_names(doc)
    matches: list[tuple[tuple[float, float, float], datetime, str]] = []
    for event in open_events:
        if not _in_window(event, t, window):
            continue
        if doc.thread_url and doc.thread_url in event.thread_urls:
            matches.append(((3, 0.0, 0.0), event.last_at, event.id))
            continue
        if conflict(names, event.names):  # another school, hospital, road, festival or town
            continue
        distance = min((hamming(doc.simhash, h) for h in event.simhashes if h), default=64)
        if doc.simhash and distance <= SIMHASH_DISTANCE:
            matches.append(((2, -distance, 0.0), event.last_at, event.id))
            continue
        shared = _shared_names(names, event)
        if shared and _topics_agree(topics, event):
            matches.append(((1.5, float(shared), 0.0), event.last_at, event.id))
            continue
        scored = _term_score(terms, weights, topics, event)
        if scored is not None:
            matches.append(((1, *scored), event.last_at, event.id))
    if not matches:
        return None
    # Strongest first, then the most recent event, then the smallest id.
    best = min(matches, key=lambda m: (tuple(-x for x in m[0]), -m[1].timestamp(), m[2]))
    return best[2]


def _add_capped(current: Iterable, new: Iterable, cap: int) -> list:
    """Keep everything already held; append new items in order until `cap` is reached."""
    items = list(dict.fromkeys(current))
    held = set(items)
    for item in new:
        if len(items) >= cap:
            break
        if item not in held:
            items.append(item)
            held.add(item)
    return items


def _add_simhash(simhashes: tuple[int, ...], h: int) -> tuple[int, ...]:
    """Representatives stay diverse: a near-duplicate of one already held adds nothing."""
    if not h or len(simhashes) >= SIMHASH_CAP:
        return simhashes
    if any(hamming(h, s) <= SIMHASH_DISTANCE for s in simhashes):
        return simhashes
    return (*simhashes, h)


def new_event(doc: Document, event_id: str) -> EventRef:
    """An event founded by `doc`."""
    t = doc_time(doc)
    return EventRef(
        id=event_id,
        key_terms=frozenset(_ranked_terms(doc)[:TERM_CAP]),
        simhashes=(doc.simhash,) if doc.simhash else (),
        thread_urls=frozenset([doc.thread_url] if doc.thread_url else ()),
        topic_ids=frozenset(doc.topic_ids),
        first_at=t,
        last_at=t,
        first_doc_id=doc.id,
        first_source=doc.source_id,
        doc_count=1,
        sources=frozenset([doc.source_id]),
        first_floor=doc.floor,
        first_thread=doc.thread_url or "",
        names=frozenset(sorted(story_names(doc))[:NAME_CAP]),
    )


def add_to_event(event: EventRef, doc: Document) -> EventRef:
    """`event` with `doc` added. An earlier doc becomes the first poster (溯源), even when seen later.

    Only opening posts (floor 1, or no floor: articles, feed items) add key terms. Replies are
    about their thread, which the event already holds, and their chatter ("同感", "顶") would
    otherwise fill the term slots and pull unrelated threads in.
    Not idempotent: the caller adds each document once (doc_count counts additions).
    """
    t = doc_time(doc)
    earlier = post_order(doc) < event.first_key()
    opener = doc.floor is None or doc.floor <= 1
    terms = _ranked_terms(doc) if opener else ()
    names = sorted(story_names(doc)) if opener else ()
    return EventRef(
        id=event.id,
        key_terms=frozenset(_add_capped(sorted(event.key_terms), terms, TERM_CAP)),
        simhashes=_add_simhash(event.simhashes, doc.simhash),
        thread_urls=frozenset(
            _add_capped(sorted(event.thread_urls), [doc.thread_url] if doc.thread_url else [], THREAD_CAP)
        ),
        topic_ids=event.topic_ids | frozenset(doc.topic_ids),
        first_at=t if earlier else event.first_at,
        last_at=max(event.last_at, t),
        first_doc_id=doc.id if earlier else event.first_doc_id,
        first_source=doc.source_id if earlier else event.first_source,
        doc_count=event.doc_count + 1,
        sources=event.sources | {doc.source_id},
        first_floor=doc.floor if earlier else event.first_floor,
        first_thread=(doc.thread_url or "") if earlier else event.first_thread,
        names=frozenset(_add_capped(sorted(event.names), names, NAME_CAP)),
    )


class _Index:
    """Candidate lookup for `cluster`: only events sharing a thread, a specific term, a name or a
    SimHash band can match. Four 16-bit bands are exact for distance <= 3: three flipped bits leave a band
    intact."""

    def __init__(self) -> None:
        self.events: dict[str, EventRef] = {}
        self._by_key: dict[tuple, set[str]] = defaultdict(set)

    @staticmethod
    def _keys(event: EventRef) -> Iterable[tuple]:
        yield from (("thread", u) for u in event.thread_urls)
        yield from (("term", t) for t in event.key_terms)
        yield from (("name", n) for n in event.names)
        for h in event.simhashes:
            yield from (("band", i, (h >> (16 * i)) & 0xFFFF) for i in range(4))

    def put(self, event: EventRef) -> None:
        self.events[event.id] = event
        for key in self._keys(event):
            self._by_key[key].add(event.id)

    def candidates(self, doc: Document) -> list[EventRef]:
        # Rule 3 needs shared specific terms, so the place name every post carries is no key.
        specific = event_terms(doc) - _term_weights(doc).keys()
        keys = [("thread", doc.thread_url), *(("term", t) for t in specific),
                *(("name", n) for n in story_names(doc))]
        if doc.simhash:
            keys += [("band", i, (doc.simhash >> (16 * i)) & 0xFFFF) for i in range(4)]
        ids = set().union(*(self._by_key.get(k, ()) for k in keys))
        return [self.events[i] for i in sorted(ids)]


def cluster(
    docs: Sequence[Document], *, window: timedelta = WINDOW, tz: ZoneInfo = SHANGHAI
) -> list[EventCluster]:
    """Group a batch of documents into events, largest first (then oldest, then id).

    Documents are taken in publication order (analysis._docs.post_order), so each event's id
    ("ev-" + its first document's id) and first poster do not depend on input order. Duplicate
    document ids count once.
    """
    ordered = sorted(unique(docs), key=post_order)
    index = _Index()
    members: dict[str, list[Document]] = defaultdict(list)
    for doc in ordered:
        event_id = match_event(doc, index.candidates(doc), window=window)
        if event_id is None:
            event = new_event(doc, f"ev-{doc.id}")
        else:
            event = add_to_event(index.events[event_id], doc)
        index.put(event)
        members[event.id].append(doc)

    clusters = [
        EventCluster(ref=index.events[eid], doc_ids=tuple(d.id for d in ds), timeline=_timeline(ds, tz))
        for eid, ds in members.items()
    ]
    clusters.sort(key=lambda c: (-c.ref.doc_count, c.ref.first_at, c.ref.id))
    return clusters


def _timeline(docs: Sequence[Document], tz: ZoneInfo) -> tuple[tuple[datetime, int], ...]:
    """Hourly document counts from the first hour to the last, zero-filled."""
    counts: dict[datetime, int] = defaultdict(int)
    for d in docs:
        counts[hour_floor(doc_time(d), tz)] += 1
    hours = hour_range(min(counts), max(counts), tz)
    return tuple((h, counts.get(h, 0)) for h in hours)
