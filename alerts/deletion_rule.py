"""The `post_deleted` rule type (删帖预警): a post at `min_severity` or worse that a re-check found
deleted. This module holds the rule's schema and its match function; the rule registry (alerts.yaml
`rules:` → rule objects, being refactored) plugs them in: `PostDeletedRule` joins the union of rule
schemas, and the engine calls `deletion_matches` each run with the time of its previous run, then
groups, throttles and sends the matches like any other rule (one alert per event)."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.models import AlertEventDocRow
from alerts.types import Match
from pipeline.types import SEVERITY_RANK
from storage.versions import DELETED, PostVersions


class PostDeletedRule(BaseModel):
    """Fires when a graded post is deleted (删帖) after we saw it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: str
    type: Literal["post_deleted"]
    enabled: bool = True
    min_severity: Literal["red", "orange", "yellow", "blue"] = "yellow"
    sources: list[str] = []  # empty: any source
    channels: list[str] = Field(min_length=1)


def deletion_matches(store, rule: PostDeletedRule, after: datetime, now: datetime) -> list[Match]:
    """Matches for deletions detected in (after, now]: one per deleted post at the rule's grade,
    on the post's event (a post outside any event is its own: "post:<doc id>")."""
    changes = [c for c in PostVersions(store.engine).changes_since(after)
               if c.kind == DELETED and c.detected_at <= now]
    if not changes:
        return []
    docs = {d.id: d for d in store.get_documents([c.doc_id for c in changes])}
    with Session(store.engine) as s:
        events = dict(s.execute(select(AlertEventDocRow.doc_id, AlertEventDocRow.event_id)
                                .where(AlertEventDocRow.doc_id.in_(list(docs)))).all())
    out = []
    for c in changes:
        d = docs.get(c.doc_id)
        if d is None or SEVERITY_RANK.get(d.severity or "", 0) < SEVERITY_RANK[rule.min_severity]:
            continue
        if rule.sources and d.source_id not in rule.sources:
            continue
        out.append(Match(rule_id=rule.id, event_id=events.get(d.id, f"post:{d.id}"), doc_id=d.id,
                         severity=d.severity, matched_at=c.detected_at))
    return out
