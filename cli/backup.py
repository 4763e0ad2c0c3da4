"""`yqwatch backup [--out PATH]` and `yqwatch restore PATH [--into DIR]`.

One .tar.gz holds everything needed to bring a watch back on another machine:
    manifest.json          what is inside, each file's SHA-256 and size, the schema revision
    database/<name>        SQLite: an online-backup copy (storage.backup); PostgreSQL: a pg_dump
                           custom-format dump when pg_dump is on PATH (else instructions only)
    index/<name>           the embedded search index (Elasticsearch: rebuilt with `yqwatch reindex`)
    config/…               the config directory
    reports/…              issued reports (watch.yaml reports.out_dir)
The console's session key file is left out on purpose (a restored watch makes a new one; everyone
signs in again). Restore checks every hash before it writes anything, never overwrites, and lays the
files out as the shipped config expects: DIR/config, DIR/var/<database>, DIR/var/<index>,
DIR/var/reports."""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path, PurePosixPath

from pipeline.config import now

from .args import BadInput

FORMAT = "yqwatch-backup/1"
MANIFEST = "manifest.json"
# archive top directory -> where restore puts it, relative to --into
RESTORE_PLACES = {"database": "var", "index": "var", "config": "config", "reports": "var/reports"}
SKIP_NAMES = {"console-session.key"}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _copy_tree(src: Path, dst: Path, skip: set[Path] = frozenset()) -> None:
    """Regular files under src (symlinks are not followed: they may point anywhere), except those
    in `skip` and anything below a directory in it (entries outside src do not matter)."""
    src = src.resolve()
    skip = {s for s in skip if src in s.parents}
    for p in sorted(src.rglob("*")):
        if p.is_file() and not p.is_symlink() and p.name not in SKIP_NAMES \
                and not any(p == s or s in p.parents for s in skip):
            target = dst / p.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(p, target)


def _stage(cfg, stage: Path, out_dir: Path) -> tuple[dict, list[str]]:
    """Copy everything into `stage`; returns the manifest's description and notes for the user."""
    from storage.backup import backup_sqlite, pg_dump, pg_restore_command, pg_tools, sqlite_path
    from storage.factory import make_engine
    from storage.migrate import current_revisions

    storage, notes = cfg.storage, []
    db_file = sqlite_path(storage.database_url)
    engine = make_engine(storage.database_url)
    try:
        schema = sorted(current_revisions(engine))
    finally:
        engine.dispose()
    if db_file is not None:
        backup_sqlite(db_file, stage / "database" / db_file.name)
        database = "sqlite"
    else:
        database = "postgresql"
        if pg_tools():
            pg_dump(storage.database_url, stage / "database" / "yqwatch.pgdump")
            notes.append("PostgreSQL 已用 pg_dump 导出；恢复时按提示运行 pg_restore")
        else:
            notes.append("未找到 pg_dump：数据库未包含在本备份中，请在数据库服务器上运行 "
                         "pg_dump --format=custom --no-owner -f yqwatch.pgdump DBNAME，恢复用 "
                         + pg_restore_command(Path("yqwatch.pgdump"), storage.database_url))
    if storage.search_backend == "embedded":
        index = Path(storage.index_path)
        if index.exists():
            backup_sqlite(index, stage / "index" / index.name)
        else:
            notes.append("嵌入式索引文件不存在，未备份（恢复后运行 yqwatch reindex）")
    else:
        notes.append("Elasticsearch 索引不在备份中：恢复后运行 yqwatch init-index 与 yqwatch reindex 重建")
    # a database or index kept inside the config directory is copied above, consistently; a plain
    # file copy of it (and its -wal) would not be, nor should the backups folder back itself up
    live = [p for p in (db_file, Path(storage.index_path)) if p is not None]
    skip = {q.resolve() for p in live for q in (p, *(p.with_name(p.name + x) for x in ("-wal", "-shm", "-journal")))}
    skip |= {out_dir.resolve(), stage.resolve()}
    reports = cfg.path(cfg.watch.reports.out_dir)
    _copy_tree(cfg.dir, stage / "config", skip | {reports.resolve()})
    if reports.is_dir():
        _copy_tree(reports, stage / "reports", skip)
    return {"database": database, "search_backend": storage.search_backend, "schema": schema}, notes


def make_backup(cfg, out: Path) -> tuple[Path, dict, list[str]]:
    """Write the archive to `out` (0600, never overwriting); returns it, its manifest and notes."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        raise BadInput(f"{out} 已存在，不会覆盖")
    with tempfile.TemporaryDirectory(prefix=".yqbackup-", dir=out.parent) as tmp:
        stage = Path(tmp)
        info, notes = _stage(cfg, stage, out.parent)
        files = [{"path": p.relative_to(stage).as_posix(), "sha256": _sha256(p), "bytes": p.stat().st_size}
                 for p in sorted(stage.rglob("*")) if p.is_file()]
        manifest = {"format": FORMAT, "created_at": now().isoformat(timespec="seconds"),
                    "config_dir": str(cfg.dir), **info, "files": files, "notes": notes}
        partial = out.with_name(out.name + ".part")
        fd = os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            member = tarfile.TarInfo(MANIFEST)
            member.size, member.mtime, member.mode = len(data), int(datetime.now().timestamp()), 0o600
            tar.addfile(member, io.BytesIO(data))
            for f in files:
                tar.add(stage / f["path"], arcname=f["path"], recursive=False)
        os.replace(partial, out)  # a crash midway leaves a .part, never a truncated archive
    return out, manifest, notes


def _safe(path: str) -> PurePosixPath:
    p = PurePosixPath(path)
    if p.is_absolute() or ".." in p.parts or len(p.parts) < 2 or p.parts[0] not in RESTORE_PLACES:
        raise BadInput(f"备份清单中有不安全的路径: {path!r}")
    return p


def _target(p: PurePosixPath) -> PurePosixPath:
    return PurePosixPath(RESTORE_PLACES[p.parts[0]], *p.parts[1:])


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, AttributeError, ValueError):
        raise BadInput("不是 yqwatch 备份文件（缺少 manifest.json）") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BadInput(f"不支持的备份格式: {str(manifest.get('format') if isinstance(manifest, dict) else '')[:40]}")
    return manifest


def restore_backup(archive: Path, into: Path) -> tuple[dict, list[Path]]:
    """Verify every file of `archive`, then place them under `into`; nothing is written when a
    hash does not match or a target already exists. Returns the manifest and the written files."""
    try:
        tar = tarfile.open(archive, "r:gz")
    except (OSError, tarfile.TarError) as e:
        raise BadInput(f"无法读取备份文件 {archive}: {e}") from None
    with tar:
        manifest = read_manifest(tar)
        entries = [(_safe(f["path"]), f["sha256"]) for f in manifest.get("files", [])]
        clashes = [str(into / _target(p)) for p, _ in entries if (into / _target(p)).exists()]
        if clashes:
            raise BadInput(f"目标已存在，不会覆盖: {clashes[0]}" + (f" 等 {len(clashes)} 个" if len(clashes) > 1 else ""))
        into.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".yqrestore-", dir=into) as tmp:
            stage = Path(tmp)
            for p, digest in entries:
                member = tar.getmember(str(p)) if str(p) in tar.getnames() else None
                if member is None or not member.isfile():
                    raise BadInput(f"备份不完整: 缺少 {p}")
                dst = stage / p
                dst.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as src, open(dst, "wb") as out:
                    shutil.copyfileobj(src, out)
                if _sha256(dst) != digest:
                    raise BadInput(f"备份已损坏: {p} 的校验值不符")
            written = []
            for p, _ in entries:
                target = into / _target(p)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(stage / p, target)
                if p.parts[0] in ("database", "index"):
                    os.chmod(target, 0o600)
                written.append(target)
    return manifest, written


def _layout_notes(into: Path, manifest: dict) -> list[str]:
    """Where the restored config points elsewhere than the restored files, say so."""
    from storage.backup import pg_restore_command, sqlite_path
    from watch_config import load_config

    notes = []
    try:
        cfg = load_config(into / "config")
    except Exception as e:  # the restored config is reported, not fixed
        return [f"恢复的配置无法加载: {e}"]
    for f in manifest.get("files", []):
        p = PurePosixPath(f["path"])
        placed = (into / _target(p)).resolve()
        if p.parts[0] == "database" and p.suffix == ".pgdump":
            notes.append("数据库为 PostgreSQL 导出，请在空库上运行: " + pg_restore_command(placed, cfg.storage.database_url))
        elif p.parts[0] == "database" and sqlite_path(cfg.storage.database_url) != placed:
            notes.append(f"注意: watch.yaml storage.database_url 指向 {cfg.storage.database_url}，恢复的数据库在 {placed}")
        elif p.parts[0] == "index" and Path(cfg.storage.index_path) != placed:
            notes.append(f"注意: watch.yaml storage.index_path 指向 {cfg.storage.index_path}，恢复的索引在 {placed}")
    reports = cfg.path(cfg.watch.reports.out_dir)
    if any(f["path"].startswith("reports/") for f in manifest.get("files", [])) and reports != (into / "var/reports").resolve():
        notes.append(f"注意: watch.yaml reports.out_dir 指向 {reports}，恢复的报告在 {into / 'var/reports'}")
    return notes


def cmd_backup(args) -> int:
    from watch_config import config_dir, load_config

    cfg = load_config(config_dir(args.config))
    out = Path(args.out) if args.out else cfg.path("../var/backups") / f"yqwatch-{now():%Y%m%d-%H%M%S}.tar.gz"
    path, manifest, notes = make_backup(cfg, out)
    size = path.stat().st_size / 1024**2
    print(f"备份完成: {path}（{len(manifest['files'])} 个文件，{size:.1f} MB）")
    for note in notes:
        print(note)
    return 0


def cmd_restore(args) -> int:
    archive = Path(args.path)
    into = Path(args.into or ".").resolve()
    manifest, written = restore_backup(archive, into)
    print(f"已恢复 {len(written)} 个文件到 {into}（备份时间 {manifest.get('created_at')}）")
    for note in [*manifest.get("notes", []), *_layout_notes(into, manifest)]:
        print(note)
    print(f"检查: yqwatch doctor --config {into / 'config'}", file=sys.stdout)
    return 0
