"""Alert-stage types (DESIGN §3). Plain dataclasses: ORM rows stay inside alerts/."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Match:
    """A rule fired for a document of an event."""

    rule_id: str
    event_id: str
    doc_id: str | None  # None for rules about sources, not posts
    severity: str | None
    matched_at: datetime


@dataclass(frozen=True, slots=True)
class AlertMessage:
    """One rendered alert; every channel picks the variant it can show."""

    subject: str
    text: str
    html: str
    markdown: str
    severity: str | None
    event_id: str
    doc_ids: tuple[str, ...] = ()
    link: str | None = None
    alert_id: str = ""  # stable id, used as the e-mail Message-ID and webhook idempotency key


@dataclass(frozen=True, slots=True)
class Alert:
    """What was (or is to be) sent, to whom, over which channel."""

    id: str
    rule_id: str
    event_id: str
    channel: str
    recipients: tuple[str, ...]
    # pending | sending (leased) | failed (retrying) | rejected (refused for good: a person acts)
    # | sent | cancelled (by a person); see alerts.delivery_queue
    status: str
    attempts: int  # sends tried
    created_at: datetime
    # new | upgrade:<grade> | escalate:<level> | followup (spike) | recovered (source, watchdog)
    kind: str = "new"
    sent_at: datetime | None = None
    last_error: str | None = None
    next_try_at: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None


@dataclass(frozen=True, slots=True)
class HeldAlert:
    """An alert a paced channel holds on purpose (alerts.pacing: quiet hours or push interval);
    it goes out, merged with the others due then, at `goes_at`. Read-only view for the console."""

    id: str
    rule_id: str
    channel: str
    kind: str
    severity: str | None
    title: str  # the message subject: crawled text reaches it, escape when rendering
    created_at: datetime
    goes_at: datetime  # the later of its own release time and the channel's push clock
    reason: str  # quiet_hours | interval | due (released on the next delivery pass)


class IncidentState(str, enum.Enum):
    found = "found"
    assessed = "assessed"
    handling = "handling"
    follow_up = "follow_up"
    closed = "closed"

    @property
    def label(self) -> str:
        return INCIDENT_STATE_LABELS[self]


INCIDENT_STATE_LABELS = {
    IncidentState.found: "发现",
    IncidentState.assessed: "研判",
    IncidentState.handling: "处置",
    IncidentState.follow_up: "跟踪",
    IncidentState.closed: "办结",
}


@dataclass(frozen=True, slots=True)
class IncidentLogEntry:
    at: datetime
    actor: str
    from_state: IncidentState | None
    to_state: IncidentState
    note: str = ""


@dataclass(frozen=True, slots=True)
class Incident:
    id: int
    event_id: str | None
    title: str
    state: IncidentState
    severity: str | None
    department: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None
    log: tuple[IncidentLogEntry, ...] = field(default=())
