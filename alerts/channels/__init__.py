"""Delivery channels. Importing this package registers every channel kind (alerts.registry);
`build_channels` turns the `channels:` section of alerts.yaml into objects. Secrets are read from
the environment by each kind's builder and nowhere else. A new channel kind is one module in
this package that registers itself: every module here is imported below."""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping

for _module in pkgutil.iter_modules(__path__):  # each channel module registers its kind on import
    importlib.import_module(f"{__name__}.{_module.name}")

from alerts.channels.base import Channel, DeliveryError, MissingSecret, PermanentDeliveryError
from alerts.channels.dingtalk import DingTalkChannel
from alerts.channels.mail import EmailChannel
from alerts.channels.webhook import WebhookChannel
from alerts.channels.wecom import WeComChannel
from alerts.registry import CHANNEL_KINDS

__all__ = ["Channel", "DeliveryError", "MissingSecret", "PermanentDeliveryError", "build_channels",
           "DingTalkChannel", "EmailChannel", "WebhookChannel", "WeComChannel"]


def build_channels(config, env: Mapping[str, str]) -> dict[str, Channel]:
    """Enabled channels of `config` (alerts.config.AlertsConfig) by name. Raises MissingSecret
    naming an unset env var."""
    return {name: CHANNEL_KINDS[c.type].build(c, env) for name, c in config.channels.items() if c.enabled}
