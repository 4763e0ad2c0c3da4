"""AlertEngine end to end against a real SMTP server and a real HTTP receiver."""
from __future__ import annotations

from datetime import timedelta
from email.header import decode_header, make_header

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.channels import EmailChannel, WebhookChannel
from alerts.config import AlertsConfig
from alerts.engine import AlertEngine
from alerts.models import AlertRow
from conftest import free_port
from storage.types import CrawlRun
from test_alerts_support import T0, Clock, HttpReceiver, SmtpServer, make_doc, make_store, put


def _config(channels=("email",), max_attempts=8) -> AlertsConfig:
    return AlertsConfig.model_validate({
        "channels": {
            "email": {"type": "email", "sender": "yq@example.cn", "recipients": ["boss@example.cn"]},
            "hook": {"type": "webhook", "url": "http://127.0.0.1:1/unused"},
        },
        "rules": [{"id": "serious", "name": "橙色以上新帖", "type": "new_hit",
                   "min_severity": "orange", "channels": list(channels)}],
        "retry": {"max_attempts": max_attempts, "backoff_seconds": 60, "backoff_max_seconds": 60},
    })


def _email(port: int) -> EmailChannel:
    return EmailChannel(host="127.0.0.1", port=port, sender="yq@example.cn",
                        recipients=["boss@example.cn"], timeout=5)


def test_one_email_per_event_across_runs_and_restart(tmp_path):
    store, clock, port = make_store(tmp_path), Clock(), free_port()
    docs = [make_doc(i) for i in range(20)]
    with SmtpServer(port) as smtp:
        engine = AlertEngine(store, _config(), {"email": _email(port)}, now=clock)
        summaries = []
        for chunk in (docs[:7], docs[7:14], docs[14:]):
            put(store, chunk)
            clock.advance(minutes=5)
            summaries.append(engine.run_once())
        # A restarted engine on the same database sends nothing again.
        clock.advance(hours=1)
        again = AlertEngine(store, _config(), {"email": _email(port)}, now=clock).run_once()

    assert len(smtp.messages) == 1
    msg = smtp.messages[0]
    subject = str(make_header(decode_header(msg["Subject"])))
    assert subject.startswith("【舆情预警·橙色】东湖区化工厂偷排污水")
    assert msg["Message-ID"].startswith("<alert.")
    body = msg.get_body(("plain",)).get_content()
    assert "请及时研判处置" in body and "事件累计1条" in body and "命中词：偷排、发臭" in body
    assert msg.get_body(("html",)) is not None
    assert [s.documents_seen for s in summaries] == [7, 7, 6]
    assert [s.events_new for s in summaries] == [1, 0, 0]
    assert [s.alerts_sent for s in summaries] == [1, 0, 0]
    assert again.documents_seen == 0 and again.alerts_sent == 0
    assert sum(s.matches for s in summaries) == 20


def test_low_grade_and_irrelevant_posts_send_nothing(tmp_path):
    store, clock, port = make_store(tmp_path), Clock(), free_port()
    put(store, [make_doc(1, severity="yellow", thread="t-a"),
                make_doc(2, relevant=False, severity=None, thread="t-b", topic=None)])
    with SmtpServer(port) as smtp:
        summary = AlertEngine(store, _config(), {"email": _email(port)}, now=clock).run_once()
    assert smtp.messages == []
    assert summary.documents_seen == 2 and summary.matches == 0 and summary.events_new == 1


def test_dead_smtp_retries_later_and_delivers_once(tmp_path):
    store, clock, port = make_store(tmp_path), Clock(), free_port()
    engine = AlertEngine(store, _config(), {"email": _email(port)}, now=clock)
    put(store, [make_doc(1)])
    first = engine.run_once()  # nobody listens on the port yet
    assert first.alerts_failed == 1 and first.alerts_sent == 0
    [alert] = engine.alerts()
    assert alert.status == "failed" and alert.attempts == 1 and alert.last_error
    assert alert.next_try_at == clock() + timedelta(seconds=60)

    with SmtpServer(port) as smtp:
        clock.advance(seconds=30)  # still inside the backoff: not retried
        assert engine.run_once().alerts_sent == 0
        clock.advance(seconds=31)
        assert engine.run_once().alerts_sent == 1
        clock.advance(hours=2)
        assert engine.run_once().alerts_sent == 0
    assert len(smtp.messages) == 1
    [alert] = engine.alerts()
    assert alert.status == "sent" and alert.attempts == 2 and alert.last_error is None


def test_never_gives_up_and_delivers_once_the_outage_ends(tmp_path):
    """A three-hour outage: retried every backoff_max_seconds, sent once when the server is back."""
    store, clock, port = make_store(tmp_path), Clock(), free_port()
    engine = AlertEngine(store, _config(max_attempts=2), {"email": _email(port)}, now=clock)
    put(store, [make_doc(1)])
    for _ in range(3 * 60):
        engine.run_once()
        clock.advance(minutes=1)
    [alert] = engine.alerts()
    assert alert.status == "failed" and alert.attempts == 180 and alert.next_try_at is not None
    state = engine.delivery_state()
    assert state.undelivered == 1 and state.retrying == 1 and state.struggling
    assert state.line() == "预警投递: 未送达 1 条（重试中 1，持续失败，最早 05-06 09:00）"
    assert [a.id for a in engine.undelivered()] == [alert.id]
    with SmtpServer(port) as smtp:
        clock.advance(seconds=60)
        assert engine.run_once().alerts_sent == 1
    assert len(smtp.messages) == 1 and engine.delivery_state().undelivered == 0
    assert engine.delivery_state().line() == "预警投递: 全部送达"


def test_webhook_gets_json_and_upgrade_is_sent_once(tmp_path):
    store, clock = make_store(tmp_path), Clock()
    with HttpReceiver() as rx:
        hook = WebhookChannel(url=rx.url + "/yq", headers={"X-Token": "t"}, timeout=5)
        engine = AlertEngine(store, _config(("hook",)), {"hook": hook}, now=clock)
        put(store, [make_doc(1), make_doc(2)])
        engine.run_once()
        put(store, [make_doc(3, severity="red"), make_doc(4, severity="red"), make_doc(5)])
        engine.run_once()
        engine.run_once()
    assert len(rx.requests) == 2
    first, upgrade = (r.body for r in rx.requests)
    assert rx.requests[0].path == "/yq" and rx.requests[0].headers["X-Token"] == "t"
    assert rx.requests[0].headers["Idempotency-Key"] == first["alert_id"]
    assert first["severity"] == "orange" and first["subject"].startswith("【舆情预警·橙色】")
    assert upgrade["severity"] == "red" and upgrade["subject"].startswith("【舆情预警·新升级为红色】")
    assert "事件累计3条" in upgrade["text"]
    assert first["event_id"] == upgrade["event_id"] and first["alert_id"] != upgrade["alert_id"]


def test_webhook_non_2xx_is_a_failure(tmp_path):
    store, clock = make_store(tmp_path), Clock()
    with HttpReceiver(status=503) as rx:
        engine = AlertEngine(store, _config(("hook",)), {"hook": WebhookChannel(url=rx.url, timeout=5)},
                             now=clock)
        put(store, [make_doc(1)])
        summary = engine.run_once()
    assert summary.alerts_failed == 1 and len(rx.requests) == 1
    assert "HTTP 503" in engine.alerts()[0].last_error


def test_separate_events_alert_separately_and_unique_per_channel(tmp_path):
    store, clock, port = make_store(tmp_path), Clock(), free_port()
    put(store, [make_doc(1, thread="t-1", title="临江县欠薪", words=("欠薪",), simhash=0x0F0F_0F0F_0F0F_0F0F,
                         keywords=("工地", "欠薪", "农民工")),
                make_doc(2, thread="t-2", title="西山镇仓库起火", severity="red",
                         words=("起火",), simhash=0xF0F0_F0F0_F0F0_F0F0, keywords=("仓库", "起火", "消防车"))])
    with SmtpServer(port) as smtp:
        summary = AlertEngine(store, _config(), {"email": _email(port)}, now=clock).run_once()
    assert summary.events_new == 2 and summary.alerts_sent == 2 and len(smtp.messages) == 2
    with Session(store.engine) as s:
        rows = s.scalars(select(AlertRow)).all()
    assert len({(r.rule_id, r.event_id, r.channel, r.kind) for r in rows}) == 2


def test_acknowledge_marks_alerts(tmp_path):
    store, clock, port = make_store(tmp_path), Clock(), free_port()
    put(store, [make_doc(1)])
    with SmtpServer(port):
        engine = AlertEngine(store, _config(), {"email": _email(port)}, now=clock)
        engine.run_once()
    [alert] = engine.alerts()
    assert engine.acknowledge(alert.event_id, "张三") == 1
    assert engine.acknowledge(alert.event_id, "张三") == 0
    assert engine.alerts()[0].acknowledged_by == "张三"


def _run(source, status, minutes):
    t = T0 + timedelta(minutes=minutes)
    return CrawlRun(source_id=source, started_at=t, finished_at=t, pages=1, items=0, new_items=0,
                    errors=1 if status == "failed" else 0, parse_failures=0, list_items=0,
                    status=status, reasons={"connection_refused": 2, "http_503": 1} if status == "failed" else {})


def test_source_broken_alerts_once_per_outage(tmp_path):
    store, clock = make_store(tmp_path), Clock()
    cfg = AlertsConfig.model_validate({
        "channels": {"hook": {"type": "webhook", "url": "http://127.0.0.1:1/x"}},
        "rules": [{"id": "broken", "name": "采集异常", "type": "source_broken", "consecutive": 3,
                   "channels": ["hook"]}]})
    with HttpReceiver() as rx:
        engine = AlertEngine(store, cfg, {"hook": WebhookChannel(url=rx.url, timeout=5)}, now=clock,
                             source_names={"qxbbs": "青溪论坛"})
        for i, status in enumerate(["ok", "failed", "failed"]):
            store.record_crawl_run(_run("qxbbs", status, i))
        store.record_crawl_run(_run("news", "empty", 0))
        engine.run_once()
        assert rx.requests == []  # two bad runs are not yet an outage
        for i in (3, 4):
            store.record_crawl_run(_run("qxbbs", "failed", i))
            engine.run_once()
        assert len(rx.requests) == 1  # the outage goes on: still one alert
        assert rx.requests[0].body["subject"] == "【采集异常】青溪论坛"
        assert "信息源“青溪论坛”连续3次采集失败" in rx.requests[0].body["text"]
        assert "连接被拒绝 (connection_refused) ×2" in rx.requests[0].body["text"]  # the duty desk reads why
        store.record_crawl_run(_run("qxbbs", "ok", 5))  # recovered, then a new outage
        for i in (6, 7, 8):
            store.record_crawl_run(_run("qxbbs", "empty", i))
        engine.run_once()
    assert len(rx.requests) == 2 and "连续3次列表页无内容" in rx.requests[1].body["text"]


def test_unacknowledged_event_escalates_level_by_level(tmp_path):
    store, clock = make_store(tmp_path), Clock()
    cfg = AlertsConfig.model_validate({
        "channels": {"duty": {"type": "webhook", "url": "http://127.0.0.1:1/a"},
                     "leader": {"type": "webhook", "url": "http://127.0.0.1:1/b"}},
        "rules": [{"id": "serious", "name": "x", "type": "new_hit", "channels": ["duty"],
                   "escalation": [{"after_minutes": 30, "channels": ["leader"]},
                                  {"after_minutes": 120, "channels": ["leader"]}]}]})
    with HttpReceiver() as duty, HttpReceiver() as leader:
        channels = {"duty": WebhookChannel(url=duty.url, timeout=5),
                    "leader": WebhookChannel(url=leader.url, timeout=5)}
        engine = AlertEngine(store, cfg, channels, now=clock)
        put(store, [make_doc(1)])
        engine.run_once()
        clock.advance(minutes=29)
        engine.run_once()
        assert len(duty.requests) == 1 and leader.requests == []
        clock.advance(minutes=1)
        engine.run_once()
        engine.run_once()
        assert len(leader.requests) == 1
        assert leader.requests[0].body["subject"].startswith("【第1级提醒】该预警发出30分钟仍未确认：【舆情预警·橙色】")
        # A second event acknowledged in time never reaches the leader.
        put(store, [make_doc(2, thread="t-2", simhash=0x0F0F_0F0F_0F0F_0F0F,
                             keywords=("工地", "欠薪", "农民工"))])
        engine.run_once()
        second = next(a.event_id for a in engine.alerts() if a.event_id != "ev-d0001")
        assert engine.acknowledge(second, "值班员甲") == 1
        clock.advance(minutes=90)
        engine.run_once()
        assert [r.body["subject"][:6] for r in leader.requests] == ["【第1级提醒", "【第2级提醒"]
        assert all(r.body["event_id"] == "ev-d0001" for r in leader.requests)
