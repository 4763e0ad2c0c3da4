"""重大活动 / 敏感期 periods: which moments they cover (Beijing dates), how they shrink poll
intervals and raise grades, their watch.yaml validation, and the console's banner."""
from __future__ import annotations

import warnings
from datetime import date, datetime, timedelta, timezone

import pytest

from console.app import create_app
from pipeline.config import TZ, ConfigError, load_yaml
from pipeline.periods import Period, Periods
from pipeline.types import SEVERITIES
from test_console_support import NOW, build_env
from watch_config import WatchSettings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

LIANGHUI = Period("全国两会", date(2027, 3, 3), date(2027, 3, 15), ("上访", "维权"))
EXPO = Period("农博会", date(2027, 3, 14), date(2027, 3, 20), interval_factor=0.25, raise_grade=False)


def bj(*a) -> datetime:
    return datetime(*a, tzinfo=TZ)


def test_a_period_covers_its_beijing_dates_both_ends_included():
    p = Periods.of([LIANGHUI])
    assert p.interval_factor(bj(2027, 3, 2, 23, 59)) == 1.0
    assert p.interval_factor(bj(2027, 3, 3, 0, 0)) == 0.5
    assert p.interval_factor(bj(2027, 3, 15, 23, 59)) == 0.5
    # 16 March 00:10 in Beijing is still the 15th in UTC: the period is over all the same
    late = datetime(2027, 3, 15, 16, 10, tzinfo=timezone.utc)
    assert late.astimezone(TZ).date() == date(2027, 3, 16) and p.interval_factor(late) == 1.0
    assert Periods().interval_factor(bj(2027, 3, 5)) == 1.0 and Periods().banner(bj(2027, 3, 5)) is None


def test_overlapping_periods_take_the_shortest_interval_and_any_raise():
    p = Periods.of([LIANGHUI, EXPO])
    assert p.interval_factor(bj(2027, 3, 14, 9)) == 0.25
    assert p.raise_grade("yellow", bj(2027, 3, 14, 9)) == "orange"  # 两会 raises, 农博会 does not
    assert p.raise_grade("yellow", bj(2027, 3, 18, 9)) == "yellow"  # only 农博会 on
    assert [x.name for x in p.active(bj(2027, 3, 14))] == ["全国两会", "农博会"]


def test_grades_go_one_level_up_and_extra_words_count():
    p, t = Periods.of([LIANGHUI]), bj(2027, 3, 5, 10)
    assert [p.raise_grade(g, t) for g in ("blue", "yellow", "orange", "red")] == ["yellow", "orange", "red", "red"]
    assert p.raise_grade(None, t) is None
    assert p.grade(None, "东湖区有人到市政府上访", t) == "yellow"  # extra word: blue, then raised
    assert p.grade(None, "东湖区公园新开放", t) is None
    assert p.grade("orange", "化工厂偷排", t) == "red"
    assert p.mentions_extra_word("业主维权", t) == ["维权"]
    assert p.grade(None, "有人上访", bj(2027, 4, 1)) is None  # outside the period the words are ordinary


def test_watch_yaml_periods_are_validated_with_file_and_line(tmp_path):
    f = tmp_path / "watch.yaml"
    f.write_text("locality: 青溪市\nperiods:\n  - name: 全国两会\n    start: 2027-03-03\n    end: 2027-03-15\n"
                 "    words: [上访]\n    interval_factor: 0.5\n", encoding="utf-8")
    settings = load_yaml(f, WatchSettings)
    assert settings.watch_periods().active(bj(2027, 3, 4))[0].words == ("上访",)
    f.write_text("locality: 青溪市\nperiods:\n  - name: 倒置\n    start: 2027-03-15\n    end: 2027-03-03\n",
                 encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_yaml(f, WatchSettings)
    assert "watch.yaml" in str(e.value) and "结束日期" in str(e.value)
    f.write_text("periods:\n  - name: x\n    start: 2027-03-01\n    end: 2027-03-02\n    interval_factor: 3\n",
                 encoding="utf-8")
    with pytest.raises(ConfigError, match="interval_factor"):
        load_yaml(f, WatchSettings)


def test_the_console_shows_the_period_on_every_page(tmp_path):
    env = build_env(tmp_path)
    day = NOW.date()
    env.services.periods = Periods.of([Period("<b>全国两会</b>", day - timedelta(days=1), day + timedelta(days=1))])
    c = TestClient(create_app(env.services), base_url="http://127.0.0.1:8080")
    for path in ("/", "/events", "/sources"):
        html = c.get(path).text
        assert 'id="period-banner"' in html, path
        assert "&lt;b&gt;全国两会&lt;/b&gt;" in html and "<b>全国两会" not in html  # escaped
        assert "预警等级上调一级" in html
    env.services.periods = Periods.of([Period("国庆", day + timedelta(days=5), day + timedelta(days=7))])
    c = TestClient(create_app(env.services), base_url="http://127.0.0.1:8080")
    assert 'id="period-banner"' not in c.get("/").text


def test_the_pipeline_grades_one_level_up_during_a_period_read_from_watch_yaml(tmp_path):
    """The crawl workers build their Pipeline from the config directory: the period in watch.yaml
    raises a relevant post's grade while it is on, and only then."""
    from shutil import copy

    from pipeline.process import Pipeline
    from pipeline.types import RawPost
    from conftest import ROOT

    copy(ROOT / "config" / "topics.yaml", tmp_path / "topics.yaml")
    (tmp_path / "watch.yaml").write_text(
        "periods:\n  - name: 全国两会\n    start: 2027-03-03\n    end: 2027-03-15\n    words: [维权]\n",
        encoding="utf-8")
    pipeline = Pipeline.from_config_dir(tmp_path)
    plain = Pipeline.from_config_dir(ROOT / "config")

    def post(day: int) -> RawPost:
        return RawPost(source_id="bbs", kind="forum", url=f"http://bbs.example/t-{day}", thread_url=f"http://bbs.example/t-{day}",
                       title="青溪市化工厂夜里偷排污水", text="东湖区居民说河水发臭好几天了，没人管",
                       fetched_at=datetime(2027, 3, day, 9, 0, tzinfo=TZ), published_at=None)

    during, after = pipeline.process(post(10)), pipeline.process(post(20))
    base = plain.process(post(10)).severity
    assert base is not None and during.severity != base
    assert SEVERITIES.index(during.severity) == SEVERITIES.index(base) - 1  # one level up
    assert after.severity == base


def test_a_period_ending_before_it_starts_names_file_and_line(tmp_path):
    from pipeline.config import ConfigError
    from pipeline.periods import load_periods

    (tmp_path / "watch.yaml").write_text(
        "locality: 青溪市\nperiods:\n  - name: 国庆\n    start: 2027-10-07\n    end: 2027-10-01\n", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_periods(tmp_path)
    assert "watch.yaml" in str(e.value) and ":3" in str(e.value)
