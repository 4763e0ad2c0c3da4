"""parse_cn_time: table-driven over the forms Chinese forums, Tieba, news sites and feeds print."""
from __future__ import annotations

from datetime import datetime

import pytest

from crawlers.timeparse import SHANGHAI, parse_cn_time

NOW = datetime(2024, 3, 10, 15, 0, tzinfo=SHANGHAI)


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize("raw,expected", [
    ("2019-5-3 10:12", at(2019, 5, 3, 10, 12)),
    ("2019-05-03 10:12:33", at(2019, 5, 3, 10, 12, 33)),
    ("发表于 2019-5-3 10:12", at(2019, 5, 3, 10, 12)),
    ("2019年5月3日 10:12", at(2019, 5, 3, 10, 12)),
    ("2019年05月03日10:12", at(2019, 5, 3, 10, 12)),
    ("2019/05/03", at(2019, 5, 3)),
    ("(2020-08-16 22:26:38)", at(2020, 8, 16, 22, 26, 38)),
    ("发布日期：2019-03-06", at(2019, 3, 6)),
    ("3分钟前", at(2024, 3, 10, 14, 57)),
    ("半小时前", at(2024, 3, 10, 14, 30)),
    ("1 小时前", at(2024, 3, 10, 14, 0)),
    ("9小时前", at(2024, 3, 10, 6, 0)),
    ("5 天前", at(2024, 3, 5, 15, 0)),
    ("5&nbsp;天前", at(2024, 3, 5, 15, 0)),
    ("发表于 6 天前", at(2024, 3, 4, 15, 0)),
    ("刚刚", NOW),
    ("昨天 12:30", at(2024, 3, 9, 12, 30)),
    ("昨天&nbsp;12:30", at(2024, 3, 9, 12, 30)),
    ("昨天\xa012:30", at(2024, 3, 9, 12, 30)),
    ("前天 08:01", at(2024, 3, 8, 8, 1)),
    ("今天 09:00", at(2024, 3, 10, 9, 0)),
    ("12-05 09:30", at(2023, 12, 5, 9, 30)),    # would be in the future this year
    ("12-05", at(2023, 12, 5)),
    ("03-09", at(2024, 3, 9)),
    ("3-10", at(2024, 3, 10)),
    ("10:12", at(2024, 3, 10, 10, 12)),          # Tieba: today
    ("23:40", at(2024, 3, 9, 23, 40)),           # later than now: yesterday
    ("2019-05", at(2019, 5, 1)),
    (1556849520, at(2019, 5, 3, 10, 12)),
    (1556849520123, datetime(2019, 5, 3, 10, 12, 0, 123000, tzinfo=SHANGHAI)),
    ("1556849520", at(2019, 5, 3, 10, 12)),
    (1556849520.5, datetime(2019, 5, 3, 10, 12, 0, 500000, tzinfo=SHANGHAI)),
    ("Fri, 03 May 2019 10:12:00 +0800", at(2019, 5, 3, 10, 12)),
    ("Fri, 3 May 2019 02:12:00 GMT", at(2019, 5, 3, 10, 12)),
    ("Mon, 12 Dec 2005 10:29:54+0900", at(2005, 12, 12, 9, 29, 54)),
    ("2019-05-03T10:12:33+08:00", at(2019, 5, 3, 10, 12, 33)),
    ("2019-05-03T02:12:33Z", at(2019, 5, 3, 10, 12, 33)),
    ("2019-05-03T10:12:33-05:00", at(2019, 5, 3, 23, 12, 33)),
])
def test_forms(raw, expected):
    got = parse_cn_time(raw, NOW)
    assert got == expected
    assert got.tzinfo is not None and got.utcoffset().total_seconds() == 8 * 3600


@pytest.mark.parametrize("raw", [None, "", "   ", "garbage", "楼主", "2019-13-45 10:00", "99:99", "2019-02-30",
                                 "-5", 0, True, "9" * 400])
def test_garbage_is_none(raw):
    assert parse_cn_time(raw, NOW) is None


def test_now_must_be_aware():
    with pytest.raises(ValueError):
        parse_cn_time("刚刚", datetime(2024, 3, 10))


def test_relative_forms_follow_now_not_the_clock():
    other = datetime(2001, 1, 1, 0, 30, tzinfo=SHANGHAI)
    assert parse_cn_time("昨天 12:30", other) == at(2000, 12, 31, 12, 30)
    assert parse_cn_time("12-05", other) == at(2000, 12, 5)


def test_long_input_is_fast():
    assert parse_cn_time("发" * 1_000_000 + "2019-5-3", NOW) is None  # only a short prefix is examined


@pytest.mark.parametrize("raw,expected", [
    # GMT / UTC in every spelling sites print becomes Beijing time
    ("2024-05-13 06:03:00 GMT", at(2024, 5, 13, 14, 3)),
    ("2024-05-13T06:03:00.000Z", at(2024, 5, 13, 14, 3)),
    ("2024-05-13 06:03:00 UTC", at(2024, 5, 13, 14, 3)),
    ("2024-05-13 06:03 GMT+8", at(2024, 5, 13, 6, 3)),
    ("2024-05-13 06:03:00 UTC+08:00", at(2024, 5, 13, 6, 3)),
    ("2024-05-13 06:03:00 +0800", at(2024, 5, 13, 6, 3)),
    ("2024-05-13 06:03:00 GMT-5", at(2024, 5, 13, 19, 3)),
    ("GMT+8, 2024-5-13 06:03", at(2024, 5, 13, 6, 3)),  # Discuz! footer order
    ("2024-05-13 06:03:00(北京时间)", at(2024, 5, 13, 6, 3)),
    ("发稿时间：2024-05-13 06:03:00", at(2024, 5, 13, 6, 3)),
    ("2024-05-13 GMT", at(2024, 5, 13)),  # a bare date keeps its calendar day
])
def test_time_zones(raw, expected):
    assert parse_cn_time(raw, NOW) == expected
