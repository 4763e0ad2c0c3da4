"""The e-mail delivery state of issued reports, shaped for the /reports page (rows come from
`alerts.reports.delivery.ReportPostbox.deliveries()`; the templates escape every field)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

KIND_LABELS = {"daily": "摘报", "special": "专报", "handover": "交接班"}
STATE_LABELS = {"sent": "已发送", "pending": "待发送", "failing": "发送失败，重试中",
                "preparing": "生成中", "rejected": "被拒收，需人工处理", "cancelled": "已取消"}


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    kind: str  # label: 摘报 | 专报 | 交接班
    issue: str  # which issue: the day, the incident, the shift's end
    title: str  # crawled text can reach it (a 专报's title): escape when rendering
    recipients: tuple[str, ...]
    state: str  # sent | pending | failing | preparing | rejected | cancelled
    attempts: int
    sent_at: datetime | None
    next_try_at: datetime | None
    last_error: str | None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def _state(d) -> str:
    if d.status in ("sent", "rejected", "cancelled"):
        return d.status
    if d.attempts:  # a refused send or a failed rebuild: retried with backoff, never given up
        return "failing"
    return "preparing" if d.status == "preparing" else "pending"


def _issue(kind: str, key: str) -> str:
    if kind == "special":  # "<incident id>@<log length>": one 专报 version per handling step
        return f"事件单 {key.split('@')[0]}"
    if kind == "handover":  # the shift's end, "YYYY-MM-DDTHH:MM"
        return key.replace("T", " ") + " 交班"
    return key


def delivery_rows(deliveries) -> list[DeliveryRow]:
    """Newest first, as the postbox lists them."""
    return [DeliveryRow(KIND_LABELS.get(d.kind, d.kind), _issue(d.kind, d.key), d.title, tuple(d.recipients),
                        _state(d), d.attempts, d.sent_at, d.next_try_at, d.last_error)
            for d in deliveries]


def latest_daily(deliveries) -> DeliveryRow | None:
    """The newest 摘报's row (the day's report for leadership), for the line above the table."""
    daily = [d for d in deliveries if d.kind == "daily"]
    return delivery_rows([max(daily, key=lambda d: d.key)])[0] if daily else None
