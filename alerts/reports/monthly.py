"""《舆情分析月报》: a calendar month, keyed 2024-05, numbered per year. Written on demand
(`yqwatch report monthly`, the console)."""
from __future__ import annotations

from datetime import date, timedelta

from alerts.reports.analysis_report import Period, PeriodKind, analysis_kind

KIND = "monthly"


def period(key: str) -> Period:
    """`key` is YYYY-MM (a full date names its month too)."""
    first = date.fromisoformat(key[:7] + "-01")
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following - timedelta(days=1), f"{first.year}年{first.month}月")


MONTHLY = PeriodKind(
    name=KIND, title="舆情分析月报", period_word="本月", file_word="月报",
    key_of=lambda day: day.isoformat()[:7], period_of=period,
    previous_of=lambda p: period((p.first - timedelta(days=1)).isoformat()),
    last_complete=lambda today: today.replace(day=1) - timedelta(days=1),
)

REPORT_KIND = analysis_kind(MONTHLY)
