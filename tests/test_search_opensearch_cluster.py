"""A 3-node OpenSearch cluster (three JVMs on 127.0.0.1, started here from the jars that
scripts/ci_opensearch.sh resolves): the real outbox drain ingests into monthly indices with one
replica, the node it talks to is killed (SIGKILL) mid-ingest, and afterwards
- the drain stopped with IndexUnavailable and the outbox still holds every row not acknowledged;
- the survivors answer searches; once the killed node is back and the cluster is green, every
  acknowledged (accepted) post is searchable;
- draining the rest leaves nothing missing and nothing duplicated.
Runs in CI (YQ_REQUIRE_OPENSEARCH=1 turns a missing JVM or jar into a failure)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import free_port
from opensearch_support import unavailable
from storage.config import OpenSearchSettings
from storage.factory import create_schema, make_engine
from storage.opensearch_index import OpenSearchIndex
from storage.outbox import drain_outbox
from storage.search import IndexUnavailable
from storage.store import Store
from storage.types import SearchQuery
from storage_docs import T0, make_doc

NODE = Path(__file__).resolve().parents[1] / "scripts" / "opensearch"
N_DOCS = 3000
BATCH = 50

pytestmark = pytest.mark.timeout(240)


def yqnode(*args: str) -> str:
    out = subprocess.run([sys.executable, str(NODE / "yqnode.py"), *args], capture_output=True, text=True,
                         stdin=subprocess.DEVNULL, timeout=150)
    assert out.returncode == 0, out.stderr
    return out.stdout


def health(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_cluster/health", timeout=10) as r:
        return json.load(r)


@pytest.fixture
def cluster(tmp_path):
    if not shutil.which("java") or not list((NODE / "target" / "lib").glob("opensearch-2.*.jar")) \
            or not (NODE / "target" / "classes" / "YqNode.class").exists():
        unavailable("3-node OpenSearch test needs Java and the jars: bash scripts/ci_opensearch.sh")
    names = ["yq-n1", "yq-n2", "yq-n3"]
    http = [free_port() for _ in names]
    transport = [free_port() for _ in names]
    name = f"yq-cluster-{uuid.uuid4().hex[:6]}"
    nodes = []
    for n, h, t in zip(names, http, transport):
        args = ["--home", str(tmp_path / n), "--name", n, "--http", str(h), "--transport", str(t),
                "--cluster", name, "--seeds", ",".join(map(str, transport)), "--masters", ",".join(names)]
        nodes.append({"name": n, "http": h, "home": tmp_path / n, "start": args})
    try:
        for node in nodes:
            yqnode("start", *node["start"])
        for node in nodes:
            if subprocess.run([sys.executable, str(NODE / "yqnode.py"), "wait", "--http", str(node["http"]),
                               "--nodes", "3", "--timeout", "120"], stdin=subprocess.DEVNULL).returncode:
                log = (node["home"] / "node.log").read_text(errors="replace")[-3000:]
                pytest.fail(f"3-node cluster not green; {node['name']} log tail:\n{log}")
        yield nodes
    finally:
        for node in nodes:
            yqnode("stop", "--home", str(node["home"]), "--kill")


def green(node, nodes: int) -> dict:
    url = f"http://127.0.0.1:{node['http']}"
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health?wait_for_status=green&wait_for_nodes={nodes}"
                                    "&timeout=100s", timeout=110) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:  # 408: not green in time; say why
        shards = urllib.request.urlopen(f"{url}/_cat/shards?v", timeout=10).read().decode()
        pytest.fail(f"cluster not green with {nodes} nodes: {e.read().decode()}\n{shards}\n"
                    f"{(node['home'] / 'node.log').read_text(errors='replace')[-3000:]}")


def index_on(node, prefix: str) -> OpenSearchIndex:
    return OpenSearchIndex(OpenSearchSettings(url=f"http://127.0.0.1:{node['http']}", index_prefix=prefix,
                                              request_timeout=10), refresh=True, retries=2, backoff=0.2)


def searchable_ids(idx: OpenSearchIndex) -> list[str]:
    idx.client.indices.refresh(index=idx.alias)
    return [h.id for h in idx.search(SearchQuery(limit=N_DOCS + 100, highlight=False)).hits]


def test_killed_node_loses_no_accepted_post(cluster, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'yq.db'}")
    create_schema(engine)
    store = Store(engine)
    # several Shanghai months, so several monthly indices, each with one primary and one replica
    docs = [make_doc(i, text=f"第{i}号 帖子", tokens=(f"帖{i}", "帖子"), published_at=T0 - timedelta(hours=i // 2))
            for i in range(N_DOCS)]
    store.save_documents(docs)
    assert store.outbox_pending() == N_DOCS

    prefix = f"yqc-{uuid.uuid4().hex[:6]}"
    first, second, third = cluster
    idx = index_on(first, prefix)
    idx.ensure()

    started, outcome = threading.Event(), {}

    def ingest():
        try:
            while store.outbox_pending():
                drain_outbox(store, idx, batch=BATCH, max_batches=1)
                if N_DOCS - store.outbox_pending() >= N_DOCS // 3:
                    started.set()
        except IndexUnavailable as e:
            outcome["error"] = e
        finally:
            started.set()

    worker = threading.Thread(target=ingest)
    worker.start()
    assert started.wait(120)
    yqnode("stop", "--home", str(first["home"]), "--kill")  # the node the drain talks to dies mid-ingest
    worker.join(120)

    assert isinstance(outcome.get("error"), IndexUnavailable), outcome
    pending = {doc_id for _, doc_id in store.outbox_batch(N_DOCS)}
    assert 0 < len(pending) <= N_DOCS - N_DOCS // 3  # the outbox holds what the cluster did not take
    accepted = {d.id for d in docs} - pending

    # The survivors still answer searches (an index created just before the kill may have had its
    # only started copy on the dead node: its posts come back with that node, from its translog).
    survivor = index_on(second, prefix)
    assert survivor.count(SearchQuery()) > 0
    yqnode("start", *first["start"])  # the killed node comes back
    green(third, 3)
    found = set(searchable_ids(index_on(third, prefix)))
    assert accepted <= found, f"{len(accepted - found)} accepted posts missing"

    assert drain_outbox(store, index_on(first, prefix), batch=500) == len(pending)
    assert store.outbox_pending() == 0
    final = searchable_ids(survivor)
    assert len(final) == N_DOCS and set(final) == {d.id for d in docs}
    assert survivor.count(SearchQuery()) == N_DOCS
    replicas = survivor.client.indices.get_settings(index=f"{prefix}-docs-*", name="index.number_of_replicas")
    assert {s["settings"]["index"]["number_of_replicas"] for s in replicas.values()} == {"1"}
    assert len(replicas) >= 3  # the documents span three Shanghai months (plus this month's)
    survivor.drop_all()
    engine.dispose()
