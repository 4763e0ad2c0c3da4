"""Store: documents + outbox in one transaction, crawl state, kv, retention."""
from __future__ import annotations

import zlib
from dataclasses import replace
from datetime import timedelta

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from storage.factory import create_schema, make_engine
from storage.models import Base, RawHtmlRow
from storage.store import Store
from storage.types import CrawlRun, ThreadState
from conftest import load_all_models
from storage_docs import T0, drop_postgres_schema, make_doc, postgres_engine


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'db' / 'yq.db'}")
    else:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        engine = postgres_engine(schema)
    create_schema(engine)
    yield Store(engine)
    if request.param == "sqlite":
        engine.dispose()
    else:
        drop_postgres_schema(engine, schema)


def test_schema_matches_models(store):
    load_all_models()
    with store.engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), Base.metadata)
    # Only storage's own tables: alerts/, reports and the console declare theirs on the same Base.
    others = ("alert", "incident", "report", "console_")
    assert [d for d in diff if not any(o in str(d) for o in others)] == []
    create_schema(store.engine)  # at head already: a no-op


def test_sqlite_connection_settings(store):
    if store.engine.dialect.name != "sqlite":
        pytest.skip("SQLite connection settings")
    with store.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_roundtrip_is_exact_including_unsigned_simhash(store):
    doc = make_doc(1, topics=("pollution", "traffic"), category="生态环境", severity="orange",
                   negative=True, replies=3, views=40, simhash=(1 << 64) - 5, tokens=("青溪", "化工厂", "异味"))
    doc = replace(doc, author="张三", outlet="青溪日报")  # the person and the outlet stay apart
    assert store.save_documents([doc]) == ["d1"]
    (back,) = store.get_documents(["d1"])
    assert back == doc
    assert back.simhash == (1 << 64) - 5
    assert back.published_at.utcoffset() == timedelta(hours=8)
    with store.engine.connect() as c:  # stored signed, within BIGINT
        assert c.execute(text("SELECT simhash FROM documents")).scalar() == -5


def test_save_is_idempotent_and_reports_only_new_ids(store):
    a, b = make_doc(1), make_doc(2)
    assert store.save_documents([a, b]) == ["d1", "d2"]
    assert store.save_documents([b, make_doc(3), a]) == ["d3"]
    assert store.count_documents() == 3
    assert [d.id for _, d in store.documents_since(0)] == ["d1", "d2", "d3"]


def test_outbox_gets_relevant_new_and_changed_documents_only(store):
    store.save_documents([make_doc(1), make_doc(2, relevant=False), make_doc(3, replies=5)])
    assert [d for _, d in store.outbox_batch(10)] == ["d1", "d3"]
    store.outbox_ack([seq for seq, _ in store.outbox_batch(10)])
    # unchanged resave: nothing queued; reply growth: the relevant doc is queued and updated
    store.save_documents([make_doc(1), make_doc(2, relevant=False, replies=9), make_doc(3, replies=8)])
    assert [d for _, d in store.outbox_batch(10)] == ["d3"]
    assert store.get_documents(["d3"])[0].replies == 8
    assert store.get_documents(["d2"])[0].replies == 9
    # a None count (not seen this time) never erases a known one
    store.save_documents([make_doc(3, replies=None, views=7)])
    assert store.get_documents(["d3"])[0].replies == 8


def test_raw_html_compressed_and_collected(store):
    old = make_doc(1, fetched_at=T0 - timedelta(days=40))
    new = make_doc(2, fetched_at=T0)
    page = "<div>青溪 化工厂 异味</div>" * 50
    store.save_documents([old, new], raw_html={"d1": page, "d2": page})
    with store.engine.connect() as c:
        blob = c.execute(select(RawHtmlRow.html_z).where(RawHtmlRow.doc_id == "d2")).scalar()
    assert len(blob) < len(page.encode()) / 5 and zlib.decompress(blob).decode() == page
    assert store.gc(T0, raw_retention_days=30) == {"raw_html": 1}
    assert store.raw_html("d1") is None and store.raw_html("d2") == page
    assert store.count_documents() == 2  # documents are kept


def test_time_queries_use_published_else_fetched(store):
    docs = [make_doc(1, published_at=T0 - timedelta(hours=2)),
            make_doc(2, published_at=None, fetched_at=T0 - timedelta(hours=1)),
            make_doc(3, published_at=T0), make_doc(4, published_at=T0 - timedelta(minutes=30), relevant=False)]
    store.save_documents(docs)
    got = store.documents_between(T0 - timedelta(hours=2), T0)
    assert [d.id for d in got] == ["d1", "d2"]  # start inclusive, end exclusive, oldest first
    got = store.documents_between(T0 - timedelta(hours=2), T0, relevant_only=False)
    assert [d.id for d in got] == ["d1", "d2", "d4"]
    assert store.count_documents(since=T0 - timedelta(hours=1)) == 3
    assert store.count_documents(relevant_only=True, since=T0 - timedelta(hours=1)) == 2
    assert [d.id for d in store.iter_documents(batch=2)] == ["d1", "d2", "d3", "d4"]
    assert [d.id for d in store.iter_documents(since=T0 - timedelta(hours=1), batch=1)] == ["d2", "d3", "d4"]


def test_thread_states_upsert_and_active(store):
    s = ThreadState("forum_a", "https://bbs.example.cn/t/1", 10, 10, 1, T0, T0, T0)
    store.save_thread_states([s, ThreadState("forum_a", "https://bbs.example.cn/t/2", 1, 1, 1,
                                             T0, T0, T0 - timedelta(days=3))])
    grown = replace(s, replies=25, last_floor=25, last_page=2, first_seen=T0 + timedelta(hours=1),
                    last_seen=T0 + timedelta(hours=1), last_growth=T0 + timedelta(hours=1))
    store.save_thread_states([grown])
    got = store.thread_state("forum_a", s.thread_url)
    assert got == replace(grown, first_seen=T0)  # first_seen is never moved forward
    assert store.thread_state("forum_a", "https://nope") is None
    assert [t.thread_url for t in store.active_threads("forum_a", T0 - timedelta(days=1))] == [s.thread_url]
    assert store.active_threads("forum_b", T0 - timedelta(days=9)) == []


def test_crawl_runs_newest_first(store):
    for i, src in enumerate(["a", "b", "a"]):
        store.record_crawl_run(CrawlRun(src, T0 + timedelta(minutes=i), T0 + timedelta(minutes=i, seconds=5),
                                        pages=i, items=2, new_items=1, errors=0, parse_failures=0,
                                        list_items=3, reasons={"http_503": i}, status="ok"))
    runs = store.crawl_runs()
    assert [r.pages for r in runs] == [2, 1, 0]
    assert [r.pages for r in store.crawl_runs("a", limit=1)] == [2]
    assert runs[0].reasons == {"http_503": 2} and runs[0].finished_at == T0 + timedelta(minutes=2, seconds=5)


def test_kv_json_values(store):
    assert store.kv_get("cursor", default=7) == 7
    store.kv_set("cursor", {"seq": 5, "ids": ["a"]})
    store.kv_set("cursor", {"seq": 6})
    assert store.kv_get("cursor") == {"seq": 6}


def test_status_update_is_queued_for_the_index(store):
    store.save_documents([make_doc(1), make_doc(2, relevant=False)])
    store.outbox_ack([seq for seq, _ in store.outbox_batch(10)])
    assert store.set_status(["d1", "d2"], "handling") == 2
    assert [d for _, d in store.outbox_batch(10)] == ["d1"]
    assert store.statuses(["d1", "d2"]) == {"d1": "handling", "d2": "handling"}


def test_naive_datetimes_are_refused(store):
    with pytest.raises(Exception, match="naive"):
        store.save_documents([make_doc(1, published_at=T0.replace(tzinfo=None))])
    assert store.count_documents() == 0
