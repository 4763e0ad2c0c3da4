"""Several processes at once (the watch + crawl subprocesses) on one database: schema upgrade and
overlapping document writes neither fail nor duplicate; concurrent outbox drains lose nothing."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest

from outbox_race_worker import race
from storage.embedded_index import EmbeddedIndex
from storage.factory import create_schema, make_engine
from storage.migrate import current_revisions, head_revisions
from storage.outbox import drain_outbox
from storage.store import Store
from storage.types import SearchQuery
from storage_docs import drop_postgres_schema, postgres_engine

TESTS = Path(__file__).resolve().parent
WORKER = """
import sys
from storage.factory import create_schema, make_engine
from storage.store import Store
from storage_docs import make_doc
store = Store(make_engine(sys.argv[1]))
create_schema(store.engine)
lo, hi = int(sys.argv[2]), int(sys.argv[3])
new = 0
for start in range(lo, hi, 10):
    new += len(store.save_documents([make_doc(i, replies=i % 7) for i in range(start, min(start + 10, hi))]))
print(new)
"""


def test_parallel_upgrade_and_overlapping_writes(tmp_path):
    url = f"sqlite:///{tmp_path / 'yq.db'}"
    env = {**os.environ, "PYTHONPATH": f"{TESTS.parent}{os.pathsep}{TESTS}"}
    ranges = [(0, 300), (150, 450), (250, 400)]
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, url, str(lo), str(hi)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for lo, hi in ranges]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err[-800:] for _, err in outs]
    engine = make_engine(url)
    assert current_revisions(engine) == head_revisions()
    store = Store(engine)
    assert store.count_documents() == 450
    assert sum(int(out) for out, _ in outs) == 450  # each id reported new exactly once
    assert store.outbox_pending() == 450  # queued once per new document, never per duplicate attempt
    create_schema(engine)
    engine.dispose()


@pytest.mark.parametrize("opener", ["store", "index"])
def test_opening_a_file_another_process_is_writing_waits_instead_of_failing(opener, tmp_path):
    """Converting a file to WAL while another connection writes it: SQLite fails the converter at
    once (it holds a read lock, so no busy handler); the store and the embedded index must wait
    like any other writer. CI saw a crawl worker die so, starting beside another on a new database."""
    path = tmp_path / "yq.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE t (x)")  # a file still in rollback-journal mode …
    other.execute("BEGIN IMMEDIATE")  # … that another process is writing
    threading.Timer(0.5, other.execute, ["COMMIT"]).start()
    if opener == "store":
        engine = make_engine(f"sqlite:///{path}")
        engine.connect().close()
        engine.dispose()
    else:
        index = EmbeddedIndex(path)
        index.ensure()
        index.close()
    other.close()
    with closing(sqlite3.connect(path)) as fresh:
        assert fresh.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# --- the index outbox under concurrent writers and drainers (issue 9) ----------------------------
RACE_SECONDS = 4.0


def _race_url(backend: str, tmp_path, request):
    """A database URL subprocesses can open too (PostgreSQL: a fresh schema via search_path)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'yq.db'}", None
    schema = f"race_{os.getpid()}_{request.node.name[-12:].strip('[]')}"
    engine = postgres_engine(schema)
    request.addfinalizer(lambda: drop_postgres_schema(engine, schema))
    url = engine.url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), engine


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_concurrent_writers_and_drainers_lose_nothing(backend, tmp_path, request):
    """Writer and drainer threads in three processes at once (this one and two workers), then one
    last drain: every relevant document is in the index and found by its words, nothing queued.
    (Before the fix, acknowledging "seq <= N" with reused numbers lost ~4% on SQLite.)"""
    url, _ = _race_url(backend, tmp_path, request)
    index_path = tmp_path / "index.sqlite"
    env = {**os.environ, "PYTHONPATH": f"{TESTS.parent}{os.pathsep}{TESTS}"}
    store = Store(make_engine(url))
    create_schema(store.engine)  # before the workers, so none of them races the first upgrade
    procs = [subprocess.Popen([sys.executable, str(TESTS / "outbox_race_worker.py"), url, str(index_path),
                               f"p{k}", str(RACE_SECONDS)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for k in range(2)]
    index = EmbeddedIndex(index_path)
    try:
        written = race(store, index, "t", writers=1, drainers=2, seconds=RACE_SECONDS)
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], [err[-800:] for _, err in outs]
        written += sum(int(out) for out, _ in outs)
        drain_outbox(store, index)
        relevant = {d.id: d for d in store.iter_documents() if d.relevant}
        assert written > 100 and len(relevant) > 50  # the race really ran
        assert store.outbox_pending() == 0
        indexed = index.count(SearchQuery())
        missing = len(relevant) - indexed
        assert missing == 0, f"{missing} of {len(relevant)} relevant documents never reached the index"
        # searchable by their words, in the version stored last
        by_term = index.count(SearchQuery(terms=("青溪",)))
        assert by_term == len(relevant)
    finally:
        index.close()
        store.engine.dispose()
        for p in procs:
            if p.poll() is None:
                p.kill()
