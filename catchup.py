"""Catch up the scheduled reports a stopped watch missed (issue 9): APScheduler keeps its jobs in
memory and drops a run more than its grace late, so a watch started after 08:05 would never write
that day's 摘报, nor a 交接班 whose shift ended while it was down.

Each scheduled issue leaves a mark in the store's kv table (the covered day; the shift's end). On
start, the newest issue that was due by now is written once if its mark is behind. Never twice:
the mark is written after the issue, and a crash in between repeats only the idempotent part
(the report desk e-mails each issue once; the files are rewritten with the same issue number).
A brand-new database has nothing to catch up: its first start only sets the marks."""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from pipeline.config import TZ

log = logging.getLogger("yqwatch")
DAILY_MARK = "report:daily:issued"  # the day the last issued 摘报 covers (ISO date)
HANDOVER_MARK = "report:handover:issued"  # the end of the shift of the last 交接班 (ISO time)


def mark_issued(store, key: str, value: str) -> None:
    if (store.kv_get(key) or "") < value:  # ISO strings of one zone sort by time
        store.kv_set(key, value)


def due_daily(now: datetime, daily_at: str) -> date:
    """The day covered by the newest 摘报 due by `now` (the issue at daily_at covers yesterday)."""
    local = now.astimezone(TZ)
    today_due = datetime.combine(local.date(), time.fromisoformat(daily_at), TZ)
    return local.date() - timedelta(days=1 if local >= today_due else 2)


def due_handover(now: datetime, shifts: list[str]) -> datetime:
    """The end of the newest shift that has ended by `now`."""
    local = now.astimezone(TZ)
    ends = [datetime.combine(local.date() + timedelta(days=d), time.fromisoformat(t), TZ)
            for d in (-1, 0) for t in shifts]
    return max(e for e in ends if e <= local)


def catch_up(svc, now: datetime) -> list[str]:
    """Issue what the watch missed; returns what it did (for the log and tests)."""
    store, watch = svc.store, svc.cfg.watch
    day = due_daily(now, watch.reports.daily_at)
    end = due_handover(now, watch.shifts)
    done: list[str] = []
    daily_mark, handover_mark = store.kv_get(DAILY_MARK), store.kv_get(HANDOVER_MARK)
    if daily_mark is None and handover_mark is None and store.count_documents() == 0:
        mark_issued(store, DAILY_MARK, day.isoformat())  # a new database missed nothing
        mark_issued(store, HANDOVER_MARK, end.isoformat())
        return done
    if daily_mark is None or daily_mark < day.isoformat():
        svc.issue_daily_report(day)
        done.append(f"摘报 {day}")
    if handover_mark is None or handover_mark < end.isoformat():
        svc.issue_handover(end)
        done.append(f"交接班 {end:%m-%d %H:%M}")
    for what in done:
        log.warning("补发停机期间错过的报告: %s", what)
    return done
