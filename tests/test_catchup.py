"""catchup: which 摘报 and 交接班 were due by a given time, and catching them up once."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pytest

from catchup import DAILY_MARK, HANDOVER_MARK, catch_up, due_daily, due_handover
from pipeline.config import TZ
from storage.factory import create_schema, make_engine
from storage.store import Store
from storage_docs import make_doc


def at(d: int, h: int, m: int = 0) -> datetime:
    return datetime(2026, 12, d, h, m, tzinfo=TZ)


@pytest.mark.parametrize("now, covered", [
    (at(4, 7, 59), date(2026, 12, 2)),  # today's issue not due yet: the last due covered the 2nd
    (at(4, 8, 0), date(2026, 12, 3)),
    (at(4, 23, 0), date(2026, 12, 3)),
    (datetime(2026, 12, 4, 0, 30, tzinfo=TZ).astimezone(TZ), date(2026, 12, 2)),
])
def test_due_daily(now, covered):
    assert due_daily(now, "08:00") == covered


@pytest.mark.parametrize("now, end", [
    (at(4, 7, 59), at(3, 20)),
    (at(4, 8, 0), at(4, 8)),
    (at(4, 19, 0), at(4, 8)),
    (at(4, 21, 0), at(4, 20)),
])
def test_due_handover(now, end):
    assert due_handover(now, ["08:00", "20:00"]) == end


@dataclass
class _Issue:
    end: datetime


@dataclass
class FakeDeskServices:
    """Stands in for scheduler.Services: a real store, and a record of the issues requested (the
    real issuing is exercised by test_run_restart, against a real watch)."""

    store: Store
    cfg: object
    issued: list = field(default_factory=list)

    def issue_daily_report(self, day):
        from catchup import mark_issued

        self.issued.append(("daily", day))
        mark_issued(self.store, DAILY_MARK, day.isoformat())

    def issue_handover(self, end):
        from catchup import mark_issued

        self.issued.append(("handover", end))
        mark_issued(self.store, HANDOVER_MARK, end.isoformat())


@pytest.fixture
def svc(tmp_path):
    from types import SimpleNamespace

    engine = make_engine(f"sqlite:///{tmp_path / 'yq.db'}")
    create_schema(engine)
    cfg = SimpleNamespace(watch=SimpleNamespace(reports=SimpleNamespace(daily_at="08:00"),
                                                shifts=["08:00", "20:00"]))
    yield FakeDeskServices(Store(engine), cfg)
    engine.dispose()


def test_a_new_database_missed_nothing(svc):
    assert catch_up(svc, at(4, 9)) == [] and svc.issued == []
    assert catch_up(svc, at(4, 9, 30)) == []  # the marks were set


def test_missed_reports_are_issued_once(svc):
    svc.store.save_documents([make_doc(1)])
    catch_up(svc, at(3, 7))  # a watch that ran on the 3rd before 08:00
    svc.issued.clear()
    # down from 07:00 on the 3rd to 09:00 on the 4th: missed the 摘报 of the 4th (covering the
    # 3rd) — and of the 3rd too, but only the newest is written — and the 08:00 交接班
    done = catch_up(svc, at(4, 9))
    assert svc.issued == [("daily", date(2026, 12, 3)), ("handover", at(4, 8))]
    assert len(done) == 2
    assert catch_up(svc, at(4, 9, 5)) == [] and len(svc.issued) == 2  # never twice
    assert catch_up(svc, at(4, 20, 1)) == ["交接班 12-04 20:00"]
