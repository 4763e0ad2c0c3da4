"""Outbox delivery: in order, nothing lost across index outages; reindex rebuilds from the DB."""
from __future__ import annotations

from datetime import timedelta

import pytest

from storage.embedded_index import EmbeddedIndex
from storage.factory import create_schema, make_engine
from storage.outbox import drain_outbox
from storage.reindex import reindex
from storage.search import IndexUnavailable
from storage.store import Store
from storage.types import SearchQuery
from storage_docs import T0, make_doc


class FlakyIndex:
    """Wraps a real index; records every batch; raises IndexUnavailable while `down`."""

    def __init__(self, inner):
        self.inner, self.down, self.batches = inner, False, []

    def bulk_index(self, docs, statuses=None):
        if self.down:
            raise IndexUnavailable("connection refused")
        self.batches.append([d.id for d in docs])
        return self.inner.bulk_index(docs, statuses)


@pytest.fixture
def store(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'yq.db'}")
    create_schema(engine)
    yield Store(engine)
    engine.dispose()


@pytest.fixture
def index(tmp_path):
    idx = EmbeddedIndex(tmp_path / "index.sqlite")
    yield idx
    idx.close()


def test_outage_keeps_rows_and_delivery_resumes_in_order(store, index):
    flaky = FlakyIndex(index)
    store.save_documents([make_doc(i, published_at=T0 + timedelta(minutes=i)) for i in range(1, 6)])
    flaky.down = True
    with pytest.raises(IndexUnavailable):
        drain_outbox(store, flaky, batch=2)
    assert store.outbox_pending() == 5
    store.save_documents([make_doc(6)])
    flaky.down = False
    assert drain_outbox(store, flaky, batch=2, max_batches=1) == 2
    assert flaky.batches == [["d1", "d2"]]
    assert drain_outbox(store, flaky, batch=2) == 4
    assert flaky.batches == [["d1", "d2"], ["d3", "d4"], ["d5", "d6"]]
    assert store.outbox_pending() == 0
    assert index.count(SearchQuery()) == 6


def test_outage_mid_way_loses_nothing(store, index):
    flaky = FlakyIndex(index)
    store.save_documents([make_doc(i) for i in range(1, 5)])
    drain_outbox(store, flaky, batch=2, max_batches=1)
    flaky.down = True
    with pytest.raises(IndexUnavailable):
        drain_outbox(store, flaky, batch=2)
    assert [d for _, d in store.outbox_batch(10)] == ["d3", "d4"]
    flaky.down = False
    drain_outbox(store, flaky)
    assert index.count(SearchQuery()) == 4


def test_drain_sends_latest_version_and_status(store, index):
    store.save_documents([make_doc(1, replies=1), make_doc(2, relevant=False)])
    store.save_documents([make_doc(1, replies=5)])  # queued twice
    store.set_status(["d1"], "assessed")
    assert drain_outbox(store, index) == 3
    assert index.count(SearchQuery()) == 1  # irrelevant documents never reach the index
    assert index.count(SearchQuery(status=("assessed",))) == 1


def test_reindex_rebuilds_from_database(store, index, tmp_path):
    store.save_documents([make_doc(i, published_at=T0 - timedelta(days=i)) for i in range(1, 5)]
                         + [make_doc(9, relevant=False)])
    store.set_status(["d2"], "closed")
    fresh = EmbeddedIndex(tmp_path / "rebuilt.sqlite")
    assert reindex(store, fresh) == 4
    assert fresh.count(SearchQuery()) == 4
    assert fresh.count(SearchQuery(status=("closed",))) == 1
    assert reindex(store, fresh, since=T0 - timedelta(days=2)) == 2
    assert fresh.count(SearchQuery()) == 4  # idempotent
    fresh.close()


def test_outbox_numbers_are_never_reused(store, index):
    """An emptied queue must not hand out a delivered row's number again (SQLite reused max+1)."""
    store.save_documents([make_doc(1), make_doc(2)])
    first = [seq for seq, _ in store.outbox_batch(10)]
    drain_outbox(store, index)
    store.save_documents([make_doc(3)])
    assert [seq for seq, _ in store.outbox_batch(10)][0] > max(first)


def test_ack_deletes_exactly_the_rows_named(store):
    store.save_documents([make_doc(i) for i in range(1, 4)])
    rows = store.outbox_batch(10)
    store.outbox_ack([rows[1][0]])
    assert [d for _, d in store.outbox_batch(10)] == ["d1", "d3"]


def test_a_failed_delivery_deletes_nothing(store):
    store.save_documents([make_doc(1)])

    def boom(docs, statuses):
        raise IndexUnavailable("down")

    with pytest.raises(IndexUnavailable):
        store.outbox_deliver(10, boom)
    assert store.outbox_pending() == 1


def test_migration_0005_keeps_queued_rows_and_stops_number_reuse(tmp_path):
    from alembic import command
    from sqlalchemy import text

    from storage.migrate import alembic_config

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = alembic_config()
    with engine.begin() as c:
        cfg.attributes["connection"] = c
        command.upgrade(cfg, "0004_console_users")
        c.execute(text("INSERT INTO index_outbox (seq, doc_id, created_at) VALUES "
                       "(7, 'd7', '2026-12-01 00:00:00'), (9, 'd9', '2026-12-01 00:00:00')"))
    create_schema(engine)  # to head, through 0005
    store = Store(engine)
    assert store.outbox_batch(10) == [(7, "d7"), (9, "d9")]
    store.outbox_ack([9])
    store.save_documents([make_doc(1)])
    assert [seq for seq, _ in store.outbox_batch(10)] == [7, 10]  # 9 is not handed out again
    engine.dispose()
