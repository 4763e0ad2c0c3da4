"""Quiet hours and minimum push interval per channel (alerts.yaml `pacing:`), end to end against a
real SMTP server and a real HTTP robot receiver, the clock driven by the engine's `now`: held
alerts go out as one digest when quiet hours end (红 at once), alerts within a push interval go
out together when it ends; nothing dropped, nothing sent twice (restart, channel outage), and
escalation counts from when the alert really went out."""
from __future__ import annotations

from datetime import datetime, timedelta
from email.header import decode_header, make_header

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.channels import EmailChannel, WebhookChannel
from alerts.channels.dingtalk import DingTalkChannel
from alerts.config import AlertsConfig, load_alerts_config
from alerts.engine import AlertEngine
from alerts.models import AlertRow
from conftest import free_port
from pipeline.config import ConfigError
from reports_support import reopen
from test_alerts_support import SH, Clock, HttpReceiver, SmtpServer, make_doc, make_store, put

NIGHT = datetime(2024, 5, 6, 23, 30, tzinfo=SH)


def _story(n: int, at: datetime, severity="orange"):
    """A post of its own event (own thread, fingerprint and words)."""
    return make_doc(n, at=at, severity=severity, thread=f"https://bbs.example.cn/thread-{n}-1-1.html",
                    simhash=(0x0F0F_0F0F_0F0F_0F0F * n) & (2**64 - 1),
                    title=f"第{n}号帖<b>东湖区</b>排污", keywords=(f"词{n}a", f"词{n}b", f"词{n}c"))


def _config(pacing: dict, *, escalation=None, channel="email") -> AlertsConfig:
    rule = {"id": "serious", "name": "橙色以上", "type": "new_hit", "min_severity": "orange",
            "channels": [channel]}
    if escalation:
        rule["escalation"] = escalation
    return AlertsConfig.model_validate({
        "channels": {"email": {"type": "email", "sender": "yq@example.cn", "recipients": ["duty@example.cn"]},
                     "robot": {"type": "dingtalk", "url_env": "UNUSED_ROBOT_URL"},
                     "leader": {"type": "webhook", "url": "http://127.0.0.1:1/unused"}},
        "pacing": pacing, "rules": [rule],
        "retry": {"backoff_seconds": 30, "backoff_max_seconds": 30}})


def _email(port: int) -> EmailChannel:
    return EmailChannel(host="127.0.0.1", port=port, sender="yq@example.cn", recipients=["duty@example.cn"],
                        timeout=5)


def _subject(msg) -> str:
    return str(make_header(decode_header(msg["Subject"])))


def _rows(store) -> dict[str, AlertRow]:
    with Session(store.engine) as s:
        return {r.id: r for r in s.scalars(select(AlertRow))}


QUIET = {"email": {"quiet_hours": {"start": "23:00", "end": "07:00"}}}


def test_quiet_hours_hold_non_urgent_alerts_for_one_digest_and_let_red_through(tmp_path):
    store, clock, port = make_store(tmp_path), Clock(NIGHT), free_port()
    with SmtpServer(port) as smtp:
        engine = AlertEngine(store, _config(QUIET), {"email": _email(port)}, now=clock)
        put(store, [_story(1, NIGHT)])
        engine.run_once()
        clock.advance(hours=1, minutes=30)  # 01:00
        put(store, [_story(2, clock())])
        engine.run_once()
        assert smtp.messages == []  # held, not sent ...
        assert engine.delivery_state().held == 2 and "暂存 2 条" in engine.delivery_state().line()
        clock.advance(hours=1)  # 02:00: a red post goes through at once
        put(store, [_story(3, clock(), severity="red")])
        engine.run_once()
        assert [_subject(m)[:9] for m in smtp.messages] == ["【舆情预警·红色】"]
        clock.t = datetime(2024, 5, 7, 6, 59, tzinfo=SH)
        engine.run_once()
        assert len(smtp.messages) == 1
        clock.t = datetime(2024, 5, 7, 7, 0, tzinfo=SH)  # quiet hours end: one digest
        engine.run_once()
        engine.run_once()
        clock.advance(minutes=10)
        engine.run_once()
    assert len(smtp.messages) == 2
    digest = smtp.messages[1]
    assert _subject(digest) == "【舆情预警汇总·最高橙色】05-06 23:30至05-07 01:00共2条预警"
    body = digest.get_body(("plain",)).get_content()
    assert "第1号帖" in body and "第2号帖" in body and body.index("第1号帖") < body.index("第2号帖")
    html = digest.get_body(("html",)).get_content()
    assert "<b>东湖区</b>" not in html and "&lt;b&gt;东湖区&lt;/b&gt;" in html  # hostile title escaped
    rows = [r for r in _rows(store).values() if r.rule_id == "serious"]
    assert {r.status for r in rows} == {"sent"} and len(rows) == 3
    merged = [r for r in rows if r.digest_id]
    assert len(merged) == 2 and {r.sent_at.astimezone(SH).hour for r in merged} == {7}
    assert engine.delivery_state().held == 0
    # the night shift's 交接班 counts the three alerts, not the digest that carried two of them
    from alerts.reports.handover import build_handover

    night = build_handover(store, start=datetime(2024, 5, 6, 20, 0, tzinfo=SH),
                           end=datetime(2024, 5, 7, 8, 0, tzinfo=SH), locality="青溪市", now=clock())
    assert night.alerts_sent == 3 and night.undelivered == 0


def test_minimum_interval_coalesces_a_burst_into_one_robot_message(tmp_path):
    store, clock = make_store(tmp_path), Clock(datetime(2024, 5, 6, 9, 0, tzinfo=SH))
    with HttpReceiver() as rx:
        robot = DingTalkChannel(url=rx.url + "/robot/send?access_token=x", timeout=5)
        engine = AlertEngine(store, _config({"robot": {"min_interval_minutes": 10}}, channel="robot"),
                             {"robot": robot}, now=clock)
        put(store, [_story(1, clock())])
        engine.run_once()
        assert len(rx.requests) == 1  # the first push of a calm channel goes at once
        for n, minute in ((2, 2), (3, 5), (4, 8)):
            clock.t = datetime(2024, 5, 6, 9, minute, tzinfo=SH)
            put(store, [_story(n, clock(), severity="red" if n == 4 else "orange")])
            engine.run_once()
        # at most one push per 10 minutes, except 红: it goes at once, alone
        assert len(rx.requests) == 2 and "第4号帖" in rx.requests[1].body["markdown"]["text"]
        assert "汇总" not in rx.requests[1].body["markdown"]["title"]
        clock.t = datetime(2024, 5, 6, 9, 9, 58, tzinfo=SH)
        engine.run_once()
        assert len(rx.requests) == 2  # 红 did not restart the interval, and the rest still wait
        clock.t = datetime(2024, 5, 6, 9, 10, tzinfo=SH)
        engine.run_once()
        assert len(rx.requests) == 3
        text = rx.requests[2].body["markdown"]["text"]
        assert "共2条预警" in text and all(f"第{n}号帖" in text for n in (2, 3)) and "第4号帖" not in text
        assert rx.requests[2].body["markdown"]["title"].startswith("【舆情预警汇总·最高橙色】")
        clock.t = datetime(2024, 5, 6, 9, 30, tzinfo=SH)  # calm again: a new alert goes at once
        put(store, [_story(5, clock())])
        engine.run_once()
        assert len(rx.requests) == 4 and "第5号帖" in rx.requests[3].body["markdown"]["text"]
        assert "汇总" not in rx.requests[3].body["markdown"]["title"]


def test_held_alerts_survive_a_restart_and_an_outage_and_go_out_once(tmp_path):
    store, clock, port = make_store(tmp_path), Clock(NIGHT), free_port()
    first = AlertEngine(store, _config(QUIET), {"email": _email(port)}, now=clock)
    put(store, [_story(1, NIGHT), _story(2, NIGHT + timedelta(minutes=5))])
    first.run_once()
    first.close()  # the watch stops for the night; nothing listens on the mail port
    clock.t = datetime(2024, 5, 7, 7, 0, tzinfo=SH)
    second = AlertEngine(reopen(tmp_path), _config(QUIET), {"email": _email(port)}, now=clock)
    second.run_once()  # the digest is made and fails: the mail server is down
    rows = _rows(store)
    (digest,) = [r for r in rows.values() if r.kind == "digest"]
    assert digest.status == "failed"
    assert sorted(r.status for r in rows.values() if r.rule_id == "serious") == ["merged", "merged"]
    with SmtpServer(port) as smtp:
        clock.advance(seconds=30)
        second.run_once()
        clock.advance(minutes=5)
        second.run_once()
        third = AlertEngine(reopen(tmp_path), _config(QUIET), {"email": _email(port)}, now=clock)
        third.run_once()  # a second watch on the database finds nothing left to send
    assert len(smtp.messages) == 1 and "共2条预警" in _subject(smtp.messages[0])
    assert smtp.messages[0]["Message-ID"] == f"<alert.{digest.id}@yqwatch>"
    assert {r.status for r in _rows(store).values()} == {"sent"}


def test_escalation_counts_from_the_digest_that_really_went_out(tmp_path):
    store, clock, port = make_store(tmp_path), Clock(NIGHT), free_port()
    cfg = _config(QUIET, escalation=[{"after_minutes": 30, "channels": ["leader"]}])
    with SmtpServer(port) as smtp, HttpReceiver() as leader:
        engine = AlertEngine(store, cfg, {"email": _email(port), "leader": WebhookChannel(url=leader.url)},
                             now=clock)
        put(store, [_story(1, NIGHT), _story(2, NIGHT + timedelta(minutes=1))])
        engine.run_once()
        clock.t = datetime(2024, 5, 7, 6, 0, tzinfo=SH)  # hours later, still held: nobody was told
        engine.run_once()
        assert leader.requests == [] and smtp.messages == []
        clock.t = datetime(2024, 5, 7, 7, 0, tzinfo=SH)
        engine.run_once()
        assert len(smtp.messages) == 1
        clock.advance(minutes=29)
        engine.run_once()
        assert leader.requests == []
        clock.advance(minutes=1)
        engine.run_once()
        engine.run_once()
    assert len(leader.requests) == 2  # each event of the digest escalates once
    assert all(r.body["subject"].startswith("【第1级提醒】") for r in leader.requests)


BASE = """\
channels:
  mail:
    type: email
    sender: a@b.cn
    recipients: [x@b.cn]
pacing:
  mail:
    quiet_hours: {start: "23:00", end: "07:00", urgent: orange}
    min_interval_minutes: 10
rules:
  - id: r1
    name: 规则
    type: new_hit
    channels: [mail]
"""


def _load(tmp_path, text):
    p = tmp_path / "alerts.yaml"
    p.write_text(text, encoding="utf-8")
    return p, load_alerts_config(p)


def test_pacing_config_loads_and_mistakes_name_file_and_line(tmp_path):
    _, cfg = _load(tmp_path, BASE)
    assert cfg.pacing["mail"].quiet_hours.urgent == "orange"
    assert cfg.pacing["mail"].release_at("orange", NIGHT) == NIGHT  # orange is urgent here
    assert cfg.pacing["mail"].release_at("yellow", NIGHT) == datetime(2024, 5, 7, 7, 0, tzinfo=SH)
    for bad, line, word in [
        (BASE.replace("  mail:\n    quiet", "  robot:\n    quiet"), 6, "unknown channel(s) 'robot'"),
        (BASE.replace('"23:00"', '"24:00"'), 8, "not a time of day"),
        (BASE.replace("min_interval_minutes: 10", "min_interval_minutes: 0"), 9, "min_interval_minutes"),
        (BASE.replace("urgent: orange", "urgent: purple"), 8, "urgent"),
        (BASE.replace('"23:00", end: "07:00"', '"07:00", end: "07:00"'), 8, "same time"),
    ]:
        p = tmp_path / "alerts.yaml"
        p.write_text(bad, encoding="utf-8")
        with pytest.raises(ConfigError) as e:
            load_alerts_config(p)
        assert str(e.value).startswith(f"{p}:{line}:") and word in str(e.value), str(e.value)


def test_two_watches_releasing_at_once_on_postgresql_make_one_digest():
    import threading

    from alerts.pacing import release
    from storage.factory import create_schema
    from storage.store import Store
    from storage_docs import drop_postgres_schema, postgres_engine

    engine = postgres_engine("yq_pacing_race")
    try:
        create_schema(engine)
        store, clock = Store(engine), Clock(NIGHT)
        cfg = _config(QUIET)
        first = AlertEngine(store, cfg, {"email": _email(free_port())}, now=clock)
        put(store, [_story(n, NIGHT + timedelta(minutes=n)) for n in range(1, 6)])
        first.run_once()
        first.close()
        morning = datetime(2024, 5, 7, 7, 0, tzinfo=SH)
        engines = [postgres_engine_peer(engine) for _ in range(2)]
        gate, counts = threading.Barrier(2), []

        def go(e):
            gate.wait()
            counts.append(release(e, cfg.pacing, morning))

        threads = [threading.Thread(target=go, args=(e,)) for e in engines]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        rows = _rows(store)
        digests = [r for r in rows.values() if r.kind == "digest"]
        assert sorted(counts) == [0, 5] and len(digests) == 1
        assert sum(r.digest_id == digests[0].id for r in rows.values()) == 5
        for e in engines:
            e.dispose()
    finally:
        drop_postgres_schema(engine, "yq_pacing_race")


def postgres_engine_peer(engine):
    """A second engine (its own pool: another watch) on the schema `engine` is confined to."""
    from sqlalchemy import event

    from storage.factory import make_engine

    peer = make_engine(engine.url.render_as_string(hide_password=False))  # confined below

    @event.listens_for(peer, "connect")
    def _search_path(dbapi_conn, _rec):
        with dbapi_conn.cursor() as cur:
            cur.execute('SET search_path TO "yq_pacing_race"')
        dbapi_conn.commit()

    return peer


def test_alerts_held_under_an_earlier_config_go_out_when_pacing_is_removed(tmp_path):
    store, clock, port = make_store(tmp_path), Clock(NIGHT), free_port()
    paced = AlertEngine(store, _config(QUIET), {"email": _email(port)}, now=clock)
    put(store, [_story(1, NIGHT)])
    paced.run_once()
    paced.close()
    assert [r.status for r in _rows(store).values()] == ["held"]
    clock.advance(minutes=10)  # the operator drops `pacing:` and restarts the watch at 23:40
    with SmtpServer(port) as smtp:
        AlertEngine(reopen(tmp_path), _config({}), {"email": _email(port)}, now=clock).run_once()
    assert len(smtp.messages) == 1 and "第1号帖" in _subject(smtp.messages[0])
