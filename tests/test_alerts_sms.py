"""The SMS gateway channel against a real local HTTP receiver: one request per phone, the
template filled and escaped for its format, refusals rejected, outages retried."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import ValidationError

from alerts.channels import DeliveryError, PermanentDeliveryError, build_channels
from alerts.channels.sms import SmsChannel, SmsChannelConfig
from alerts.types import AlertMessage

HOSTILE = '河水"发臭"}, "to": "13900000000\\\n&to=13900000000\u202e'


@dataclass
class RawReceiver:
    """Records every request (method, path, headers, raw body); answers `status`."""

    status: int = 200
    requests: list = field(default_factory=list)

    def __enter__(self):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                outer.requests.append((self.command, self.path, dict(self.headers), raw.decode("utf-8")))
                self.send_response(outer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _handle

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _message(text=f"【舆情预警·橙色】{HOSTILE}"):
    return AlertMessage(subject="【舆情预警·橙色】东湖区化工厂", text=text, html="", markdown="",
                        severity="orange", event_id="e1", alert_id="a1")


def _config(receiver: str, **kw) -> SmsChannelConfig:
    base = {"type": "sms", "url": receiver + "/send?key={token}", "token_env": "SMS_TOKEN",
            "phones": ["13800000001", "13800000002"],
            "headers": {"Authorization": "Bearer {token}"},
            "body": '{"mobile": "{phone}", "content": "{text}", "level": "{severity}", "id": "{alert_id}"}'}
    return SmsChannelConfig.model_validate({**base, **kw})


def _channel(cfg) -> SmsChannel:
    return build_channels(type("C", (), {"channels": {"sms": cfg}})(), {"SMS_TOKEN": "t&k=1"})["sms"]


def test_json_post_one_request_per_phone_with_escaped_text():
    with RawReceiver() as rx:
        ch = _channel(_config(rx.url))
        ch.send(_message())
    assert len(rx.requests) == 2
    bodies = [json.loads(r[3]) for r in rx.requests]
    assert [b["mobile"] for b in bodies] == ["13800000001", "13800000002"]
    for method, path, headers, _ in rx.requests:
        assert method == "POST"
        assert parse_qs(urlsplit(path).query) == {"key": ["t&k=1"]}  # the secret URL-encoded
        assert headers["Authorization"] == "Bearer t&k=1"
        assert headers["Content-Type"] == "application/json"
    body = bodies[0]
    assert set(body) == {"mobile", "content", "level", "id"}  # hostile text added no field
    assert body["level"] == "orange" and body["id"] == "a1"
    assert body["content"].startswith("【舆情值守】【舆情预警·橙色】河水\"发臭\"")
    assert len(body["content"]) <= 70
    assert "\n" not in body["content"] and "\u202e" not in body["content"]
    assert rx.requests[0][2]["Idempotency-Key"] == "a1:13800000001"


def test_text_is_cut_to_max_chars_with_the_configured_prefix():
    with RawReceiver() as rx:
        ch = _channel(_config(rx.url, prefix="【区网信办】", max_chars=20, phones=["13800000001"]))
        ch.send(_message(text="东湖区" * 50))
    content = json.loads(rx.requests[0][3])["content"]
    assert len(content) == 20 and content.startswith("【区网信办】东湖区") and content.endswith("…")


def test_get_query_is_url_encoded():
    with RawReceiver() as rx:
        ch = _channel(_config(rx.url, method="GET", url=rx.url + "/sms?v=1",
                              body="to={phone}&msg={text}&key={token}"))
        ch.send(_message())
    assert [r[0] for r in rx.requests] == ["GET", "GET"]
    query = parse_qs(urlsplit(rx.requests[1][1]).query)
    assert query["to"] == ["13800000002"]  # the hostile "&to=" stayed inside msg
    assert query["key"] == ["t&k=1"]
    assert query["msg"][0].startswith("【舆情值守】【舆情预警·橙色】河水\"发臭\"")


def test_roster_mobiles_stored_with_the_alert_are_texted():
    with RawReceiver() as rx:
        ch = _channel(_config(rx.url))
        ch.send_to(_message(), ("sms", "13700000009"))
    assert [json.loads(r[3])["mobile"] for r in rx.requests] == ["13700000009"]


def test_refusal_is_permanent_and_outage_is_retried():
    with RawReceiver(status=403) as rx:
        with pytest.raises(PermanentDeliveryError, match="HTTP 403") as e:
            _channel(_config(rx.url)).send(_message())
        assert "t&k=1" not in str(e.value)  # the token never reaches logs
    assert len(rx.requests) == 2  # every phone was tried
    for status in (503, 429):
        with RawReceiver(status=status) as rx:
            with pytest.raises(DeliveryError) as e:
                _channel(_config(rx.url)).send(_message())
        assert not isinstance(e.value, PermanentDeliveryError)


@pytest.mark.parametrize("kw, error", [
    ({"body": '{"to": "{phone}", "x": "{nope}"}'}, "unknown placeholder {nope}"),
    ({"body": '{"to": {phone}'}, "not valid JSON"),
    ({"phones": ["call me"]}, "not a phone number"),
    ({"phones": []}, "phones or to_roster"),
])
def test_bad_config_is_refused(kw, error):
    with pytest.raises(ValidationError, match=error):
        _config("http://127.0.0.1:1", **kw)
