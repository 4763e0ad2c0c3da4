"""Generic webhook: the alert as JSON, with an Idempotency-Key header for receivers to dedupe."""
from __future__ import annotations

from collections.abc import Sequence

from alerts.channels.jsonpost import post_json
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
