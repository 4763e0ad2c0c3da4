"""`yqwatch report special|handover|daily|weekly|monthly` (daily --send) as real subprocesses: exit codes, one-line
Chinese errors, files written, and a daily issue e-mailed once to a real SMTP server."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import docx

from alerts.incidents import IncidentBook
from conftest import free_port
from storage.factory import create_schema, make_engine
from test_alerts_support import SH, SmtpServer
from test_cli import ROOT, cfg, yq  # noqa: F401  (cfg is a fixture)


def test_special_report_and_its_errors(cfg):
    engine = make_engine(f"sqlite:///{cfg / 'yq.db'}")
    create_schema(engine)
    iid = IncidentBook(engine, now=lambda: datetime.now(SH)).open("东湖区化工厂偷排", actor="值班员甲").id
    engine.dispose()

    out = cfg / "zb.docx"
    r = yq("report", "special", "--incident", str(iid), "--out", str(out), "--config", str(cfg))
    assert r.returncode == 0, r.stderr
    assert "《关于东湖区化工厂偷排的舆情专报》" in r.stdout and "第1期" in r.stdout
    assert docx.Document(str(out)).paragraphs[0].text == "关于东湖区化工厂偷排的舆情专报"

    for args, words in ((["--incident", "99"], "事件单 99 不存在"), ([], "--incident"),
                        (["--incident", str(iid), "--format", "txt"], "txt")):
        r = yq("report", "special", *args, "--config", str(cfg))
        assert r.returncode == 2, r.stdout + r.stderr
        err = r.stderr.strip()
        assert len(err.splitlines()) == 1 and err.startswith("错误: ") and words in err


def test_handover_and_daily_send_once(cfg):
    port = free_port()
    alerts = (cfg / "alerts.yaml").read_text(encoding="utf-8").replace("port: 8025", f"port: {port}")
    (cfg / "alerts.yaml").write_text(alerts, encoding="utf-8")

    r = yq("report", "handover", "--at", "2024-05-06T21:00", "--format", "txt", "--config", str(cfg))
    assert r.returncode == 0, r.stderr
    assert "交接班 2024年5月6日 08:00—20:00" in r.stdout
    assert (cfg / "reports" / "交接班-2024-05-06-2000.txt").is_file()

    with SmtpServer(port) as smtp:
        held = yq("report", "daily", "--date", "2024-05-06", "--send", "--config", str(cfg))
        assert held.returncode == 0, held.stderr
        assert "邮件待审批" in held.stdout and smtp.messages == []  # no auto_send: waits for approval
        watch = (cfg / "watch.yaml").read_text(encoding="utf-8")
        (cfg / "watch.yaml").write_text(watch.replace("  out_dir: reports\n", "  out_dir: reports\n"
                                                      "  auto_send: [daily]\n"), encoding="utf-8")
        first = yq("report", "daily", "--date", "2024-05-06", "--send", "--config", str(cfg))
        again = yq("report", "daily", "--date", "2024-05-06", "--send", "--config", str(cfg))
    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    assert "邮件已发送" in first.stdout and "此前已发送" in again.stdout
    assert len(smtp.messages) == 1
    assert smtp.messages[0]["To"] == "leader@qingxi.example.cn"
    assert [a.get_filename() for a in smtp.messages[0].iter_attachments()] == ["摘报-2024-05-06-第1期.docx"]


def test_reports_section_names_an_enabled_email_channel(cfg):
    text = (cfg / "alerts.yaml").read_text(encoding="utf-8")
    (cfg / "alerts.yaml").write_text(text.replace("reports:\n  channel: email", "reports:\n  channel: webhook"),
                                     encoding="utf-8")
    line = text.splitlines().index("  channel: email") + 1
    r = yq("check-config", str(cfg))
    assert r.returncode == 2
    err = r.stderr.strip()
    assert len(err.splitlines()) == 1 and f"alerts.yaml:{line - 1}:" in err
    assert "'webhook' is not an enabled email channel" in err


def test_the_watch_schedules_reports_and_their_mail(cfg):
    from scheduler import Services, build_scheduler, load_config

    svc = Services(load_config(cfg))
    try:
        assert svc.reports.postbox is not None and svc.reports.recipients("daily") == ["leader@qingxi.example.cn"]
        sched = build_scheduler(svc)
        jobs = {j.id for j in sched.get_jobs()}
        assert {"report:daily", "report:mail", "report:handover:08:00", "report:handover:20:00",
                "report:weekly", "report:monthly"} <= jobs
        issue = sched.get_job("report:weekly").func()  # what Monday morning runs: last week, drafted
        assert issue.result.paths[0].name.startswith("周报-") and issue.result.paths[0].is_file()
        assert not issue.queued  # no weekly recipients in alerts.yaml: written, not mailed
    finally:
        svc.close()


def test_weekly_and_monthly_reports(cfg, monkeypatch):
    r = yq("report", "weekly", "--date", "2024-05-08", "--config", str(cfg))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("《舆情分析周报》2024年第1期 (2024年第19周（5月6日—5月12日）): 涉本地信息 0 条")
    assert (cfg / "reports" / "周报-2024-05-06-第1期.docx").is_file()
    out = cfg / "month.docx"
    r = yq("report", "monthly", "--date", "2024-04-30", "--out", str(out), "--config", str(cfg))
    assert r.returncode == 0, r.stderr
    assert "《舆情分析月报》2024年第1期 (2024年4月)" in r.stdout
    assert docx.Document(str(out)).paragraphs[0].text == "青溪市网络舆情信息"  # the 红头
    for args, words in ((["weekly", "--format", "txt"], "txt"), (["monthly", "--date", "2024-13-01"], "日期")):
        r = yq("report", *args, "--config", str(cfg))
        assert r.returncode == 2, r.stdout + r.stderr
        err = r.stderr.strip()
        assert len(err.splitlines()) == 1 and err.startswith("错误: ") and words in err
    # without LibreOffice the PDF is refused with the reason, in one line
    monkeypatch.setenv("YQ_SOFFICE", "")
    monkeypatch.setenv("PATH", "/nonexistent")
    r = subprocess.run([sys.executable, "-m", "scheduler", "report", "daily", "--date", "2024-05-06",
                        "--format", "pdf", "--config", str(cfg)], capture_output=True, text=True, cwd=ROOT,
                       timeout=180)
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stderr.strip() == "错误: 无法生成PDF：本机未安装LibreOffice（soffice），请安装libreoffice-writer-nogui或改用DOCX/HTML格式"
