"""The tables of a 舆情分析报告 (weekly, monthly): counts with their shares of the total — the shape
offices use in yearly statistics ("反映经济方面的有153篇，占总数的24.6%") — the county or district a
post is about, and the day-by-day volume of a period. Pure: documents in, numbers out."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from pipeline.types import Document

from analysis._docs import SHANGHAI, doc_time, unique

UNPLACED = "市本级及未明确"  # relevant, but no county/district named (or only the locality itself)
UNCATEGORISED = "未分类"
_COUNTY_SUFFIXES = ("区", "县", "旗", "市")


@dataclass(frozen=True, slots=True)
class ShareRow:
    name: str
    count: int
    share: float  # percent of the table's total, 2 decimals (the rows may not add to exactly 100)


def share_rows(counts: Mapping[str, int] | Iterable[tuple[str, int]]) -> list[ShareRow]:
    """Rows most frequent first (ties by name), each with its percentage of the total."""
    pairs = list(counts.items()) if isinstance(counts, Mapping) else list(counts)
    total = sum(n for _, n in pairs)
    ranked = sorted(pairs, key=lambda kv: (-kv[1], kv[0]))
    return [ShareRow(k, n, round(100.0 * n / total, 2) if total else 0.0) for k, n in ranked if n]


def county_of(doc: Document, locality: str) -> str:
    """The first county-level division (…区/县/旗/市) the post names besides the locality itself;
    UNPLACED otherwise. locality_terms come from the divisions the watch is configured for."""
    for term in doc.locality_terms:
        if term != locality and len(term) >= 2 and term.endswith(_COUNTY_SUFFIXES):
            return term
    return UNPLACED


def counts_by(docs: Sequence[Document], key) -> dict[str, int]:
    return dict(Counter(key(d) for d in unique(docs)))


def daily_volume(docs: Sequence[Document], first: date, days: int) -> list[tuple[date, int, int]]:
    """(day, relevant posts, negative posts) for each of `days` days from `first`, zero-filled."""
    relevant: Counter[date] = Counter()
    negative: Counter[date] = Counter()
    for d in unique(docs):
        if not d.relevant:
            continue
        day = doc_time(d).astimezone(SHANGHAI).date()
        relevant[day] += 1
        negative[day] += d.negative
    return [(first + timedelta(i), relevant[first + timedelta(i)], negative[first + timedelta(i)])
            for i in range(days)]


def change_label(current: int, previous: int) -> str:
    """环比 wording: 上升12.5% / 下降3.0% / 持平 / 上期为0."""
    if previous == 0:
        return "上期为0" if current else "持平"
    pct = 100.0 * (current - previous) / previous
    if abs(pct) < 0.05:
        return "持平"
    return f"{'上升' if pct > 0 else '下降'}{abs(pct):.1f}%"
