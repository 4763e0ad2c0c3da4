"""`type: post_deleted` (删帖预警): a post at `min_severity` or worse that a re-check found deleted
(404, a deletion page, a vanished floor). One alert per deleted post and channel, on the post's
event; a deletion already matched is never alerted again (the match row is the memory, so a restart
looks back over LOOKBACK and sends nothing twice)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.db import write_session
from alerts.escape import one_line, truncate
from alerts.health import SHANGHAI
from alerts.models import AlertEventDocRow, AlertMatchRow
from alerts.notices import render_notice
from alerts.registry import RULE_KINDS, RuleKind
from alerts.rules.common import alert_id
from alerts.types import Match
from pipeline.types import SEVERITY_LABELS, SEVERITY_RANK
from storage.versions import DELETED, PostVersions


LOOKBACK = timedelta(days=3)  # deletions detected this far back are still alerted (once)
KIND = "deleted"


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


def on_run(engine, rules: list[PostDeletedRule], now: datetime) -> None:
    for rule in rules:
        matches = deletion_matches(engine.store, rule, after=now - LOOKBACK, now=now)
        if not matches:
            continue
        docs = {d.id: d for d in engine.store.get_documents([m.doc_id for m in matches])}
        with write_session(engine.store.engine) as s, s.begin():
            for m in matches:
                if s.scalar(select(AlertMatchRow.id).where(AlertMatchRow.rule_id == rule.id,
                                                           AlertMatchRow.doc_id == m.doc_id)):
                    continue  # this deletion was alerted already
                engine.record_match(s, m, check=False)
                d = docs[m.doc_id]
                title = truncate(one_line(d.title or d.text), 60)
                source = engine.source_names.get(d.source_id, d.source_id)
                body = (f"{source}上的{SEVERITY_LABELS.get(d.severity, '')}帖子已被删除"
                        f"（{m.matched_at.astimezone(SHANGHAI):%m-%d %H:%M}（北京时间）复查发现）。"
                        f"作者：{d.author or '未知'}；原文与首次取证见控制台。链接：{d.url}")
                for channel in engine.enabled(rule.channels):
                    aid = alert_id(rule.id, f"{m.event_id}:{d.id}", channel, KIND)
                    msg = render_notice(f"【删帖】{title}", body, event_id=m.event_id, alert_id=aid)
                    engine.add_alert(s, rule.id, m.event_id, channel, KIND, msg, now)


RULE_KINDS.register("post_deleted", RuleKind("post_deleted", PostDeletedRule, on_run=on_run))
