"""Undelivered alerts are shown on every page and can be retried now or cancelled by a person
(delivery itself never gives up)."""
from __future__ import annotations

import warnings
from urllib.parse import quote

from alerts.channels.base import PermanentDeliveryError
from alerts.config import AlertsConfig
from alerts.engine import AlertEngine
from console.app import create_app
from test_console_support import NAMES, NOW, Recorder, build_env, post

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient


HOSTILE = "<script>alert(1)</script>夜间施工噪音扰民"


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


def _paced_env(tmp_path):
    """The console over an engine whose `hook` channel is in quiet hours (12:00–18:00, 红色 goes at
    once) and whose `robot` channel pushes at most once per 10 minutes; the clock reads 15:00."""
    env = build_env(tmp_path, docs=[post(1, title="青溪化工厂夜间偷排污水", severity="orange", negative=True,
                                         words=("偷排",), minutes_ago=10)], run_rules=False)
    env.services.alerts.close()
    config = AlertsConfig.model_validate({
        "channels": {"hook": {"type": "webhook", "url": "http://127.0.0.1:1/unused"},
                     "robot": {"type": "webhook", "url": "http://127.0.0.1:1/unused"}},
        "pacing": {"hook": {"quiet_hours": {"start": "12:00", "end": "18:00"}},
                   "robot": {"min_interval_minutes": 10}},
        "rules": [{"id": "serious", "name": "橙色以上新帖", "type": "new_hit", "min_severity": "orange",
                   "channels": ["hook", "robot"]}]})
    robot = Recorder()
    env.services.alerts = AlertEngine(env.services.store, config, {"hook": env.channel, "robot": robot},
                                      now=env.clock, source_names=NAMES)
    return env, robot


def _held_rows(html: str) -> dict[str, str]:
    """The held section's rows by alert id (each row's HTML)."""
    section = html.split('id="held"', 1)[1].split("</table>", 1)[0]
    return {row.split('"', 1)[0]: row for row in section.split('<tr class="held" data-id="')[1:]}


def test_held_alerts_are_listed_with_channel_reason_and_release_time_without_retry(tmp_path):
    env, robot = _paced_env(tmp_path)
    c = _client(env)
    empty = c.get("/alerts/undelivered").text
    assert "暂存待发" in empty and "没有暂存待发的预警。" in empty and _held_rows(empty) == {}

    env.services.alerts.run_once()  # 15:00: robot's first push goes at once; hook is in quiet hours
    assert len(robot.sent) == 1 and env.channel.sent == []
    env.clock.advance(minutes=2)  # 15:02: a hostile post, within robot's push interval (until 15:10)
    env.add([post(2, title=HOSTILE, severity="orange", negative=True, words=("噪音",), minutes_ago=0)])
    assert len(robot.sent) == 1 and env.channel.sent == []

    listing = c.get("/alerts/undelivered")
    assert listing.status_code == 200
    rows = _held_rows(listing.text)
    by_channel = sorted(('class="channel">robot<' in r, r) for r in rows.values())
    assert len(rows) == 3 and [robot_row for robot_row, _ in by_channel] == [False, False, True]
    for _, row in by_channel[:2]:  # hook: quiet hours end at 18:00
        assert "免打扰时段" in row and "05-06 18:00" in row and "橙色以上新帖" in row
    robot_row = by_channel[2][1]
    assert "推送间隔" in robot_row and "05-06 15:10" in robot_row and "05-06 15:02" in robot_row
    # not failing: not in the undelivered list, no 重试 (nor 取消: the queue's cancel refuses held rows)
    assert listing.text.count('class="undelivered"') == 0 and "没有发送失败或排队中的预警" in listing.text
    home = c.get("/").text  # no alarm (nothing is failing), but a quiet way to this page
    assert 'id="delivery-alarm"' not in home and 'id="delivery-held"' in home and "暂存 3 条预警" in home
    for alert_id in rows:
        assert f"/alerts/{alert_id}/retry" not in listing.text and f"/alerts/{alert_id}/cancel" not in listing.text
    token = c.cookies["yq_csrf"]
    some = next(iter(rows))
    assert c.post(f"/alerts/{some}/retry", data={"csrf": token}).status_code == 409
    assert c.post(f"/alerts/{some}/cancel", data={"csrf": token}).status_code == 409
    assert some in _held_rows(c.get("/alerts/undelivered").text)
    # crawled text is escaped
    assert "<script>" not in listing.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in robot_row

    env.clock.advance(minutes=9)  # 15:11: robot's interval is over, its row goes on the next pass
    rows = _held_rows(c.get("/alerts/undelivered").text)
    due = [r for r in rows.values() if "到时合并发送" in r]
    assert len(rows) == 3 and len(due) == 1 and 'class="channel">robot<' in due[0]
    assert sum("免打扰时段" in r for r in rows.values()) == 2

    env.clock.t = NOW.replace(hour=18)  # quiet hours and the interval are over: everything goes
    env.services.alerts.deliver_due()
    after = c.get("/alerts/undelivered").text
    assert _held_rows(after) == {} and "没有暂存待发的预警。" in after and "全部预警均已送达。" in after
    assert 'id="delivery-held"' not in c.get("/").text
    assert len(env.channel.sent) == 1 and len(robot.sent) == 2  # hook's two merged into one message
    env.services.alerts.close()
