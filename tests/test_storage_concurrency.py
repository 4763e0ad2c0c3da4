"""Several processes at once (the watch + crawl subprocesses) on one SQLite database: schema
upgrade and overlapping document writes neither fail nor duplicate."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from storage.factory import create_schema, make_engine
from storage.migrate import current_revisions, head_revisions
from storage.store import Store

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
