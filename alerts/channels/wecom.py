"""WeCom (企业微信) group robot: markdown message (content is limited to 4096 bytes)."""
from __future__ import annotations

import logging
from collections.abc import Sequence

from typing import Literal

from alerts.channels.base import DeliveryError, env_value
from alerts.channels.jsonpost import post_json, robot_errcode
from alerts.escape import truncate_utf8
from alerts.registry import CHANNEL_KINDS, ChannelKind
from alerts.schema import ChannelSchema, Roles
from alerts.types import AlertMessage

log = logging.getLogger(__name__)

MAX_BYTES = 4096


class WeComChannel:
    def __init__(self, *, url: str, timeout: float = 10.0):
        self.url, self.timeout = url, timeout

    def recipients(self) -> tuple[str, ...]:
        return ("wecom",)

    def payload(self, message: AlertMessage) -> dict:
        return {"msgtype": "markdown",
                "markdown": {"content": truncate_utf8(message.markdown, MAX_BYTES)}}

    def send(self, message: AlertMessage) -> None:
        robot_errcode(post_json(self.url, self.payload(message), timeout=self.timeout))

    def send_to(self, message: AlertMessage, recipients: Sequence[str]) -> None:
        """`recipients` as stored: ("wecom", *mobiles). Markdown messages cannot @-mention by
        mobile, so the people on call get a short text message right after it. Once the alert
        itself is in the group it counts as delivered: a failed mention is logged, not retried
        (a retry would post the alert to the group a second time)."""
        self.send(message)
        if mobiles := list(recipients[1:]):
            try:
                robot_errcode(post_json(self.url, {"msgtype": "text", "text": {
                    "content": "请值班人员及时查看上条舆情预警", "mentioned_mobile_list": mobiles}},
                    timeout=self.timeout))
            except DeliveryError as e:
                log.warning("企业微信 @值班人员 提醒未送达 (预警本身已送达): %s", e)


class WeComChannelConfig(ChannelSchema):
    type: Literal["wecom"]
    url_env: str  # https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...
    at_roster: Roles = []  # @-mention these roster roles on call (a text message after the markdown)

    def roster_roles(self) -> list[str]:
        return list(self.at_roster)


def _build(c: WeComChannelConfig, env) -> WeComChannel:
    return WeComChannel(url=env_value(env, c.url_env), timeout=c.timeout)


CHANNEL_KINDS.register("wecom", ChannelKind("wecom", WeComChannelConfig, _build, contact="mobile"))
