"""A search index that hangs (a real HTTP server as the Elasticsearch endpoint that does not answer)
holds up only the outbox drainer: crawl writers commit meanwhile, a second drainer (another Store,
as another process would be) waits for the first, and exactly the delivered rows are acknowledged."""
from __future__ import annotations

import threading
import time

import pytest

from storage.config import ElasticsearchSettings
from storage.es_index import ElasticsearchIndex
from storage.factory import create_schema, make_engine
from storage.outbox import drain_outbox
from storage.store import Store
from storage_docs import drop_postgres_schema, make_doc, postgres_engine
from test_search_es_requests import FakeES, bulk_item


class HangingBulk:
    """Bulk requests block until `release` is set, then succeed; counts requests in flight."""

    def __init__(self):
        self.arrived, self.release = threading.Event(), threading.Event()
        self.in_flight = self.max_in_flight = 0
        self.bulks: list[list[str]] = []
        self._lock = threading.Lock()

    def __call__(self, method, path, body):
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.bulks.append([op["index"]["_id"] for op in body[::2]])
        self.arrived.set()
        self.release.wait(120)
        with self._lock:
            self.in_flight -= 1
        return 200, {"took": 1, "errors": False, "items": [
            bulk_item(body[i]["index"]["_id"], body[i]["index"]["_index"]) for i in range(0, len(body), 2)]}


def _url(backend, tmp_path, request) -> str:
    """A database URL a second engine can open too (PostgreSQL: a fresh schema via search_path)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'yq.db'}"
    schema = f"hung_{request.node.name[-10:].strip('[]')}"
    engine = postgres_engine(schema)
    request.addfinalizer(lambda: drop_postgres_schema(engine, schema))
    return engine.url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def _run(fn, errors):
    def guarded():
        try:
            fn()
        except BaseException as e:  # reported by the test
            errors.append(e)

    t = threading.Thread(target=guarded, daemon=True)
    t.start()
    return t


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_hung_index_does_not_block_writers(backend, tmp_path, request):
    url = _url(backend, tmp_path, request)
    engine = make_engine(url)
    create_schema(engine)
    store, other = Store(engine), Store(make_engine(url))
    store.save_documents([make_doc(1), make_doc(2)])
    answer = HangingBulk()
    fake = FakeES(answer)
    settings = ElasticsearchSettings(url=fake.url, index_prefix="yqt", request_timeout=300)
    index, index2 = ElasticsearchIndex(settings, backoff=0.01), ElasticsearchIndex(settings, backoff=0.01)
    errors: list[BaseException] = []
    try:
        first = _run(lambda: drain_outbox(store, index), errors)
        assert answer.arrived.wait(30), errors
        # the index now holds the first drainer's request unanswered: a writer must still commit
        writer = _run(lambda: store.save_documents([make_doc(3), make_doc(1, replies=4)]), errors)
        writer.join(60)
        assert not writer.is_alive() and not errors, "a writer waited on the hung search index"
        assert not answer.release.is_set() and answer.in_flight == 1
        assert store.outbox_pending() == 4  # d1, d2 in flight; d3 and d1's new counts queued behind
        second = _run(lambda: drain_outbox(other, index2), errors)  # another drainer waits its turn
        time.sleep(0.5)  # room for a broken lock to let the second drainer reach the index
        assert answer.bulks == [["d1", "d2"]]
        answer.release.set()
        first.join(60)
        second.join(60)
        assert not first.is_alive() and not second.is_alive() and not errors, errors
        assert answer.max_in_flight == 1  # never two drainers at the index at once
        assert answer.bulks == [["d1", "d2"], ["d3", "d1"]]  # each queued row delivered once, in order
        assert store.outbox_pending() == 0
    finally:
        answer.release.set()
        index.close()
        index2.close()
        fake.close()
        other.engine.dispose()
        engine.dispose()
