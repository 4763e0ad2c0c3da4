"""Volume-spike rules end to end: documents in a real SQLite store, the AlertEngine, a real SMTP
server (aiosmtpd) and a real HTTP receiver."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from email.header import decode_header, make_header
from pathlib import Path

import pytest

from alerts.channels import EmailChannel, WebhookChannel
from alerts.config import AlertsConfig, SpikeRule, load_alerts_config
from alerts.engine import AlertEngine
from conftest import free_port
from pipeline.config import ConfigError
from pipeline.types import TopicHit
from test_alerts_support import T0, Clock, HttpReceiver, SmtpServer, make_doc, make_store, put

ROOT = Path(__file__).resolve().parents[1]
NOW = T0 + timedelta(hours=13)  # baseline 09:00-21:00, current window 21:00-22:00


class Feed:
    """Writes posts through the store's normal API, `counts[i]` in hour i of the hours before `end`."""

    def __init__(self, store):
        self.store, self.n = store, 0

    def hourly(self, counts, *, end=NOW, topic=("water", "停水"), source="qxbbs",
               title="青溪东湖区又停水了", url=None):
        docs = []
        start = end - timedelta(hours=len(counts))
        for h, c in enumerate(counts):
            for j in range(c):
                self.n += 1
                at = start + timedelta(hours=h, seconds=1 + 3590 * j // c)
                doc = make_doc(self.n, at=at, title=f"{title}{self.n}", source=source,
                               thread=f"https://bbs.example.cn/thread-{self.n}-1-1.html",
                               url=url, severity="yellow", simhash=self.n * 0x9E3779B97F4A7C15 % (1 << 64))
                hits = (TopicHit(topic[0], topic[1], "民生", "yellow", ("停水",)),) if topic else ()
                docs.append(replace(doc, topic_hits=hits, replies=self.n % 7))
        put(self.store, docs)
        return docs


def _config(channels=("email",), console_url=None, **rule) -> AlertsConfig:
    spec = {"id": "topic_surge", "name": "话题声量突增", "type": "spike", "window_minutes": 60,
            "baseline_hours": 12, "min_posts": 10, "min_score": 3.0, "by": "topic",
            "channels": list(channels), **rule}
    return AlertsConfig.model_validate({
        "channels": {"email": {"type": "email", "sender": "yq@example.cn", "recipients": ["boss@example.cn"]},
                     "hook": {"type": "webhook", "url": "http://127.0.0.1:1/unused"},
                     "leader": {"type": "webhook", "url": "http://127.0.0.1:1/unused"}},
        "rules": [spec], "console_url": console_url})


def _email(port: int) -> EmailChannel:
    return EmailChannel(host="127.0.0.1", port=port, sender="yq@example.cn",
                        recipients=["boss@example.cn"], timeout=5)


def _subject(msg) -> str:
    return str(make_header(decode_header(msg["Subject"])))


BASELINE = [2] * 12


def test_surge_fires_one_email_with_counts_and_top_posts(tmp_path):
    store, clock, port = make_store(tmp_path), Clock(NOW), free_port()
    feed = Feed(store)
    feed.hourly(BASELINE + [40])
    feed.hourly([3], topic=("power", "停电"), title="停电")  # a quiet topic alongside
    with SmtpServer(port) as smtp:
        engine = AlertEngine(store, _config(console_url="http://127.0.0.1:8080/"),
                             {"email": _email(port)}, now=clock)
        summary = engine.run_once()
    assert summary.alerts_sent == 1 and len(smtp.messages) == 1
    msg = smtp.messages[0]
    assert _subject(msg) == "【声量突增】话题“停水”：近60分钟40条"
    body = msg.get_body(("plain",)).get_content()
    assert "此前12小时：平均每小时2.0条" in body
    assert "突增指数：26.9（阈值3）" in body  # (40 - 2) / max(std 0, √2, 1)
    # Top posts: the three with the most replies (all yellow), each with its link.
    top = [line for line in body.splitlines() if line[:2] in ("1.", "2.", "3.")]
    assert len(top) == 3 and all("qxbbs" in line and "https://bbs.example.cn/thread-" in line for line in top)
    assert "值守平台：http://127.0.0.1:8080/?topic=water&status=all" in body
    [alert] = engine.alerts()
    assert alert.kind == "new" and alert.event_id == "spike-topic_surge-water-202405062100"


def test_flat_series_and_quiet_topics_send_nothing(tmp_path):
    store, clock, port = make_store(tmp_path), Clock(NOW), free_port()
    Feed(store).hourly([20] * 13)  # busy but steady: never a spike
    with SmtpServer(port) as smtp:
        summary = AlertEngine(store, _config(), {"email": _email(port)}, now=clock).run_once()
    assert summary.alerts_sent == 0 and smtp.messages == []


def test_min_posts_is_a_floor(tmp_path):
    store, clock = make_store(tmp_path), Clock(NOW)
    feed = Feed(store)
    feed.hourly([0] * 12 + [9])  # score 9 against an empty baseline, but only 9 posts
    with HttpReceiver() as rx:
        engine = AlertEngine(store, _config(("hook",)), {"hook": WebhookChannel(url=rx.url, timeout=5)},
                             now=clock)
        engine.run_once()
        assert rx.requests == []
        feed.hourly([1], end=NOW)  # the tenth post
        engine.run_once()
    assert len(rx.requests) == 1 and "近60分钟10条" in rx.requests[0].body["subject"]


def test_once_across_runs_and_restart_then_one_followup_on_doubling(tmp_path):
    store, clock, port = make_store(tmp_path), Clock(NOW), free_port()
    feed = Feed(store)
    feed.hourly(BASELINE + [40])
    with SmtpServer(port) as smtp:
        AlertEngine(store, _config(), {"email": _email(port)}, now=clock).run_once()
        for _ in range(3):  # the surge goes on: still one alert
            clock.advance(minutes=5)
            feed.hourly([4], end=clock())
            AlertEngine(store, _config(), {"email": _email(port)}, now=clock).run_once()
        assert len(smtp.messages) == 1
        # It doubles (80+ posts in the last hour): ONE 持续升温 follow-up, never another.
        clock.advance(minutes=5)
        feed.hourly([40], end=clock())
        engine = AlertEngine(store, _config(), {"email": _email(port)}, now=clock)
        engine.run_once()
        for _ in range(3):
            clock.advance(minutes=5)
            feed.hourly([40], end=clock())
            engine.run_once()
    first, followup = (_subject(m) for m in smtp.messages)
    assert first == "【声量突增】话题“停水”：近60分钟40条"
    assert followup.startswith("【声量突增·持续升温】话题“停水”：近60分钟")
    assert followup.endswith("条（首次预警时40条）")
    assert int(followup.split("近60分钟")[1].split("条")[0]) >= 80
    alerts = engine.alerts()
    assert sorted(a.kind for a in alerts) == ["followup", "new"]
    assert len({a.event_id for a in alerts}) == 1  # one event: acknowledged together


def test_surge_that_ended_can_fire_again_as_a_new_event(tmp_path):
    store, clock = make_store(tmp_path), Clock(NOW)
    feed = Feed(store)
    feed.hourly(BASELINE + [40])
    with HttpReceiver() as rx:
        engine = AlertEngine(store, _config(("hook",)), {"hook": WebhookChannel(url=rx.url, timeout=5)},
                             now=clock)
        engine.run_once()
        clock.advance(hours=3)  # quiet: the episode closes
        engine.run_once()
        feed.hourly([80], end=clock())
        engine.run_once()
    assert len(rx.requests) == 2
    first, second = (r.body for r in rx.requests)
    assert first["event_id"] != second["event_id"] and "近60分钟80条" in second["subject"]


def test_rules_job_down_during_the_surge_does_not_open_a_second_one(tmp_path):
    store, clock = make_store(tmp_path), Clock(NOW)
    feed = Feed(store)
    feed.hourly(BASELINE + [40])
    with HttpReceiver() as rx:
        channels = {"hook": WebhookChannel(url=rx.url, timeout=5)}
        AlertEngine(store, _config(("hook",)), channels, now=clock).run_once()
        clock.advance(hours=2)  # the watch was down for two hours; the surge went on and grew
        feed.hourly([30, 150], end=clock())
        AlertEngine(store, _config(("hook",)), channels, now=clock).run_once()
    first, followup = (r.body for r in rx.requests)
    assert first["event_id"] == followup["event_id"] and "持续升温" in followup["subject"]


def test_dead_smtp_then_restart_delivers_exactly_once(tmp_path):
    store, clock, port = make_store(tmp_path), Clock(NOW), free_port()
    Feed(store).hourly(BASELINE + [40])
    first = AlertEngine(store, _config(), {"email": _email(port)}, now=clock).run_once()
    assert first.alerts_failed == 1  # nobody listens yet: the alert row waits for a retry
    with SmtpServer(port) as smtp:
        clock.advance(minutes=2)
        for _ in range(3):
            AlertEngine(store, _config(), {"email": _email(port)}, now=clock).run_once()
            clock.advance(minutes=2)
    assert len(smtp.messages) == 1 and _subject(smtp.messages[0]).startswith("【声量突增】")


def test_locality_and_source_groupings_and_topic_filter(tmp_path):
    store, clock = make_store(tmp_path), Clock(NOW)
    feed = Feed(store)
    feed.hourly(BASELINE + [12], topic=("water", "停水"))
    feed.hourly(BASELINE + [12], topic=("power", "停电"), source="tieba_qx")
    cfgs = {"by_locality": _config(("hook",), by="locality", min_posts=20),
            "by_source": _config(("hook",), by="source", id="src_surge"),
            "filtered": _config(("hook",), topics=["power"], id="power_surge")}
    bodies = {}
    for name, cfg in cfgs.items():
        with HttpReceiver() as rx:
            AlertEngine(store, cfg,
                        {"hook": WebhookChannel(url=rx.url, timeout=5)}, now=clock,
                        source_names={"qxbbs": "青溪论坛", "tieba_qx": "青溪吧"},
                        locality_name="青溪市").run_once()
        bodies[name] = [r.body for r in rx.requests]
    [loc] = bodies["by_locality"]
    assert loc["subject"] == "【声量突增】青溪市（全部本地信息）：近60分钟24条"
    assert "平均每小时4.0条" in loc["text"] and len(loc["doc_ids"]) == 3
    assert sorted(b["subject"] for b in bodies["by_source"]) == [
        "【声量突增】信息源“青溪吧”：近60分钟12条", "【声量突增】信息源“青溪论坛”：近60分钟12条"]
    assert [b["subject"] for b in bodies["filtered"]] == ["【声量突增】话题“停电”：近60分钟12条"]


def test_hostile_titles_and_links_are_escaped(tmp_path):
    store, clock, port = make_store(tmp_path), Clock(NOW), free_port()
    Feed(store).hourly([0] * 12 + [12], title='<script>alert(1)</script>[点我](http://evil.cn)"',
                       url="javascript:alert(1)")
    with SmtpServer(port) as smtp, HttpReceiver() as rx:
        AlertEngine(store, _config(("email", "hook")),
                    {"email": _email(port), "hook": WebhookChannel(url=rx.url, timeout=5)},
                    now=clock).run_once()
    html = smtp.messages[0].get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:" not in html and "<li>&lt;script&gt;" in html  # no link for a bad URL
    markdown = rx.requests[0].body["markdown"]
    assert "[点我]" not in markdown and "(http://evil.cn)" not in markdown
    assert "＜script＞" in markdown and "javascript" not in markdown


def test_unacknowledged_surge_escalates_and_ack_stops_it(tmp_path):
    store, clock = make_store(tmp_path), Clock(NOW)
    Feed(store).hourly(BASELINE + [40])
    cfg = _config(("hook",), escalation=[{"after_minutes": 30, "channels": ["leader"]}])
    with HttpReceiver() as duty, HttpReceiver() as leader:
        channels = {"hook": WebhookChannel(url=duty.url, timeout=5),
                    "leader": WebhookChannel(url=leader.url, timeout=5)}
        engine = AlertEngine(store, cfg, channels, now=clock)
        engine.run_once()
        clock.advance(minutes=31)
        engine.run_once()
        assert [r.body["subject"][:8] for r in leader.requests] == ["【第1级提醒】该"]
        assert engine.acknowledge(duty.requests[0].body["event_id"], "值班员甲") == 2


@pytest.mark.parametrize("edit, line, words", [
    ("    by: county\n", 13, "by"),
    ("    baseline_hours: 1.5\n    window_minutes: 60\n", 13, "whole number"),
    ("    window_minutes: 0\n", 13, "window_minutes"),
    ("    by: locality\n    topics: [water]\n", 14, "topics filter needs by: topic"),
    ("    baseline_hours: 720\n    window_minutes: 5\n", 13, "at most 336"),
    ("    min_posts: 0\n", 13, "min_posts"),
    ("    windw_minutes: 60\n", 13, "unknown key"),
])
def test_config_errors_name_file_and_line(tmp_path, edit, line, words):
    p = tmp_path / "alerts.yaml"
    p.write_text("channels:\n  mail:\n    type: email\n    sender: a@b.cn\n    recipients: [c@d.cn]\n"
                 "rules:\n  - id: surge\n    name: 声量突增\n    type: spike\n    channels: [mail]\n"
                 "    min_score: 3\n    # spike settings follow\n" + edit, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_alerts_config(p)
    assert str(e.value).startswith(f"{p}:{line}:") and words in str(e.value)


def test_commented_example_in_default_config_is_valid(tmp_path):
    text = (ROOT / "config" / "alerts.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    start = lines.index("  # - id: topic_surge")
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("  #"))
    lines[start:end] = [ln.replace("  # ", "  ", 1) for ln in lines[start:end]]
    p = tmp_path / "alerts.yaml"
    p.write_text("\n".join(lines), encoding="utf-8")
    rule = load_alerts_config(p).rules[-1]
    assert isinstance(rule, SpikeRule) and rule.baseline_windows == 12 and rule.by == "topic"
    # The shipped default keeps the demo's behaviour: no spike rule is enabled.
    shipped = load_alerts_config(ROOT / "config" / "alerts.yaml")
    assert not any(isinstance(r, SpikeRule) for r in shipped.rules)
