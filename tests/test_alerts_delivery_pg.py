"""The delivery queue on PostgreSQL (runs with YQ_PG_URL): four watch processes' engines (own
connection pools) deliver the same queue at once and every alert arrives exactly once; a failed
record after a real SMTP accept is not re-sent."""
from __future__ import annotations

import threading
import uuid

from sqlalchemy import event

from alerts.channels import EmailChannel, WebhookChannel
from alerts.config import AlertsConfig
from alerts.engine import AlertEngine
from conftest import free_port
from storage.factory import create_schema, make_engine
from storage.store import Store
from storage_docs import drop_postgres_schema, postgres_engine
from test_alerts_delivery import ArmAfterSend, FailNextCommit
from test_alerts_support import Clock, HttpReceiver, SmtpServer, make_doc, put


def _config(channel: str) -> AlertsConfig:
    return AlertsConfig.model_validate({
        "channels": {"email": {"type": "email", "sender": "yq@example.cn", "recipients": ["boss@example.cn"]},
                     "hook": {"type": "webhook", "url": "http://127.0.0.1:1/unused"}},
        "rules": [{"id": "serious", "name": "橙色以上新帖", "type": "new_hit", "min_severity": "orange",
                   "channels": [channel]}]})


def _other_process_engine(first, schema: str):
    engine = make_engine(str(first.url.render_as_string(hide_password=False)))

    @event.listens_for(engine, "connect")
    def _search_path(dbapi_conn, _rec):
        with dbapi_conn.cursor() as cur:
            cur.execute(f'SET search_path TO "{schema}"')
        dbapi_conn.commit()

    return engine


def _docs(n):
    return [make_doc(i, thread=f"t-{i}", title=f"第{i}号事件", simhash=(0xFFFF << (i * 16 % 48)) ^ (i * 7919),
                     keywords=(f"词{i}", f"甲{i}", f"乙{i}")) for i in range(1, n + 1)]


def test_concurrent_deliverers_send_each_alert_once():
    schema = f"t_alerts_{uuid.uuid4().hex[:8]}"
    engine = postgres_engine(schema)
    extra = []
    try:
        create_schema(engine)
        store, clock = Store(engine), Clock()
        put(store, _docs(12))
        with HttpReceiver() as rx:
            hook = WebhookChannel(url=rx.url, timeout=5)
            dead = WebhookChannel(url=f"http://127.0.0.1:{free_port()}/", timeout=5)
            queuer = AlertEngine(store, _config("hook"), {"hook": dead}, now=clock)  # queues; all fail
            queuer.run_once()
            clock.advance(minutes=1)
            extra = [_other_process_engine(engine, schema) for _ in range(4)]
            watches = [AlertEngine(Store(e), _config("hook"), {"hook": hook}, now=clock) for e in extra]
            assert len(watches[0].undelivered()) >= 6
            go = threading.Barrier(len(watches))

            def deliver(w):
                go.wait()
                w.deliver_due()

            threads = [threading.Thread(target=deliver, args=(w,)) for w in watches]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            ids = [r.body["alert_id"] for r in rx.requests]
        assert len(ids) == len(set(ids)) == len(queuer.alerts())
        assert watches[0].delivery_state().undelivered == 0
        for w in watches:
            w.close()
    finally:
        for e in extra:
            e.dispose()
        drop_postgres_schema(engine, schema)


def test_failed_record_after_smtp_accept_is_not_resent_on_postgres():
    schema = f"t_alerts_{uuid.uuid4().hex[:8]}"
    engine = postgres_engine(schema)
    try:
        create_schema(engine)
        store, clock, port = Store(engine), Clock(), free_port()
        trap = FailNextCommit(engine)
        put(store, _docs(2))
        channel = ArmAfterSend(trap, host="127.0.0.1", port=port, sender="yq@example.cn",
                               recipients=["boss@example.cn"], timeout=5)
        with SmtpServer(port) as smtp:
            watch = AlertEngine(store, _config("email"), {"email": channel}, now=clock)
            watch.run_once()
            for _ in range(4):
                clock.advance(minutes=3)
                watch.run_once()
            assert trap.fired == 1
            assert len(smtp.messages) == len({m["Message-ID"] for m in smtp.messages}) == 2
        assert {a.status for a in watch.alerts()} == {"sent"}
        assert isinstance(channel, EmailChannel)
    finally:
        drop_postgres_schema(engine, schema)
