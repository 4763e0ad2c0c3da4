"""How each simulated site prints a time (the formats the real sites use)."""
from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import format_datetime

NBSP = "\xa0"  # Discuz joins numbers and units with &nbsp;


def discuz_abs(dt: datetime, *, seconds: bool = True, clock: bool = True) -> str:
    """Discuz prints dates without zero padding: 2026-1-5 08:03:09."""
    day = f"{dt.year}-{dt.month}-{dt.day}"
    if not clock:
        return day
    return f"{day} {dt:%H:%M:%S}" if seconds else f"{day} {dt:%H:%M}"


def discuz_relative(dt: datetime, now: datetime) -> str | None:
    """Discuz X 'u' date style: 刚刚 / N 秒前 / N 分钟前 / 半小时前 / N 小时前 today, 昨天 HH:MM,
    前天 HH:MM, N 天前 within a week; None when the absolute date is shown instead."""
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if dt >= today:
        ago = int((now - dt).total_seconds())
        if ago < 0:
            return None
        if ago > 3600:
            return f"{ago // 3600}{NBSP}小时前"
        if ago > 1800:
            return "半小时前"
        if ago > 60:
            return f"{ago // 60}{NBSP}分钟前"
        return f"{ago}{NBSP}秒前" if ago > 0 else "刚刚"
    days = (today - dt) // timedelta(days=1)
    if days == 0:
        return f"昨天{NBSP}{dt:%H:%M}"
    if days == 1:
        return f"前天{NBSP}{dt:%H:%M}"
    if days < 7:
        return f"{days + 1}{NBSP}天前"
    return None


def tieba_short(dt: datetime, now: datetime) -> str:
    """Tieba list times: HH:MM today, M-D this year, YYYY-MM before."""
    if dt.date() == now.date():
        return f"{dt:%H:%M}"
    if dt.year == now.year:
        return f"{dt.month}-{dt.day}"
    return f"{dt:%Y-%m}"


def minute(dt: datetime) -> str:
    """Tieba floors and news pages: 2026-11-25 10:30."""
    return f"{dt:%Y-%m-%d %H:%M}"


def rfc822(dt: datetime) -> str:
    """RSS pubDate: Wed, 25 Nov 2026 10:30:00 +0800."""
    return format_datetime(dt.replace(microsecond=0))
