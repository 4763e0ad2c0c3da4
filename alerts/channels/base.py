"""The channel contract and the factory that builds channels from `alerts.yaml`."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from alerts.types import AlertMessage


class DeliveryError(Exception):
    """A delivery attempt failed; the engine retries it later with backoff."""


class Channel(Protocol):
    def recipients(self) -> tuple[str, ...]:
        """Who this channel reaches (addresses, or the robot/URL for group channels)."""

    def send(self, message: AlertMessage) -> None:
        """Deliver `message` or raise DeliveryError."""

    # Channels that address people may also define
    #     send_to(message, recipients) -> None
    # taking the recipients the engine stored with the alert when it was queued (the duty
    # roster resolved then, in the shape `recipients()` returns); the engine prefers it.


class MissingSecret(Exception):
    """An env var a channel needs is not set; str() names it (for a one-line CLI error)."""


def env_value(env: Mapping[str, str], name: str) -> str:
    value = env.get(name)
    if not value:
        raise MissingSecret(f"environment variable {name} is not set")
    return value
