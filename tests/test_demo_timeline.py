"""The demo content generator, clock and time formats (no server)."""
from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from demo.clock import DemoClock
from demo.timefmt import discuz_abs, discuz_relative, rfc822, tieba_short
from demo.timeline import (INCIDENT_BBS_AT, INCIDENT_NEWS_AT, INCIDENT_TIEBA_AT, LIVE_SECONDS, build_timeline)

SH = ZoneInfo("Asia/Shanghai")
TOPICS = yaml.safe_load((Path(__file__).resolve().parents[1] / "config" / "topics.yaml").read_text("utf-8"))
LOCALITY = TOPICS["locality"]["terms"]
LOOKALIKES = TOPICS["locality"]["exclude"]
SEVERE_WORDS = [w for t in TOPICS["topics"] if t["severity"] in ("orange", "red") for w in t.get("any", [])]
YELLOW_WORDS = [w for t in TOPICS["topics"] if t["severity"] == "yellow" for w in t.get("any", [])]
ANGRY = ("气死", "气人", "生气", "气愤", "过分", "愤怒", "心寒", "失望", "没人管", "严查", "追责", "火大", "忍不了",
         "不值钱")


@pytest.fixture(scope="module", params=[7, 1, 42])
def timeline(request):
    return build_timeline(request.param)


def _local_terms(text: str) -> list[str]:
    for word in LOOKALIKES:
        text = text.replace(word, "")
    return [t for t in LOCALITY if t in text]


def test_same_seed_same_content_other_seed_differs(timeline):
    again = build_timeline(timeline.seed)
    assert [(p.site, p.thread_id, p.post_id, p.floor, p.author, p.title, p.text, p.offset) for p in again.posts] == \
           [(p.site, p.thread_id, p.post_id, p.floor, p.author, p.title, p.text, p.offset) for p in timeline.posts]
    other = build_timeline(timeline.seed + 1)
    assert [p.text for p in other.posts] != [p.text for p in timeline.posts]


def test_volume_backlog_and_live_window(timeline):
    for site, per_page in (("tieba", 50), ("bbs", 20), ("news", 20)):
        at_start = timeline.listing(site, 0)
        at_end = timeline.listing(site, LIVE_SECONDS)
        assert len(at_start) > per_page, f"{site}: the first crawl should find more than one list page"
        assert len(at_end) > len(at_start), f"{site}: new threads appear during the story"
    live = [p for p in timeline.posts if 0 <= p.offset <= LIVE_SECONDS]
    backlog = [p for p in timeline.posts if p.offset < 0]
    assert len(live) > 100 and len(backlog) > 300
    assert min(p.offset for p in backlog if p.category != "sticky") >= -86400


def test_no_two_posts_identical_and_titles_unique_per_site(timeline):
    texts = Counter(p.text for p in timeline.posts)
    assert texts.most_common(1)[0][1] == 1
    for site in ("tieba", "bbs", "news"):
        titles = Counter(t.title for t in timeline.threads(site))
        assert titles.most_common(1)[0][1] == 1


def test_forum_content_is_pure_gbk(timeline):
    for p in timeline.posts:
        if p.site == "bbs":
            (p.title + p.text + p.author).encode("gbk")  # raises on a character GBK lacks


def test_floors_and_ids_follow_time(timeline):
    for site in ("tieba", "bbs"):
        threads = sorted(timeline.threads(site), key=lambda t: t.posts[0].offset)
        assert [t.thread_id for t in threads] == sorted(t.thread_id for t in threads)
        posts = sorted((p for t in threads for p in t.posts), key=lambda p: (p.offset, p.post_id))
        assert [p.post_id for p in posts] == sorted(p.post_id for p in posts)
        assert len({p.post_id for p in posts}) == len(posts)
        for t in threads:
            assert [p.floor for p in t.posts] == list(range(1, len(t.posts) + 1))
            assert list(t.offsets) == sorted(t.offsets)


def test_only_the_incident_uses_severe_words(timeline):
    for p in timeline.posts:
        words = [w for w in SEVERE_WORDS if w in p.title + p.text]
        if p.incident:
            assert words, p.text
        else:
            assert not words, (p.category, p.title, p.text, words)


def test_each_incident_post_is_clearly_the_one_story(timeline):
    incident = [p for p in timeline.posts if p.incident]
    assert len(incident) > 40
    for p in incident:
        assert "临江县" in p.text and "鑫源化工厂" in p.text, p.text
        assert any(w in p.text for w in ANGRY), p.text
    threads = {(p.site, p.thread_id) for p in incident}
    assert sorted(site for site, _ in threads) == ["bbs", "news", "tieba"]  # one thread per site
    first = {site: min(p.offset for p in incident if p.site == site) for site in ("tieba", "bbs", "news")}
    assert first == {"tieba": INCIDENT_TIEBA_AT, "bbs": INCIDENT_BBS_AT, "news": INCIDENT_NEWS_AT}
    tieba = [p for p in incident if p.site == "tieba"]
    assert sum(p.offset <= 1800 for p in tieba) > 10 and sum(p.offset > 3600 for p in tieba) > 3  # keeps growing


def test_categories_keep_their_promises(timeline):
    by_cat: dict[str, list] = {}
    for p in timeline.posts:
        by_cat.setdefault(p.category, []).append(p)
    assert {"chatter", "local", "trap", "complaint", "incident", "news", "sticky"} <= set(by_cat)
    assert len(by_cat["chatter"]) > len(by_cat["local"]) > len(by_cat["trap"])
    for p in by_cat["chatter"] + by_cat["trap"]:
        assert not _local_terms(p.title + p.text), (p.title, p.text)
    for needed in (("上海", "青溪路"), ("外省", "青溪镇"), ("世界和平",)):  # each look-alike is on each forum
        for site in ("tieba", "bbs"):
            assert any(all(w in p.title + p.text for w in needed)
                       for p in by_cat["trap"] if p.floor == 1 and p.site == site), (site, needed)
    starters = [p for p in by_cat["complaint"] if p.floor == 1]
    for p in starters:
        assert _local_terms(p.text) and any(w in p.text for w in YELLOW_WORDS), p.text
    for p in by_cat["local"]:
        assert not any(w in p.title + p.text for w in YELLOW_WORDS), p.text
    assert all(_local_terms(p.title + p.text) for p in by_cat["local"] if p.floor == 1)


def test_visibility_by_demo_time(timeline):
    th = next(t for t in timeline.threads("tieba") if t.category == "incident")
    assert th.visible(INCIDENT_TIEBA_AT - 1) == ()
    assert len(th.visible(INCIDENT_TIEBA_AT)) == 1
    assert len(th.visible(LIVE_SECONDS)) == len(th.posts)
    order_early = [t.thread_id for t, _ in timeline.listing("tieba", INCIDENT_TIEBA_AT)]
    assert order_early[0] == th.thread_id  # a new thread is on top of the list
    assert len(timeline.posts_until(0)) < len(timeline.posts_until(3600)) < len(timeline.posts_until(LIVE_SECONDS))


# --- clock ---

def test_manual_clock_and_publish_times():
    start = datetime(2026, 11, 25, 10, 0, tzinfo=SH)
    clock = DemoClock(speed=60, mode="manual", start=start)
    clock.begin()
    assert clock.demo_seconds() == 0 and clock.now() == start
    clock.advance(600)
    assert clock.demo_seconds() == 600
    assert clock.now() == start + timedelta(seconds=10)
    assert clock.wall_time(120) == start + timedelta(seconds=2)
    assert clock.wall_time(-3600) == start - timedelta(hours=1)  # backlog is not compressed
    with pytest.raises(ValueError):
        clock.advance(-1)
    with pytest.raises(ValueError):
        clock.advance(float("nan"))


def test_running_clock_cannot_be_advanced_and_moves_at_speed():
    clock = DemoClock(speed=1000, mode="running")
    clock.begin()
    with pytest.raises(RuntimeError):
        clock.advance(10)
    a = clock.demo_seconds()
    b = clock.demo_seconds()
    assert 0 <= a <= b
    with pytest.raises(ValueError):
        DemoClock(speed=0)
    with pytest.raises(ValueError):
        DemoClock(start=datetime(2026, 1, 1))  # naive


# --- time formats as the real sites print them ---

NOW = datetime(2026, 11, 25, 10, 30, 0, tzinfo=SH)


@pytest.mark.parametrize("ago, expected", [
    (timedelta(0), "刚刚"),
    (timedelta(seconds=42), "42\xa0秒前"),
    (timedelta(minutes=5, seconds=3), "5\xa0分钟前"),
    (timedelta(minutes=30), "30\xa0分钟前"),
    (timedelta(minutes=31), "半小时前"),
    (timedelta(hours=3, minutes=2), "3\xa0小时前"),
    (timedelta(hours=11), "昨天\xa023:30"),
    (timedelta(days=1, hours=12), "前天\xa022:30"),
    (timedelta(days=4), "4\xa0天前"),
    (timedelta(days=8), None),
])
def test_discuz_relative(ago, expected):
    assert discuz_relative(NOW - ago, NOW) == expected


def test_absolute_and_short_formats():
    dt = datetime(2026, 1, 5, 8, 3, 9, tzinfo=SH)
    assert discuz_abs(dt) == "2026-1-5 08:03:09"
    assert discuz_abs(dt, seconds=False) == "2026-1-5 08:03"
    assert discuz_abs(dt, clock=False) == "2026-1-5"
    assert tieba_short(NOW - timedelta(hours=2), NOW) == "08:30"
    assert tieba_short(datetime(2026, 3, 7, 9, 0, tzinfo=SH), NOW) == "3-7"
    assert tieba_short(datetime(2025, 3, 7, 9, 0, tzinfo=SH), NOW) == "2025-03"
    assert rfc822(NOW) == "Wed, 25 Nov 2026 10:30:00 +0800"
    assert re.fullmatch(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0800", rfc822(NOW + timedelta(microseconds=5)))
