"""Store.window_counts, the one grouped query behind volume-spike rules, on SQLite and PostgreSQL."""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from pipeline.types import TopicHit
from storage.factory import create_schema, make_engine
from storage.store import Store
from storage_docs import T0, drop_postgres_schema, make_doc, postgres_engine

HOUR = timedelta(hours=1)


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


def _doc(i, at, topics=("water",), source="forum_a", relevant=True):
    return make_doc(i, topics=topics, source=source, relevant=relevant, published_at=at, fetched_at=at)


def test_counts_per_window_with_exact_boundaries(store):
    store.save_documents([
        _doc(1, T0 - timedelta(microseconds=1)),  # before the span: not counted
        _doc(2, T0),  # first instant of window 0
        _doc(3, T0 + HOUR - timedelta(microseconds=1)),
        _doc(4, T0 + HOUR),  # first instant of window 1
        _doc(5, T0 + 2 * HOUR + timedelta(minutes=5)),
        _doc(6, T0 + 3 * HOUR),  # the end is exclusive
        _doc(7, T0 + HOUR, relevant=False),
    ])
    assert store.window_counts(T0, HOUR, 3, by="all") == {"": [2, 1, 1]}
    assert store.window_counts(T0 + 2 * HOUR, HOUR, 1, by="all") == {"": [1]}


def test_topic_source_and_key_filter(store):
    store.save_documents([
        _doc(1, T0, topics=("water", "power")),  # counts once for each topic
        _doc(2, T0, topics=("power",), source="tieba"),
        _doc(3, T0 + HOUR, topics=()),  # relevant without a topic: locality and source only
        _doc(4, T0 + HOUR, topics=("water",), source="tieba"),
    ])
    assert store.window_counts(T0, HOUR, 2, by="topic") == {"water": [1, 1], "power": [2, 0]}
    assert store.window_counts(T0, HOUR, 2, by="topic", keys=["power"]) == {"power": [2, 0]}
    assert store.window_counts(T0, HOUR, 2, by="source") == {"forum_a": [1, 1], "tieba": [1, 1]}
    assert store.window_counts(T0, HOUR, 2, by="all") == {"": [2, 2]}


def test_a_topic_hit_twice_counts_once(store):
    doc = _doc(1, T0)
    store.save_documents([replace(doc, topic_hits=doc.topic_hits + (TopicHit("water", "停水", None, None,
                                                                             ("停水",)),))])
    assert store.window_counts(T0, HOUR, 1, by="topic") == {"water": [1]}


def test_bad_arguments(store):
    with pytest.raises(ValueError, match="unknown grouping"):
        store.window_counts(T0, HOUR, 2, by="county")
    with pytest.raises(ValueError):
        store.window_counts(T0, HOUR, 0, by="all")
