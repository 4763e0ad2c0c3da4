"""The shift handover (交接班): the window of the shift that just ended, and what it counts."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from alerts.config import AlertsConfig
from alerts.engine import AlertEngine
from alerts.incidents import IncidentBook
from alerts.reports.handover import build_handover, handover_text, shift_window, write_handover
from alerts.reports.issues import select_for_report
from alerts.types import IncidentState as S
from reports_support import NAMES, event_of, story_docs
from test_alerts_support import SH, Clock, make_doc, make_store


def at(d: int, h: int, m: int = 0) -> datetime:
    return datetime(2024, 5, d, h, m, tzinfo=SH)


@pytest.mark.parametrize("now, shifts, window", [
    (at(6, 20, 0), ["08:00", "20:00"], (at(6, 8), at(6, 20))),
    (at(6, 19, 59), ["08:00", "20:00"], (at(5, 20), at(6, 8))),
    (at(7, 3, 0), ["20:00", "08:00"], (at(6, 8), at(6, 20))),
    (at(6, 9, 0), ["08:00"], (at(5, 8), at(6, 8))),
    (at(6, 17, 0), ["00:00", "08:00", "16:00"], (at(6, 8), at(6, 16))),
])
def test_shift_window(now, shifts, window):
    assert shift_window(now, shifts) == window


class Recorder:
    def __init__(self):
        self.sent = []

    def recipients(self):
        return ("值班群",)

    def send(self, message):
        self.sent.append(message)


def test_handover_counts_the_shift(tmp_path):
    clock = Clock(at(6, 12))
    store = make_store(tmp_path)
    other = make_doc(20, at=at(6, 14), thread="https://bbs.example.cn/t-20", title="<i>临江县</i>欠薪讨薪",
                     words=("欠薪",), topic="wages", keywords=("欠薪", "工地", "讨薪"),
                     simhash=0x0F0F_0F0F_F0F0_F0F0, severity="orange")
    late = make_doc(30, at=at(6, 21), thread="https://bbs.example.cn/t-30", title="下一班的帖子",
                    simhash=0xFF00_FF00_00FF_00FF, keywords=("下一班",), severity="blue")
    # published at 19:50 but first crawled at 20:30, by the next shift: not this shift's news
    seen_late = replace(make_doc(40, at=at(6, 19, 50), thread="https://bbs.example.cn/t-40", title="晚到的帖子",
                                 simhash=0x00FF_00FF_FF00_FF00, keywords=("晚到",), severity="blue"),
                        fetched_at=at(6, 20, 30))
    store.save_documents([*story_docs(), other, late, seen_late])
    cfg = AlertsConfig.model_validate({
        "channels": {"hook": {"type": "webhook", "url": "http://127.0.0.1:1/x"}},
        "rules": [{"id": "serious", "name": "橙色以上", "type": "new_hit", "min_severity": "orange",
                   "channels": ["hook"]}]})
    engine = AlertEngine(store, cfg, {"hook": Recorder()}, now=clock, source_names=NAMES)
    engine.run_once()
    engine.acknowledge(event_of(store, "d0001"), by="值班员甲")
    book = IncidentBook(store.engine, now=clock)
    clock.advance(hours=1)
    inc = book.open("东湖区化工厂偷排", actor="值班员甲", event_id=event_of(store, "d0001"))
    book.transition(inc.id, S.assessed, actor="科长乙", note="属实")
    old = book.open("上一班的事件单", actor="值班员丙")
    select_for_report(store.engine, "d0001", date(2024, 5, 6), by="值班员甲", now=clock())
    clock.t = at(6, 20, 1)
    book.transition(old.id, S.closed, actor="值班员丁")  # after the shift: next shift's business

    start, end = shift_window(clock(), ["08:00", "20:00"])
    r = build_handover(store, start=start, end=end, locality="青溪市", now=clock(), source_names=NAMES)
    assert r.shift_label == "2024年5月6日 08:00—20:00"
    assert (r.posts, r.relevant, r.negative) == (7, 7, 5)  # the 21:00 post and the 20:30 crawl are the next shift's
    assert (r.alerts_sent, r.alerted_events, r.acknowledged_events, r.undelivered) == (2, 2, 1, 0)
    assert len(r.unacknowledged) == 1 and "<i>临江县</i>欠薪讨薪" in r.unacknowledged[0]
    # closed at 20:01, after the shift: the handover shows it as the shift left it
    assert r.opened == ("#1 东湖区化工厂偷排（研判）", "#2 上一班的事件单（发现）")
    assert len(r.steps) == 1 and "科长乙：#1 东湖区化工厂偷排 发现 → 研判（属实）" in r.steps[0]
    assert r.still_open == (("发现", 1), ("研判", 1))
    assert len(r.selected) == 1 and "值班员甲选" in r.selected[0]

    text = handover_text(r)
    assert "一、新增帖子7条，其中涉及本地7条、负面5条" in text and "发出预警2条，涉及事件2个，已确认1个" in text
    paths = write_handover(r, end=end, out_dir=tmp_path / "out")
    assert [p.name for p in paths] == ["交接班-2024-05-06-2000.html", "交接班-2024-05-06-2000.txt"]
    html = paths[0].read_text(encoding="utf-8")
    assert "<i>临江县" not in html and "&lt;i&gt;临江县&lt;/i&gt;欠薪讨薪" in html
    with pytest.raises(ValueError, match="docx"):
        write_handover(r, end=end, out_dir=tmp_path, formats=("docx",))
    assert end - start == timedelta(hours=12)


class Down(Recorder):
    """A channel that fails until `up` is set."""

    def __init__(self):
        super().__init__()
        self.up = False

    def send(self, message):
        if not self.up:
            from alerts.channels import DeliveryError
            raise DeliveryError("connection refused")
        super().send(message)


def test_a_past_shifts_handover_shows_that_shifts_state_not_todays(tmp_path):
    """Issue 17: written the next day, the day shift's handover showed the next shift's work."""
    clock = Clock(at(6, 12))
    store = make_store(tmp_path)
    store.save_documents(story_docs())
    cfg = AlertsConfig.model_validate({
        "channels": {"hook": {"type": "webhook", "url": "http://127.0.0.1:1/x"}},
        "rules": [{"id": "serious", "name": "橙色以上", "type": "new_hit", "min_severity": "orange",
                   "channels": ["hook"]}],
        "retry": {"max_attempts": 20, "backoff_seconds": 60}})
    hook = Down()
    engine = AlertEngine(store, cfg, {"hook": hook}, now=clock, source_names=NAMES)
    engine.run_once()  # the webhook is down all through the day shift
    book = IncidentBook(store.engine, now=clock)
    inc = book.open("东湖区化工厂偷排", actor="值班员甲", event_id=event_of(store, "d0001"))
    day_shift = shift_window(at(6, 20), ["08:00", "20:00"])

    def handover():
        return build_handover(store, start=day_shift[0], end=day_shift[1], locality="青溪市",
                              now=clock(), source_names=NAMES)

    before = handover()
    # the night shift: the webhook recovers, the alerts go out and are acknowledged, the
    # incident moves on and a new one is opened
    clock.t = at(6, 22)
    hook.up = True
    engine.run_once()
    engine.acknowledge(event_of(store, "d0001"), by="夜班值班员")
    book.transition(inc.id, S.assessed, actor="夜班科长", note="夜里研判")
    book.open("夜班新开的事件单", actor="夜班值班员")
    clock.t = at(7, 9)
    after = handover()

    assert hook.sent and (before.alerts_sent, before.undelivered) == (0, 1)
    for r in (before, after):
        assert (r.alerts_sent, r.alerted_events, r.acknowledged_events, r.undelivered) == (0, 0, 0, 1)
        assert r.opened == ("#1 东湖区化工厂偷排（发现）",)
        assert r.steps == () and r.still_open == (("发现", 1),)
    assert after.generated_at == "2024-05-07 09:00"
    # the night shift's own handover shows what happened in it
    night = build_handover(store, start=at(6, 20), end=at(7, 8), locality="青溪市", now=clock(),
                           source_names=NAMES)
    assert (night.acknowledged_events, night.still_open) == (0, (("发现", 1), ("研判", 1)))
    assert len(night.steps) == 1 and "夜班科长" in night.steps[0]
