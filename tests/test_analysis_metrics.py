"""analysis.hotwords, analysis.volume, analysis.stats: hot words, hourly volumes, spikes, report counts."""
from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from analysis.hotwords import hot_words
from analysis.stats import importance, period_stats, report_picks, top_documents
from analysis.volume import Spike, by_source, spike_score, spikes, volume_by_hour
from pipeline.types import Document, TopicHit

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=TZ)


def make_doc(doc_id: str, minutes_ago: float, **fields) -> Document:
    """A relevant document published `minutes_ago` before NOW; `topics` is a tuple of topic ids."""
    at = NOW - timedelta(minutes=minutes_ago)
    topics = fields.pop("topics", ())
    source = fields.pop("source_id", "forum")
    return Document(
        id=doc_id,
        source_id=source,
        kind=fields.pop("kind", "forum"),
        url=f"https://{source}.example/{doc_id}",
        thread_url=fields.pop("thread_url", f"https://{source}.example/t/{doc_id}"),
        title="",
        text="",
        fetched_at=at,
        published_at=at,
        topic_hits=tuple(TopicHit(t, t, None, None, ()) for t in topics),
        relevant=fields.pop("relevant", True),
        **fields,
    )


# ---- hot words ---------------------------------------------------------------------------------

BACKGROUND_TOKENS = ("青溪", "天气", "大家", "小区", "孩子", "上学")


def _background(n: int, prefix: str) -> list[Document]:
    return [make_doc(f"{prefix}{i}", i, tokens=BACKGROUND_TOKENS[: 2 + i % 5]) for i in range(n)]


def test_burst_term_outranks_background():
    baseline = _background(100, "b")
    current = _background(40, "c") + [
        make_doc(f"x{i}", i, tokens=("青溪", "爆炸", "化工厂", "的", "了")) for i in range(8)
    ]
    ranked = hot_words(current, baseline=baseline, top=5)
    words = [w for w, _ in ranked]
    assert words[:2] == ["化工厂", "爆炸"]  # equal burst, ties by word
    assert "天气" not in words and "青溪" not in words  # at their usual rate
    assert all(score > 0 for _, score in ranked)


def test_hot_words_without_baseline_rank_by_spread_and_drop_noise():
    docs = [make_doc(f"d{i}", i, tokens=("停水", "东湖区", "我们", "的", "2025")) for i in range(6)]
    docs += [make_doc(f"e{i}", i, tokens=("停水",)) for i in range(4)]
    docs += [make_doc("spam", 1, tokens=("广告",) * 50)]  # one post repeating a word is not hot
    ranked = dict(hot_words(docs))
    assert list(ranked) == ["停水", "东湖区", "广告"]
    assert ranked["停水"] == pytest.approx(10 * math.log(1 + 11 / 10))
    assert ranked["广告"] < ranked["东湖区"]


def test_hot_words_use_keywords_when_tokens_are_missing():
    docs = [make_doc(f"d{i}", i, keywords=("塌方", "山路")) for i in range(3)]
    assert [w for w, _ in hot_words(docs, top=1)] == ["塌方"]


# ---- volume and spikes -------------------------------------------------------------------------


def test_volume_by_hour_aligns_zero_filled_series():
    docs = [
        make_doc("a", 170, topics=("pollution",)),  # 09:10
        make_doc("b", 160, topics=("pollution", "traffic")),  # 09:20
        make_doc("c", 30, topics=("traffic",)),  # 11:30
        make_doc("d", 20),  # no topic: not counted
    ]
    vol = volume_by_hour(docs)
    assert list(vol) == ["pollution", "traffic"]
    assert [(h.hour, n) for h, n in vol["pollution"]] == [(9, 2), (10, 0), (11, 0)]
    assert [(h.hour, n) for h, n in vol["traffic"]] == [(9, 1), (10, 0), (11, 1)]
    assert vol["traffic"][0][0] == datetime(2025, 3, 10, 9, tzinfo=TZ)
    by_src = volume_by_hour(docs, key=by_source)
    assert [n for _, n in by_src["forum"]] == [2, 0, 2]
    assert volume_by_hour([]) == {}


def test_volume_buckets_in_local_time():
    utc_doc = make_doc("u", 0)
    utc_doc = Document(**{**{f: getattr(utc_doc, f) for f in utc_doc.__slots__},
                          "published_at": datetime(2025, 3, 10, 1, 30, tzinfo=ZoneInfo("UTC")),
                          "topic_hits": (TopicHit("t", "t", None, None, ()),)})
    ((hour, n),) = volume_by_hour([utc_doc])["t"]
    assert (hour.hour, hour.utcoffset(), n) == (9, timedelta(hours=8), 1)


@pytest.mark.parametrize(
    ("current", "baseline", "expected"),
    [
        (10, [10] * 12, 0.0),  # steady
        (30, [10] * 12, 20 / math.sqrt(10)),  # steady baseline: Poisson floor √mean
        (5, [0] * 12, 5.0),  # empty baseline: floor of 1
        (12, [2, 18] * 6, (12 - 10) / 8),  # noisy baseline: its std
        (3, [], 3.0),
    ],
)
def test_spike_score(current, baseline, expected):
    assert spike_score(current, baseline) == pytest.approx(expected)


def _hourly(topic: str, per_hour: list[int]) -> list[Document]:
    """per_hour[0] docs in the current hour, per_hour[1] in the hour before, and so on."""
    return [
        make_doc(f"{topic}-{h}-{i}", h * 60 + 1 + i * 50 / max(n, 1), topics=(topic,))
        for h, n in enumerate(per_hour)
        for i in range(n)
    ]


def test_spikes_flag_bursts_not_steady_volume():
    docs = _hourly("burst", [25] + [2] * 12) + _hourly("steady", [6] * 13) + _hourly("quiet", [3] + [0] * 12)
    found = spikes(docs, now=NOW)
    assert [s.key for s in found] == ["burst", "steady"]  # quiet is under min_count
    burst, steady = found
    assert burst == Spike("burst", 25, 2.0, pytest.approx(23 / math.sqrt(2)))
    assert steady.current == 6 and steady.baseline_mean == 6 and steady.score == pytest.approx(0.0)
    assert [s.key for s in spikes(docs, now=NOW, min_count=3)] == ["burst", "quiet", "steady"]


def test_spikes_ignore_future_and_old_documents():
    docs = _hourly("t", [6]) + [make_doc(f"f{i}", -30, topics=("t",)) for i in range(9)]
    docs += [make_doc(f"o{i}", 14 * 60, topics=("t",)) for i in range(50)]  # before the baseline
    (only,) = spikes(docs, now=NOW)
    assert (only.current, only.baseline_mean) == (6, 0.0)


def test_spikes_windows_follow_parameters():
    docs = _hourly("t", [3, 3, 0, 0])  # 6 posts in the last two hours
    (only,) = spikes(docs, now=NOW, current=timedelta(hours=2), baseline=timedelta(hours=4), min_count=6)
    assert (only.current, only.baseline_mean) == (6, 0.0)
    with pytest.raises(ValueError):
        spikes(docs, now=NOW, current=timedelta(hours=2), baseline=timedelta(hours=1))


# ---- period statistics and ranking -------------------------------------------------------------


def test_period_stats_counts():
    docs = [
        make_doc("a", 1, topics=("pollution",), category="生态环境", severity="orange", negative=True),
        make_doc("b", 2, topics=("pollution", "traffic"), category="生态环境", severity="red", negative=True,
                 source_id="tieba", kind="tieba"),
        make_doc("c", 3, topics=("traffic",), category="交通运输", severity="orange"),
        make_doc("d", 4, source_id="news", kind="news"),
        make_doc("e", 5, relevant=False, negative=True, topics=("pollution",), severity="blue", source_id="news", kind="news"),
        make_doc("a", 1, topics=("pollution",)),  # the same document again
    ]
    s = period_stats(docs)
    assert (s.total, s.relevant, s.negative) == (5, 4, 2)
    assert s.by_source == {"forum": 2, "news": 2, "tieba": 1}
    assert list(s.by_source) == ["forum", "news", "tieba"]
    assert s.by_topic == {"pollution": 2, "traffic": 2}
    assert s.by_category == {"生态环境": 2, "交通运输": 1}
    assert list(s.by_severity.items()) == [("red", 1), ("orange", 2)]
    assert s.by_kind == {"forum": 2, "news": 2, "tieba": 1}


def test_importance_orders_grade_then_negativity_then_heat_then_recency():
    ranked = [
        make_doc("red-quiet", 600, severity="red", negative=True, sentiment=-0.2),
        make_doc("orange-viral", 0, severity="orange", negative=True, sentiment=-1.0, replies=50000, views=10**6),
        make_doc("negative-old", 2000, negative=True, sentiment=-0.3),
        make_doc("hot-neutral", 600, replies=2000),
        make_doc("warm-neutral", 600, replies=20),
        make_doc("fresh-quiet", 0),
        make_doc("old-quiet", 600),
    ]
    scores = [importance(d, NOW) for d in ranked]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)
    # the documented formula, term by term
    assert importance(ranked[0], NOW) == pytest.approx(40 + 4 + 0.4 + 0 + 0.5 ** (10 / 12))
    heavy = make_doc("w", 600, replies=20, source_weight=3.0)
    assert importance(heavy, NOW) > importance(ranked[4], NOW)


def test_top_documents_one_per_event_relevant_first():
    thread = "https://bbs.example/t/1"
    docs = [
        make_doc("op", 100, thread_url=thread, severity="orange", negative=True, replies=300),
        make_doc("reply", 50, thread_url=thread, severity="orange", negative=True, sentiment=-1.0),
        make_doc("other", 10, severity="yellow", negative=True),
        make_doc("noise", 5, relevant=False, replies=10**5),
        make_doc("calm", 1),
    ]
    assert importance(docs[0], NOW) > importance(docs[1], NOW)  # the thread's best post speaks for it
    top = top_documents(docs, n=3)
    assert [d.id for d in top] == ["op", "other", "calm"]
    assert [d.id for d in top_documents(docs, n=10)] == ["op", "other", "calm", "noise"]
    assert top_documents([], n=3) == [] and top_documents(docs, n=0) == []


def test_top_documents_show_the_opening_post_of_a_hot_thread():
    thread = "https://bbs.example/t/9"
    docs = [
        make_doc("op", 100, thread_url=thread, floor=1, severity="orange", negative=True),
        make_doc("angry-reply", 50, thread_url=thread, floor=7, severity="orange", negative=True,
                 sentiment=-1.0, replies=400),
        make_doc("red-reply", 40, thread_url="https://bbs.example/t/10", floor=3, severity="red",
                 negative=True),
        make_doc("yellow-op", 45, thread_url="https://bbs.example/t/10", floor=1, severity="yellow"),
    ]
    top = top_documents(docs, n=5)
    # The reply outranks the opening post, but the story is reported by its opening post...
    assert importance(docs[1], NOW) > importance(docs[0], NOW)
    assert "op" in [d.id for d in top] and "angry-reply" not in [d.id for d in top]
    # ...unless the opening post is less severe than the reply that makes the thread matter.
    assert "red-reply" in [d.id for d in top] and "yellow-op" not in [d.id for d in top]


def test_report_picks_put_selections_first_and_fill_up_to_n():
    thread = "https://bbs.example/t/1"
    pool = [
        make_doc("op", 100, thread_url=thread, severity="orange", negative=True, replies=300),
        make_doc("reply", 50, thread_url=thread, severity="orange", negative=True),
        make_doc("other", 10, severity="yellow", negative=True),
        make_doc("calm", 1),
    ]
    assert [(p.doc.id, p.selected) for p in report_picks([], pool, 3)] == [
        ("op", False), ("other", False), ("calm", False)]
    # a selection keeps the rest; its story (the reply's thread) is not repeated by the ranking
    picks = report_picks([pool[1]], pool, 3)
    assert [(p.doc.id, p.selected) for p in picks] == [("reply", True), ("other", False), ("calm", False)]
    # selections stay in the order given, all kept beyond n (up to max_selected), duplicates once
    many = [pool[3], pool[2], pool[3], pool[0]]
    assert [p.doc.id for p in report_picks(many, pool, 2)] == ["calm", "other", "op"]
    assert [(p.doc.id, p.selected) for p in report_picks(many, pool, 2, max_selected=1)] == [
        ("calm", True), ("op", False)]
    assert report_picks([], [], 3) == [] and [p.doc.id for p in report_picks([pool[2]], [], 3)] == ["other"]
