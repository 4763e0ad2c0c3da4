"""The approval step: an issue with recipients is written as a draft and not mailed; duty staff
select, reorder and annotate (编者按) its items; a 分管领导 approves; only then is it mailed (once,
to a real SMTP server) and archived with the SHA-256 of the DOCX that went out. auto_send kinds
skip the wait and are recorded as approved by rule."""
from __future__ import annotations

import hashlib
import io
from datetime import date

import docx
import pytest

from alerts.reports.approval import AUTO, ApprovalBook, ApprovalError, EditedItem
from conftest import free_port
from reports_support import clock, store  # noqa: F401  (fixtures)
from reports_support import mail_desk
from test_alerts_support import SmtpServer

DAY = date(2024, 5, 6)
KEY = DAY.isoformat()


def _desk(store, clock, tmp_path, port, auto_send=()):
    desk = mail_desk(store, clock, tmp_path, port=port)
    desk.approvals = ApprovalBook(store.engine, now=clock)
    desk.auto_send = frozenset(auto_send)
    return desk


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def test_nothing_is_mailed_before_approval_then_the_edited_issue_is(store, clock, tmp_path):
    port = free_port()
    with SmtpServer(port) as smtp:
        desk = _desk(store, clock, tmp_path, port)
        held = desk.issue_daily(DAY)
        assert not held.queued and held.delivery is None and held.result.item_count == 2
        assert desk.issue_daily(DAY).delivery is None  # the scheduler's retry does not send it either
        assert smtp.messages == []
        book = desk.approvals
        assert book.get("daily", KEY).state_label == "草稿待编辑"

        # duty staff: the tieba repost first (a post the plan did not pick), then the road works;
        # the forum story is dropped; 编者按 on the first item (hostile text stays text)
        book.edit("daily", KEY, [EditedItem("d0004", "请生态环境局<b>重点</b>关注"), EditedItem("d0009")],
                  by="值班员甲")
        clock.advance(minutes=10)
        draft = desk.daily(DAY, ("docx",))
        assert [it.title for it in draft.report.items] == ["青溪化工厂偷排谁来管", "临江县道路施工"]
        assert draft.report.items[0].note == "请生态环境局<b>重点</b>关注"
        assert smtp.messages == []

        sent = desk.approve("daily", KEY, by="分管副主任王某")
        assert sent.queued and sent.delivery.status == "sent"
        with pytest.raises(ApprovalError, match="不能再编辑"):
            book.edit("daily", KEY, [EditedItem("d0001")], by="值班员甲")
        with pytest.raises(ApprovalError, match="无需重复审批"):
            desk.approve("daily", KEY, by="分管副主任王某")
        assert not desk.issue_daily(DAY).queued  # once
    (msg,) = smtp.messages
    [att] = msg.iter_attachments()
    data = att.get_content()
    text = _docx_text(data)
    assert text.index("（一）青溪化工厂偷排谁来管") < text.index("（二）临江县道路施工")
    assert "【编者按】请生态环境局<b>重点</b>关注" in text and "东湖区化工厂半夜偷排" not in text
    ap = book.get("daily", KEY)
    assert (ap.state, ap.approved_by, ap.edited_by) == ("sent", "分管副主任王某", "值班员甲")
    assert ap.archive == att.get_filename() and ap.sha256 == hashlib.sha256(data).hexdigest()
    html = msg.get_body(("html",)).get_content()
    assert "请生态环境局&lt;b&gt;重点&lt;/b&gt;关注" in html


def test_auto_send_kinds_go_out_and_are_recorded_as_approved_by_rule(store, clock, tmp_path):
    port = free_port()
    with SmtpServer(port) as smtp:
        desk = _desk(store, clock, tmp_path, port, auto_send=("daily",))
        issue = desk.issue_daily(DAY)
    assert issue.queued and len(smtp.messages) == 1
    ap = desk.approvals.get("daily", KEY)
    assert (ap.state, ap.approved_by, ap.items) == ("sent", AUTO, None)
    assert len(ap.sha256) == 64


def test_edits_are_checked_and_approval_needs_a_draft_and_a_name(store, clock, tmp_path):
    book = ApprovalBook(store.engine, now=clock)
    with pytest.raises(ApprovalError, match="尚无草稿"):
        book.approve("daily", KEY, by="王某")
    with pytest.raises(ApprovalError, match="重复"):
        book.edit("daily", KEY, [EditedItem("d0001"), EditedItem("d0001")], by="甲")
    with pytest.raises(ApprovalError, match="编者按"):
        book.edit("daily", KEY, [EditedItem("d0001", "长" * 501)], by="甲")
    with pytest.raises(ApprovalError, match="审批人"):
        book.approve("daily", KEY, by="  ")
    assert book.draft("daily", KEY) == book.draft("daily", KEY)  # idempotent
    (tmp_path / "x.docx").write_bytes(b"PK")
    with pytest.raises(ApprovalError, match="未经审批"):
        book.sent("daily", KEY, tmp_path / "x.docx")


def test_weekly_report_waits_for_approval_then_goes_out_with_its_charts(store, clock, tmp_path):
    from alerts.config import ReportMailConfig

    port = free_port()
    with SmtpServer(port) as smtp:
        desk = _desk(store, clock, tmp_path, port, auto_send=("daily",))
        desk.mail = ReportMailConfig(channel="email", weekly=["leader@qingxi.example.cn"])
        held = desk.issue("weekly", DAY)
        assert not held.queued and smtp.messages == [] and held.result.report.relevant == 6
        sent = desk.approve("weekly", KEY, by="分管副主任王某")
        assert sent.queued and sent.delivery.status == "sent"
    (msg,) = smtp.messages
    assert msg["Subject"] == "《舆情分析周报》2024年第1期（2024年第19周（5月6日—5月12日））"
    [att] = msg.iter_attachments()
    assert att.get_filename() == "周报-2024-05-06-第1期.docx"
    assert len(docx.Document(io.BytesIO(att.get_content())).inline_shapes) == 4
    assert desk.approvals.get("weekly", KEY).sha256 == hashlib.sha256(att.get_content()).hexdigest()
