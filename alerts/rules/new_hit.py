"""`type: new_hit`: one alert per event and channel when a relevant post at `min_severity` or worse
arrives, plus one upgrade alert per worse grade the event reaches later."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.models import AlertEventRow, AlertRow
from alerts.registry import RULE_KINDS, RuleKind
from alerts.render import AlertContext, render_doc_alert
from alerts.rules.common import alert_id
from alerts.schema import EscalationStep, Severity, Strict
from alerts.types import Match
from pipeline.types import SEVERITY_RANK, Document, severity_at_least


class NewHitRule(Strict):
    """Fires when a relevant document at `min_severity` or worse arrives."""

    id: str
    name: str
    type: Literal["new_hit"]
    enabled: bool = True
    min_severity: Severity = "orange"
    topics: list[str] = []  # empty: any topic
    sources: list[str] = []  # empty: any source
    negative_only: bool = False
    channels: list[str] = Field(min_length=1)
    escalation: list[EscalationStep] = []  # in order: level 1, level 2, ...


def rule_matches(rule: NewHitRule, doc: Document) -> bool:
    if not (doc.relevant and severity_at_least(doc.severity, rule.min_severity)):
        return False
    if rule.negative_only and not doc.negative:
        return False
    if rule.topics and not set(rule.topics) & set(doc.topic_ids):
        return False
    return not rule.sources or doc.source_id in rule.sources


def on_document(engine, s: Session, rule: NewHitRule, doc: Document, event: AlertEventRow,
                graded: dict[tuple[str, str, str], int], now: datetime, reread: bool) -> int:
    """`graded`: the worst grade alerted so far per (rule, event, channel) in this batch."""
    if not rule_matches(rule, doc):
        return 0
    n = engine.record_match(s, Match(rule.id, event.id, doc.id, doc.severity, now), check=reread)
    rank = SEVERITY_RANK[doc.severity]
    for channel in rule.channels:
        if channel not in engine.channels:  # disabled in alerts.yaml
            continue
        key = (rule.id, event.id, channel)
        if key not in graded:  # -1: nothing alerted yet for this rule, event and channel
            prior = s.scalars(select(AlertRow.severity).where(
                AlertRow.rule_id == rule.id, AlertRow.event_id == event.id,
                AlertRow.channel == channel, AlertRow.kind.not_like("escalate:%"))).all()
            graded[key] = max((SEVERITY_RANK.get(p or "", 0) for p in prior), default=-1)
        if rank <= graded[key]:
            continue
        kind = "new" if graded[key] < 0 else f"upgrade:{doc.severity}"
        graded[key] = rank
        aid = alert_id(rule.id, event.id, channel, kind)
        ctx = AlertContext(alert_id=aid, event_id=event.id, severity=doc.severity,
                           event_doc_count=event.doc_count, upgrade=kind != "new",
                           source_name=engine.source_names.get(doc.source_id),
                           console_url=engine.config.console_url, rule_name=rule.name)
        engine.add_alert(s, rule.id, event.id, channel, kind, render_doc_alert(doc, ctx), now)
    return n


RULE_KINDS.register("new_hit", RuleKind("new_hit", NewHitRule, on_document=on_document))
