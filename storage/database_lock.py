"""Cross-process locks on one database (`database_lock`), and the one-drainer lock of the index
outbox built on it. It is held while a batch is read, indexed and
acknowledged, but it is never a database write lock: a search index that hangs until its request
timeout then holds up only other drainers, never the crawl workers' commits.

SQLite: an OS file lock (flock) on a file beside the database, released by the kernel when the
holder dies. PostgreSQL: a session advisory lock on a connection of its own, idle (outside any
transaction) while the index is called, released when that connection closes."""
from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, func, select

OUTBOX_DRAIN_LOCK = 0x7971646F  # PostgreSQL advisory lock key of the one outbox drainer ("yqdo")


def lock_file(engine: Engine, suffix: str = "outbox-lock") -> Path | None:
    """The SQLite database's lock file `<db>.<suffix>`; None for an in-memory database (one
    process only)."""
    db = engine.url.database
    if not db or db == ":memory:" or db.startswith("file:") or engine.url.query.get("mode") == "memory":
        return None
    return Path(db).with_name(f"{Path(db).name}.{suffix}")


@contextmanager
def database_lock(engine: Engine, key: int, suffix: str,
                  memory_lock: threading.Lock | None = None) -> Iterator[None]:
    """Block until this holder alone has lock `key` of the database (all processes and hosts);
    released when the holder's process dies, whatever the death. PostgreSQL: a session advisory
    lock `key`; SQLite: an flock on `<db>.<suffix>`; in-memory SQLite: `memory_lock` if given."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as c:
            c.execute(select(func.pg_advisory_lock(key)))
            c.commit()  # a session lock: it outlives the transaction, so the connection idles
            try:
                yield
            finally:
                try:
                    c.execute(select(func.pg_advisory_unlock(key)))
                    c.commit()
                except Exception:
                    c.invalidate()  # closing the session is what releases the lock then
                    raise
        return
    path = lock_file(engine, suffix)
    if path is None:
        if memory_lock is None:
            yield
        else:
            with memory_lock:
                yield
        return
    # a fresh open file description per holder: flock excludes other threads of this process too
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def drainer_lock(engine: Engine):
    """Block until this is the only outbox drainer of the database (the store's thread lock
    covers an in-memory database)."""
    return database_lock(engine, OUTBOX_DRAIN_LOCK, "outbox-lock")
