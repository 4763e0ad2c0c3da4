"""The channel contract and the factory that builds channels from `alerts.yaml`."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from alerts.types import AlertMessage


class DeliveryError(Exception):
    """A delivery attempt failed; the engine retries it later with backoff."""


class PermanentDeliveryError(DeliveryError):
    """The receiver refused this message for good (HTTP 4xx, SMTP 5xx on recipients or data):
    retrying the same request cannot help, so it is marked rejected and listed as undelivered."""


class Channel(Protocol):
    def recipients(self) -> tuple[str, ...]:
        """Who this channel reaches (addresses, or the robot/URL for group channels)."""

    def send(self, message: AlertMessage) -> None:
        """Deliver `message` to recipients() or raise DeliveryError."""

    def send_to(self, message: AlertMessage, recipients: Sequence[str]) -> None:
        """Deliver `message` to the recipients stored with the alert when it was queued (the
        duty roster resolved then, in the shape recipients() returns); raise DeliveryError."""


def send_stored(channel: Channel, message: AlertMessage, recipients: Sequence[str]) -> None:
    """Send to the stored recipients; a minimal channel (send() only) addresses its own."""
    send_to = getattr(channel, "send_to", None)
    if send_to is not None:
        send_to(message, recipients)
    else:
        channel.send(message)


class MissingSecret(Exception):
    """An env var a channel needs is not set; str() names it (for a one-line CLI error)."""


def env_value(env: Mapping[str, str], name: str) -> str:
    value = env.get(name)
    if not value:
        raise MissingSecret(f"environment variable {name} is not set")
    return value
