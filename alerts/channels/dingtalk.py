"""DingTalk group robot (自定义机器人): markdown message, optional 加签 signature.

Signing: string_to_sign = f"{timestamp_ms}\\n{secret}", HMAC-SHA256 keyed with the secret,
base64, URL-encoded, appended as `&timestamp=...&sign=...` to the webhook URL."""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable, Sequence
from urllib.parse import quote_plus

from typing import Literal

from alerts.channels.base import env_value
from alerts.channels.jsonpost import post_json, robot_errcode
from alerts.escape import md, truncate_utf8
from alerts.registry import CHANNEL_KINDS, ChannelKind
from alerts.schema import ChannelSchema, Roles
from alerts.types import AlertMessage

MAX_BYTES = 18000  # stay well inside the robot's message size limit


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    to_sign = f"{timestamp_ms}\n{secret}".encode("utf-8")
    digest = hmac.new(secret.encode("utf-8"), to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


class DingTalkChannel:
    def __init__(self, *, url: str, secret: str | None = None, at_mobiles: list[str] | None = None,
                 timeout: float = 10.0, clock: Callable[[], float] = time.time):
        self.url, self.secret = url, secret
        self.at_mobiles = list(at_mobiles or [])
        self.timeout = timeout
        self.clock = clock

    def recipients(self) -> tuple[str, ...]:
        return ("dingtalk", *self.at_mobiles)

    def signed_url(self) -> str:
        if not self.secret:
            return self.url
        ts = int(self.clock() * 1000)
        sep = "&" if "?" in self.url else "?"
        return f"{self.url}{sep}timestamp={ts}&sign={quote_plus(dingtalk_sign(self.secret, ts))}"

    def payload(self, message: AlertMessage, at_mobiles: Sequence[str] | None = None) -> dict:
        mobiles = list(self.at_mobiles if at_mobiles is None else at_mobiles)
        text = message.markdown
        if mobiles:  # the robot only notifies mobiles that also appear in the text
            text += "\n\n" + " ".join(f"@{m}" for m in mobiles)
        return {
            "msgtype": "markdown",
            "markdown": {"title": md(message.subject), "text": truncate_utf8(text, MAX_BYTES)},
            "at": {"atMobiles": mobiles, "isAtAll": False},
        }

    def send(self, message: AlertMessage) -> None:
        resp = post_json(self.signed_url(), self.payload(message), timeout=self.timeout)
        robot_errcode(resp)

    def send_to(self, message: AlertMessage, recipients: Sequence[str]) -> None:
        """`recipients` as stored: ("dingtalk", *mobiles to @-mention)."""
        resp = post_json(self.signed_url(), self.payload(message, recipients[1:]), timeout=self.timeout)
        robot_errcode(resp)


class DingTalkChannelConfig(ChannelSchema):
    type: Literal["dingtalk"]
    url_env: str  # https://oapi.dingtalk.com/robot/send?access_token=...
    secret_env: str | None = None  # the robot's 加签 secret (SEC...)
    at_mobiles: list[str] = []
    at_roster: Roles = []  # also @-mention the mobiles of these roster roles on call

    def roster_roles(self) -> list[str]:
        return list(self.at_roster)


def _build(c: DingTalkChannelConfig, env) -> DingTalkChannel:
    secret = env_value(env, c.secret_env) if c.secret_env else None
    return DingTalkChannel(url=env_value(env, c.url_env), secret=secret, at_mobiles=c.at_mobiles,
                           timeout=c.timeout)


CHANNEL_KINDS.register("dingtalk", ChannelKind("dingtalk", DingTalkChannelConfig, _build, contact="mobile"))
