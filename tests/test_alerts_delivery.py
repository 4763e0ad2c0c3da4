"""Alert delivery that survives failures (issue 16): a failed record after a real SMTP accept
never re-sends, a hung mail server delays only e-mail, a dead channel is probed (not hammered)
and used within the back-off cap once it answers, refused messages are shown, people can cancel."""
from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import event

from alerts.channels import EmailChannel, WebhookChannel
from alerts.config import AlertsConfig
from alerts.engine import AlertEngine
from conftest import free_port
from test_alerts_support import Clock, HttpReceiver, SmtpServer, make_doc, make_store, put


def _config(channels=("email",), **retry) -> AlertsConfig:
    return AlertsConfig.model_validate({
        "channels": {
            "email": {"type": "email", "sender": "yq@example.cn", "recipients": ["boss@example.cn"]},
            "hook": {"type": "webhook", "url": "http://127.0.0.1:1/unused"},
        },
        "rules": [{"id": "serious", "name": "橙色以上新帖", "type": "new_hit",
                   "min_severity": "orange", "channels": list(channels)}],
        "retry": {"backoff_seconds": 10, "backoff_max_seconds": 30, **retry},
    })


def _email(port: int, timeout: float = 5) -> EmailChannel:
    return EmailChannel(host="127.0.0.1", port=port, sender="yq@example.cn",
                        recipients=["boss@example.cn"], timeout=timeout)


def _two_events():
    return [make_doc(1, thread="t-1", title="临江县欠薪", words=("欠薪",), simhash=0x0F0F_0F0F_0F0F_0F0F,
                     keywords=("工地", "欠薪", "农民工")),
            make_doc(2, thread="t-2", title="西山镇仓库起火", severity="red", words=("起火",),
                     simhash=0xF0F0_F0F0_F0F0_F0F0, keywords=("仓库", "起火", "消防车"))]


class FailNextCommit:
    """Makes the next COMMIT on the database fail, as a full disk does (armed after a send)."""

    def __init__(self, engine):
        self.armed = False
        self.always = False  # every commit fails while set
        self.fired = 0
        event.listen(engine, "commit", self._commit)

    def _commit(self, conn):
        if self.always:
            raise OSError(28, "No space left on device")
        if self.armed:
            self.armed = False
            self.fired += 1
            raise OSError(28, "No space left on device")


class ArmAfterSend(EmailChannel):
    """A real SMTP channel; once the server accepted the FIRST message, the next commit fails."""

    def __init__(self, trap: FailNextCommit, **kw):
        super().__init__(**kw)
        self.trap, self.sends = trap, 0

    def deliver(self, msg):
        super().deliver(msg)
        self.sends += 1
        if self.sends == 1:
            self.trap.armed = True


def test_failed_record_after_a_real_smtp_accept_is_never_resent(tmp_path):
    store, clock, port = make_store(tmp_path), Clock(), free_port()
    trap = FailNextCommit(store.engine)
    put(store, _two_events())
    channel = ArmAfterSend(trap, host="127.0.0.1", port=port, sender="yq@example.cn",
                           recipients=["boss@example.cn"], timeout=5)
    with SmtpServer(port) as smtp:
        engine = AlertEngine(store, _config(), {"email": channel}, now=clock)
        engine.run_once()
        assert trap.fired == 1
        # the other due alert went out in the same run, the unrecorded one was not retried
        assert len(smtp.messages) == 2
        assert engine.delivery_state().unrecorded == 1
        for _ in range(6):  # later runs, even past the lease: the ledger keeps it from re-sending
            clock.advance(minutes=3)
            engine.run_once()
        assert len(smtp.messages) == 2
        ids = sorted(m["Message-ID"] for m in smtp.messages)
        assert len(set(ids)) == 2
    alerts = engine.alerts()
    assert {a.status for a in alerts} == {"sent"} and {a.attempts for a in alerts} == {1}
    assert engine.delivery_state().unrecorded == 0


def test_a_crash_with_an_unwritten_record_resends_once_after_the_lease(tmp_path):
    """At-least-once, bounded: the process dies holding the outcome; a new process waits out the
    lease, then sends again with the SAME Message-ID (receivers drop the duplicate)."""
    store, clock, port = make_store(tmp_path), Clock(), free_port()
    trap = FailNextCommit(store.engine)
    put(store, [make_doc(1)])
    channel = ArmAfterSend(trap, host="127.0.0.1", port=port, sender="yq@example.cn",
                           recipients=["boss@example.cn"], timeout=5)
    with SmtpServer(port) as smtp:
        AlertEngine(store, _config(), {"email": channel}, now=clock).run_once()
        assert len(smtp.messages) == 1
        restarted = AlertEngine(store, _config(), {"email": _email(port)}, now=clock)
        clock.advance(seconds=60)
        restarted.run_once()
        assert len(smtp.messages) == 1  # the lease (120 s) still holds
        clock.advance(seconds=61)
        restarted.run_once()
        clock.advance(minutes=10)
        restarted.run_once()
    assert len(smtp.messages) == 2
    assert smtp.messages[0]["Message-ID"] == smtp.messages[1]["Message-ID"]
    [alert] = restarted.alerts()
    assert alert.status == "sent"


def test_a_database_that_refuses_writes_sends_nothing(tmp_path):
    """No send without a committed lease: a full disk can never cause an unrecorded send."""
    store, clock, port = make_store(tmp_path), Clock(), free_port()
    put(store, [make_doc(1)])
    engine = AlertEngine(store, _config(), {"email": _email(port)}, now=clock)
    engine.run_once()  # queued; nobody listens yet
    trap = FailNextCommit(store.engine)
    with SmtpServer(port) as smtp:
        clock.advance(minutes=1)
        trap.always = True
        assert engine.deliver_due() == (0, 0)
        assert smtp.messages == []
        trap.always = False
        assert engine.deliver_due() == (1, 0)
    assert len(smtp.messages) == 1


class HungServer:
    """A TCP server that accepts connections and never answers (no SMTP banner)."""

    def __enter__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()
        return self

    def _accept(self):
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.conns.append(conn)

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        for c in self.conns:
            c.close()
        self.sock.close()


def test_a_hung_mail_server_does_not_hold_back_the_webhook(tmp_path):
    store, clock = make_store(tmp_path), Clock()
    put(store, [make_doc(1)])
    with HungServer() as hung, HttpReceiver() as rx:
        engine = AlertEngine(store, _config(("email", "hook")),
                             {"email": _email(hung.port, timeout=30),
                              "hook": WebhookChannel(url=rx.url + "/hook", timeout=5)},
                             now=clock, delivery_wait=0.5)
        summary = engine.run_once()  # returns while the e-mail is still hanging
        deadline = time.monotonic() + 20
        while not rx.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(rx.requests) == 1
        by_channel = {a.channel: a.status for a in engine.alerts()}
        assert by_channel == {"hook": "sent", "email": "sending"}  # the mail is still in flight
        assert len(hung.conns) == 1
        assert summary.alerts_sent + engine.run_once().alerts_sent == 1
        assert len(hung.conns) == 1  # the busy mail worker is not started a second time
    engine.close()


def test_a_dead_channel_is_probed_not_hammered_and_used_soon_after_it_returns(tmp_path):
    store, clock = make_store(tmp_path), Clock()
    put(store, [make_doc(i, thread=f"t-{i}", title=f"第{i}号厂区偷排", simhash=(0x1111 << (i % 48)) ^ i,
                         keywords=(f"厂{i}", "偷排", f"河{i}")) for i in range(1, 13)])
    with HttpReceiver(status=503) as rx:
        engine = AlertEngine(store, _config(("hook",)),
                             {"hook": WebhookChannel(url=rx.url, timeout=5)}, now=clock)
        for _ in range(6 * 20):  # 20 minutes down, a run every 10 s
            engine.run_once()
            clock.advance(seconds=10)
        queued = len(engine.undelivered())
        assert queued >= 5  # several events, each with its own alert
        assert len(rx.requests) <= 20 * 60 / 30 + 3  # one probe per cap (30 s), not one per alert
        rx.status = 200  # the channel is back
        back, before = clock(), len(rx.requests)
        while engine.delivery_state().undelivered and clock() - back <= timedelta(minutes=2):
            engine.run_once()
            clock.advance(seconds=10)
    assert engine.delivery_state().undelivered == 0
    assert clock() - back <= timedelta(seconds=40)  # cap 30 s + one 10 s run interval
    delivered = {r.body["alert_id"] for r in rx.requests[before:]}
    assert len(delivered) == queued == len(rx.requests) - before  # each once after recovery


def test_a_refused_message_is_shown_and_a_person_can_retry_or_cancel(tmp_path):
    store, clock = make_store(tmp_path), Clock()
    put(store, _two_events())
    with HttpReceiver(status=400) as rx:
        engine = AlertEngine(store, _config(("hook",)), {"hook": WebhookChannel(url=rx.url, timeout=5)},
                             now=clock)
        engine.run_once()
        clock.advance(minutes=5)
        engine.run_once()
        assert len(rx.requests) == 2  # each tried once: a 400 is not retried by itself
        rejected = engine.undelivered()
        assert [a.status for a in rejected] == ["rejected", "rejected"]
        assert "HTTP 400" in rejected[0].last_error and rejected[0].next_try_at is None
        assert engine.delivery_state().rejected == 2

        rx.status = 200  # the receiver was fixed
        assert engine.retry_alert_now(rejected[0].id)
        assert engine.cancel_alert(rejected[1].id, "张伟", "重复告警")
        assert not engine.cancel_alert(rejected[1].id, "张伟")  # already cancelled
        engine.run_once()
    assert len(rx.requests) == 3 and rx.requests[-1].body["alert_id"] == rejected[0].id
    states = {a.id: (a.status, a.last_error) for a in engine.alerts()}
    assert states[rejected[0].id] == ("sent", None)
    assert states[rejected[1].id] == ("cancelled", "已取消（张伟）：重复告警")
    assert engine.undelivered() == [] and engine.delivery_state().undelivered == 0
    assert not engine.cancel_alert(rejected[0].id, "张伟")  # sent: nothing to cancel


def test_retry_policy_is_capped_at_a_minute():
    with pytest.raises(Exception, match="less than or equal to 60"):
        _config(backoff_max_seconds=3600)


def test_a_failing_rule_step_does_not_stop_delivery_of_queued_alerts(tmp_path):
    store, clock, port = make_store(tmp_path), Clock(), free_port()
    put(store, [make_doc(1)])
    engine = AlertEngine(store, _config(), {"email": _email(port)}, now=clock)
    engine.run_once()  # queued; nobody listens yet

    def unreadable(*_a, **_k):
        raise OSError(5, "Input/output error")

    store.documents_since = unreadable  # the document step now fails on every run
    with SmtpServer(port) as smtp:
        clock.advance(minutes=1)
        summary = engine.run_once()
    assert summary.alerts_sent == 1 and summary.errors == ("documents: OSError: [Errno 5] Input/output error",)
    assert len(smtp.messages) == 1 and engine.alerts()[0].status == "sent"


def test_a_lease_must_outlast_a_send():
    with pytest.raises(Exception, match=r"lease_seconds \(30\) must be at least 3 × the longest channel timeout"):
        AlertsConfig.model_validate({
            "channels": {"email": {"type": "email", "sender": "a@b.cn", "recipients": ["c@d.cn"], "timeout": 20}},
            "retry": {"lease_seconds": 30}})
