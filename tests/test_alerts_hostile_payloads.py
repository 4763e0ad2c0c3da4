"""Hostile crawled text reaches every channel inert, in that channel's own format (issue 10): HTML
tags escaped in e-mail, Markdown and @-mentions defused for DingTalk and WeCom, bidi overrides
gone everywhere. The messages are caught by real receivers (HTTP on 127.0.0.1, aiosmtpd)."""
from __future__ import annotations

import json

from alerts.channels import DingTalkChannel, EmailChannel, WebhookChannel, WeComChannel
from alerts.config import AlertsConfig
from alerts.engine import AlertEngine
from conftest import free_port
from test_alerts_support import Clock, HttpReceiver, SmtpServer, make_doc, make_store, put

RLO = "\u202e"
TITLE = f'青溪<img src=x onerror="alert(1)">[点我](http://evil.cn)**加粗**@all {RLO}gpj.exe'
TEXT = f"东湖区\n# 假标题\n<font color=red>红字</font> ![图](http://evil.cn/x.png) `代码` {RLO}txt.收据 \u2066隔离\u2069"
BIDI = ("\u202a", "\u202b", "\u202c", "\u202d", RLO, "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f")


def _config() -> AlertsConfig:
    return AlertsConfig.model_validate({
        "channels": {
            "email": {"type": "email", "sender": "yq@example.cn", "recipients": ["boss@example.cn"]},
            "hook": {"type": "webhook", "url": "http://127.0.0.1:1/unused"},
            "ding": {"type": "dingtalk", "url_env": "X_DING"},
            "wecom": {"type": "wecom", "url_env": "X_WECOM"},
        },
        "rules": [{"id": "serious", "name": "橙色以上新帖", "type": "new_hit", "min_severity": "orange",
                   "channels": ["email", "hook", "ding", "wecom"]}],
    })


def _no_bidi(text: str) -> bool:
    return not any(c in text for c in BIDI)


def test_hostile_post_is_inert_on_every_channel(tmp_path):
    store, clock, port = make_store(tmp_path), Clock(), free_port()
    put(store, [make_doc(1, title=TITLE, text=TEXT, url="javascript:alert(1)")])
    with SmtpServer(port) as smtp, HttpReceiver() as hook, HttpReceiver() as ding, HttpReceiver() as wecom:
        channels = {
            "email": EmailChannel(host="127.0.0.1", port=port, sender="yq@example.cn",
                                  recipients=["boss@example.cn"], timeout=5),
            "hook": WebhookChannel(url=hook.url, timeout=5),
            "ding": DingTalkChannel(url=ding.url, at_mobiles=["13800000001"], timeout=5),
            "wecom": WeComChannel(url=wecom.url, timeout=5),
        }
        summary = AlertEngine(store, _config(), channels, now=clock).run_once()
    assert summary.alerts_sent == 4

    # DingTalk: markdown with every markup character defused; only our own @-mention
    [d] = ding.requests
    md_text = d.body["markdown"]["text"]
    for bad in ("<img", "](http", "![", "**加粗**", "<font", "\n# 假标题", "`代码`", "javascript:"):
        assert bad not in md_text
    assert md_text.count("@") == 1 and md_text.endswith("@13800000001")
    assert "＜img src=x onerror=" in md_text  # the words stay readable
    assert _no_bidi(json.dumps(d.body, ensure_ascii=False))

    # WeCom: the same for its markdown dialect (<font> is live there)
    [w] = wecom.requests
    content = w.body["markdown"]["content"]
    for bad in ("<font", "<img", "](http", "![", "@all"):
        assert bad not in content
    assert _no_bidi(content)

    # Webhook: JSON; the markdown field inert, no bidi override in any field, no script link
    [h] = hook.requests
    assert "<img" not in h.body["markdown"] and h.body["link"] is None
    assert all(_no_bidi(v) for v in h.body.values() if isinstance(v, str))
    assert "gpj.exe" in h.body["text"]  # shown as it is, not reversed

    # E-mail: HTML escaped, headers single-line, no bidi override in subject or bodies
    [m] = smtp.messages
    html = m.get_body(("html",)).get_content()
    plain = m.get_body(("plain",)).get_content()
    assert "<img src=x" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "<font" not in html and "javascript:" not in html
    assert _no_bidi(str(m["Subject"])) and _no_bidi(html) and _no_bidi(plain)
