"""Source health that tells the truth (issues 16, 17): a recovered source sends one 【采集恢复】,
crawl failures the database never saw still alert once it is back, and the watchdog reports a
watch that stopped crawling (once) and its recovery (once). Real webhook receiver, real SQLite."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from alerts.channels import WebhookChannel
from alerts.config import AlertsConfig
from alerts.engine import AlertEngine
from alerts.registry import CHANNEL_KINDS, RULE_KINDS
from pipeline.config import ConfigError, load_yaml
from storage.types import CrawlRun
from test_alerts_support import Clock, HttpReceiver, make_store


def _config(*rules) -> AlertsConfig:
    return AlertsConfig.model_validate({
        "channels": {"hook": {"type": "webhook", "url": "http://127.0.0.1:1/x"}},
        "rules": list(rules)})


BROKEN = {"id": "broken", "name": "采集异常", "type": "source_broken", "consecutive": 2, "channels": ["hook"]}
STALLED = {"id": "watchdog", "name": "采集停止", "type": "crawl_stalled", "minutes": 30, "channels": ["hook"]}


def _run(source, status, at):
    return CrawlRun(source_id=source, started_at=at, finished_at=at, pages=1, items=0, new_items=0,
                    errors=1 if status == "failed" else 0, parse_failures=0, list_items=0, status=status)


def _subjects(rx):
    return [r.body["subject"] for r in rx.requests]


def test_a_broken_source_that_recovers_sends_one_recovery_notice(tmp_path):
    store, clock = make_store(tmp_path), Clock()
    with HttpReceiver() as rx:
        engine = AlertEngine(store, _config(BROKEN), {"hook": WebhookChannel(url=rx.url, timeout=5)},
                             now=clock, source_names={"qxbbs": "青溪论坛"})
        for status in ("failed", "failed"):
            clock.advance(minutes=5)
            store.record_crawl_run(_run("qxbbs", status, clock()))
            engine.run_once()
        for _ in range(3):  # healthy again, several runs: one notice
            clock.advance(minutes=5)
            store.record_crawl_run(_run("qxbbs", "ok", clock()))
            engine.run_once()
    assert _subjects(rx) == ["【采集异常】青溪论坛", "【采集恢复】青溪论坛"]
    assert "已恢复正常采集" in rx.requests[1].body["text"]


def test_crawl_failures_the_database_never_saw_alert_once_it_is_back(tmp_path, caplog):
    store, clock = make_store(tmp_path), Clock()
    refuse = {"on": False}

    def commit(conn):
        if refuse["on"]:
            raise OSError(28, "No space left on device")

    event.listen(store.engine, "commit", commit)
    with HttpReceiver() as rx:
        engine = AlertEngine(store, _config(BROKEN), {"hook": WebhookChannel(url=rx.url, timeout=5)},
                             now=clock, source_names={"qxbbs": "青溪论坛"})
        store.record_crawl_run(_run("qxbbs", "ok", clock()))
        refuse["on"] = True  # the disk is full: crawls fail and so does writing their record
        errors = []
        for _ in range(3):
            clock.advance(minutes=5)
            engine.note_crawl_failure("qxbbs", "storage:OperationalError")
            errors.append(engine.run_once().errors)
        # from the 2nd failure on the rule fires, but queueing its alert cannot be written
        assert errors[0] == () and errors[1] == errors[2] == ("source_broken: OSError: [Errno 28] No space left on device",)
        assert [r.message for r in caplog.records if r.message.startswith("预警规则运行出错")] == [
            "预警规则运行出错 (source_broken: OSError: [Errno 28] No space left on device)，其余步骤照常进行: "
            "[Errno 28] No space left on device"]  # logged once, not once per run
        failures = engine.crawl_failures()
        assert failures["qxbbs"].count == 3 and failures["qxbbs"].reason == "storage:OperationalError"
        assert [r.message for r in caplog.records].count(
            "采集失败且无法记录 qxbbs: storage:OperationalError (健康状态已在内存中标记，数据库恢复后发出预警)") == 1
        assert rx.requests == []
        refuse["on"] = False  # space freed
        clock.advance(minutes=1)
        engine.run_once()
        engine.run_once()
        assert _subjects(rx) == ["【采集异常】青溪论坛"]
        assert "连续3次采集结果无法写入数据库" in rx.requests[0].body["text"]
        engine.note_crawl_ok("qxbbs")
        clock.advance(minutes=5)
        store.record_crawl_run(_run("qxbbs", "ok", clock()))
        engine.run_once()
    assert _subjects(rx) == ["【采集异常】青溪论坛", "【采集恢复】青溪论坛"]
    assert engine.crawl_failures() == {}


def test_the_watchdog_reports_a_stopped_watch_once_and_its_recovery_once(tmp_path):
    store, clock = make_store(tmp_path), Clock()
    with HttpReceiver() as rx:
        engine = AlertEngine(store, _config(STALLED), {"hook": WebhookChannel(url=rx.url, timeout=5)},
                             now=clock)
        store.record_crawl_run(_run("qxbbs", "ok", clock()))
        clock.advance(minutes=29)
        engine.run_once()
        assert rx.requests == []
        for _ in range(4):  # 30 min and beyond without a finished crawl
            clock.advance(minutes=5)
            engine.run_once()
        assert _subjects(rx) == ["【采集停止】舆情值守已停止采集"]
        assert "超过 30 分钟没有完成任何采集" in rx.requests[0].body["text"]
        store.record_crawl_run(_run("news", "ok", clock()))
        for _ in range(3):
            clock.advance(minutes=1)
            engine.run_once()
        assert _subjects(rx)[1:] == ["【采集恢复】舆情值守已恢复采集"]
        clock.advance(minutes=31)  # stops again: a new stall, a new alert
        engine.run_once()
    assert _subjects(rx)[2:] == ["【采集停止】舆情值守已停止采集"]


def test_a_restarted_watch_counts_from_its_start_not_from_the_last_crawl_in_the_database(tmp_path):
    store, clock = make_store(tmp_path), Clock()
    store.record_crawl_run(_run("qxbbs", "ok", clock() - timedelta(days=2)))
    with HttpReceiver() as rx:
        engine = AlertEngine(store, _config(STALLED), {"hook": WebhookChannel(url=rx.url, timeout=5)},
                             now=clock)
        engine.run_once()
        assert rx.requests == []
        clock.advance(minutes=31)
        engine.run_once()
    assert len(rx.requests) == 1


def test_every_kind_is_registered_once_and_accepted_by_the_schema(tmp_path):
    assert set(CHANNEL_KINDS.names()) >= {"email", "webhook", "dingtalk", "wecom"}
    assert set(RULE_KINDS.names()) >= {"new_hit", "source_broken", "spike", "crawl_stalled"}
    for kind in [*CHANNEL_KINDS, *RULE_KINDS]:
        assert kind.config.model_fields["type"].annotation.__args__ == (kind.type,)
    with pytest.raises(ValueError, match="registered twice"):
        RULE_KINDS.register("spike", RULE_KINDS["spike"])
    bad = tmp_path / "alerts.yaml"
    bad.write_text("channels:\n  hook: {type: webhook, url: 'http://x'}\nrules:\n"
                   "  - {id: a, name: b, type: crawl_stoped, channels: [hook]}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_yaml(bad, AlertsConfig)
    assert "crawl_stalled" in str(e.value) and ":4" in str(e.value)
