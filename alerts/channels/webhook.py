"""Generic webhook: the alert as JSON, with an Idempotency-Key header for receivers to dedupe."""
from __future__ import annotations

from collections.abc import Sequence

from typing import Literal

from pydantic import model_validator

from alerts.channels.base import env_value
from alerts.channels.jsonpost import post_json
from alerts.registry import CHANNEL_KINDS, ChannelKind
from alerts.schema import ChannelSchema
from alerts.types import AlertMessage


class WebhookChannel:
    def __init__(self, *, url: str, headers: dict[str, str] | None = None, timeout: float = 10.0):
        self.url = url
        self.headers = dict(headers or {})
        self.timeout = timeout

    def recipients(self) -> tuple[str, ...]:
        return ("webhook",)  # the URL may carry a token: never store it

    def payload(self, message: AlertMessage) -> dict:
        return {
            "alert_id": message.alert_id,
            "event_id": message.event_id,
            "severity": message.severity,
            "subject": message.subject,
            "text": message.text,
            "markdown": message.markdown,
            "link": message.link,
            "doc_ids": list(message.doc_ids),
        }

    def send(self, message: AlertMessage) -> None:
        headers = {**self.headers, "Idempotency-Key": message.alert_id}
        post_json(self.url, self.payload(message), headers=headers, timeout=self.timeout)

    def send_to(self, message: AlertMessage, recipients: Sequence[str]) -> None:
        """The webhook addresses no people: `recipients` is ("webhook",)."""
        self.send(message)


class WebhookChannelConfig(ChannelSchema):
    type: Literal["webhook"]
    url: str | None = None  # a plain URL (local receivers) ...
    url_env: str | None = None  # ... or the env var holding it (URLs carrying tokens)
    headers: dict[str, str] = {}
    headers_env: dict[str, str] = {}  # header name -> env var holding its value

    @model_validator(mode="after")
    def _one_url(self):
        if (self.url is None) == (self.url_env is None):
            raise ValueError("give exactly one of url and url_env")
        return self


def _build(c: WebhookChannelConfig, env) -> WebhookChannel:
    headers = {**c.headers, **{h: env_value(env, v) for h, v in c.headers_env.items()}}
    return WebhookChannel(url=c.url or env_value(env, c.url_env), headers=headers, timeout=c.timeout)


CHANNEL_KINDS.register("webhook", ChannelKind("webhook", WebhookChannelConfig, _build, contact="email"))
