"""Issue 9: report kinds live in one registry (alerts.reports.kinds); a new kind is one module."""
from __future__ import annotations

import sys
import textwrap
from datetime import date
from types import SimpleNamespace

import pytest

import alerts.reports as reports_package
from alerts.channels.mail import EmailChannel
from alerts.incidents import IncidentBook
from alerts.reports.delivery import ReportPostbox
from alerts.reports.desk import ReportDesk
from alerts.reports.kinds import ReportKind, kind, kinds, scheduled
from conftest import free_port
from reports_support import clock, store  # noqa: F401  (fixtures)
from reports_support import NAMES
from test_alerts_support import SmtpServer

DAY = date(2024, 5, 6)

WEEKLY = '''
"""A weekly digest: the whole of a new report kind, in one module."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from alerts.reports.delivery import Outgoing
from alerts.reports.kinds import ReportKind


def _write(desk, key, formats, out_dir):
    start = datetime.combine(date.fromisoformat(key), time(0), ZoneInfo("Asia/Shanghai"))
    docs = desk.store.documents_between(start, start + timedelta(days=7), relevant_only=True)
    path = (out_dir or desk.out_dir) / f"周报-{key}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{desk.locality}舆情周报：本周本地信息{len(docs)}条\\n", encoding="utf-8")
    return path


def _mail(desk, path):
    text = path.read_text(encoding="utf-8")
    return Outgoing(title="舆情周报", subject=f"舆情周报（{path.stem}）", text=text, html=f"<p>{text}</p>")


REPORT_KIND = ReportKind(name="digest", title="舆情周报", formats=("txt",), default_formats=("txt",),
                         mail_formats=(), schedule=None, key=lambda desk, day: day.isoformat(),
                         write=_write, mail=_mail)
'''


def test_the_three_kinds_are_registered_with_their_schedules():
    found = kinds()
    assert {"daily", "special", "handover"} <= found.keys()
    assert (found["daily"].schedule, found["handover"].schedule, found["special"].schedule) == ("daily", "shifts", None)
    assert found["daily"].mail_formats == ("docx", "html") and found["handover"].default_formats == ("html", "txt")
    assert [k.name for k in scheduled("daily")] == ["daily"]
    assert [k.name for k in scheduled("shifts")] == ["handover"]
    assert (found["weekly"].title, found["monthly"].title) == ("舆情分析周报", "舆情分析月报")
    with pytest.raises(ValueError, match="unknown report kind 'quarterly'"):
        kind("quarterly")
    with pytest.raises(ValueError, match="schedule"):
        ReportKind(name="x", title="x", formats=("txt",), default_formats=None, mail_formats=(),
                   schedule="hourly", key=str, write=print, mail=print)


@pytest.fixture
def weekly_module(tmp_path, monkeypatch):
    """alerts/reports/weekly_digest.py, as a deployment would add it (in a temporary folder)."""
    folder = tmp_path / "plugin"
    folder.mkdir()
    (folder / "weekly_digest.py").write_text(textwrap.dedent(WEEKLY), encoding="utf-8")
    monkeypatch.setattr(reports_package, "__path__", [*reports_package.__path__, str(folder)])
    kinds.cache_clear()
    yield
    sys.modules.pop("alerts.reports.weekly_digest", None)
    kinds.cache_clear()


def test_a_new_kind_is_one_module_written_and_mailed_once(weekly_module, store, clock, tmp_path):  # noqa: F811
    assert kinds()["digest"].title == "舆情周报"
    port = free_port()
    channel = EmailChannel(host="127.0.0.1", port=port, sender="yq@qingxi.example.cn",
                           recipients=["duty@qingxi.example.cn"], timeout=5)
    mail = SimpleNamespace(channel="email", digest=["leader@qingxi.example.cn"])
    with SmtpServer(port) as smtp:
        desk = ReportDesk(store, IncidentBook(store.engine, now=clock), out_dir=tmp_path / "reports",
                          locality="青溪市", now=clock, source_names=NAMES,
                          postbox=ReportPostbox(store.engine, channel, now=clock), mail=mail)
        path = desk.write("digest", DAY)
        assert path.read_text(encoding="utf-8") == "青溪市舆情周报：本周本地信息6条\n"
        first = desk.issue("digest", DAY)
        again = desk.issue("digest", DAY)
    assert first.queued and first.delivery.status == "sent" and not again.queued
    (msg,) = smtp.messages
    assert "本周本地信息6条" in msg.get_body(("plain",)).get_content()
    assert msg["To"] == "leader@qingxi.example.cn"
