"""《舆情分析周报》: Monday to Sunday, keyed by the Monday (2024-05-06), numbered per year by the
year of its Monday. Written on demand (`yqwatch report weekly`, the console)."""
from __future__ import annotations

from datetime import date, timedelta

from alerts.reports.analysis_report import Period, PeriodKind, analysis_kind

KIND = "weekly"


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def period(key: str) -> Period:
    first = monday(date.fromisoformat(key))
    last = first + timedelta(days=6)
    week = first.isocalendar().week
    return Period(first, last, f"{first.year}年第{week}周（{first.month}月{first.day}日—{last.month}月{last.day}日）")


WEEKLY = PeriodKind(
    name=KIND, title="舆情分析周报", period_word="本周", file_word="周报",
    key_of=lambda day: monday(day).isoformat(), period_of=period,
    previous_of=lambda p: period((p.first - timedelta(days=7)).isoformat()),
    last_complete=lambda today: monday(today) - timedelta(days=7),
)

REPORT_KIND = analysis_kind(WEEKLY)
