"""Catch up the scheduled reports a stopped watch missed (issue 9, issue 15): APScheduler keeps
its jobs in memory and drops a run more than its grace late, so a watch started after 08:05 would
never write that day's 摘报, nor a 交接班 whose shift ended while it was down, nor Monday's 周报
or the 1st's 月报.

Each scheduled issue leaves a mark in the store's kv table (the covered day; the shift's end; the
week's Monday; the month). On start, the newest issue of each kind that was due by now is written
once if its mark is behind, and then follows the approval step / auto_send like any issue. Never
twice:
- the mark is written after the issue, and a crash in between repeats only the idempotent part
  (the desk numbers, drafts and e-mails each issue key once; files are rewritten with the same
  issue number);
- two watches starting at once on one database take turns (`catchup_lock`: a PostgreSQL session
  advisory lock, or an flock beside the SQLite file — both die with their process, so a crash
  never leaves the lock held); the second then sees the first one's marks and writes nothing.
A brand-new database has nothing to catch up: its first start only sets the marks."""
from __future__ import annotations

import logging
import threading
from datetime import date, datetime, time, timedelta


from pipeline.config import TZ
from storage.database_lock import database_lock

log = logging.getLogger("yqwatch")
DAILY_MARK = "report:daily:issued"  # the day the last issued 摘报 covers (ISO date)
HANDOVER_MARK = "report:handover:issued"  # the end of the shift of the last 交接班 (ISO time)
# the key of the last issued 周报 (its Monday) / 月报 (YYYY-MM): both sort by time as strings
ANALYSIS_MARKS = {"weekly": "report:weekly:issued", "monthly": "report:monthly:issued"}
_ANALYSIS_LABELS = {"weekly": "周报", "monthly": "月报"}
_PG_LOCK_KEY = 0x7971_6375  # "yqcu": one advisory lock id for the catch-up
_memory_lock = threading.Lock()  # in-memory SQLite (tests): one process, threads only


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


def due_analysis(name: str, now: datetime, daily_at: str) -> str:
    """The key of the newest 周报 / 月报 due by `now`: the scheduler writes them at daily_at on
    Monday / the 1st, covering the week / month just ended."""
    from alerts.reports.monthly import MONTHLY
    from alerts.reports.weekly import WEEKLY

    pk = {"weekly": WEEKLY, "monthly": MONTHLY}[name]
    local = now.astimezone(TZ)
    # before daily_at the day's issue is not due yet: count from the day before
    today = local.date() if local.time() >= time.fromisoformat(daily_at) else local.date() - timedelta(days=1)
    return pk.key_of(pk.last_complete(today))


def issue_analysis(svc, name: str, key: str | None = None):
    """Write (and draft / send, as the approval step says) the 周报 or 月报 `key` (default: the
    period just ended) and mark it issued. The scheduler's Monday / 1st jobs call this too, so a
    scheduled issue is never caught up again."""
    from alerts.reports.kinds import kind

    key = key or kind(name).key(svc.reports, None)
    issue = svc.reports.issue_key(name, key)
    mark_issued(svc.store, ANALYSIS_MARKS[name], key)
    return issue


def catchup_lock(engine):
    """Held while one watch catches up; released when its process dies, whatever the death."""
    return database_lock(engine, _PG_LOCK_KEY, "catchup.lock", _memory_lock)


def catch_up(svc, now: datetime) -> list[str]:
    """Issue what the watch missed; returns what it did (for the log and tests)."""
    with catchup_lock(svc.store.engine):
        return _catch_up(svc, now)


def _catch_up(svc, now: datetime) -> list[str]:
    store, watch = svc.store, svc.cfg.watch
    day = due_daily(now, watch.reports.daily_at)
    end = due_handover(now, watch.shifts)
    keys = {name: due_analysis(name, now, watch.reports.daily_at) for name in ANALYSIS_MARKS}
    marks = {k: store.kv_get(k) for k in (DAILY_MARK, HANDOVER_MARK, *ANALYSIS_MARKS.values())}
    done: list[str] = []
    if all(v is None for v in marks.values()) and store.count_documents() == 0:
        mark_issued(store, DAILY_MARK, day.isoformat())  # a new database missed nothing
        mark_issued(store, HANDOVER_MARK, end.isoformat())
        for name, key in keys.items():
            mark_issued(store, ANALYSIS_MARKS[name], key)
        return done
    if (marks[DAILY_MARK] or "") < day.isoformat():
        svc.issue_daily_report(day)
        done.append(f"摘报 {day}")
    if (marks[HANDOVER_MARK] or "") < end.isoformat():
        svc.issue_handover(end)
        done.append(f"交接班 {end:%m-%d %H:%M}")
    for name, key in keys.items():
        mark = marks[ANALYSIS_MARKS[name]]
        if mark is None:  # a database from before these marks: the scheduler issued the last one
            mark_issued(store, ANALYSIS_MARKS[name], key)
        elif mark < key:
            issue_analysis(svc, name, key)
            done.append(f"{_ANALYSIS_LABELS[name]} {key}")
    for what in done:
        log.warning("补发停机期间错过的报告: %s", what)
    return done
