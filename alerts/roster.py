"""The duty roster (排班表) of `alerts.yaml`: who is 值班员 (`duty`) and who is 带班领导 (`leader`)
in each shift, and the pure lookups the alert engine and the console use.

A shift starts at one of watch.yaml's `shifts` times (交接班, e.g. 08:00 and 20:00, Beijing time)
and lasts until the next one; a shift that crosses midnight belongs to the day it started, so
03:00 on a Tuesday is Monday's 20:00 shift. The schedule is a weekly pattern (weekday -> shift
start -> people) plus dated overrides (holidays, swaps) that replace the roles they name."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from pipeline.config import TZ as SHANGHAI

DEFAULT_SHIFTS = ("08:00", "20:00")
ROLES = ("duty", "leader")
ROSTER_PREFIX = "roster:"  # an e-mail recipient "roster:duty" means "whoever is on duty"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Role = Literal["duty", "leader"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _shift_time(v):
    """YAML 1.1 reads an unquoted 20:00 as the base-60 integer 1200: turn it back into "20:00"."""
    if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 24 * 60:
        return f"{v // 60:02d}:{v % 60:02d}"
    return v


def _check_hhmm(t: str) -> str:
    h, _, m = t.partition(":")
    if not (len(h) == 2 and len(m) == 2 and h.isdigit() and m.isdigit() and int(h) < 24 and int(m) < 60):
        raise ValueError(f"shift time {t!r}: use HH:MM")
    return t


class Person(_Strict):
    email: str | None = None
    mobile: str | None = None  # for DingTalk/WeCom @-mentions

    @field_validator("mobile", mode="before")
    @classmethod
    def _digits(cls, v):
        return str(v) if isinstance(v, int) else v


class Staff(_Strict):
    duty: list[str] = []
    leader: list[str] = []


class Override(_Strict):
    """One day (every shift starting that day) or one shift of it, e.g. a holiday or a swap."""

    date: date
    shift: str | None = None
    duty: list[str] | None = None  # None: keep the weekly pattern's people for this role
    leader: list[str] | None = None
    note: str = ""

    @field_validator("shift", mode="before")
    @classmethod
    def _shift(cls, v):
        return _shift_time(v)

    @field_validator("shift")
    @classmethod
    def _hhmm(cls, v):
        return v if v is None else _check_hhmm(v)


class RosterConfig(_Strict):
    people: dict[str, Person]
    weekly: dict[str, dict[str, Staff]] = {}  # mon..sun -> shift start "HH:MM" -> people
    overrides: list[Override] = []
    fallback: list[str] = []  # told when a role of the shift is empty and the channel has no fixed recipients

    @field_validator("weekly", mode="before")
    @classmethod
    def _keys(cls, v):
        if not isinstance(v, dict):
            return v
        return {day: {_shift_time(k): s for k, s in shifts.items()} if isinstance(shifts, dict) else shifts
                for day, shifts in v.items()}

    @model_validator(mode="after")
    def _cross_checks(self):
        errors = []

        def bad(loc: tuple, value, msg: str) -> None:
            errors.append({"type": "value_error", "loc": loc, "input": value,
                           "ctx": {"error": ValueError(msg)}})

        def names(loc: tuple, people: Iterable[str]) -> None:
            for i, name in enumerate(people):
                if name not in self.people:
                    bad((*loc, i), name, f"{name!r} is not in roster.people")

        # Checked here rather than in field validators so each error points at its own line.
        for day, shifts in self.weekly.items():
            if day not in WEEKDAYS:
                bad(("weekly", day), day, f"bad weekday {day!r}: use {', '.join(WEEKDAYS)}")
            for t, staff in shifts.items():
                try:
                    _check_hhmm(t)
                except ValueError as e:
                    bad(("weekly", day, t), t, str(e))
                for role in ROLES:
                    names(("weekly", day, t, role), getattr(staff, role))
        seen: dict[date, set[str | None]] = {}
        for i, o in enumerate(self.overrides):
            for role in ROLES:
                names(("overrides", i, role), getattr(o, role) or ())
            taken = seen.setdefault(o.date, set())
            if o.shift in taken or (taken and (o.shift is None or None in taken)):
                bad(("overrides", i, "date"), str(o.date),
                    f"overlaps another override of {o.date}" + (f" {o.shift}" if o.shift else ""))
            taken.add(o.shift)
        names(("fallback",), self.fallback)
        if errors:
            raise ValidationError.from_exception_data("RosterConfig", errors)
        return self

    def shift_times(self) -> set[str]:
        """Every shift start the schedule names (each must be a watch.yaml `shifts` time)."""
        return {t for shifts in self.weekly.values() for t in shifts} | {
            o.shift for o in self.overrides if o.shift is not None}


def shift_of(at: datetime, shifts: Sequence[str] = DEFAULT_SHIFTS) -> tuple[date, str]:
    """(the day the shift started, its start time) for the moment `at`."""
    local = at.astimezone(SHANGHAI)
    hm = local.strftime("%H:%M")
    starts = sorted(set(shifts))
    started = [s for s in starts if s <= hm]
    if started:
        return local.date(), started[-1]
    return local.date() - timedelta(days=1), starts[-1]  # before the first handover: last night's


def staff_for(roster: RosterConfig, day: date, start: str) -> dict[str, list[str]]:
    """The people of the shift starting at `start` on `day`: the weekly pattern, then overrides."""
    base = roster.weekly.get(WEEKDAYS[day.weekday()], {}).get(start, Staff())
    out = {role: list(getattr(base, role)) for role in ROLES}
    for o in roster.overrides:
        if o.date == day and o.shift in (None, start):
            for role in ROLES:
                if getattr(o, role) is not None:
                    out[role] = list(getattr(o, role))
    return out


def on_duty(roster: RosterConfig, at: datetime,
            shifts: Sequence[str] = DEFAULT_SHIFTS) -> dict[str, list[str]]:
    """{"duty": [names], "leader": [names]} on call at `at`."""
    return staff_for(roster, *shift_of(at, shifts))


def unknown_shifts(roster: RosterConfig, shifts: Sequence[str]) -> list[str]:
    """Shift starts in the schedule that are not handover times (a typo would leave gaps)."""
    return sorted(roster.shift_times() - set(shifts))


def gaps(roster: RosterConfig, shifts: Sequence[str], first: date,
         days: int = 7) -> list[tuple[date, str, str]]:
    """(day, shift start, role) of every empty role in the shifts of `days` days from `first`."""
    out = []
    for n in range(days):
        day = first + timedelta(days=n)
        for start in sorted(set(shifts)):
            staff = staff_for(roster, day, start)
            out.extend((day, start, role) for role in ROLES if not staff[role])
    return out


def contacts(roster: RosterConfig, names: Iterable[str], kind: Literal["email", "mobile"]) -> list[str]:
    """The e-mail addresses or mobiles of `names` (people without one are skipped)."""
    found = (getattr(roster.people[n], kind) for n in names if n in roster.people)
    return [c for c in found if c]


def resolve(roster: RosterConfig, staff: dict[str, list[str]], roles: Sequence[str],
            fixed: Sequence[str], kind: Literal["email", "mobile"]) -> tuple[list[str], list[str]]:
    """(fixed + the contacts of the people in `roles`, the roles nobody could be reached for).

    A gap never loses the message: with no fixed contact, roster.fallback is added instead."""
    out, missing = list(fixed), []
    for role in roles:
        found = contacts(roster, staff.get(role, ()), kind)
        if not found:
            missing.append(role)
        out.extend(found)
    if missing and not fixed:
        out.extend(contacts(roster, roster.fallback, kind))
    return list(dict.fromkeys(out)), missing
