"""Incident state machine, audit trail and per-department statistics."""
from __future__ import annotations

import pytest

from alerts.incidents import IncidentBook, IncidentError
from alerts.types import IncidentState as S
from test_alerts_support import Clock, make_store


def test_lifecycle_with_audit_trail_and_stats(tmp_path):
    clock = Clock()
    book = IncidentBook(make_store(tmp_path).engine, now=clock)
    inc = book.open("东湖区化工厂偷排", actor="值班员甲", event_id="ev-d0001", severity="orange")
    assert inc.state is S.found and inc.state.label == "发现"
    assert book.open("重复", actor="x", event_id="ev-d0001").id == inc.id  # one per event

    clock.advance(minutes=10)
    book.transition(inc.id, S.assessed, actor="值班员甲", note="属实")
    clock.advance(minutes=20)
    book.transition(inc.id, S.handling, actor="科长", department="生态环境局")
    with pytest.raises(IncidentError, match="不能从“处置”转为“发现”"):
        book.transition(inc.id, S.found, actor="科长")
    clock.advance(minutes=30)
    book.transition(inc.id, S.follow_up, actor="科长")
    clock.advance(hours=1)
    done = book.transition(inc.id, S.closed, actor="科长", note="已整改")

    assert done.state is S.closed and done.closed_at == clock()
    assert [(e.from_state, e.to_state) for e in done.log] == [
        (None, S.found), (S.found, S.assessed), (S.assessed, S.handling),
        (S.handling, S.follow_up), (S.follow_up, S.closed)]
    assert done.log[-1].actor == "科长" and done.log[-1].note == "已整改"
    with pytest.raises(IncidentError):
        book.transition(inc.id, S.handling, actor="科长")

    other = book.open("临江县欠薪", actor="值班员乙")
    book.transition(other.id, S.closed, actor="值班员乙", note="不实")
    stats = {d.department: d for d in book.department_stats()}
    assert stats["生态环境局"].incidents == 1 and stats["生态环境局"].closed == 1
    assert stats["生态环境局"].mean_minutes_to_handling == 30.0
    assert stats["生态环境局"].mean_minutes_to_close == 120.0
    assert stats["未指派"].mean_minutes_to_handling is None
    assert [i.title for i in book.list(state=S.closed)] == ["临江县欠薪", "东湖区化工厂偷排"]


def test_unknown_incident(tmp_path):
    book = IncidentBook(make_store(tmp_path).engine, now=Clock())
    with pytest.raises(IncidentError, match="不存在"):
        book.transition(99, S.assessed, actor="x")
    assert book.get(99) is None
