"""Catch-up of the 周报 / 月报 a stopped watch missed: written once with a real report desk (then
drafted for approval, or mailed to a real SMTP server when auto_send), never twice — not when
two watches start at once on one database, not after a crash between the issue and its mark."""
from __future__ import annotations

import threading
from datetime import date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.reports.approval import ApprovalBook
from alerts.reports.models import ReportApprovalRow
from catchup import (ANALYSIS_MARKS, DAILY_MARK, HANDOVER_MARK, catch_up, due_analysis, mark_issued)
from conftest import free_port
from pipeline.config import TZ
from reports_support import clock, mail_desk, reopen, store  # noqa: F401  (fixtures)
from test_alerts_support import SmtpServer

# The story's week: Monday 2024-05-06 .. Sunday 2024-05-12; its 周报 is due Monday 13th 08:00.
WEEK = "2024-05-06"


def at(month: int, d: int, h: int, m: int = 0) -> datetime:
    return datetime(2024, month, d, h, m, tzinfo=TZ)


@pytest.mark.parametrize("name, now, key", [
    ("weekly", at(5, 13, 7, 59), "2024-04-29"),  # Monday before daily_at: last week's is not due
    ("weekly", at(5, 13, 8, 0), WEEK),
    ("weekly", at(5, 19, 23, 0), WEEK),  # Sunday: still the week before
    ("monthly", at(6, 1, 7, 0), "2024-04"),
    ("monthly", at(6, 1, 8, 0), "2024-05"),
    ("monthly", at(6, 30, 12, 0), "2024-05"),
])
def test_due_analysis(name, now, key):
    assert due_analysis(name, now, "08:00") == key


class DeskServices:
    """What catch_up needs of scheduler.Services, on a real report desk; the daily and
    handover issues are those of test_catchup and only marked here."""

    def __init__(self, store, desk):
        self.store, self.reports = store, desk
        self.cfg = SimpleNamespace(watch=SimpleNamespace(reports=SimpleNamespace(daily_at="08:00"),
                                                         shifts=["08:00", "20:00"]))

    def issue_daily_report(self, day: date):
        mark_issued(self.store, DAILY_MARK, day.isoformat())

    def issue_handover(self, end: datetime):
        mark_issued(self.store, HANDOVER_MARK, end.isoformat())


def _services(store, clock, tmp_path, port, auto_send=()):
    from alerts.config import ReportMailConfig

    desk = mail_desk(store, clock, tmp_path, port=port)
    desk.mail = ReportMailConfig(channel="email", weekly=["leader@qingxi.example.cn"],
                                 monthly=["leader@qingxi.example.cn"])
    desk.approvals = ApprovalBook(store.engine, now=clock)
    desk.auto_send = frozenset(auto_send)
    return DeskServices(store, desk)


def _ran_until_sunday(store):
    """Marks of a watch that issued everything up to Sunday 12 May, then stopped."""
    mark_issued(store, DAILY_MARK, "2024-05-11")
    mark_issued(store, HANDOVER_MARK, at(5, 12, 20).isoformat())
    mark_issued(store, ANALYSIS_MARKS["weekly"], "2024-04-29")
    mark_issued(store, ANALYSIS_MARKS["monthly"], "2024-04")


def _approvals(store, kind):
    with Session(store.engine) as s:
        return s.scalar(select(func.count()).select_from(ReportApprovalRow).where(ReportApprovalRow.kind == kind))


def test_a_missed_weekly_is_drafted_for_approval_once(store, clock, tmp_path):
    port = free_port()
    with SmtpServer(port) as smtp:
        svc = _services(store, clock, tmp_path, port)
        _ran_until_sunday(store)
        clock.t = at(5, 13, 9, 30)  # back on Monday after the 08:00 issue time
        assert "周报 2024-05-06" in catch_up(svc, clock())
        assert smtp.messages == []  # not approved: nothing reaches leadership
        draft = svc.reports.approvals.get("weekly", WEEK)
        assert draft.state == "draft"
        assert (tmp_path / "reports" / "周报-2024-05-06-第1期.docx").exists()
        clock.advance(minutes=5)
        assert catch_up(svc, clock()) == []  # never twice
        sent = svc.reports.approve("weekly", WEEK, by="分管副主任王某")
        assert sent.delivery.status == "sent" and len(smtp.messages) == 1


def test_auto_send_weekly_and_monthly_go_out_once_even_after_a_crash_before_the_mark(store, clock, tmp_path):
    port = free_port()
    with SmtpServer(port) as smtp:
        svc = _services(store, clock, tmp_path, port, auto_send=("weekly", "monthly"))
        _ran_until_sunday(store)
        # the watch died on Monday right after writing and mailing the 周报, before its mark
        clock.t = at(5, 13, 8, 0)
        svc.reports.issue_key("weekly", WEEK)
        assert len(smtp.messages) == 1
        clock.t = at(6, 1, 9, 0)  # it comes back on 1 June: the 月报 of May is missed as well
        done = catch_up(svc, clock())
        # the newest 周报 due on 1 June is the week of 20 May (the story's week is then behind)
        assert done[2:] == ["周报 2024-05-20", "月报 2024-05"]  # after the 摘报 and 交接班
        subjects = sorted(m["Subject"] for m in smtp.messages)
        assert len(subjects) == 3 and any("月报" in s for s in subjects)
        assert catch_up(svc, clock()) == [] and len(smtp.messages) == 3


def test_a_crash_between_issue_and_mark_repeats_nothing_that_went_out(store, clock, tmp_path):
    port = free_port()
    with SmtpServer(port) as smtp:
        svc = _services(store, clock, tmp_path, port, auto_send=("weekly",))
        _ran_until_sunday(store)
        clock.t = at(5, 13, 9)
        svc.reports.issue_key("weekly", WEEK)  # issued; the process died before mark_issued
        restarted = _services(reopen(tmp_path), clock, tmp_path, port, auto_send=("weekly",))
        assert catch_up(restarted, clock())[-1] == "周报 2024-05-06"  # after the 摘报 and 交接班
        assert len(smtp.messages) == 1  # the e-mail of an issue key goes out once
        assert _approvals(store, "weekly") == 1
        assert not (tmp_path / "reports" / "周报-2024-05-06-第2期.docx").exists()


def test_two_watches_starting_at_once_write_the_missed_issue_once(store, clock, tmp_path):
    port = free_port()
    with SmtpServer(port) as smtp:
        _ran_until_sunday(store)
        clock.t = at(5, 13, 9)
        watches = [_services(reopen(tmp_path), clock, tmp_path, port, auto_send=("weekly",)) for _ in range(2)]
        issued: list[str] = []
        for w in watches:  # count the desk's issue calls of each watch
            real = w.reports.issue_key
            w.reports.issue_key = lambda name, key, real=real: (issued.append(key), real(name, key))[1]
        gate = threading.Barrier(2)
        done: list[list[str]] = []

        def start(w):
            gate.wait()
            done.append(catch_up(w, clock()))

        threads = [threading.Thread(target=start, args=(w,)) for w in watches]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(len(d) for d in done) == [0, 3] and issued == [WEEK]  # 摘报, 交接班, 周报
        assert len(smtp.messages) == 1


def test_on_postgresql_the_catchup_lock_is_held_by_one_session_at_a_time():
    """A session advisory lock: a second watch's session cannot take it while the first catches
    up (and PostgreSQL frees it when a dead watch's session goes away)."""
    from sqlalchemy import text

    from catchup import _PG_LOCK_KEY, catchup_lock
    from storage_docs import drop_postgres_schema, postgres_engine

    engine = postgres_engine("yq_catchup_lock")

    def free() -> bool:
        with engine.connect() as c:  # another session of the pool: can it take the lock?
            got = c.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _PG_LOCK_KEY}).scalar()
            if got:
                c.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
            c.commit()
            return got

    try:
        with catchup_lock(engine):
            assert not free()
        assert free()
    finally:
        drop_postgres_schema(engine, "yq_catchup_lock")
