"""The evidence tables on SQLite and PostgreSQL: post versions and changes, captures (bytes and
hashes round-trip, first sight only), pending captures by grade and look-back, satisfaction."""
from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import pytest

from alerts.feedback import latest_ratings, record_feedback
from alerts.incidents import IncidentBook
from storage.evidence import EvidenceStore
from storage.factory import create_schema, make_engine
from storage.store import Store
from storage.versions import DELETED, EDITED, RESTORED, PostVersions
from storage_docs import T0, drop_postgres_schema, make_doc, postgres_engine


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'yq.db'}")
        create_schema(engine)
        yield Store(engine)
        engine.dispose()
    else:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        engine = postgres_engine(schema)
        create_schema(engine)
        try:
            yield Store(engine)
        finally:
            drop_postgres_schema(engine, schema)


def test_versions_and_changes(store):
    store.save_documents([make_doc(1, title="标题", text="原文 第一行")])
    v = PostVersions(store.engine)
    at = T0 + timedelta(hours=1)
    assert v.seen("d1", "标题", "原文   第一行", at) is None  # whitespace only: not an edit
    edit = v.seen("d1", "标题", "改过的 第一行", at)
    assert edit.kind == EDITED and edit.version == 2 and "-原文 第一行" in edit.diff
    assert v.gone("d1", "HTTP 404", at + timedelta(hours=1)).kind == DELETED
    assert v.gone("d1", "HTTP 404", at + timedelta(hours=2)) is None  # once
    assert v.seen("d1", "标题", "改过的 第一行", at + timedelta(hours=3)).kind == RESTORED
    assert [c.kind for c in v.changes(["d1"])["d1"]] == [EDITED, DELETED, RESTORED]
    assert [x.version for x in v.versions("d1")] == [1, 2]
    assert v.gone("nope", "HTTP 404", at) is None  # an unknown post is no change
    assert [c.doc_id for c in v.changes_since(at + timedelta(minutes=30))] == ["d1", "d1"]


def test_captures(store):
    store.save_documents([make_doc(1, severity="yellow"), make_doc(2, severity="blue"),
                          make_doc(3, severity="red"),
                          make_doc(4, severity="red", fetched_at=T0 - timedelta(days=5))])
    ev = EvidenceStore(store.engine)
    since = T0 - timedelta(days=1)
    assert sorted(i for i, _, _ in ev.pending("yellow", since, 10)) == ["d1", "d3"]
    assert [i for i, _, _ in ev.pending("red", since, 10)] == ["d3"]
    png, html = bytes(range(256)) * 40, "<html>青溪</html>".encode("gbk")
    assert ev.save("d1", "https://bbs.example.cn/t/1", fetched_at=T0, http_status=200,
                   headers=[("Content-Type", "text/html; charset=gbk")], html=html, png=png, rendered_at=T0)
    assert not ev.save("d1", "https://x", fetched_at=T0, http_status=200, headers=[], html=b"", png=b"",
                       rendered_at=T0)  # first sight only
    cap = ev.for_doc("d1")
    assert cap.png == png and cap.html == html and cap.png_sha256 == hashlib.sha256(png).hexdigest()
    assert cap.headers == (("Content-Type", "text/html; charset=gbk"),) and cap.fetched_at == T0
    assert ev.get(cap.id) == cap
    assert [i for i, _, _ in ev.pending("yellow", since, 10)] == ["d3"]
    assert set(ev.summaries(["d1", "d3"])) == {"d1"}


def test_feedback(store):
    book = IncidentBook(store.engine, now=lambda: T0)
    a, b = book.open("甲", actor="x").id, book.open("乙", actor="x").id
    record_feedback(store.engine, a, "不满意", actor="回访员", now=lambda: T0)
    record_feedback(store.engine, a, "满意", actor="回访员", now=lambda: T0 + timedelta(hours=1))
    assert latest_ratings(store.engine, [a, b]) == {a: "满意"}
