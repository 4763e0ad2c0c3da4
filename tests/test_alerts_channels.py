"""Channels against real local receivers; hostile crawled text stays inert in every form."""
from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

import pytest

from alerts.channels import DeliveryError, DingTalkChannel, EmailChannel, WeComChannel
from alerts.channels.mail import message_id
from alerts.escape import md, safe_url, truncate_utf8
from alerts.render import AlertContext, render_doc_alert
from test_alerts_support import HttpReceiver, make_doc

HOSTILE_TITLE = "青溪<script>alert(1)</script>](http://evil.example/x) **加粗** <font color=red>@all"
HOSTILE_TEXT = "东湖区化工厂 [点我](javascript:alert(1)) ![img](http://evil.example/p.png) <@all>\n# 标题"


def _message(**kw):
    doc = make_doc(1, title=HOSTILE_TITLE, text=HOSTILE_TEXT,
                   url='https://bbs.example.cn/t?a=1&b=")<x>(', **kw)
    ctx = AlertContext(alert_id="abc123", event_id="ev-d0001", severity="orange", event_doc_count=4)
    return render_doc_alert(doc, ctx)


def test_markdown_and_html_are_inert():
    m = _message()
    body = m.markdown.split("\n", 1)[1]  # everything after our own heading line
    for bad in ("<script", "](http://evil", "](javascript", "![", "<font", "<@", "**加粗**", "\n# 标题"):
        assert bad not in m.markdown
    # The only Markdown link is ours, and its target cannot break out of the parentheses.
    assert body.count("](") == 1 and "[查看原文](https://bbs.example.cn/t?a=1&b=%22%29%3Cx%3E%28)" in body
    assert "<script>" not in m.html and "&lt;script&gt;alert(1)&lt;/script&gt;" in m.html
    assert 'href="https://bbs.example.cn/t?a=1&amp;b=%22%29%3Cx%3E%28"' in m.html
    assert "javascript:" not in m.html.split("<td>", 1)[0]
    assert m.subject.startswith("【舆情预警·橙色】青溪<script>")  # plain text keeps the words
    assert "事件累计4条" in m.text and "请及时研判处置" in m.text


def test_non_http_links_are_dropped():
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,<b>") is None
    assert safe_url("http://a.cn/路径 x") == "http://a.cn/%E8%B7%AF%E5%BE%84%20x"
    assert md("a](http://x)") == "a］（http：//x）"


def test_truncate_utf8_respects_bytes():
    s = "舆情" * 3000
    cut = truncate_utf8(s, 4096)
    assert len(cut.encode("utf-8")) <= 4096 and cut.endswith("…")


def test_email_headers_cannot_be_injected():
    m = _message()
    bad = type(m)(**{**{f: getattr(m, f) for f in m.__slots__}, "subject": "标题\r\nBcc: x@evil.cn"})
    msg = EmailChannel(host="127.0.0.1", port=1, sender="a@b.cn", recipients=["c@d.cn"]).build(bad)
    assert msg["Bcc"] is None and msg["Message-ID"] == message_id("abc123")
    assert msg.get_body(("html",)) is not None and msg.get_body(("plain",)) is not None


def test_dingtalk_signed_markdown_post():
    secret = "SECtest-secret"
    with HttpReceiver() as rx:
        ch = DingTalkChannel(url=f"{rx.url}/robot/send?access_token=tok", secret=secret,
                             at_mobiles=["13800000000"], clock=lambda: 1700000000.123)
        ch.send(_message())
    [req] = rx.requests
    q = parse_qs(urlsplit(req.path).query)
    assert q["access_token"] == ["tok"] and q["timestamp"] == ["1700000000123"]
    expected = base64.b64encode(hmac.new(secret.encode(), f"1700000000123\n{secret}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert q["sign"] == [expected]
    assert req.body["msgtype"] == "markdown" and req.body["at"]["atMobiles"] == ["13800000000"]
    text = req.body["markdown"]["text"]
    assert "<script" not in text and "](http://evil" not in text and text.endswith("@13800000000")


def test_robot_errcode_is_a_delivery_error():
    with HttpReceiver(reply={"errcode": 310000, "errmsg": "sign not match"}) as rx:
        with pytest.raises(DeliveryError, match="sign not match"):
            DingTalkChannel(url=rx.url + "/robot/send?access_token=t", secret="s").send(_message())
        with pytest.raises(DeliveryError, match="robot refused"):
            WeComChannel(url=rx.url + "/cgi-bin/webhook/send?key=k").send(_message())


def test_wecom_markdown_post():
    with HttpReceiver() as rx:
        WeComChannel(url=rx.url + "/cgi-bin/webhook/send?key=k").send(_message())
    [req] = rx.requests
    assert req.body["msgtype"] == "markdown"
    content = req.body["markdown"]["content"]
    assert content.startswith("#### 【舆情预警·橙色】") and "<@all>" not in content
    assert len(content.encode("utf-8")) <= 4096


def test_unreachable_robot_is_a_delivery_error_without_the_token():
    ch = WeComChannel(url="http://127.0.0.1:1/cgi-bin/webhook/send?key=SECRETKEY", timeout=2)
    with pytest.raises(DeliveryError) as e:
        ch.send(_message())
    assert "SECRETKEY" not in str(e.value)
