"""Alert messages tell a supervisor what, why this grade, when (with the zone) and where to act:
the console link to the event (its current size, the 确认 button); crawled text stays inert."""
from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from alerts.grade_reason import grade_reason
from alerts.render import AlertContext, render_doc_alert, render_source_alert
from pipeline.severity import grade
from pipeline.types import SEVERITY_LABELS, TopicHit
from test_alerts_support import make_doc

AT = datetime(2026, 12, 4, 0, 5, tzinfo=ZoneInfo("UTC"))  # 08:05 in Beijing
CONSOLE = "http://127.0.0.1:8080/"


def _ctx(**kw) -> AlertContext:
    return AlertContext(**{"alert_id": "a1", "event_id": "ev-d0001", "severity": "orange",
                           "event_doc_count": 4, "console_url": CONSOLE, **kw})


def test_topic_grade_reason_zone_and_console_link_in_every_form():
    doc = replace(make_doc(1, at=AT), replies=60, severity="red")  # an orange topic, hot thread
    m = render_doc_alert(doc, _ctx(severity="red"))
    for body in (m.text, m.markdown, m.html):
        assert "2026-12-04 08:05（北京时间）" in body
        assert "命中话题：“环境污染”" in body.replace("</th><td>", "：").replace("<th align=\"left\">", "")
        assert "偷排、发臭" in body
        assert "话题“环境污染”按规则定为橙色；帖子倾向负面，维持该级；回复60条，热度高，升为红色。" in body
        assert "事件累计4条（截至预警时）" in body and "最新帖数与处置情况以值守平台为准" in body
    link = "http://127.0.0.1:8080/events#event-ev-d0001"
    assert f"查看事件并确认：{link}" in m.text
    assert f"[在值守平台查看事件并确认]({link})" in m.markdown
    assert f'<a href="{link}">在值守平台查看事件并确认</a>' in m.html


def test_without_console_url_there_is_no_console_link():
    m = render_doc_alert(make_doc(1, at=AT), _ctx(console_url=None))
    assert "值守平台" not in m.text + m.html + m.markdown
    assert "事件累计4条（截至预警时）" in m.text
    # a console_url that is not http(s) is never linked
    m = render_doc_alert(make_doc(1, at=AT), _ctx(console_url="javascript:alert(1)//"))
    assert "javascript" not in m.html + m.markdown + m.text


def test_hostile_crawled_and_configured_text_is_escaped_in_html():
    hostile = "<img src=x onerror=alert(1)>"
    doc = replace(make_doc(1, at=AT, title=f"标题{hostile}", text=f"正文{hostile}", words=(f"偷排{hostile}",)),
                  topic_hits=(TopicHit("p", f"污染{hostile}", None, "orange", (f"偷排{hostile}",)),))
    m = render_doc_alert(doc, _ctx(source_name=f"论坛{hostile}"))
    assert "<img" not in m.html and m.html.count("&lt;img src=x onerror=alert(1)&gt;") >= 4
    assert "<img" not in m.markdown
    s = render_source_alert("bbs", f"论坛{hostile}", "连续3次无内容", _ctx())
    assert "<img" not in s.html and 'href="http://127.0.0.1:8080/sources"' in s.html


@pytest.mark.parametrize("topic_grade, negative, replies, views, weight", list(itertools.product(
    ("red", "orange", "yellow", "blue"), (True, False), (0, 25, 60), (0, 20_000), (0.3, 1.0, 2.0))))
def test_grade_reason_ends_where_the_pipeline_grade_ends(topic_grade, negative, replies, views, weight):
    hits = (TopicHit("t", "话题", None, topic_grade, ("词",)),)
    expected = grade(hits, negative=negative, replies=replies, views=views, source_weight=weight)
    doc = replace(make_doc(1, at=AT), topic_hits=hits, negative=negative, replies=replies, views=views,
                  source_weight=weight, severity=expected)
    steps = grade_reason(doc).steps
    label = SEVERITY_LABELS[expected]
    assert steps[-1].endswith(label) or (steps[-1] == "帖子倾向负面，维持该级" and steps[0].endswith(label))


def test_topic_line_names_topics_and_words():
    doc = make_doc(1, at=AT)
    assert grade_reason(doc).topic_line() == "“环境污染”（命中：偷排、发臭）"
    assert grade_reason(doc).topic_line(words=False) == "“环境污染”"


def test_no_topic_means_no_grade():
    doc = replace(make_doc(1, at=AT), topic_hits=(), severity=None)
    r = grade_reason(doc)
    assert (r.topic_line(), r.grade_line()) == ("无", "未定级。")


def test_the_mailed_alert_carries_the_console_link(tmp_path):
    """Through the real engine and a real SMTP server: alerts.yaml console_url reaches the mail."""
    from alerts.channels import EmailChannel
    from alerts.config import AlertsConfig
    from alerts.engine import AlertEngine
    from conftest import free_port
    from test_alerts_support import Clock, SmtpServer, make_store, put

    cfg = AlertsConfig.model_validate({
        "console_url": CONSOLE,
        "channels": {"email": {"type": "email", "sender": "yq@example.cn", "recipients": ["boss@example.cn"]}},
        "rules": [{"id": "serious", "name": "橙色以上新帖", "type": "new_hit", "min_severity": "orange",
                   "channels": ["email"]}]})
    store, port = make_store(tmp_path), free_port()
    put(store, [make_doc(1, at=AT)])
    with SmtpServer(port) as smtp:
        AlertEngine(store, cfg, {"email": EmailChannel(host="127.0.0.1", port=port, sender="yq@example.cn",
                                                       recipients=["boss@example.cn"], timeout=5)},
                    now=Clock(AT)).run_once()
    (msg,) = smtp.messages
    text = msg.get_body(("plain",)).get_content()
    assert "查看事件并确认：http://127.0.0.1:8080/events#event-ev-d0001" in text
    assert "发布时间：2026-12-04 08:05（北京时间）" in text and "定级依据：" in text
    assert "预警规则：橙色以上新帖" in text
    assert 'href="http://127.0.0.1:8080/events#event-ev-d0001"' in msg.get_body(("html",)).get_content()
