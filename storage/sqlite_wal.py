"""Switch an SQLite file to WAL when several processes may open it at once."""
from __future__ import annotations

import sqlite3
import time


def into_wal(db, wait: float = 30.0) -> None:
    """`PRAGMA journal_mode=WAL` on `db` (a connection or cursor), retried while another
    connection writes the file. The switch is a no-op once the file is WAL; but a connection
    converting a file that another is writing holds a read lock when it asks for the write lock, so
    SQLite fails it at once rather than call the busy handler (which could deadlock). Two processes
    opening a new database together (the watch and its crawl workers) met exactly that."""
    deadline = time.monotonic() + wait
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)
