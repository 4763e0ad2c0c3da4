"""Crash safety: SIGKILL an ingest process at random points; every acknowledged post is in the
database exactly once, and the index converges to the database after restart + outbox drain."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from storage.embedded_index import EmbeddedIndex
from storage.factory import create_schema, make_engine
from storage.outbox import drain_outbox
from storage.store import Store
from storage.types import SearchQuery

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def run_until_killed(db_url: str, index_path: Path, seed: int, acks_before_kill: int) -> list[str]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{TESTS}"}
    proc = subprocess.Popen([sys.executable, str(TESTS / "storage_ingest_worker.py"), db_url,
                             str(index_path), str(seed)], stdout=subprocess.PIPE, text=True, env=env)
    acked = []
    try:
        for line in proc.stdout:
            if line.startswith("ACK "):
                acked.append(line[4:].strip())
            if len(acked) >= acks_before_kill:
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL, f"worker exited by itself ({proc.returncode})"
    return acked


def test_sigkill_loses_no_acknowledged_post_and_index_converges(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'yq.db'}"
    index_path = tmp_path / "index.sqlite"
    rng = random.Random(20261125)
    acked: set[str] = set()
    for seed in range(1, 5):
        acked |= set(run_until_killed(db_url, index_path, seed, rng.randint(20, 400)))

    engine = make_engine(db_url)
    create_schema(engine)
    store = Store(engine)
    with engine.connect() as c:
        assert c.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        dupes = c.execute(text("SELECT id FROM documents GROUP BY id HAVING count(*) > 1")).all()
        in_db = set(c.execute(text("SELECT id FROM documents")).scalars())
        relevant = set(c.execute(text("SELECT id FROM documents WHERE relevant")).scalars())
    assert dupes == []
    assert acked <= in_db, f"acknowledged but lost: {sorted(acked - in_db)[:5]}"

    index = EmbeddedIndex(index_path)
    drain_outbox(store, index)
    assert store.outbox_pending() == 0
    res = index.search(SearchQuery(limit=len(in_db) + 10, highlight=False))
    assert res.total == len(relevant)
    assert {h.id for h in res.hits} == relevant
    index.close()
    engine.dispose()
