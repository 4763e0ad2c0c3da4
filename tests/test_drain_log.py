"""The watch's index delivery logs an outage once when it starts and once when it ends, not a
line (or a traceback) per attempt every few seconds (issue 16: 3,682 tracebacks in 9 minutes)."""
from __future__ import annotations

import logging
import shutil
import textwrap

from conftest import ROOT
from storage.search import IndexUnavailable
from storage.types import SearchQuery
from storage_docs import make_doc


class SwitchableIndex:
    """The watch's real embedded index, with its connection cut while `down`."""

    def __init__(self, inner):
        self.inner, self.down = inner, False

    def bulk_index(self, docs, statuses=None):
        if self.down:
            raise IndexUnavailable("Connection refused")
        return self.inner.bulk_index(docs, statuses)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_an_outage_is_two_log_lines_however_many_attempts(tmp_path, caplog):
    from scheduler import Services
    from watch_config import load_config

    cfg = tmp_path / "config"
    shutil.copytree(ROOT / "config", cfg, ignore=shutil.ignore_patterns("examples"))
    (cfg / "watch.yaml").write_text(textwrap.dedent("""\
        locality: 青溪市
        storage:
          database_url: sqlite:///yq.db
          index_path: index.sqlite
        """), encoding="utf-8")
    svc = Services(load_config(cfg))
    try:
        svc.index = SwitchableIndex(svc.index)
        svc.index.down = True
        svc.store.save_documents([make_doc(1), make_doc(2)])
        with caplog.at_level(logging.INFO, logger="yqwatch"):
            assert [svc.drain() for _ in range(20)] == [0] * 20
            svc.store.save_documents([make_doc(3)])
            assert svc.drain() == 0
            svc.index.down = False
            assert svc.drain() == 3
            assert svc.drain() == 0
        lines = [r for r in caplog.records if r.name == "yqwatch"]
        assert [r.getMessage().split(":")[0].split(" (")[0] for r in lines] == ["索引投递中断", "索引投递已恢复"]
        assert "搜索索引不可用" in lines[0].getMessage() and "IndexUnavailable" in lines[0].getMessage()
        assert not any(r.exc_info for r in lines)
        assert svc.index.count(SearchQuery()) == 3
    finally:
        svc.close()


def _services(tmp_path):
    from scheduler import Services
    from watch_config import load_config

    cfg = tmp_path / "config"
    shutil.copytree(ROOT / "config", cfg, ignore=shutil.ignore_patterns("examples"))
    (cfg / "watch.yaml").write_text("locality: 青溪市\nstorage:\n  database_url: sqlite:///yq.db\n"
                                    "  index_path: index.sqlite\n", encoding="utf-8")
    return Services(load_config(cfg)), cfg


def test_a_stopping_watch_indexes_what_its_last_crawls_stored(tmp_path):
    """Crawls still in flight when the watch stops store after the last scheduled drain: the stop
    delivers them, so a watch that was stopped leaves no post unsearchable until its next start."""
    from storage.config import load_storage_settings
    from storage.factory import open_index, open_store

    svc, cfg = _services(tmp_path)
    svc.crawl_workers  # noqa: B018 -- built, as the watch builds its crawl pool
    svc.store.save_documents([make_doc(1), make_doc(2)])  # as a crawl finishing during shutdown would
    svc.close()
    settings = load_storage_settings(cfg)
    store, index = open_store(settings), open_index(settings)
    try:
        assert store.outbox_pending() == 0
        assert index.count(SearchQuery()) == 2
    finally:
        index.close()
        store.engine.dispose()


def test_a_watch_stopping_during_an_index_outage_keeps_the_queue(tmp_path):
    from storage.config import load_storage_settings
    from storage.factory import open_store

    svc, cfg = _services(tmp_path)
    svc.crawl_workers  # noqa: B018 -- built, as the watch builds its crawl pool
    svc.index = SwitchableIndex(svc.index)
    svc.index.down = True
    svc.store.save_documents([make_doc(1)])
    svc.close()  # no exception: the outage is logged, the row stays for the next start
    store = open_store(load_storage_settings(cfg))
    try:
        assert store.outbox_pending() == 1
    finally:
        store.engine.dispose()
