"""舆情台账: incidents and graded events of a range with 处置措施, 回复时间, 是否超时, 满意度 and the
per-department statistics; XLSX read back with openpyxl, CSV with formula cells neutralised."""
from __future__ import annotations

import csv
from datetime import datetime, timedelta

import openpyxl
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from alerts.feedback import FeedbackError, record_feedback
from alerts.incidents import IncidentBook
from alerts.ledger import LedgerConfig, ResponseHours, build_ledger, load_ledger_config
from alerts.ledger_export import LEDGER_COLUMNS, STATS_COLUMNS, neutralise, write_csv, write_xlsx
from alerts.types import IncidentState as S
from pipeline.config import ConfigError
from reports_support import FIRST_URL, NAMES, handled_incident, story_store
from storage.models import Base
from test_alerts_support import SH, Clock

NOON = datetime(2024, 5, 6, 12, 0, tzinfo=SH)
DAY = datetime(2024, 5, 6, tzinfo=SH)
HOSTILE = '=HYPERLINK("http://evil.example/","点我")'


@pytest.fixture
def ledger_setup(tmp_path):
    """Three incidents of 6 May (one handled in time and rated 满意, one never replied, one closed
    as a false alarm a day late and rated 不满意), one of 7 May, and an event nobody took up."""
    clock = Clock(NOON)
    store = story_store(tmp_path, clock)
    book = IncidentBook(store.engine, now=clock)
    handled = handled_incident(store, clock)  # red, 处置 at 13:00 by 生态环境局
    silent = book.open("临江县拖欠工资", actor="值班员甲", severity="orange")
    book.transition(silent.id, S.assessed, actor="科长乙", department="人社局", note="待核实")
    hostile = book.open(HOSTILE, actor="值班员甲", severity="yellow", department="人社局")
    clock.advance(hours=4)
    book.transition(handled, S.follow_up, actor="科长乙", note="已约谈企业负责人")
    clock.advance(hours=26)  # 7 May 18:00
    book.transition(handled, S.closed, actor="科长乙", note="已整改到位")
    book.transition(hostile.id, S.closed, actor="科长乙", note="-不实信息")
    record_feedback(store.engine, handled, "基本满意", actor="回访员", now=clock)
    record_feedback(store.engine, handled, "满意", actor="回访员", now=clock)  # the latest counts
    record_feedback(store.engine, hostile.id, "不满意", actor="回访员", now=clock)
    later = book.open("次日事件", actor="值班员甲", severity="blue")
    return store, book, clock, handled, silent.id, hostile.id, later.id


def _ledger(setup):
    store, book, clock, *_ = setup
    return build_ledger(store, book, start=DAY, end=DAY + timedelta(days=1), now=clock(),
                        source_names=NAMES)


def test_rows_of_the_range(ledger_setup):
    _, _, _, handled, silent, hostile, later = ledger_setup
    ledger = _ledger(ledger_setup)
    by_incident = {r.incident_id: r for r in ledger.rows}
    assert set(by_incident) == {handled, silent, hostile, None}  # not the 7 May incident
    h = by_incident[handled]
    assert (h.source, h.link, h.grade, h.category, h.department) == (
        "青溪论坛", FIRST_URL, "红色", "环境保护", "生态环境局")
    assert h.found_at == NOON and h.replied_at == NOON + timedelta(hours=1)
    assert h.measures == "处置: 已转生态环境局核查；跟踪: 已约谈企业负责人；办结: 已整改到位"
    assert h.closed_at == NOON + timedelta(hours=31) and h.overdue is False and h.satisfaction == "满意"
    s = by_incident[silent]  # orange: 6 h to reply, none by the next evening
    assert s.replied_at is None and s.overdue is True and s.department == "人社局" and s.measures == ""
    x = by_incident[hostile]  # a direct 办结 is its reply, 30 h after discovery > 24 h for yellow
    assert x.replied_at == x.closed_at and x.overdue is True and x.satisfaction == "不满意"
    event = by_incident[None]
    assert event.title == "临江县道路施工" and event.grade == "蓝色" and event.overdue is None
    assert [r.found_at for r in ledger.rows] == sorted(r.found_at for r in ledger.rows)


def test_deadline_is_configurable(ledger_setup):
    store, book, clock, _, silent, hostile, _ = ledger_setup
    lax = LedgerConfig(response_hours=ResponseHours(orange=48, yellow=48))
    ledger = build_ledger(store, book, start=DAY, end=DAY + timedelta(days=1), now=clock(), config=lax)
    assert {r.incident_id: r.overdue for r in ledger.rows if r.incident_id in (silent, hostile)} == {
        silent: False, hostile: False}


def test_department_statistics(ledger_setup):
    stats = {d.department: d for d in _ledger(ledger_setup).departments}
    assert list(stats) == ["人社局", "生态环境局", "合计"]
    hr, eco, total = stats["人社局"], stats["生态环境局"], stats["合计"]
    assert (hr.incidents, hr.replied, hr.on_time, hr.due, hr.closed) == (2, 1, 0, 2, 1)
    assert (hr.reply_rate, hr.on_time_rate, hr.satisfaction_rate) == (0.5, 0.0, 0.0)
    assert (eco.reply_rate, eco.on_time_rate, eco.satisfaction_rate, eco.mean_hours_to_reply) == (
        1.0, 1.0, 1.0, 1.0)
    assert (total.incidents, total.replied, total.on_time, total.rated, total.satisfied) == (3, 2, 1, 2, 1)
    assert total.reply_rate == 0.6667 and total.satisfaction_rate == 0.5


def test_xlsx_opens_with_the_rows(ledger_setup, tmp_path):
    ledger = _ledger(ledger_setup)
    path = write_xlsx(ledger, tmp_path / "out" / "台账.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["台账", "部门统计"]
    rows = list(wb["台账"].iter_rows(values_only=True))
    assert rows[0] == LEDGER_COLUMNS and len(rows) == 1 + len(ledger.rows)
    col = {name: i for i, name in enumerate(LEDGER_COLUMNS)}
    first = next(r for r in rows[1:] if r[col["标题"]].startswith("东湖区"))
    assert first[col["发现时间"]] == datetime(2024, 5, 6, 12, 0)  # Beijing wall time
    assert first[col["回复时间"]] == datetime(2024, 5, 6, 13, 0)
    assert (first[col["等级"]], first[col["是否超时"]], first[col["满意度"]]) == ("红色", "否", "满意")
    cell = next(c for c in wb["台账"]["C"] if c.value == HOSTILE)
    assert cell.data_type == "s"  # crawled text stays text, never a formula
    stats = list(wb["部门统计"].iter_rows(values_only=True))
    assert stats[0] == STATS_COLUMNS
    assert stats[-1][:4] == ("合计", 3, 2, 0.6667)


def test_csv_neutralises_formula_cells(ledger_setup, tmp_path):
    ledger = _ledger(ledger_setup)
    paths = write_csv(ledger, tmp_path / "台账.csv")
    assert [p.name for p in paths] == ["台账.csv", "台账_部门统计.csv"]
    assert paths[0].read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    with paths[0].open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == LEDGER_COLUMNS and len(rows) == 1 + len(ledger.rows)
    titles = [r[2] for r in rows[1:]]
    assert "'" + HOSTILE in titles and HOSTILE not in titles
    assert "办结: -不实信息" in [r[7] for r in rows[1:]]  # inside a cell, a dash is harmless
    with paths[1].open(encoding="utf-8-sig", newline="") as f:
        stats = list(csv.reader(f))
    assert stats[-1][:4] == ["合计", "3", "2", "66.7%"]
    assert [neutralise(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "正常")] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "正常"]


def test_feedback_rejects_bad_input(ledger_setup):
    store, _, clock, handled, *_ = ledger_setup
    with pytest.raises(FeedbackError, match="满意度应为"):
        record_feedback(store.engine, handled, "很好", actor="x", now=clock)
    with pytest.raises(FeedbackError, match="事件单 999 不存在"):
        record_feedback(store.engine, 999, "满意", actor="x", now=clock)


def test_ledger_config_file(tmp_path):
    assert load_ledger_config(tmp_path) == LedgerConfig()  # optional file
    (tmp_path / "ledger.yaml").write_text("response_hours:\n  red: 1\n  purple: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="ledger.yaml:3"):
        load_ledger_config(tmp_path)
    (tmp_path / "ledger.yaml").write_text("response_hours:\n  red: 1.5\n", encoding="utf-8")
    assert load_ledger_config(tmp_path).response_hours.red == 1.5


def test_migration_matches_the_new_tables(ledger_setup):
    import storage.evidence  # noqa: F401  (registers the tables of 0009)
    import storage.versions  # noqa: F401

    store = ledger_setup[0]
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    ours = [d for d in diff if any(t in str(d) for t in ("post_versions", "post_changes", "incident_feedback", "evidence_captures"))]
    assert ours == []
