"""Plain one-paragraph alert messages about the watch itself (a source recovered, crawling stalled),
escaped for every channel format like alerts.render's messages."""
from __future__ import annotations

from alerts.escape import html_text, md, one_line
from alerts.types import AlertMessage


def render_notice(subject: str, body: str, *, event_id: str, alert_id: str) -> AlertMessage:
    """`subject` and `body` may carry crawled or configured text: escaped here per format."""
    subject = one_line(subject)
    return AlertMessage(
        subject=subject,
        text=f"{subject}\n{body}",
        html=f"<html><body><h3>{html_text(subject)}</h3><p>{html_text(body)}</p></body></html>",
        markdown=f"#### {md(subject)}\n{md(body)}",
        severity=None,
        event_id=event_id,
        alert_id=alert_id,
    )
