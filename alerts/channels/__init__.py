"""Delivery channels. `build_channels` turns the `channels:` section of alerts.yaml into
objects; secrets are read from the environment here and nowhere else."""
from __future__ import annotations

from collections.abc import Mapping

from alerts.channels.base import Channel, DeliveryError, MissingSecret, env_value
from alerts.channels.dingtalk import DingTalkChannel
from alerts.channels.mail import EmailChannel
from alerts.channels.webhook import WebhookChannel
from alerts.channels.wecom import WeComChannel
from alerts.config import (AlertsConfig, DingTalkChannelConfig, EmailChannelConfig,
                           WebhookChannelConfig, WeComChannelConfig)

__all__ = ["Channel", "DeliveryError", "MissingSecret", "build_channels", "DingTalkChannel",
           "EmailChannel", "WebhookChannel", "WeComChannel"]


def build_channels(config: AlertsConfig, env: Mapping[str, str]) -> dict[str, Channel]:
    """Enabled channels by name. Raises MissingSecret naming an unset env var."""
    out: dict[str, Channel] = {}
    for name, c in config.channels.items():
        if not c.enabled:
            continue
        if isinstance(c, EmailChannelConfig):
            user = env_value(env, c.username_env) if c.username_env else None
            pw = env_value(env, c.password_env) if c.password_env else None
            out[name] = EmailChannel(host=c.host, port=c.port, sender=c.sender,
                                     recipients=c.fixed_recipients(), starttls=c.starttls, use_ssl=c.ssl,
                                     username=user, password=pw, timeout=c.timeout)
        elif isinstance(c, WebhookChannelConfig):
            url = c.url or env_value(env, c.url_env)
            headers = {**c.headers, **{h: env_value(env, v) for h, v in c.headers_env.items()}}
            out[name] = WebhookChannel(url=url, headers=headers, timeout=c.timeout)
        elif isinstance(c, DingTalkChannelConfig):
            secret = env_value(env, c.secret_env) if c.secret_env else None
            out[name] = DingTalkChannel(url=env_value(env, c.url_env), secret=secret,
                                        at_mobiles=c.at_mobiles, timeout=c.timeout)
        elif isinstance(c, WeComChannelConfig):
            out[name] = WeComChannel(url=env_value(env, c.url_env), timeout=c.timeout)
    return out
