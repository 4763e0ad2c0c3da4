"""Parse the time strings Chinese forums, Tieba and news sites print, into Asia/Shanghai datetimes.

Relative forms ("3分钟前", "昨天 12:30", "12-05", Tieba's bare "10:12") are resolved against the
caller's `now`; the clock is never read here, so results are reproducible.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from pipeline.config import TZ as SHANGHAI

# A post stamped slightly ahead of `now` is clock skew, not last year's post.
_FUTURE_SLACK = timedelta(hours=1)
_MAX_INPUT = 300  # time strings are short; never scan a whole page here

_SPACES = re.compile(r"[\s\xa0\u3000]+")
_TIME = r"(?:\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(?:\.\d{1,9})?)?)"
# ISO offsets, "Z", and the "GMT" / "UTC" / "GMT+8" / "UTC+08:00" / "(北京时间)" labels sites print.
_ZONE = (r"(?:\s*\(?\s*(Z|[+-]\d{2}:?\d{2}|(?:GMT|UTC)(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?|北京时间)"
         r"(?![\dA-Za-z])\)?)?")
# "GMT+8, 2024-5-13 06:03" (Discuz! footers) puts the zone first.
_LEADING_ZONE = re.compile(r"^\(?((?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d{2})?)\)?[,，]?\s*")
# Between date and clock a weekday and a 12-hour marker may stand: "2024年5月22日週三 上午8:21".
_WEEKDAY = r"(?:\s*[（(]?(?:星期|周|週|礼拜|禮拜)[一二三四五六日天][）)]?)?"
_MERIDIEM = r"(?:\s*(上午|早上|凌晨|中午|下午|晚上|AM|PM|am|pm))?"
_FULL = re.compile(
    r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?" + _WEEKDAY + _MERIDIEM + r"(?:\s*T)?"
    + _TIME + "?" + _ZONE
)
# "18-03-0823:16" (百家号): a two-digit year, the clock glued to the day.
_SHORT_YEAR = re.compile(r"(?<![\d/.-])(\d{2})-(\d{2})-(\d{2})(?:\s*(\d{1,2})[:：](\d{2}))?(?![\d-])")
_YEAR_MONTH = re.compile(r"(?<!\d)(\d{4})\s*[-/年]\s*(\d{1,2})(?![\d:])\s*月?")
_MONTH_DAY = re.compile(r"(?<![\d:])(\d{1,2})\s*[-/月]\s*(\d{1,2})(?![\d:])\s*日?" + _TIME + "?")
_DAY_WORD = re.compile(r"(今天|昨天|前天)" + _TIME + "?")
_RELATIVE = re.compile(r"(\d+|半|一|两|几)\s*(秒|分钟|分|小时|个小时|个钟头|天|日|周|星期|个月|月|年)\s*前")
_CLOCK = re.compile(r"(?<![\d:])" + _TIME + r"(?![\d:])")
_EPOCH = re.compile(r"\d{9,13}(?:\.\d+)?")
_RFC822 = re.compile(r"[A-Za-z]{3},?\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}")

_UNITS = {
    "秒": timedelta(seconds=1), "分钟": timedelta(minutes=1), "分": timedelta(minutes=1),
    "小时": timedelta(hours=1), "个小时": timedelta(hours=1), "个钟头": timedelta(hours=1),
    "天": timedelta(days=1), "日": timedelta(days=1), "周": timedelta(weeks=1), "星期": timedelta(weeks=1),
    "个月": timedelta(days=30), "月": timedelta(days=30), "年": timedelta(days=365),
}
_WORD_NUMBERS = {"半": 0.5, "一": 1, "两": 2, "几": 3}
_DAY_OFFSETS = {"今天": 0, "昨天": 1, "前天": 2}


def _clock(h: str | None, m: str | None, s: str | None, meridiem: str | None = None) -> tuple[int, int, int]:
    if not h:
        return (0, 0, 0)
    hour = int(h)
    if meridiem in ("下午", "晚上", "PM", "pm") or (meridiem == "中午" and hour < 11):
        hour += 12 if hour < 12 else 0
    elif meridiem in ("上午", "早上", "凌晨", "AM", "am") and hour == 12:
        hour = 0
    return (hour, int(m), int(s or 0))


def _zone(z: str | None):
    if not z or z == "北京时间":
        return SHANGHAI
    z = z.replace(" ", "")
    if z in ("Z", "GMT", "UTC"):
        return timezone.utc
    if z.startswith(("GMT", "UTC")):
        z = z[3:]
    sign = -1 if z[0] == "-" else 1
    hours, _, minutes = z[1:].partition(":")
    if not minutes and len(hours) > 2:  # "+0800"
        hours, minutes = hours[:2], hours[2:]
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes or 0)))


def _from_epoch(value: float) -> datetime | None:
    if value > 1e11:  # milliseconds
        value /= 1000
    if not 0 < value < 4_102_444_800:  # before 2100
        return None
    return datetime.fromtimestamp(value, SHANGHAI)


def _not_future(dt: datetime, now: datetime, step) -> datetime:
    """Dates printed without a year (or day) are the most recent such moment not in the future."""
    return step(dt) if dt - now > _FUTURE_SLACK else dt


def _parse(s: str, now: datetime) -> datetime | None:
    if _EPOCH.fullmatch(s):
        return _from_epoch(float(s))
    if _RFC822.search(s):
        try:
            dt = parsedate_to_datetime(s)
        except (TypeError, ValueError, IndexError):
            dt = None
        if dt is not None:
            return dt if dt.tzinfo else dt.replace(tzinfo=SHANGHAI)
    lead = _LEADING_ZONE.match(s)
    m = _FULL.search(s)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        zone = m[8] or (lead[1] if lead and m.start() == lead.end() else None)
        return datetime(y, mo, d, *_clock(m[5], m[6], m[7], m[4]), tzinfo=_zone(zone) if m[5] else SHANGHAI)
    m = _SHORT_YEAR.search(s)
    if m:
        return datetime(2000 + int(m[1]), int(m[2]), int(m[3]), *_clock(m[4], m[5], None), tzinfo=SHANGHAI)
    if s in ("刚刚", "刚才"):
        return now
    m = _RELATIVE.search(s)
    if m:
        n = _WORD_NUMBERS.get(m[1]) or int(m[1])
        return now - n * _UNITS[m[2]]
    m = _DAY_WORD.search(s)
    if m:
        day = (now - timedelta(days=_DAY_OFFSETS[m[1]])).date()
        return datetime(day.year, day.month, day.day, *_clock(m[2], m[3], m[4]), tzinfo=SHANGHAI)
    m = _YEAR_MONTH.search(s)
    if m:
        return datetime(int(m[1]), int(m[2]), 1, tzinfo=SHANGHAI)
    m = _MONTH_DAY.search(s)
    if m:
        dt = datetime(now.year, int(m[1]), int(m[2]), *_clock(m[3], m[4], m[5]), tzinfo=SHANGHAI)
        return _not_future(dt, now, lambda d: d.replace(year=d.year - 1))
    m = _CLOCK.search(s)
    if m:
        dt = datetime(now.year, now.month, now.day, *_clock(m[1], m[2], m[3]), tzinfo=SHANGHAI)
        return _not_future(dt, now, lambda d: d - timedelta(days=1))
    return None


def parse_cn_time(s: str | int | float | None, now: datetime) -> datetime | None:
    """An aware Asia/Shanghai datetime for `s`, or None when `s` holds no recognisable time.

    `now` (aware) anchors relative forms. Accepts epoch seconds/milliseconds (numbers or digit
    strings), RFC 822, ISO 8601, and the Chinese absolute and relative forms of forums."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(SHANGHAI)
    if s is None or isinstance(s, bool):
        return None
    if isinstance(s, (int, float)):
        dt = _from_epoch(float(s))
    else:
        text = _SPACES.sub(" ", s.replace("&nbsp;", " ")[:_MAX_INPUT]).strip()
        if not text:
            return None
        try:
            dt = _parse(text, now)
        except (ValueError, OverflowError):  # e.g. month 13, hour 25: garbage, not a time
            return None
    if dt is None or not 1970 <= dt.year <= 2100:
        return None
    return dt.astimezone(SHANGHAI)
