"""The daily 【值守日报】 heartbeat: sent once a day per channel at the configured Beijing time with
the last 24 hours summed up, never twice (not even across a restart), skipped when far too late."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError

from alerts.config import AlertsConfig
from alerts.engine import AlertEngine
from storage.types import CrawlRun
from test_alerts_support import SH, Clock, make_doc, make_store, put

BEAT = {"id": "beat", "name": "值守日报", "type": "heartbeat", "at": "08:30", "channels": ["duty", "boss"]}


class Recorder:
    def __init__(self):
        self.sent = []

    def recipients(self):
        return ("值班群",)

    def send(self, message):
        self.sent.append(message)


def _config(*rules) -> AlertsConfig:
    hook = {"type": "webhook", "url": "http://127.0.0.1:1/x"}
    return AlertsConfig.model_validate({"channels": {"duty": hook, "boss": hook}, "rules": list(rules)})


def _run(source, status, at):
    return CrawlRun(source_id=source, started_at=at, finished_at=at, pages=1, items=3, new_items=1,
                    errors=1 if status == "failed" else 0, parse_failures=0, list_items=3, status=status)


def _engine(store, clock, channels, *rules):
    return AlertEngine(store, _config(*rules), channels, now=clock, source_names={"qxbbs": "青溪论坛"})


def test_one_summary_a_day_per_channel_never_twice_across_restarts(tmp_path):
    store, clock = make_store(tmp_path), Clock(datetime(2026, 12, 3, 20, 0, tzinfo=SH))
    put(store, [make_doc(1, at=clock() - timedelta(hours=30)),  # older than 24 h at 08:30
                make_doc(2, at=clock()), make_doc(3, at=clock(), relevant=False, topic=None)])
    store.record_crawl_run(_run("qxbbs", "ok", clock()))
    for _ in range(3):
        store.record_crawl_run(_run("dead", "failed", clock()))
    duty, boss = Recorder(), Recorder()
    engine = _engine(store, clock, {"duty": duty, "boss": boss}, BEAT)
    engine.run_once()
    assert duty.sent == []  # 20:00: not yet
    clock.t = datetime(2026, 12, 4, 8, 29, tzinfo=SH)
    engine.run_once()
    assert duty.sent == []
    clock.advance(minutes=2)
    engine.run_once()
    clock.advance(minutes=5)
    engine.run_once()
    assert len(duty.sent) == len(boss.sent) == 1
    msg = duty.sent[0]
    assert msg.subject == "【值守日报】舆情值守运行中 12-04"
    assert "12-03 08:31 至 12-04 08:31" in msg.text
    assert "采集帖子 2 条，其中相关 1 条；发出预警 0 条；信息源正常 1 个，异常 1 个（dead）" in msg.text
    assert duty.sent[0].alert_id != boss.sent[0].alert_id
    engine.close()

    restarted = _engine(store, clock, {"duty": duty, "boss": boss}, BEAT)  # same day, after a restart
    clock.advance(minutes=10)
    restarted.run_once()
    assert len(duty.sent) == 1
    clock.t = datetime(2026, 12, 5, 8, 40, tzinfo=SH)  # the next day: the previous beat is not counted
    restarted.run_once()
    assert [m.subject[-5:] for m in duty.sent] == ["12-04", "12-05"]
    assert "发出预警 0 条" in duty.sent[1].text
    restarted.close()


def test_a_watch_started_long_after_the_time_skips_the_day(tmp_path):
    store, clock = make_store(tmp_path), Clock(datetime(2026, 12, 4, 23, 0, tzinfo=SH))
    duty = Recorder()
    engine = _engine(store, clock, {"duty": duty, "boss": Recorder()}, {**BEAT, "late_minutes": 60})
    engine.run_once()
    assert duty.sent == []
    engine.close()


@pytest.mark.parametrize("at", ["8:30", "24:00", "08:60", "0830"])
def test_bad_time_is_refused(at):
    with pytest.raises(ValidationError, match="HH:MM"):
        _config({**BEAT, "at": at})
