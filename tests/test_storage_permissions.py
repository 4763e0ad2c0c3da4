"""The database file holds the console session key: a new one is readable by its owner only
(issue 10), and so is the var/ directory created for it."""
from __future__ import annotations

import stat

from storage.factory import create_schema, make_engine
from storage.store import Store
from storage_docs import make_doc


def test_new_database_and_its_directory_are_owner_only(tmp_path):
    var = tmp_path / "var"
    engine = make_engine(f"sqlite:///{var / 'yqwatch.db'}")
    create_schema(engine)
    Store(engine).save_documents([make_doc(1)])
    try:
        assert stat.S_IMODE(var.stat().st_mode) == 0o700
        for f in var.iterdir():  # the database and SQLite's -wal/-shm beside it
            assert stat.S_IMODE(f.stat().st_mode) & 0o077 == 0, (f.name, oct(f.stat().st_mode))
        assert (var / "yqwatch.db").exists()
    finally:
        engine.dispose()
