"""The post_deleted rule's matches: deleted posts at the rule's grade, on their event, once per
detection window; edits and lower grades do not fire."""
from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from alerts.config import AlertsConfig
from alerts.rules.post_deleted import PostDeletedRule, deletion_matches
from alerts.engine import AlertEngine
from reports_support import event_of
from storage.versions import PostVersions
from test_alerts_support import T0, Clock, make_doc, make_store


def test_deleted_graded_posts_match_on_their_event(tmp_path):
    clock = Clock(T0 + timedelta(hours=1))
    store = make_store(tmp_path)
    store.save_documents([make_doc(1, severity="orange"), make_doc(2, severity="blue"),
                          make_doc(3, severity="red", thread="https://bbs.example.cn/thread-2-1-1.html")])
    AlertEngine(store, AlertsConfig(), {}, now=clock).run_once()
    rule = PostDeletedRule(id="del", name="删帖", type="post_deleted", min_severity="yellow", channels=["mail"])
    v = PostVersions(store.engine)
    t1 = clock() + timedelta(minutes=5)
    v.gone("d0001", "HTTP 404", t1)
    v.gone("d0002", "HTTP 404", t1)  # blue: below the rule's grade
    v.seen("d0003", "改了标题", "改了正文", t1)  # an edit is no deletion
    matches = deletion_matches(store, rule, clock(), t1)
    assert [(m.doc_id, m.event_id, m.severity, m.matched_at) for m in matches] == [
        ("d0001", event_of(store, "d0001"), "orange", t1)]
    assert deletion_matches(store, rule, t1, t1 + timedelta(minutes=5)) == []  # each detection once
    only_tieba = rule.model_copy(update={"sources": ["tieba"]})
    assert deletion_matches(store, only_tieba, clock(), t1) == []
    with pytest.raises(ValidationError):
        PostDeletedRule(id="x", name="x", type="post_deleted", min_severity="purple", channels=["mail"])


class _Keep:
    """A channel that keeps what it is given (the rule's messages, not their delivery, are tested)."""

    def __init__(self, sent: list):
        self.sent = sent

    def recipients(self):
        return ("值班群",)

    def send(self, message):
        self.sent.append(message)


def test_the_rule_alerts_once_per_deleted_post_through_the_engine(tmp_path):
    """alerts.yaml `type: post_deleted` is a registered rule kind: the engine queues one 【删帖】
    alert per deleted graded post and channel, and a later run (or a restart) sends nothing again."""
    clock = Clock(T0 + timedelta(hours=1))
    store = make_store(tmp_path)
    store.save_documents([make_doc(1, severity="orange", title="<b>化工厂</b>偷排")])
    config = AlertsConfig.model_validate({
        "channels": {"hook": {"type": "webhook", "url": "http://127.0.0.1:1/unused"}},
        "rules": [{"id": "del", "name": "删帖预警", "type": "post_deleted", "min_severity": "yellow",
                   "channels": ["hook"]}]})
    sent = []

    def engine():
        return AlertEngine(store, config, {"hook": _Keep(sent)}, now=clock)

    first = engine()
    first.run_once()
    assert sent == []  # nothing deleted yet
    PostVersions(store.engine).gone("d0001", "HTTP 404", clock() + timedelta(minutes=1))
    clock.t += timedelta(minutes=2)
    first.run_once()
    first.close()
    assert len(sent) == 1 and sent[0].subject.startswith("【删帖】") and "HTTP" not in sent[0].subject
    assert "&lt;b&gt;" in sent[0].html and "<b>化工厂" not in sent[0].html  # crawled title escaped
    clock.t += timedelta(minutes=2)
    again = engine()
    again.run_once()
    again.close()
    assert len(sent) == 1


def test_one_read_of_the_deleted_posts_per_run_and_one_alert_per_post(tmp_path):
    """A rules run reads the window's deleted posts once (for every post_deleted rule, for matching
    and the message alike); two deleted posts of one event are two alerts (the alert table is
    unique per rule, event, channel and kind); a post deleted, restored and deleted again in the
    window is alerted once, also on a later run."""
    clock = Clock(T0 + timedelta(hours=1))
    store = make_store(tmp_path)
    store.save_documents([make_doc(1, severity="orange"), make_doc(2, severity="red")])
    config = AlertsConfig.model_validate({
        "channels": {"hook": {"type": "webhook", "url": "http://127.0.0.1:1/unused"}},
        "rules": [{"id": "del", "name": "删帖预警", "type": "post_deleted", "min_severity": "yellow",
                   "channels": ["hook"]},
                  {"id": "del-red", "name": "红色删帖", "type": "post_deleted", "min_severity": "red",
                   "channels": ["hook"]}]})
    sent = []
    engine = AlertEngine(store, config, {"hook": _Keep(sent)}, now=clock)
    engine.run_once()
    v = PostVersions(store.engine)
    v.gone("d0001", "HTTP 404", clock() + timedelta(minutes=1))
    v.seen("d0001", "东湖区化工厂偷排污水", "青溪东湖区化工厂夜里偷排，河水发臭。", clock() + timedelta(minutes=2))
    v.gone("d0001", "HTTP 404", clock() + timedelta(minutes=3))
    v.gone("d0002", "HTTP 404", clock() + timedelta(minutes=3))
    clock.t += timedelta(minutes=5)
    reads = []
    real_get = store.get_documents

    def counting_get(ids):
        reads.append(sorted(ids))
        return real_get(ids)

    store.get_documents = counting_get
    engine.run_once()
    deleted_reads = [r for r in reads if "d0001" in r or "d0002" in r]
    assert len(deleted_reads) == 1, reads
    subjects = sorted(m.subject for m in sent)
    assert len(subjects) == 3 and all(s.startswith("【删帖】") for s in subjects)  # d1 once, d2 per rule
    clock.t += timedelta(minutes=5)
    engine.run_once()
    engine.close()
    assert len(sent) == 3
