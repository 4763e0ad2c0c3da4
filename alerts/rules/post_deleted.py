"""`type: post_deleted` (删帖预警): a post at `min_severity` or worse that a re-check found deleted
(404, a deletion page, a vanished floor). One alert per deleted post and channel, on the post's
event; a deletion already matched is never alerted again (the match row is the memory, so a restart
looks back over LOOKBACK and sends nothing twice)."""
from __future__ import annotations

import hashlib
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
from pipeline.types import SEVERITY_LABELS, SEVERITY_RANK, Document
from storage.versions import DELETED, PostVersions


LOOKBACK = timedelta(days=3)  # deletions detected this far back are still alerted (once)
KIND = "deleted"


def alert_kind(doc_id: str) -> str:
    """The alert row's kind names the post: alerts are unique per (rule, event, channel, kind), and
    two deleted posts of one event are two alerts (kind is String(32); doc ids are 24 hex)."""
    return f"{KIND}:{doc_id if len(doc_id) <= 24 else hashlib.sha1(doc_id.encode()).hexdigest()[:24]}"


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


def deleted_posts(store, after: datetime, now: datetime) -> list[tuple[datetime, Document, str]]:
    """Deletions detected in (after, now], read once: (detected at, the post, its event id; a post
    outside any event is its own, "post:<doc id>"), oldest detection first."""
    changes = [c for c in PostVersions(store.engine).changes_since(after)
               if c.kind == DELETED and c.detected_at <= now]
    if not changes:
        return []
    docs = {d.id: d for d in store.get_documents([c.doc_id for c in changes])}
    with Session(store.engine) as s:
        events = dict(s.execute(select(AlertEventDocRow.doc_id, AlertEventDocRow.event_id)
                                .where(AlertEventDocRow.doc_id.in_(list(docs)))).all())
    return [(c.detected_at, docs[c.doc_id], events.get(c.doc_id, f"post:{c.doc_id}"))
            for c in changes if c.doc_id in docs]


def _matching(rule: PostDeletedRule, deleted) -> list[tuple[Match, Document]]:
    out = []
    for detected_at, d, event_id in deleted:
        if SEVERITY_RANK.get(d.severity or "", 0) < SEVERITY_RANK[rule.min_severity]:
            continue
        if rule.sources and d.source_id not in rule.sources:
            continue
        out.append((Match(rule_id=rule.id, event_id=event_id, doc_id=d.id, severity=d.severity,
                          matched_at=detected_at), d))
    return out


def deletion_matches(store, rule: PostDeletedRule, after: datetime, now: datetime) -> list[Match]:
    """Matches for deletions detected in (after, now]: one per deleted post at the rule's grade,
    on the post's event."""
    return [m for m, _ in _matching(rule, deleted_posts(store, after, now))]


def on_run(engine, rules: list[PostDeletedRule], now: datetime) -> None:
    # One read of the window's deletions (and their posts) serves every rule: matching and the
    # message both use it.
    deleted = deleted_posts(engine.store, after=now - LOOKBACK, now=now)
    if not deleted:
        return
    for rule in rules:
        found = _matching(rule, deleted)
        if not found:
            continue
        with write_session(engine.store.engine) as s, s.begin():
            done = set(s.scalars(select(AlertMatchRow.doc_id).where(
                AlertMatchRow.rule_id == rule.id, AlertMatchRow.doc_id.in_([m.doc_id for m, _ in found]))))
            for m, d in found:
                if m.doc_id in done:
                    continue  # this deletion was alerted already
                done.add(m.doc_id)  # a post deleted, restored and deleted again within LOOKBACK: once
                engine.record_match(s, m, check=False)
                title = truncate(one_line(d.title or d.text), 60)
                source = engine.source_names.get(d.source_id, d.source_id)
                body = (f"{source}上的{SEVERITY_LABELS.get(d.severity, '')}帖子已被删除"
                        f"（{m.matched_at.astimezone(SHANGHAI):%m-%d %H:%M}（北京时间）复查发现）。"
                        f"作者：{d.author or '未知'}；原文与首次取证见控制台。链接：{d.url}")
                for channel in engine.enabled(rule.channels):
                    aid = alert_id(rule.id, f"{m.event_id}:{d.id}", channel, KIND)
                    msg = render_notice(f"【删帖】{title}", body, event_id=m.event_id, alert_id=aid)
                    engine.add_alert(s, rule.id, m.event_id, channel, alert_kind(d.id), msg, now)


RULE_KINDS.register("post_deleted", RuleKind("post_deleted", PostDeletedRule, on_run=on_run))
