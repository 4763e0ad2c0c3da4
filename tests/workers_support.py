"""Shared by the crawl-worker tests: the demo sites as sources, and what the sites show vs. stored."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, free_port
from test_crawl_support import write_config

SOURCES = ("demo-tieba", "demo-bbs", "demo-news", "demo-news-rss")


def demo_sources_config(tmp_path: Path, base_url: str, *, shared_db: bool = True) -> Path:
    """The shipped demo sources on this test's demo server, with a budget that covers the backlog;
    PostgreSQL when YQ_PG_URL is set and `shared_db`, else SQLite."""
    sources = (ROOT / "config" / "sources.yaml").read_text(encoding="utf-8")
    sources = sources.replace("http://127.0.0.1:8765", base_url).replace("max_pages: 60", "max_pages: 500")
    sources = sources.replace("max_list_pages: 2", "max_list_pages: 20")
    cfg = write_config(tmp_path, sources)
    db = os.environ.get("YQ_PG_URL") if shared_db else None
    if db:  # the shared-database case of several crawl hosts
        text = (cfg / "watch.yaml").read_text(encoding="utf-8")
        (cfg / "watch.yaml").write_text(text.replace("sqlite:///../var/yq.db", db), encoding="utf-8")
    (tmp_path / "var").mkdir(exist_ok=True)
    return cfg


def fresh_store(cfg: Path):
    """The store of `cfg`, emptied (PostgreSQL databases are shared between test runs)."""
    from storage.config import load_storage_settings
    from storage.factory import create_schema, open_store

    store = open_store(load_storage_settings(cfg))
    create_schema(store.engine)
    if store.engine.dialect.name == "postgresql":
        from sqlalchemy import text

        with store.engine.begin() as c:
            names = [r[0] for r in c.execute(text("select tablename from pg_tables where schemaname='public' "
                                                  "and tablename <> 'alembic_version'"))]
            if names:
                c.execute(text("truncate " + ", ".join(f'"{n}"' for n in names) + " cascade"))
    return store


def timeline(base_url: str) -> list[dict]:
    with urllib.request.urlopen(f"{base_url}/__demo/timeline", timeout=10) as r:
        return json.load(r)


def assert_every_post_stored_once(store, base_url: str) -> int:
    from pipeline.fingerprint import canonical_url

    docs = list(store.iter_documents())
    keys = [(d.thread_url, d.floor) for d in docs]
    assert len(set(keys)) == len(keys), "a post is stored twice"
    stored = set(keys)
    missing = [p for p in timeline(base_url)
               if (canonical_url(p["thread_url"]), p["floor"] if p["site"] != "news" else None) not in stored]
    assert not missing, f"{len(missing)} posts on the sites are not stored, e.g. {missing[0]['url']}"
    return len(docs)


def wait_for(cond, timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = cond()
        if got:
            return got
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="session")
def redis_url():
    """YQ_REDIS_URL (CI starts Debian's redis-server), else our own redis-server on a free port."""
    url = os.environ.get("YQ_REDIS_URL")
    if url:
        yield url
        return
    exe = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)
    if exe is None:
        if os.environ.get("YQ_REQUIRE_REDIS"):
            pytest.fail("YQ_REQUIRE_REDIS is set but no redis-server is available")
        pytest.skip("no redis-server")
    port = free_port()
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: _listening(port), 10, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0
