"""Consistent copies of the SQLite files storage owns (the database and the embedded index) while
the watch keeps writing, and PostgreSQL dumps through the server's own tools.

SQLite: the online backup API (sqlite3.Connection.backup) copies pages under a read transaction,
so the copy is one committed state even with crawlers writing in WAL mode; a plain file copy of a
WAL database can miss committed pages still in the -wal file."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite URL; None for other databases (and in-memory ones)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def backup_sqlite(src: Path, dst: Path) -> None:
    """Copy the SQLite database `src` to the new file `dst` (0600: the database holds the console's
    accounts), one consistent state."""
    if not src.exists():
        raise FileNotFoundError(f"{src} 不存在")
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(dst, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    source = sqlite3.connect(src, timeout=30)
    try:
        target = sqlite3.connect(dst)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            target.close()
    finally:
        source.close()


def pg_tools() -> bool:
    return shutil.which("pg_dump") is not None and shutil.which("pg_restore") is not None


def pg_dump(database_url: str, dst: Path, timeout: float = 3600) -> None:
    """pg_dump in custom format (restored with pg_restore). The password travels in the
    environment (PGPASSWORD), never on a command line other users can read in `ps`."""
    url = make_url(database_url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    conn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    dst.parent.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dst}", conn],
                       env=env, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"pg_dump 失败: {r.stderr.strip()[-500:]}")


def pg_restore_command(dump: Path, database_url: str) -> str:
    """The command an operator runs to load a dump into an (empty) database (password hidden)."""
    url = make_url(database_url).set(drivername="postgresql")
    return f"pg_restore --no-owner --clean --if-exists -d '{url.render_as_string(hide_password=True)}' {dump}"
