"""Undelivered alerts are shown on every page and can be retried now or cancelled by a person
(delivery itself never gives up)."""
from __future__ import annotations

import warnings
from urllib.parse import quote

from alerts.channels.base import PermanentDeliveryError
from console.app import create_app
from test_console_support import build_env

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient


class Refusing:
    """A webhook whose receiver refuses every message for good (HTTP 4xx)."""

    def __init__(self):
        self.tries = 0

    def recipients(self) -> tuple[str, ...]:
        return ("值班群",)

    def send(self, message) -> None:
        self.tries += 1
        raise PermanentDeliveryError("HTTP 403 forbidden")


def _client(env) -> TestClient:
    c = TestClient(create_app(env.services), base_url="http://127.0.0.1:8080")
    c.get("/")
    c.cookies.set("yq_actor", quote("张三"))
    return c


def test_refused_alerts_are_listed_and_a_person_retries_or_cancels_them(tmp_path):
    env = build_env(tmp_path, run_rules=False)
    refusing = Refusing()
    env.services.alerts.channels["hook"] = refusing
    env.services.alerts.run_once()
    undelivered = env.services.alerts.undelivered()
    assert len(undelivered) >= 2 and refusing.tries and all(a.status == "rejected" for a in undelivered)

    c = _client(env)
    home = c.get("/")
    assert 'id="delivery-alarm"' in home.text and f"未送达 {len(undelivered)} 条" in home.text
    listing = c.get("/alerts/undelivered")
    assert listing.status_code == 200 and listing.text.count('class="undelivered"') == len(undelivered)
    assert "被拒收，需人工处理" in listing.text

    first, *rest = undelivered
    token = c.cookies["yq_csrf"]
    assert c.post(f"/alerts/{first.id}/cancel", data={"reason": "误报"}, follow_redirects=False).status_code == 403
    r = c.post(f"/alerts/{first.id}/cancel", data={"csrf": token, "reason": "误报"}, follow_redirects=False)
    assert r.status_code == 303
    assert first.id not in {a.id for a in env.services.alerts.undelivered()}
    assert c.post(f"/alerts/{first.id}/cancel", data={"csrf": token}).status_code == 409  # already cancelled

    # The channel is fixed: 立即重试 sends the next refused alert on the next delivery pass.
    env.services.alerts.channels["hook"] = env.channel
    assert c.post(f"/alerts/{rest[0].id}/retry", data={"csrf": token}, follow_redirects=False).status_code == 303
    env.services.alerts.deliver_due()
    assert rest[0].id not in {a.id for a in env.services.alerts.undelivered()}
    assert env.channel.sent
    env.services.alerts.close()
