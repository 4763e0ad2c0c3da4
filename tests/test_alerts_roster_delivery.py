"""Alerts reach whoever is on duty when they fire: a real SQLite store, a real SMTP server and a
real HTTP receiver standing in for the DingTalk / WeCom robots."""
from __future__ import annotations

from email.header import decode_header, make_header

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.channels import DingTalkChannel, EmailChannel, WeComChannel
from alerts.config import AlertsConfig
from alerts.engine import AlertEngine
from alerts.models import AlertRow
from conftest import free_port
from test_alerts_roster import ROSTER, at
from test_alerts_support import Clock, HttpReceiver, SmtpServer, make_doc, make_store, put


def _config(*, recipients=("roster:duty",), escalation=(), channels=("mail",), extra=None) -> AlertsConfig:
    return AlertsConfig.model_validate({
        "roster": ROSTER,
        "channels": {
            "mail": {"type": "email", "sender": "yq@qx.cn", "recipients": list(recipients)},
            "leader_mail": {"type": "email", "sender": "yq@qx.cn", "recipients": ["roster:leader"]},
            "ding": {"type": "dingtalk", "url_env": "YQ_DING", "at_roster": "leader",
                     "at_mobiles": ["13700000000"]},
            "wecom": {"type": "wecom", "url_env": "YQ_WECOM", "at_roster": ["duty", "leader"]},
            **(extra or {}),
        },
        "rules": [{"id": "serious", "name": "橙色以上新帖", "type": "new_hit", "min_severity": "orange",
                   "channels": list(channels), "escalation": list(escalation)}],
        "retry": {"backoff_seconds": 60},
    })


def _mail(port: int, config: AlertsConfig, name: str = "mail") -> EmailChannel:
    return EmailChannel(host="127.0.0.1", port=port, sender="yq@qx.cn",
                        recipients=config.channels[name].fixed_recipients(), timeout=5)


def _to(msg) -> list[str]:
    return [a.strip() for a in msg["To"].split(",")]


def _one_alert_at(tmp_path, when, config=None, name="mail") -> tuple[list, AlertEngine]:
    config = config or _config()
    store, port = make_store(tmp_path), free_port()
    engine = AlertEngine(store, config, {name: _mail(port, config, name)}, now=Clock(when))
    put(store, [make_doc(1)])
    with SmtpServer(port) as smtp:
        assert engine.run_once().alerts_sent == 1
    return smtp.messages, engine


def test_an_alert_at_3am_on_tuesday_goes_to_monday_nights_duty(tmp_path):
    messages, engine = _one_alert_at(tmp_path, at(7, 3))
    assert [_to(m) for m in messages] == [["ln@qx.cn"]]  # 李娜, Monday 20:00 shift
    assert engine.roster_gaps == 0


def test_the_same_rule_at_10am_goes_to_tuesdays_duty(tmp_path):
    messages, _ = _one_alert_at(tmp_path, at(7, 10))
    assert [_to(m) for m in messages] == [["zw@qx.cn"]]  # 张伟


def test_a_holiday_override_wins(tmp_path):
    config = _config(recipients=("roster:duty", "roster:leader"))
    messages, _ = _one_alert_at(tmp_path, at(8, 23), config)  # Wednesday 8 May: 节日 override
    assert [_to(m) for m in messages] == [["bb@qx.cn", "zc@qx.cn"]]


def test_fixed_and_roster_recipients_mix(tmp_path):
    config = _config(recipients=("desk@qx.cn", "roster:leader"))
    messages, _ = _one_alert_at(tmp_path, at(6, 9), config)
    assert [_to(m) for m in messages] == [["desk@qx.cn", "wj@qx.cn"]]


def test_a_retry_after_the_handover_goes_to_the_original_people(tmp_path):
    config = _config()
    store, port, clock = make_store(tmp_path), free_port(), Clock(at(6, 19, 55))
    engine = AlertEngine(store, config, {"mail": _mail(port, config)}, now=clock)
    put(store, [make_doc(1)])
    assert engine.run_once().alerts_failed == 1  # no SMTP server yet; 张伟 is on duty
    clock.advance(minutes=30)  # 20:25: 李娜 has taken over
    restarted = AlertEngine(store, config, {"mail": _mail(port, config)}, now=clock)
    with SmtpServer(port) as smtp:
        assert restarted.run_once().alerts_sent == 1
    assert [_to(m) for m in smtp.messages] == [["zw@qx.cn"]]
    with Session(store.engine) as s:
        assert s.scalars(select(AlertRow.recipients)).all() == [["zw@qx.cn"]]


def test_escalation_goes_to_the_leader_on_call_when_it_fires(tmp_path):
    config = _config(escalation=[{"after_minutes": 30, "channels": ["leader_mail"]}])
    store, port, clock = make_store(tmp_path), free_port(), Clock(at(6, 19, 50))
    channels = {"mail": _mail(port, config), "leader_mail": _mail(port, config, "leader_mail")}
    engine = AlertEngine(store, config, channels, now=clock)
    put(store, [make_doc(1)])
    with SmtpServer(port) as smtp:
        engine.run_once()  # 19:50: the first alert, to 张伟
        clock.advance(minutes=35)  # 20:25: unacknowledged; 赵处 leads the night shift, not 王局
        engine.run_once()
        clock.advance(minutes=60)
        engine.run_once()  # escalated once only
    assert [_to(m) for m in smtp.messages] == [["zw@qx.cn"], ["zc@qx.cn"]]
    assert str(make_header(decode_header(smtp.messages[1]["Subject"]))).startswith("【第1级提醒】")
    assert engine.roster_gaps == 0


def test_a_roster_gap_falls_back_and_is_counted(tmp_path, caplog):
    messages, engine = _one_alert_at(tmp_path, at(7, 21))  # Tuesday night: nobody on duty
    assert [_to(m) for m in messages] == [["bb@qx.cn"]]  # roster.fallback
    assert engine.roster_gaps == 1
    assert "nobody on the roster as duty" in caplog.text


def test_a_gap_on_a_channel_with_fixed_recipients_goes_to_them(tmp_path):
    config = _config(recipients=("desk@qx.cn", "roster:duty"))
    messages, engine = _one_alert_at(tmp_path, at(7, 21), config)
    assert [_to(m) for m in messages] == [["desk@qx.cn"]]
    assert engine.roster_gaps == 1


def test_dingtalk_mentions_the_leader_on_call(tmp_path):
    config = _config(channels=("ding",))
    store = make_store(tmp_path)
    with HttpReceiver() as robot:
        channel = DingTalkChannel(url=robot.url + "/robot/send?access_token=t", at_mobiles=["13700000000"])
        engine = AlertEngine(store, config, {"ding": channel}, now=Clock(at(7, 3)))
        put(store, [make_doc(1)])
        assert engine.run_once().alerts_sent == 1
    body = robot.requests[0].body
    assert body["at"]["atMobiles"] == ["13700000000", "13900000002"]  # fixed + 赵处 (Monday night)
    assert body["markdown"]["text"].endswith("@13700000000 @13900000002")
    assert channel.recipients() == ("dingtalk", "13700000000")  # the channel itself is unchanged


def test_wecom_mentions_the_people_on_call_in_a_text_message(tmp_path):
    config = _config(channels=("wecom",))
    store = make_store(tmp_path)
    with HttpReceiver() as robot:
        engine = AlertEngine(store, config, {"wecom": WeComChannel(url=robot.url + "/send?key=k")},
                             now=Clock(at(7, 10)))
        put(store, [make_doc(1)])
        assert engine.run_once().alerts_sent == 1
    kinds = [r.body["msgtype"] for r in robot.requests]
    assert kinds == ["markdown", "text"]
    assert robot.requests[1].body["text"]["mentioned_mobile_list"] == ["13800000001", "13900000002"]


def test_channels_without_a_roster_keep_their_fixed_recipients(tmp_path):
    config = _config(channels=("plain",),
                     extra={"plain": {"type": "email", "sender": "yq@qx.cn", "recipients": ["boss@qx.cn"]}})
    messages, engine = _one_alert_at(tmp_path, at(7, 21), config, "plain")  # a gap, not its business
    assert [_to(m) for m in messages] == [["boss@qx.cn"]] and engine.roster_gaps == 0
