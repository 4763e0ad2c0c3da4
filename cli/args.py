"""Command-line values shared by several commands, with their Chinese error messages."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from pipeline.config import TZ, now


class BadInput(Exception):
    """Bad command-line input: exit 2 with a one-line reason."""


def parse_date(s: str) -> date:
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise BadInput(f"日期 {s!r} 无效: 应为 YYYY-MM-DD") from None


def parse_since(s: str | None) -> datetime | None:
    """'24h', '7d', '90m' or an ISO date/time (Beijing time when no zone is given)."""
    if not s:
        return None
    units = {"m": 60, "h": 3600, "d": 86400}
    if s[-1:] in units and s[:-1].isdigit():
        return now() - timedelta(seconds=int(s[:-1]) * units[s[-1]])
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        raise BadInput(f"时间 {s!r} 无效: 应为如 24h、7d 或 2026-11-25T08:00") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=TZ)


def check_known(kind: str, given, known) -> None:
    """Unknown filter values are an error (exit 2), not an empty result."""
    bad = [v for v in given or () if v not in known]
    if bad:
        raise BadInput(f"未知的{kind}: {', '.join(bad)} (可用: {', '.join(sorted(known)) or '无'})")
