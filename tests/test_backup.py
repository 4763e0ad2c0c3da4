"""`yqwatch backup` / `restore`: a watch's database, index, config and reports into one archive,
restored into a fresh directory where every post and alert is found again; a damaged or hostile
archive writes nothing."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tarfile
import os
import textwrap

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.engine import AlertEngine
from alerts.models import AlertRow
from conftest import ROOT
from storage.factory import create_schema, open_index, open_store
from storage.outbox import drain_outbox
from storage.types import SearchQuery
from test_alerts_support import Clock
from test_console_support import NAMES, NOW, Recorder, alerts_config, sample_posts, thread_posts
from watch_config import load_config


def yq(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scheduler", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=180)


@pytest.fixture
def site(tmp_path):
    """A watch that has been running: posts stored and indexed, alerts sent, a report issued."""
    root = tmp_path / "site"
    cfg_dir = root / "config"
    shutil.copytree(ROOT / "config", cfg_dir, ignore=shutil.ignore_patterns("examples"))
    (cfg_dir / "watch.yaml").write_text(textwrap.dedent("""\
        locality: 青溪市
        storage:
          database_url: sqlite:///../var/yqwatch.db
          index_path: ../var/index.sqlite
        reports:
          out_dir: ../var/reports
        """), encoding="utf-8")
    cfg = load_config(cfg_dir)
    store, index = open_store(cfg.storage), open_index(cfg.storage)
    create_schema(store.engine)
    index.ensure()
    store.save_documents([*sample_posts(), *thread_posts()])
    drain_outbox(store, index)
    AlertEngine(store, alerts_config(), {"hook": Recorder()}, now=Clock(NOW), source_names=NAMES).run_once()
    reports = root / "var" / "reports"
    reports.mkdir(parents=True)
    (reports / "重要舆情摘报-2024-第1期.html").write_text("<h1>重要舆情摘报</h1>", encoding="utf-8")
    (root / "var" / "console-session.key").write_text("x" * 48)
    yield root, cfg, store, index
    index.close()
    store.engine.dispose()


def _alerts(engine) -> list[tuple]:
    with Session(engine) as s:
        return [(r.id, r.event_id, r.channel, r.status, r.sent_at) for r in s.scalars(select(AlertRow).order_by(AlertRow.id))]


def test_restore_into_a_fresh_directory_finds_every_post_and_alert(tmp_path, site):
    root, cfg, store, index = site
    ids = sorted(d.id for d in store.iter_documents())
    alerts = _alerts(store.engine)
    indexed = index.count(SearchQuery())
    assert ids and alerts and indexed
    archive = tmp_path / "backup.tar.gz"

    r = yq("backup", "--config", str(cfg.dir), "--out", str(archive))
    assert r.returncode == 0, r.stderr
    assert "备份完成" in r.stdout
    assert archive.stat().st_mode & 0o077 == 0
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = set(tar.getnames())
    assert manifest["database"] == "sqlite" and manifest["schema"]
    paths = {f["path"] for f in manifest["files"]}
    assert {"database/yqwatch.db", "index/index.sqlite", "config/watch.yaml", "config/sources.yaml",
            "reports/重要舆情摘报-2024-第1期.html"} <= paths
    assert not any("console-session.key" in p for p in names)  # the session key stays behind
    assert all(len(f["sha256"]) == 64 for f in manifest["files"])

    fresh = tmp_path / "fresh"
    r = yq("restore", str(archive), "--into", str(fresh))
    assert r.returncode == 0, r.stderr
    assert "注意" not in r.stdout  # the restored config points at the restored files
    restored = load_config(fresh / "config")
    store2, index2 = open_store(restored.storage), open_index(restored.storage)
    try:
        assert str(fresh / "var" / "yqwatch.db") in restored.storage.database_url
        assert sorted(d.id for d in store2.iter_documents()) == ids
        assert _alerts(store2.engine) == alerts
        assert index2.count(SearchQuery()) == indexed
    finally:
        index2.close()
        store2.engine.dispose()
    assert (fresh / "var" / "reports" / "重要舆情摘报-2024-第1期.html").read_text(encoding="utf-8") == "<h1>重要舆情摘报</h1>"
    assert (fresh / "var" / "yqwatch.db").stat().st_mode & 0o077 == 0

    # restoring again over it overwrites nothing
    r = yq("restore", str(archive), "--into", str(fresh))
    assert r.returncode == 2 and "不会覆盖" in r.stderr


def test_backup_while_the_watch_writes_is_one_consistent_state(tmp_path, site):
    """Posts committed but still only in the -wal file (an open reader blocks the checkpoint) are
    in the backup: the online backup API copies committed state, a file copy would miss them."""
    import dataclasses
    import sqlite3

    from cli.backup import make_backup, restore_backup

    root, cfg, store, index = site
    reader = sqlite3.connect(root / "var" / "yqwatch.db", isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM documents").fetchall()
    try:
        later = [dataclasses.replace(p, id=p.id + "-later") for p in sample_posts()]
        store.save_documents(later)
        assert (root / "var" / "yqwatch.db-wal").stat().st_size > 0
        n = store.count_documents()
        make_backup(cfg, tmp_path / "b.tar.gz")
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    restore_backup(tmp_path / "b.tar.gz", tmp_path / "r")
    store2 = open_store(load_config(tmp_path / "r" / "config").storage)
    try:
        assert store2.count_documents() == n
        assert {d.id for d in store2.get_documents([p.id for p in later])} == {p.id for p in later}
    finally:
        store2.engine.dispose()


def _rewrite(archive, out, change):
    """Copy `archive` to `out`, passing each (name, bytes) through `change`."""
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for m in src.getmembers():
            data = change(m.name, src.extractfile(m).read())
            info = tarfile.TarInfo(m.name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


def test_a_damaged_or_hostile_archive_writes_nothing(tmp_path, site):
    from cli.backup import make_backup

    root, cfg, *_ = site
    good = tmp_path / "good.tar.gz"
    make_backup(cfg, good)

    bad = tmp_path / "bad.tar.gz"
    _rewrite(good, bad, lambda name, data: data.replace(b"locality", b"localitX") if name == "config/watch.yaml" else data)
    r = yq("restore", str(bad), "--into", str(tmp_path / "x"))
    assert r.returncode == 2 and "校验值不符" in r.stderr and "config/watch.yaml" in r.stderr
    assert list((tmp_path / "x").iterdir()) == []

    def escape(name, data):
        if name != "manifest.json":
            return data
        m = json.loads(data)
        m["files"].append({"path": "config/../../evil.txt", "sha256": "0" * 64, "bytes": 1})
        return json.dumps(m).encode()

    hostile = tmp_path / "hostile.tar.gz"
    _rewrite(good, hostile, escape)
    r = yq("restore", str(hostile), "--into", str(tmp_path / "y"))
    assert r.returncode == 2 and "不安全的路径" in r.stderr
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "y").exists()

    (tmp_path / "junk.tar.gz").write_bytes(b"not an archive")
    r = yq("restore", str(tmp_path / "junk.tar.gz"), "--into", str(tmp_path / "z"))
    assert r.returncode == 2 and r.stderr.startswith("错误: 无法读取备份文件")


@pytest.mark.postgres
def test_postgresql_is_dumped_with_pg_dump_and_restore_says_how_to_load_it(tmp_path):
    from storage.backup import pg_tools

    url = os.environ.get("YQ_PG_URL")
    if not url or not pg_tools():
        pytest.skip("needs YQ_PG_URL and pg_dump/pg_restore on PATH")
    cfg_dir = tmp_path / "site" / "config"
    shutil.copytree(ROOT / "config", cfg_dir, ignore=shutil.ignore_patterns("examples"))
    (cfg_dir / "watch.yaml").write_text(f"locality: 青溪市\nstorage:\n  database_url: {url}\n"
                                        "  index_path: ../var/index.sqlite\n", encoding="utf-8")
    cfg = load_config(cfg_dir)
    store = open_store(cfg.storage)
    create_schema(store.engine)
    store.engine.dispose()
    archive = tmp_path / "pg.tar.gz"
    r = yq("backup", "--config", str(cfg_dir), "--out", str(archive))
    assert r.returncode == 0, r.stderr
    r = yq("restore", str(archive), "--into", str(tmp_path / "fresh"))
    assert r.returncode == 0, r.stderr
    dump = tmp_path / "fresh" / "var" / "yqwatch.pgdump"
    assert "pg_restore" in r.stdout and str(dump) in r.stdout
    assert "yq:yq@" not in r.stdout  # the password is not printed
    listing = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True, timeout=60)
    assert listing.returncode == 0 and "TABLE public documents" in listing.stdout


def test_a_database_inside_the_config_dir_is_backed_up_once_and_restore_says_where_it_went(tmp_path):
    from cli.backup import make_backup, restore_backup

    d = tmp_path / "config"
    shutil.copytree(ROOT / "config", d, ignore=shutil.ignore_patterns("examples"))
    (d / "watch.yaml").write_text("locality: 青溪市\nstorage:\n  database_url: sqlite:///yq.db\n"
                                  "  index_path: index.sqlite\nreports:\n  out_dir: reports\n", encoding="utf-8")
    cfg = load_config(d)
    store = open_store(cfg.storage)
    create_schema(store.engine)
    store.save_documents(sample_posts())
    store.engine.dispose()
    (d / "reports").mkdir()
    (d / "reports" / "a.html").write_text("摘报", encoding="utf-8")
    _, manifest, notes = make_backup(cfg, d / "backups" / "b.tar.gz")  # the backups folder inside too
    paths = {f["path"] for f in manifest["files"]}
    assert "database/yq.db" in paths and "reports/a.html" in paths
    assert not any(p.startswith("config/yq.db") or p.startswith("config/reports") or p.startswith("config/backups")
                   for p in paths), paths
    assert any("索引" in n for n in notes)  # no index file yet: said so, not failed
    restore_backup(d / "backups" / "b.tar.gz", tmp_path / "r")
    r = yq("restore", str(d / "backups" / "b.tar.gz"), "--into", str(tmp_path / "r2"))
    assert r.returncode == 0, r.stderr
    assert "注意: watch.yaml storage.database_url" in r.stdout and str(tmp_path / "r2" / "var" / "yq.db") in r.stdout
