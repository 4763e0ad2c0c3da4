"""`yqwatch ledger` and `yqwatch feedback` as real subprocesses: files written, exit codes and
one-line Chinese errors."""
from __future__ import annotations

import csv
from datetime import datetime

import openpyxl

from alerts.incidents import IncidentBook
from alerts.types import IncidentState as S
from storage.factory import create_schema, make_engine
from test_alerts_support import SH
from test_cli import cfg, yq  # noqa: F401  (cfg is a fixture)


def test_ledger_export_and_feedback(cfg):
    engine = make_engine(f"sqlite:///{cfg / 'yq.db'}")
    create_schema(engine)
    book = IncidentBook(engine, now=lambda: datetime.now(SH))
    iid = book.open("东湖区化工厂偷排", actor="值班员甲", severity="red").id
    book.transition(iid, S.assessed, actor="科长乙")
    book.transition(iid, S.handling, actor="科长乙", department="生态环境局", note="已转办")
    engine.dispose()

    r = yq("feedback", str(iid), "满意", "--by", "回访员", "--config", str(cfg))
    assert r.returncode == 0, r.stderr
    today = datetime.now(SH).date().isoformat()
    out = cfg / "台账.xlsx"
    r = yq("ledger", "--since", today, "--until", today, "--out", str(out), "--config", str(cfg))
    assert r.returncode == 0, r.stderr
    assert "事件单 1 件" in r.stdout and str(out) in r.stdout
    rows = list(openpyxl.load_workbook(out)["台账"].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][2] == "东湖区化工厂偷排"
    assert rows[1][6:8] == ("生态环境局", "处置: 已转办") and rows[1][10:12] == ("否", "满意")

    r = yq("ledger", "--format", "csv", "--config", str(cfg))  # default: this month, report dir
    assert r.returncode == 0, r.stderr
    written = r.stdout.splitlines()[1]
    assert written.endswith(".csv") and "/reports/台账-" in written
    with open(written, encoding="utf-8-sig", newline="") as f:
        assert [row[2] for row in csv.reader(f)] == ["标题", "东湖区化工厂偷排"]

    for args, words in ((["ledger", "--since", "2024-05-07", "--until", "2024-05-06"], "晚于"),
                        (["ledger", "--since", "5月"], "日期"),
                        (["ledger", "--out", str(cfg / "x.pdf")], "pdf"),
                        (["feedback", str(iid), "很好"], "满意度应为"),
                        (["feedback", "99", "满意"], "事件单 99 不存在")):
        r = yq(*args, "--config", str(cfg))
        assert r.returncode == 2, r.stdout + r.stderr
        err = r.stderr.strip()
        assert len(err.splitlines()) == 1 and err.startswith("错误: ") and words in err


def test_check_config_reads_the_optional_files(cfg):
    assert yq("check-config", str(cfg)).returncode == 0
    (cfg / "evidence.yaml").write_text("capture:\n  workers: 99\n", encoding="utf-8")
    r = yq("check-config", str(cfg))
    assert r.returncode == 2 and "evidence.yaml:2" in r.stderr
    (cfg / "evidence.yaml").unlink()
    (cfg / "ledger.yaml").write_text("response_hours:\n  red: -1\n", encoding="utf-8")
    r = yq("check-config", str(cfg))
    assert r.returncode == 2 and "ledger.yaml:2" in r.stderr
