"""重大活动 / 敏感期: date ranges (watch.yaml `periods:`) during which the watch is more alert.

Pure (no I/O, no clock of its own): callers pass `now`. While a period is on
  - sources are polled more often: `Periods.interval_factor(now)` (the smallest factor of the
    periods on, 1.0 outside them) multiplies each source's interval;
  - grades go one level up: `Periods.raise_grade(grade, now)` (blue → yellow → orange → red; red
    and ungraded stay as they are);
  - the period's extra words are watched too: `Periods.extra_words(now)` and
    `Periods.mentions_extra_word(text, now)`; a relevant post naming one is graded at least blue
    before the raise (`Periods.grade(grade, text, now)` does both steps).
Dates are Beijing dates, both ends included."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .config import TZ, load_yaml
from .types import SEVERITIES

_UP = {SEVERITIES[i]: SEVERITIES[i - 1] for i in range(1, len(SEVERITIES))}  # blue→yellow→orange→red


@dataclass(frozen=True)
class Period:
    name: str
    start: date
    end: date  # inclusive
    words: tuple[str, ...] = ()
    interval_factor: float = 0.5  # poll intervals are multiplied by this while the period is on
    raise_grade: bool = True

    def on(self, now: datetime) -> bool:
        return self.start <= now.astimezone(TZ).date() <= self.end


@dataclass(frozen=True)
class Periods:
    """The configured periods, asked about one moment at a time."""

    periods: tuple[Period, ...] = ()

    @classmethod
    def of(cls, periods: Iterable[Period]) -> Periods:
        return cls(tuple(periods))

    def active(self, now: datetime) -> list[Period]:
        return [p for p in self.periods if p.on(now)]

    def interval_factor(self, now: datetime) -> float:
        return min((p.interval_factor for p in self.active(now)), default=1.0)

    def raise_grade(self, grade: str | None, now: datetime) -> str | None:
        if grade is None or not any(p.raise_grade for p in self.active(now)):
            return grade
        return _UP.get(grade, grade)

    def extra_words(self, now: datetime) -> tuple[str, ...]:
        return tuple(dict.fromkeys(w for p in self.active(now) for w in p.words))

    def mentions_extra_word(self, text: str, now: datetime) -> list[str]:
        return [w for w in self.extra_words(now) if w in text]

    def grade(self, grade: str | None, text: str, now: datetime) -> str | None:
        """A relevant post's grade during the periods on at `now` (see the module docstring)."""
        if grade is None and self.mentions_extra_word(text, now):
            grade = SEVERITIES[-1]
        return self.raise_grade(grade, now)

    def banner(self, now: datetime) -> str | None:
        """One line for the console while a period is on, else None."""
        on = self.active(now)
        if not on:
            return None
        parts = [f"{p.name}（{p.start:%m月%d日}—{p.end:%m月%d日}）" for p in on]
        raise_ = "，预警等级上调一级" if any(p.raise_grade for p in on) else ""
        return f"敏感期：{'、'.join(parts)}，采集加密{raise_}"


class PeriodSettings(BaseModel):
    """A 重大活动 / 敏感期 (pipeline.periods): Beijing dates, both ends included."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=40)
    start: date
    end: date
    words: list[str] = []  # extra words watched during the period
    interval_factor: float = Field(0.5, gt=0, le=1)  # poll intervals × this (0.5: twice as often)
    raise_grade: bool = True  # grades one level up (blue→yellow→orange→red)

    @model_validator(mode="after")
    def _order(self):
        if self.end < self.start:
            raise ValueError(f"敏感期 {self.name}: 结束日期 {self.end} 早于开始日期 {self.start}")
        return self

    def to_period(self) -> Period:
        return Period(self.name, self.start, self.end, tuple(w for w in self.words if w.strip()),
                      self.interval_factor, self.raise_grade)


class _WatchPeriods(BaseModel):
    """The `periods` key of watch.yaml; the rest of the file is the scheduler's and storage's."""

    model_config = ConfigDict(extra="ignore")
    periods: list[PeriodSettings] = []


def load_periods(config_dir: str | Path) -> Periods:
    """Section `periods` of config_dir/watch.yaml (the pipeline grades with it, the scheduler polls
    with it, so it is read here, at the lowest layer that needs it)."""
    path = Path(config_dir) / "watch.yaml"
    if not path.exists():
        return Periods()
    return Periods.of(p.to_period() for p in load_yaml(path, _WatchPeriods).periods)
