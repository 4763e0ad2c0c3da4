"""Build the store, the search index and the schema from StorageSettings."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from .config import StorageSettings
from .search import SearchIndex
from .sqlite_wal import into_wal
from .store import Store


def make_engine(database_url: str) -> Engine:
    """An engine with the connection settings the store relies on: on SQLite WAL, a busy timeout,
    foreign keys, and BEGIN IMMEDIATE for write transactions (so writers queue on the lock rather
    than fail when upgrading a read lock)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if url.database and url.database != ":memory:":
        # The file holds the console's session key: owner-only (SQLite gives its -wal/-shm the same mode)
        Path(url.database).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(url.database, os.O_CREAT | os.O_WRONLY, 0o600))
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout=30000")
        into_wal(cur)
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("yq_write") else "BEGIN")

    return engine


def open_store(settings: StorageSettings) -> Store:
    return Store(make_engine(settings.database_url))


def open_index(settings: StorageSettings) -> SearchIndex:
    if settings.search_backend == "elasticsearch":
        from .es_index import ElasticsearchIndex

        return ElasticsearchIndex(settings.elasticsearch)
    if settings.search_backend == "opensearch":
        from .opensearch_index import OpenSearchIndex

        return OpenSearchIndex(settings.opensearch)
    from .embedded_index import EmbeddedIndex

    return EmbeddedIndex(Path(settings.index_path))


def create_schema(engine: Engine) -> None:
    """Bring the database schema to the newest migration (Alembic upgrade head)."""
    from .migrate import upgrade_head

    upgrade_head(engine)
