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
