"""analysis.events: reposts of one story become one event, with its first poster (溯源)."""
from __future__ import annotations

import ast
import random
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from analysis.events import (
    SIMHASH_CAP,
    TERM_CAP,
    THREAD_CAP,
    EventRef,
    add_to_event,
    cluster,
    event_terms,
    match_event,
    new_event,
)
from pipeline.types import Document, TopicHit

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2025, 3, 10, 8, 0, tzinfo=TZ)
LOCALITY = ("青溪", "青溪市", "临江县")
POLLUTION = ("pollution", ("偷排", "污染"))


def make_doc(
    doc_id: str,
    minutes: float,
    keywords: tuple[str, ...] = (),
    *,
    source: str = "forum",
    thread: str | None = None,
    topics: tuple[tuple[str, tuple[str, ...]], ...] = (POLLUTION,),
    locality: tuple[str, ...] = LOCALITY,
    simhash: int = 0,
    tokens: tuple[str, ...] = (),
) -> Document:
    at = T0 + timedelta(minutes=minutes)
    return Document(
        id=doc_id,
        source_id=source,
        kind="forum",
        url=f"https://{source}.example/{doc_id}",
        thread_url=thread if thread is not None else f"https://{source}.example/t/{doc_id}",
        title="",
        text="",
        fetched_at=at + timedelta(minutes=5),
        published_at=at,
        tokens=tokens,
        keywords=keywords,
        locality_terms=locality,
        topic_hits=tuple(TopicHit(tid, tid, None, None, words) for tid, words in topics),
        relevant=True,
        simhash=simhash,
    )


# One story (a chemical plant dumping waste water at 清河村) told three ways on three sites.
STORY = [
    make_doc("f1", 0, ("化工厂", "偷排", "废水", "清河村", "死鱼", "河道"), source="forum", simhash=0x0F0F_0000_1234_5678),
    make_doc("t1", 40, ("清河村", "化工厂", "死鱼", "村民", "晚上", "偷排"), source="tieba", simhash=0x7777_AAAA_0000_FFFF),
    make_doc("n1", 180, ("临江县", "清河村", "化工厂", "废水", "环保局", "调查"), source="news", simhash=0x1234_0000_FFFF_0000),
]
# Unrelated local complaints of the same topic: they share only the place and topic words.
UNRELATED = [
    make_doc("u1", 10, ("垃圾站", "臭味", "小区", "物业", "污染"), simhash=0x1111_0000_0000_0000),
    make_doc("u2", 20, ("工地", "扬尘", "学校", "污染", "偷排"), simhash=0x2222_0000_0000_0000),
    make_doc("u3", 30, ("化工厂", "招聘", "工资", "污染"), simhash=0x3333_0000_0000_0000),
]


def _stream(docs: list[Document]) -> list[EventRef]:
    """What the alert stage does: match each doc against the open events, or open a new one."""
    events: dict[str, EventRef] = {}
    for i, doc in enumerate(docs):
        eid = match_event(doc, list(events.values()))
        events[eid or f"e{i}"] = add_to_event(events[eid], doc) if eid else new_event(doc, f"e{i}")
    return list(events.values())


def test_reposts_across_sites_make_one_event():
    events = _stream(STORY)
    assert len(events) == 1
    ev = events[0]
    assert ev.doc_count == 3
    assert ev.sources == {"forum", "tieba", "news"}
    assert (ev.first_doc_id, ev.first_source, ev.first_at) == ("f1", "forum", STORY[0].published_at)
    assert ev.last_at == STORY[2].published_at
    assert ev.thread_urls == {d.thread_url for d in STORY}
    assert {"化工厂", "清河村", "死鱼", "环保局"} <= ev.key_terms


def test_unrelated_local_complaints_stay_apart():
    events = _stream(STORY + UNRELATED)
    by_first = {e.first_doc_id: e.doc_count for e in events}
    assert by_first == {"f1": 3, "u1": 1, "u2": 1, "u3": 1}


@pytest.mark.parametrize(
    ("keywords", "topics", "joins"),
    [
        # two specific shared terms (化工厂, 清河村) plus topic words and place: enough
        (("化工厂", "清河村", "偷排", "污染"), (POLLUTION,), True),
        # one specific shared term plus generic ones: not enough
        (("化工厂", "偷排", "污染", "停车"), (POLLUTION,), False),
        # three specific shared terms but a different topic
        (("化工厂", "清河村", "死鱼"), (("traffic", ("拥堵",)),), False),
        # three specific shared terms, the doc has no topic while the event has one
        (("化工厂", "清河村", "死鱼"), (), False),
        # a short repost: two specific terms are most of what it says (containment)
        (("化工厂", "清河村"), (("pollution", ("排污",)),), True),
        # a long post that mentions two of the story's terms among many others
        (("化工厂", "清河村", "停车", "物业", "电梯", "房价", "学区", "装修", "宽带"), (("pollution", ("排污",)),), False),
    ],
)
def test_term_rule(keywords, topics, joins):
    ev = new_event(STORY[0], "e1")
    doc = make_doc("x", 60, keywords, topics=topics)
    assert match_event(doc, [ev]) == ("e1" if joins else None)


def test_catch_all_topic_does_not_join_other_topics():
    local = ("local", ())  # a catch-all topic: no words, every local post has it
    story = new_event(make_doc("s", 0, ("化工厂", "清河村", "死鱼"), topics=(POLLUTION, local)), "e1")
    school = make_doc("x", 30, ("化工厂", "清河村", "死鱼"), topics=(("school", ("学生",)), local))
    chatter = make_doc("y", 30, ("化工厂", "清河村", "死鱼"), topics=(local,))
    assert match_event(school, [story]) is None
    assert match_event(chatter, [story]) == "e1"


def test_replies_add_no_key_terms():
    ev = new_event(STORY[0], "e1")
    reply = Document(**{**{f: getattr(STORY[1], f) for f in STORY[1].__slots__}, "floor": 7})
    grown = add_to_event(ev, reply)
    assert grown.key_terms == ev.key_terms and grown.doc_count == 2
    assert add_to_event(ev, STORY[1]).key_terms > ev.key_terms


def test_documents_without_topics_group_by_terms():
    a = make_doc("a", 0, ("停电", "东湖区", "变电站", "抢修"), topics=())
    b = make_doc("b", 30, ("东湖区", "变电站", "停电", "居民"), topics=())
    assert match_event(b, [new_event(a, "e1")]) == "e1"


def test_same_thread_is_same_event_without_shared_words():
    first = make_doc("p1", 0, ("化工厂", "清河村", "死鱼"), thread="https://bbs.example/t/9")
    reply = make_doc("p2", 300, ("顶上去", "支持"), thread="https://bbs.example/t/9", topics=())
    assert match_event(reply, [new_event(first, "e1")]) == "e1"


@pytest.mark.parametrize(("bits", "joins"), [(0, True), (3, True), (4, False)])
def test_simhash_near_duplicates(bits, joins):
    h = 0xDEAD_BEEF_0123_4567
    flipped = h ^ sum(1 << (i * 13) for i in range(bits))
    a = make_doc("a", 0, ("化工厂",), simhash=h)
    b = make_doc("b", 30, ("演唱会",), topics=(("culture", ("演出",)),), simhash=flipped)
    assert match_event(b, [new_event(a, "e1")]) == ("e1" if joins else None)


def test_missing_simhash_never_matches():
    a = make_doc("a", 0, ("化工厂",), simhash=0)
    b = make_doc("b", 30, ("演唱会",), topics=(("culture", ("演出",)),), simhash=0)
    assert match_event(b, [new_event(a, "e1")]) is None


@pytest.mark.parametrize(("hours", "joins"), [(71, True), (73, False), (-71, True), (-73, False)])
def test_window(hours, joins):
    ev = new_event(STORY[0], "e1")
    same_thread = make_doc("late", hours * 60, STORY[0].keywords, thread=STORY[0].thread_url)
    assert match_event(same_thread, [ev]) == ("e1" if joins else None)
    assert match_event(same_thread, [ev], window=timedelta(hours=200)) == "e1"


def test_first_poster_is_earliest_even_when_seen_later():
    ev = new_event(STORY[2], "e1")  # the news report arrives first
    ev = add_to_event(ev, STORY[1])
    ev = add_to_event(ev, STORY[0])  # the original forum post is found last
    assert (ev.first_doc_id, ev.first_source) == ("f1", "forum")
    assert ev.first_at == STORY[0].published_at
    assert ev.last_at == STORY[2].published_at
    # the cluster result does not depend on input order
    for seed in range(3):
        docs = STORY + UNRELATED
        random.Random(seed).shuffle(docs)
        big = cluster(docs)[0]
        assert (big.ref.id, big.ref.first_doc_id, big.doc_ids) == ("ev-f1", "f1", ("f1", "t1", "n1"))


def test_publish_time_after_fetch_is_capped():
    doc = make_doc("d", 0, ("化工厂",))
    doc = Document(**{**{f: getattr(doc, f) for f in doc.__slots__}, "published_at": doc.fetched_at + timedelta(hours=5)})
    assert new_event(doc, "e").first_at == doc.fetched_at


def test_caps_hold():
    ev = new_event(make_doc("d0", 0, tuple(f"词{i}甲" for i in range(50)), simhash=1 << 63), "e1")
    assert len(ev.key_terms) == TERM_CAP
    for i in range(1, 120):
        doc = make_doc(f"d{i}", i, (f"新词{i}", f"另词{i}"), simhash=(0xFFFF << (i % 48)) | i << 50 | 1)
        ev = add_to_event(ev, doc)
    assert len(ev.key_terms) == TERM_CAP
    assert len(ev.simhashes) == SIMHASH_CAP
    assert len(ev.thread_urls) == THREAD_CAP
    assert ev.doc_count == 120
    assert ev.first_doc_id == "d0"
    # the founding thread is never pushed out
    assert "https://forum.example/t/d0" in ev.thread_urls


def test_tie_break_is_order_independent():
    a = new_event(STORY[0], "b-event")
    b = new_event(STORY[0], "a-event")
    doc = STORY[1]
    assert match_event(doc, [a, b]) == match_event(doc, [b, a]) == "a-event"
    newer = add_to_event(a, make_doc("z", 120, ("化工厂",), thread=STORY[0].thread_url))
    assert match_event(doc, [b, newer]) == "b-event"  # same strength: the most recent event wins


def test_thread_beats_terms():
    by_terms = new_event(STORY[0], "a-terms")
    by_thread = new_event(make_doc("other", 0, ("停车",), thread="https://t.example/1"), "z-thread")
    doc = make_doc("r", 10, STORY[0].keywords, thread="https://t.example/1")
    assert match_event(doc, [by_terms, by_thread]) == "z-thread"


def test_event_terms_drop_noise_and_fall_back_to_tokens():
    doc = make_doc("d", 0, ("化工厂", "我们", "的", "2025", "PX"), topics=(POLLUTION,), locality=("青溪",))
    assert event_terms(doc) == {"化工厂", "PX", "偷排", "污染", "青溪"}
    bare = make_doc("b", 0, (), tokens=("死鱼", "死鱼", "了", "河道", "大家", "死鱼", "河道", "村民"), topics=(), locality=())
    assert event_terms(bare) == {"死鱼", "河道", "村民"}


def test_timeline_is_hourly_and_zero_filled():
    docs = [
        make_doc("a", 0, ("化工厂", "清河村", "死鱼")),
        make_doc("b", 10, ("化工厂", "清河村", "死鱼")),
        make_doc("c", 190, ("化工厂", "清河村", "死鱼")),
    ]
    (only,) = cluster(docs)
    assert [(h.hour, n) for h, n in only.timeline] == [(8, 2), (9, 0), (10, 0), (11, 1)]
    assert all(h.utcoffset() == timedelta(hours=8) for h, _ in only.timeline)


def test_cluster_dedupes_and_orders_largest_first():
    clusters = cluster(UNRELATED + STORY + [STORY[0]])
    assert [c.ref.doc_count for c in clusters] == [3, 1, 1, 1]
    assert [c.ref.id for c in clusters[1:]] == ["ev-u1", "ev-u2", "ev-u3"]


def test_cluster_groups_near_duplicates_by_simhash_alone():
    """Copies 3 bits away from the first, no shared words, no shared thread. The flips spread over
    bands so some copies share only one 16-bit band with the first."""
    bases = [0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210]
    flips = [(), (1, 2, 3), (5, 21, 37), (20, 36, 52)]
    docs = [
        make_doc(f"{b}-{j}", j * 10, (f"独有{b}{j}",), topics=(), simhash=bases[b] ^ sum(1 << i for i in bits))
        for b in range(2)
        for j, bits in enumerate(flips)
    ]
    groups = sorted(c.doc_ids for c in cluster(docs))
    assert groups == [tuple(f"{b}-{j}" for j in range(4)) for b in range(2)]


def test_cluster_index_matches_brute_force():
    """The candidate index must never hide an event that match_event would pick."""
    rng = random.Random(7)
    vocab = [f"词{i}" for i in range(60)]
    bases = [rng.getrandbits(64) for _ in range(6)]
    docs = []
    for i in range(150):
        base = rng.choice(bases)
        h = base ^ sum(1 << rng.randrange(64) for _ in range(rng.randrange(4)))
        docs.append(
            make_doc(
                f"d{i:03d}",
                rng.randrange(0, 6000),
                tuple(rng.sample(vocab, 4)),
                thread=f"t{rng.randrange(300)}",
                topics=(rng.choice([POLLUTION, ("traffic", ("拥堵",))]),),
                simhash=h if rng.random() < 0.7 else 0,
            )
        )
    expected: dict[str, list[str]] = {}
    events: dict[str, EventRef] = {}
    for d in sorted(docs, key=lambda d: (d.published_at, d.id)):
        eid = match_event(d, list(events.values()))
        events[eid or f"ev-{d.id}"] = add_to_event(events[eid], d) if eid else new_event(d, f"ev-{d.id}")
        expected.setdefault(eid or f"ev-{d.id}", []).append(d.id)
    got = {c.ref.id: list(c.doc_ids) for c in cluster(docs)}
    assert got == expected
    assert 1 < len(got) < len(docs)  # the data really mixes merging and splitting


def test_analysis_imports_only_pipeline_and_stdlib():
    root = Path(__file__).resolve().parents[1] / "analysis"
    ours = {"pipeline", "analysis", "storage", "crawlers", "alerts", "console", "demo", "scheduler"}
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top not in ours - {"pipeline", "analysis"}, f"{path.name} imports {name}"


def _floor(doc: Document, floor: int, doc_id: str) -> Document:
    return Document(**{**{f: getattr(doc, f) for f in doc.__slots__}, "floor": floor, "id": doc_id})


def test_opener_is_first_poster_when_a_reply_shares_its_minute():
    """Minute-precise forum times: floor 1 and floor 26 at 08:00, floor 26's id sorting first."""
    thread = "https://forum.example/t/77"
    opener = _floor(make_doc("x", 0, STORY[0].keywords, thread=thread), 1, "zz-floor-1")
    reply = _floor(make_doc("x", 0, ("顶",), thread=thread), 26, "aa-floor-26")
    for first, second in ((reply, opener), (opener, reply)):
        ev = add_to_event(new_event(first, "e1"), second)
        assert (ev.first_doc_id, ev.first_floor, ev.first_thread) == ("zz-floor-1", 1, thread)
    for docs in ([reply, opener], [opener, reply]):
        (only,) = cluster(docs)
        assert (only.ref.id, only.ref.first_doc_id, only.doc_ids) == (
            "ev-zz-floor-1", "zz-floor-1", ("zz-floor-1", "aa-floor-26"))


def test_an_article_without_floor_counts_as_an_opener():
    """Same minute, two sites: a news article (no floor) comes before a forum reply."""
    article = _floor(make_doc("x", 0, STORY[0].keywords, source="news"), None, "zz-article")
    reply = _floor(make_doc("x", 0, STORY[0].keywords, thread=article.thread_url), 3, "aa-reply")
    ev = add_to_event(new_event(reply, "e1"), article)
    assert ev.first_doc_id == "zz-article"
