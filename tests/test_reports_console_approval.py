"""/reports/approvals in the console (Starlette TestClient, real accounts, real SMTP server): duty
staff edit the drafted 摘报 (drop, reorder, 编者按), a duty officer may not approve, the 分管领导
approves and the issue is mailed once and archived with the hash of what was sent."""
from __future__ import annotations

import hashlib
import io
import re

import docx
import pytest

from alerts.channels.mail import EmailChannel
from alerts.config import ReportMailConfig
from alerts.reports.approval import ApprovalBook
from alerts.reports.delivery import ReportPostbox
from alerts.reports.desk import ReportDesk
from conftest import free_port
from test_alerts_support import SmtpServer
from test_console_support import NAMES, build_env, form_post, signed_in, with_accounts


@pytest.fixture
def env(tmp_path):
    env = with_accounts(build_env(tmp_path), "jia", "lingdao")
    s = env.services
    env.port = free_port()
    channel = EmailChannel(host="127.0.0.1", port=env.port, sender="yq@qingxi.example.cn",
                           recipients=["duty@qingxi.example.cn"], timeout=5)
    s.report_desk = ReportDesk(
        s.store, s.incidents, out_dir=s.report_dir, locality="青溪市", now=env.clock, source_names=NAMES,
        postbox=ReportPostbox(s.store.engine, channel, now=env.clock),
        mail=ReportMailConfig(channel="email", daily=["leader@qingxi.example.cn"]),
        approvals=ApprovalBook(s.store.engine, now=env.clock))
    return env


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr class="item" data-id="([^"]+)">', html)


def test_edit_then_only_the_leader_approves_and_it_is_sent_once(env):
    desk = env.services.report_desk
    day = env.clock().date()
    key = day.isoformat()
    with SmtpServer(env.port) as smtp:
        assert not desk.issue_daily(day).queued  # scheduled: drafted, held for approval
        duty = signed_in(env, "jia")
        listing = duty.get("/reports/approvals")
        assert listing.status_code == 200 and f'data-kind="daily" data-key="{key}"' in listing.text
        assert "草稿待编辑" in listing.text
        page = duty.get(f"/reports/approvals/daily/{key}")
        planned = _rows(page.text)
        assert len(planned) >= 3 and 'id="approve-refused"' in page.text  # duty: no approve button

        # keep the 3rd and the 1st (in that order), drop the rest; a hostile 编者按
        form = {f"doc_{i}": d for i, d in enumerate(planned, 1)}
        form.update({"keep_1": "1", "order_1": "2", "keep_3": "1", "order_3": "1",
                     "note_3": "<script>alert(1)</script>请核实"})
        r = form_post(duty, f"/reports/approvals/daily/{key}/edit", **form)
        assert r.status_code == 303
        page = duty.get(r.headers["location"])
        assert _rows(page.text) == [planned[2], planned[0]]
        preview = re.search(r'<a id="preview" href="([^"]+)"', page.text).group(1)
        draft = duty.get(preview)  # the edited draft, as the 分管领导 will read it
        assert draft.status_code == 200 and "【编者按】" in draft.text and "请核实" in draft.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;请核实" in page.text and "<script>alert(1)" not in page.text
        assert "已编辑待审批" in page.text

        assert form_post(duty, f"/reports/approvals/daily/{key}/approve").status_code == 403
        assert smtp.messages == []
        assert duty.post(f"/reports/approvals/daily/{key}/approve", data={"csrf": "x" * 43},
                         follow_redirects=False).status_code == 403  # a forged form

        leader = signed_in(env, "lingdao")
        r = form_post(leader, f"/reports/approvals/daily/{key}/approve")
        assert r.status_code == 303
        done = leader.get(r.headers["location"]).text
        assert "已审批并报送" in done and "审批：李分管" in done
        assert form_post(leader, f"/reports/approvals/daily/{key}/approve").status_code == 409  # once
        again = form_post(duty, f"/reports/approvals/daily/{key}/edit", **form)
        assert again.status_code == 409  # frozen once approved
    (msg,) = smtp.messages
    [att] = msg.iter_attachments()
    data = att.get_content()
    digest = re.search(r'<code id="archive-hash">([0-9a-f]{64})</code>', done).group(1)
    assert digest == hashlib.sha256(data).hexdigest()
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "【编者按】<script>alert(1)</script>请核实" in text
    assert text.count("【摘要】") == 2


def test_unknown_issue_and_kind_are_404(env):
    duty = signed_in(env, "jia")
    assert duty.get("/reports/approvals/daily/2024-01-01").status_code == 404
    assert duty.get("/reports/approvals/nosuch/2024-01-01").status_code == 404
    assert duty.get("/reports/approvals/daily/..%2F..%2Fetc").status_code == 404


def test_weekly_and_monthly_from_the_reports_page(env):
    duty = signed_in(env, "jia")
    page = duty.get("/reports")
    assert 'id="gen-weekly"' in page.text and 'id="approvals-link"' in page.text
    r = form_post(duty, "/reports/analysis", kind="weekly")
    assert r.status_code == 303
    done = duty.get(r.headers["location"]).text
    assert "已生成舆情分析周报第1期" in done
    # the clock is 2024-05-06 (a Monday): last week is the one of 04-29
    assert "周报-2024-04-29-第1期.docx" in done and "周报-2024-04-29-第1期.html" in done
    assert form_post(duty, "/reports/analysis", kind="yearly").status_code == 400
    assert duty.post("/reports/analysis", data={"kind": "monthly"}, follow_redirects=False).status_code == 403
