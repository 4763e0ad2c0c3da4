"""E-mail delivery of reports through a real SMTP server (aiosmtpd): each issue arrives exactly
once with its DOCX attached, survives a dead server and a crash between writing and sending."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import docx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.channels.mail import EmailChannel
from alerts.reports.delivery import LEASE, ReportPostbox
from alerts.reports.models import ReportDeliveryRow
from conftest import free_port
from reports_support import clock, store  # noqa: F401  (fixtures)
from reports_support import MORNING, handled_incident, mail_desk, reopen
from test_alerts_support import SH, SmtpServer

DAY = date(2024, 5, 6)


class Crash(BaseException):
    """The process dies here (not an Exception: nothing in the product may swallow it)."""


class CrashOnCompose(EmailChannel):
    def compose(self, **kw):
        raise Crash


class CrashOnDeliver(EmailChannel):
    def deliver(self, msg):
        raise Crash


def _docx_of(msg):
    parts = [p for p in msg.iter_attachments()]
    assert len(parts) == 1
    part = parts[0]
    assert part.get_content_type().endswith("wordprocessingml.document")
    d = docx.Document(io.BytesIO(part.get_content()))
    return part.get_filename(), "\n".join(p.text for p in d.paragraphs)


def _rows(store):
    with Session(store.engine) as s:
        return [(r.kind, r.key, r.status, r.attempts) for r in s.scalars(select(ReportDeliveryRow))]


def test_daily_issue_arrives_once_with_docx_attached(store, clock, tmp_path):
    port = free_port()
    with SmtpServer(port) as smtp:
        desk = mail_desk(store, clock, tmp_path, port=port)
        issue = desk.issue_daily(DAY)
        assert issue.queued and issue.delivery.status == "sent"
        assert issue.result.issue_no == 1 and {p.suffix for p in issue.result.paths} == {".docx", ".html"}
        again = desk.issue_daily(DAY)  # the job fired twice: nothing new is queued or written
        assert (again.result, again.queued, again.delivery.status) == (None, False, "sent")
        clock.advance(hours=2)
        desk.deliver()
        assert len(smtp.messages) == 1
    msg = smtp.messages[0]
    assert msg["Subject"] == "《重要舆情摘报》2024年第1期（2024年5月6日）"
    assert msg["To"] == "leader@qingxi.example.cn, office@qingxi.example.cn"
    assert msg["Message-ID"].startswith("<report.") and msg["Message-ID"].endswith("@yqwatch>")
    name, text = _docx_of(msg)
    assert name == "摘报-2024-05-06-第1期.docx"
    assert "重要舆情摘报" in text and "第1期" in text
    body = msg.get_body(("plain",)).get_content()
    assert "各位领导" in body and "第1期" in body and "东湖区化工厂半夜偷排" in body
    html = msg.get_body(("html",)).get_content()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert _rows(store) == [("daily", "2024-05-06", "sent", 1)]


def test_dead_server_then_live_server_sends_once_later(store, clock, tmp_path):
    port = free_port()  # nothing listens here yet
    desk = mail_desk(store, clock, tmp_path, port=port)
    issue = desk.issue_daily(DAY)
    assert issue.queued and "SMTP 127.0.0.1" in issue.delivery.last_error
    assert _rows(store) == [("daily", "2024-05-06", "failed", 1)]
    with SmtpServer(port) as smtp:
        desk.deliver()  # backoff: not due yet
        assert smtp.messages == []
        clock.advance(seconds=61)
        assert desk.deliver().sent == 1
        clock.advance(hours=5)
        desk.deliver()
        assert len(smtp.messages) == 1
    assert _rows(store) == [("daily", "2024-05-06", "sent", 2)]
    with Session(store.engine) as s:
        row = s.scalars(select(ReportDeliveryRow)).one()
        assert row.last_error is None and row.sent_at == MORNING + timedelta(seconds=61)


def test_failures_back_off_but_are_never_given_up(store, clock, tmp_path):
    desk = mail_desk(store, clock, tmp_path, port=free_port())
    desk.issue_daily(DAY)
    for _ in range(12):  # far beyond the alerts' max_attempts
        clock.advance(seconds=601)
        desk.deliver()
    with Session(store.engine) as s:
        row = s.scalars(select(ReportDeliveryRow)).one()
        assert row.status == "failed" and row.attempts == 13 and "SMTP 127.0.0.1" in row.last_error
        assert row.next_try_at == clock() + timedelta(seconds=600)  # doubled, then capped


def test_crash_after_writing_before_the_message_is_built(store, clock, tmp_path):
    port = free_port()
    crashing = CrashOnCompose(host="127.0.0.1", port=port, sender="a@b", recipients=["c@d"])
    with pytest.raises(Crash):
        mail_desk(store, clock, tmp_path, port=port, channel=crashing).issue_daily(DAY)
    assert (tmp_path / "reports" / "摘报-2024-05-06-第1期.docx").is_file()  # written, not sent
    store.engine.dispose()

    restarted = reopen(tmp_path)  # a new process on the same database
    with SmtpServer(port) as smtp:
        desk = mail_desk(restarted, clock, tmp_path, port=port)
        desk.deliver()
        assert smtp.messages == []  # the dead job's lease still holds
        clock.advance(seconds=LEASE.total_seconds() + 1)
        desk.deliver()
        desk.deliver()
        assert desk.issue_daily(DAY).result is None
        assert len(smtp.messages) == 1
    name, text = _docx_of(smtp.messages[0])
    assert name == "摘报-2024-05-06-第1期.docx" and "第1期" in text  # same issue number
    assert _rows(restarted) == [("daily", "2024-05-06", "sent", 1)]


def test_crash_after_the_message_is_queued_before_it_is_sent(store, clock, tmp_path):
    port = free_port()
    crashing = CrashOnDeliver(host="127.0.0.1", port=port, sender="a@b", recipients=["c@d"])
    with pytest.raises(Crash):
        mail_desk(store, clock, tmp_path, port=port, channel=crashing).issue_daily(DAY)
    store.engine.dispose()
    clock.advance(seconds=LEASE.total_seconds() + 1)
    with SmtpServer(port) as smtp:
        for _ in range(2):  # two restarts
            mail_desk(reopen(tmp_path), clock, tmp_path, port=port).deliver()
        assert len(smtp.messages) == 1
    assert smtp.messages[0]["From"] == "a@b"  # the message frozen before the crash, not a rebuild


def test_two_deliverers_do_not_send_the_same_issue_twice(store, clock, tmp_path):
    port = free_port()
    with SmtpServer(port) as smtp:
        desk = mail_desk(store, clock, tmp_path, port=port)
        assert desk.postbox.reserve("daily", "2024-05-06", ["x@y"])
        assert not desk.postbox.reserve("daily", "2024-05-06", ["x@y"])
        other = ReportPostbox(reopen(tmp_path).engine, desk.postbox.channel, now=clock)
        clock.advance(seconds=LEASE.total_seconds() + 1)
        assert desk.postbox.queue.claim(desk.postbox.deliveries()[0].id)
        assert other.run(desk._rebuild).sent == 0  # claimed by the first: left alone
        clock.advance(seconds=LEASE.total_seconds() + 1)
        assert other.run(desk._rebuild).sent == 1
        assert desk.postbox.run(desk._rebuild).sent == 0
        assert len(smtp.messages) == 1


def test_special_report_mail_once_per_handling_step(store, clock, tmp_path):
    from alerts.types import IncidentState as S

    iid = handled_incident(store, clock)
    port = free_port()
    with SmtpServer(port) as smtp:
        desk = mail_desk(store, clock, tmp_path, port=port)
        first = desk.issue_special(iid)
        assert first.queued and first.result.issue_no == 1
        assert desk.issue_special(iid).queued is False  # nothing new happened: not sent again
        desk.incidents.transition(iid, S.follow_up, actor="科长乙", note="已整改")
        update = desk.issue_special(iid)
        assert update.queued and update.result.issue_no == 1  # an update of the same 专报
        assert len(smtp.messages) == 2
    mail = smtp.messages[0]
    assert mail["Subject"].startswith("《关于东湖区化工厂偷排") and "2024年第1期" in mail["Subject"]
    assert mail["To"] == "leader@qingxi.example.cn"
    name, text = _docx_of(mail)
    assert name == "专报-2024-第1期-事件单1.docx" and "舆情专报" in text
    assert "跟踪" in _docx_of(smtp.messages[1])[1] and "跟踪" not in text


def test_handover_mail_once_per_shift(store, clock, tmp_path):
    port = free_port()
    clock.t = datetime(2024, 5, 6, 20, 0, 30, tzinfo=SH)
    with SmtpServer(port) as smtp:
        desk = mail_desk(store, clock, tmp_path, port=port)
        issue = desk.issue_handover()
        assert issue.queued and (issue.result.start.hour, issue.result.end.hour) == (8, 20)
        assert desk.issue_handover().queued is False
        assert len(smtp.messages) == 1
    msg = smtp.messages[0]
    assert msg["Subject"] == "青溪市值班交接班记录（2024年5月6日 08:00—20:00）"
    assert msg["To"] == "duty-team@qingxi.example.cn" and not list(msg.iter_attachments())
    assert "新增帖子6条" in msg.get_body(("plain",)).get_content()


def test_no_recipients_only_writes(store, clock, tmp_path):
    desk = mail_desk(store, clock, tmp_path, port=free_port())
    desk.mail = desk.mail.model_copy(update={"daily": []})
    issue = desk.issue_daily(DAY)
    assert (issue.queued, issue.delivery, issue.result.issue_no) == (False, None, 1)
    assert _rows(store) == [] and desk.deliver().sent == 0
    assert all(p.is_file() for p in issue.result.paths)


def test_a_person_can_cancel_an_undelivered_issue(store, clock, tmp_path):
    port = free_port()  # the server is down
    desk = mail_desk(store, clock, tmp_path, port=port)
    desk.issue_daily(DAY)
    [waiting] = desk.postbox.undelivered()
    assert (waiting.kind, waiting.key, waiting.status) == ("daily", "2024-05-06", "failed")
    assert desk.postbox.cancel("daily", "2024-05-06", "李娜", "已当面呈送")
    assert desk.postbox.undelivered() == []
    with SmtpServer(port) as smtp:
        clock.advance(hours=1)
        desk.deliver()
    assert smtp.messages == []
    d = desk.postbox.get("daily", "2024-05-06")
    assert (d.status, d.last_error) == ("cancelled", "已取消（李娜）：已当面呈送")
    assert not desk.postbox.cancel("daily", "2024-05-06", "李娜")
