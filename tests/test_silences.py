"""Silences (静默): matching posts still count as matches but queue no new_hit alert while the
silence is in force; ending it or letting it expire restores alerts. The CLI as a subprocess."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.config import AlertsConfig
from alerts.engine import AlertEngine
from alerts.models import AlertMatchRow
from alerts.silences import SilenceError, add_silence, end_silence, list_silences
from test_alerts_support import SH, T0, Clock, make_doc, make_store, put
from test_cli import cfg, yq  # noqa: F401  (cfg is a fixture)


class Recorder:
    def __init__(self):
        self.sent = []

    def recipients(self):
        return ("值班群",)

    def send(self, message):
        self.sent.append(message)


CONFIG = AlertsConfig.model_validate({
    "channels": {"hook": {"type": "webhook", "url": "http://127.0.0.1:1/x"}},
    "rules": [{"id": "serious", "name": "橙色以上", "type": "new_hit", "min_severity": "orange",
               "channels": ["hook"]}]})


def _story(n, topic, source="qxbbs", title=None):
    """A post unlike every other `n` (its own event)."""
    return make_doc(n, topic=topic, source=source, title=title or f"话题{n}的帖子", text=f"内容{n}" * 5,
                    thread=f"https://bbs.example.cn/thread-{n}.html", keywords=(f"词{n}a", f"词{n}b"),
                    simhash=int(hashlib.sha256(b"%d" % n).hexdigest()[:16], 16), words=(f"词{n}a",))


def _matches(store) -> int:
    with Session(store.engine) as s:
        return s.scalar(select(func.count()).select_from(AlertMatchRow))


def test_silenced_posts_are_recorded_but_not_alerted(tmp_path):
    store, clock, hook = make_store(tmp_path), Clock(), Recorder()
    engine = AlertEngine(store, CONFIG, {"hook": hook}, now=clock)
    by_topic = add_silence(store.engine, match="topic", value="pollution", until=T0 + timedelta(hours=2),
                           by="张三", reason="已处置，等待通报", now=clock)
    add_silence(store.engine, match="text", value="ABC化工", until=T0 + timedelta(hours=2),
                by="张三", reason="重复", now=clock)
    add_silence(store.engine, match="source", value="oldbbs", until=T0 + timedelta(minutes=1),
                by="张三", reason="马上过期", now=clock)
    put(store, [_story(1, "pollution"), _story(2, "safety"), _story(3, "traffic", title="abc化工又出事"),
                _story(4, "housing", source="oldbbs")])
    clock.advance(minutes=5)
    engine.run_once()
    assert sorted(m.doc_ids[0] for m in hook.sent) == ["d0002", "d0004"]  # source silence expired
    assert _matches(store) == 4  # the silenced posts are still matches (the console lists them)
    assert engine.silenced == 2

    assert end_silence(store.engine, by_topic.id, clock(), by="值班员乙").ended_by == "值班员乙"
    put(store, [_story(5, "pollution")])
    clock.advance(minutes=5)
    engine.run_once()
    assert hook.sent[-1].doc_ids == ("d0005",)
    assert [s.match for s in list_silences(store.engine, clock())] == ["text"]
    assert len(list_silences(store.engine, clock(), include_past=True)) == 3
    engine.close()


def test_an_event_silence_holds_back_its_later_posts(tmp_path):
    store, clock, hook = make_store(tmp_path), Clock(), Recorder()
    engine = AlertEngine(store, CONFIG, {"hook": hook}, now=clock)
    put(store, [_story(1, "pollution", title="化工厂偷排")])
    engine.run_once()
    event_id = hook.sent[0].event_id
    add_silence(store.engine, match="event", value="ev-other", until=T0 + timedelta(hours=1), by="张三",
                reason="别的事件", now=clock)
    add_silence(store.engine, match="event", value=event_id, until=T0 + timedelta(hours=1), by="张三",
                reason="已回应", now=clock)
    red = _story(1, "pollution", title="化工厂偷排")
    put(store, [make_doc(2, severity="red", title=red.title, text=red.text, thread=red.thread_url,
                         keywords=red.keywords, simhash=red.simhash, words=("偷排",))])
    clock.advance(minutes=5)
    engine.run_once()
    assert len(hook.sent) == 1  # the red upgrade of the silenced event was held back
    assert _matches(store) == 2
    engine.close()


@pytest.mark.parametrize("kw, error", [
    ({"match": "author"}, "未知的静默条件"),
    ({"value": " "}, "不能为空"),
    ({"reason": ""}, "静默原因"),
    ({"until": T0 - timedelta(minutes=1)}, "已过"),
])
def test_bad_silences_are_refused(tmp_path, kw, error):
    store = make_store(tmp_path)
    args = {"match": "topic", "value": "pollution", "until": T0 + timedelta(hours=1), "by": "张三",
            "reason": "测试", **kw}
    with pytest.raises(SilenceError, match=error):
        add_silence(store.engine, now=lambda: T0, **args)


def test_silence_cli(cfg):
    until = (datetime.now(SH) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    r = yq("silence", "add", "--topic", "pollution", "--until", until, "--reason", "已处置",
           "--by", "李四", "--config", str(cfg))
    assert r.returncode == 0, r.stderr
    assert "已添加静默" in r.stdout and "话题=pollution" in r.stdout and "李四: 已处置" in r.stdout
    r = yq("silence", "list", "--config", str(cfg))
    assert r.returncode == 0 and r.stdout.count("生效中") == 1
    sid = r.stdout.split()[0]
    assert yq("silence", "end", sid, "--by", "王五", "--config", str(cfg)).returncode == 0
    assert "当前没有生效的静默" in yq("silence", "list", "--config", str(cfg)).stdout
    assert "（王五 于" in yq("silence", "list", "--all", "--config", str(cfg)).stdout  # who ended it
    r = yq("silence", "end", sid, "--config", str(cfg))
    assert r.returncode == 2 and "已经结束" in r.stderr
    r = yq("silence", "add", "--text", "x", "--until", "明天", "--reason", "r", "--config", str(cfg))
    assert r.returncode == 2 and "时间 '明天' 无效" in r.stderr


def test_a_topic_silence_holds_back_that_topics_surge_only(tmp_path):
    from test_alerts_spike import BASELINE, NOW, Feed
    from test_alerts_spike import _config as spike_config

    store, clock, hook = make_store(tmp_path), Clock(NOW), Recorder()
    feed = Feed(store)
    feed.hourly(BASELINE + [40])
    feed.hourly(BASELINE + [40], topic=("power", "停电"), title="停电")
    add_silence(store.engine, match="topic", value="water", until=NOW + timedelta(hours=1), by="张三",
                reason="停水已公告", now=clock)
    engine = AlertEngine(store, spike_config(channels=("hook",)), {"hook": hook}, now=clock)
    engine.run_once()
    assert [m.event_id for m in hook.sent] == ["spike-topic_surge-power-202405062100"]
    with Session(store.engine) as s:  # both surges are recorded
        assert s.scalar(select(func.count()).select_from(AlertMatchRow)) == 2
    engine.close()
