"""/reports shows the e-mail delivery state of issued reports, from real ReportPostbox rows on
SQLite (a real SMTP server for the sent issue, a dead port for the failing one)."""
from __future__ import annotations

import re
import warnings
from datetime import date

from alerts.config import AlertsConfig
from alerts.engine import AlertEngine
from alerts.incidents import IncidentBook
from conftest import free_port
from console.app import create_app
from console.services import ConsoleServices
from reports_support import clock, store  # noqa: F401  (fixtures)
from reports_support import NAMES, handled_incident, mail_desk
from storage.embedded_index import EmbeddedIndex
from test_alerts_support import SmtpServer
from test_cli import cfg  # noqa: F401  (a fixture: the shipped config in tmp_path)

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

DAY = date(2024, 5, 6)


def _page(store, clock, tmp_path, desk, **more) -> str:
    r = _client(store, clock, tmp_path, desk, **more).get("/reports")
    assert r.status_code == 200
    return r.text


def _client(store, clock, tmp_path, desk, **more) -> TestClient:
    index = EmbeddedIndex(tmp_path / "index.sqlite")
    index.ensure()
    services = ConsoleServices(
        store=store, index=index, query_terms=str.split,
        alerts=AlertEngine(store, AlertsConfig(), {}, now=clock, source_names=NAMES),
        incidents=IncidentBook(store.engine, now=clock), source_names=dict(NAMES), locality="青溪市",
        now=clock, report_dir=tmp_path / "reports",
        deliveries=desk.postbox.deliveries if desk is not None else None, **more)
    return TestClient(create_app(services), base_url="http://127.0.0.1:8080")


def _rows(html: str) -> dict[str, str]:
    """Delivery table rows by state, tags stripped."""
    rows = re.findall(r'<tr class="delivery state-(\w+)[^"]*">(.*?)</tr>', html, re.S)
    return {state: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)) for state, body in rows}


def test_sent_failing_and_preparing_issues_are_shown(store, clock, tmp_path):
    iid = handled_incident(store, clock)
    port = free_port()
    with SmtpServer(port) as smtp:
        desk = mail_desk(store, clock, tmp_path, port=port)
        assert desk.issue_daily(DAY).delivery.status == "sent"
    assert len(smtp.messages) == 1
    clock.advance(minutes=5)
    failing = desk.issue_special(iid)  # the server is gone now
    assert failing.queued and failing.delivery.attempts == 1
    assert desk.postbox.reserve("handover", "2024-05-07T08:00", ["duty-team@qingxi.example.cn"])

    html = _page(store, clock, tmp_path, desk)
    daily = re.search(r'<p class="ok" id="daily-mail">(.*?)</p>', html).group(1)
    assert daily == "最新一期摘报（2024-05-06）已于 05-07 09:00 发送给 2 位收件人。"
    rows = _rows(html)
    assert set(rows) == {"sent", "failing", "preparing"}
    assert "摘报 2024-05-06" in rows["sent"] and "已发送" in rows["sent"]
    assert "05-07 09:00 发送给 2 位收件人" in rows["sent"]  # handled_incident took 1 h
    assert "leader@qingxi.example.cn，office@qingxi.example.cn" in rows["sent"]
    f = rows["failing"]
    assert f.startswith(f" 专报 事件单 {iid} ") and "发送失败，重试中" in f and "已尝试 1 次" in f
    assert "下次尝试 05-07 09:06" in f  # 60 s backoff after the failed try at 09:05
    assert "最近错误：SMTP 127.0.0.1" in f
    assert "交接班 2024-05-07 08:00 交班" in rows["preparing"] and "生成中" in rows["preparing"]
    # the 专报's title carries the incident's (crawled) title: escaped, never markup
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_an_undelivered_daily_issue_is_flagged(store, clock, tmp_path):
    desk = mail_desk(store, clock, tmp_path, port=free_port())  # nothing listens
    desk.issue_daily(DAY)  # the first try
    for _ in range(2):  # the job fires again twice, still no server
        clock.advance(seconds=601)
        desk.issue_daily(DAY)
        desk.deliver()
    html = _page(store, clock, tmp_path, desk)
    warn = re.search(r'<p class="error" id="daily-mail">(.*?)</p>', html).group(1)
    assert warn == "最新一期摘报（2024-05-06）尚未送达领导：发送失败，重试中，已尝试 3 次。"
    assert list(_rows(html)) == ["failing"]


def test_no_mail_configured_no_section_and_empty_postbox_says_so(store, clock, tmp_path):
    html = _page(store, clock, tmp_path, None)
    assert 'id="deliveries"' not in html and 'id="daily-mail"' not in html
    desk = mail_desk(store, clock, tmp_path, port=free_port())
    html = _page(store, clock, tmp_path, desk)
    assert "尚无摘报邮件记录" in html and "尚无报告邮件" in html


def test_the_watch_wires_its_postbox_into_the_console(cfg):
    from scheduler import Services, load_config

    for with_mail in (True, False):
        if not with_mail:  # drop alerts.yaml `reports:` (the last section of the shipped file)
            text = (cfg / "alerts.yaml").read_text(encoding="utf-8")
            (cfg / "alerts.yaml").write_text(text[:text.index("\nreports:")] + "\n", encoding="utf-8")
        svc = Services(load_config(cfg))
        try:
            html = TestClient(svc.console_app(), base_url="http://127.0.0.1:8080").get("/reports").text
            assert ('id="deliveries"' in html) is with_mail
        finally:
            svc.close()


def test_a_first_try_is_no_failure_and_a_retried_send_counts_its_failures(store, clock, tmp_path):
    port = free_port()
    desk = mail_desk(store, clock, tmp_path, port=port)
    assert desk.issue_daily(DAY).delivery.status == "failed"  # nothing listens yet
    with SmtpServer(port):
        clock.advance(seconds=601)
        desk.deliver()
        desk2 = mail_desk(store, clock, tmp_path / "second", port=port)
        assert desk2.issue_daily(date(2024, 5, 5)).delivery.status == "sent"
    rows = re.findall(r'<tr class="delivery state-sent[^"]*">(.*?)</tr>', _page(store, clock, tmp_path, desk), re.S)
    text = {re.search(r"\d{4}-\d\d-\d\d", r).group(0): re.sub(r"<[^>]+>", " ", r) for r in rows}
    assert "（失败 1 次后成功）" in text["2024-05-06"]
    assert "失败" not in text["2024-05-05"]


def test_todays_issue_once_queued_for_mail_is_not_planned_or_rewritten(store, clock, tmp_path):
    """The demo issues today's 摘报 at once: the page then no longer promises what today's issue
    will hold, and does not offer to rewrite it."""
    today = clock().date()
    more = {"daily_items": lambda day: [], "write_report": lambda day: None}
    desk = mail_desk(store, clock, tmp_path, port=free_port())
    html = _page(store, clock, tmp_path, desk, **more)
    assert "今日摘报将收录" in html and 'id="upcoming-frozen"' not in html
    assert re.search(r'<button type="submit" id="generate">', html)
    with SmtpServer(port := free_port()):
        assert mail_desk(store, clock, tmp_path, port=port).issue_daily(today).delivery.status == "sent"
    html = _page(store, clock, tmp_path, desk, **more)
    assert "今日摘报将收录" not in html
    assert "今日摘报已出刊并交邮件报送（已发送）" in re.search(r'id="upcoming-frozen">(.*?)</p>', html).group(1)
    assert re.search(r'<button type="submit" id="generate" disabled title="今日摘报已报送，不再改写">', html)
    # and a POST that bypasses the disabled button is refused: the mailed issue is archived with its hash
    written = []
    c = _client(store, clock, tmp_path, desk, daily_items=lambda day: [], write_report=written.append)
    c.get("/reports")
    c.cookies.set("yq_actor", "zhang")
    r = c.post("/reports/generate", data={"csrf": c.cookies["yq_csrf"]}, follow_redirects=False)
    assert r.status_code == 409 and "今日摘报已报送" in r.text and written == []
