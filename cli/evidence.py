"""`yqwatch evidence export|capture|recheck` and the watch's two evidence jobs (capture batches and
deletion/edit re-checks), both run as crawler subprocesses (DESIGN §1: nothing imports crawlers)."""
from __future__ import annotations

import json
import logging
import subprocess
import threading
from datetime import timedelta
from pathlib import Path

from pipeline.config import now
from watch_config import config_dir, crawlers_cmd, load_config

from .args import BadInput

log = logging.getLogger("yqwatch.evidence")


def add_evidence_commands(add) -> None:
    p = add("evidence", cmd_evidence, "取证: export a capture as a ZIP; capture or re-check now")
    p.add_argument("action", choices=["export", "capture", "recheck"])
    p.add_argument("id", nargs="?", help="export: capture id, or the post's document id")
    p.add_argument("--out", help="export: the ZIP to write (default: the report directory)")
    p.add_argument("--limit", type=int, help="capture: posts in this batch")


def _subprocess(module: str, *args: str, timeout: float) -> dict | None:
    try:
        r = subprocess.run(crawlers_cmd(module, *args), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        log.error("%s 超时", module)
        return None
    lines = r.stdout.strip().splitlines()
    if r.returncode != 0 or not lines:
        log.error("%s 失败 (exit %s): %s", module, r.returncode, r.stderr.strip()[-500:])
        return None
    return json.loads(lines[-1])


def run_capture(cfg_dir: Path, *, limit: int | None = None, timeout: float = 900) -> dict | None:
    args = ["--config", str(cfg_dir)] + (["--limit", str(limit)] if limit else [])
    return _subprocess("capture", *args, timeout=timeout)


def run_recheck(cfg_dir: Path, store, settings, *, clock=now, timeout: float = 900) -> list[dict]:
    """One re-check subprocess per source with watched threads."""
    from alerts.watched import watched_threads

    since = clock() - timedelta(seconds=settings.window_seconds())
    out = []
    for source_id, urls in watched_threads(store, min_grade=settings.min_grade, since=since).items():
        summary = _subprocess("recheck", source_id, *urls, "--config", str(cfg_dir), timeout=timeout)
        if summary is not None:
            if summary.get("deleted") or summary.get("edited"):
                log.info("删帖/改帖复查 %s", json.dumps(summary, ensure_ascii=False))
            out.append(summary)
    return out


def _one_at_a_time(job):
    """`job`, skipped quietly while its previous run is still going: a capture backlog outlasts
    the interval, and APScheduler would log a warning for every skipped start."""
    lock = threading.Lock()

    def run():
        if lock.acquire(blocking=False):
            try:
                job()
            finally:
                lock.release()

    return run


def add_evidence_jobs(sched, svc) -> None:
    """The watch's capture and re-check jobs, each one batch at a time, in subprocesses."""
    from apscheduler.triggers.interval import IntervalTrigger
    from storage.evidence import load_evidence_config

    from dispatch.config import load_workers_settings

    cfg = load_evidence_config(svc.cfg.dir)
    timeout = load_workers_settings(svc.cfg.dir).crawl_timeout  # a batch is bounded like a crawl
    if cfg.capture.enabled:
        sched.add_job(_one_at_a_time(lambda: run_capture(svc.cfg.dir, timeout=timeout)),
                      IntervalTrigger(seconds=cfg.capture.every_seconds()), id="evidence:capture",
                      name="取证截图", max_instances=2)
    if cfg.recheck.enabled:
        sched.add_job(_one_at_a_time(lambda: run_recheck(svc.cfg.dir, svc.store, cfg.recheck, timeout=timeout)),
                      IntervalTrigger(seconds=cfg.recheck.every_seconds()), id="evidence:recheck",
                      name="删帖改帖复查", max_instances=2)


def cmd_evidence(args) -> int:
    from storage.evidence import load_evidence_config
    from storage.factory import create_schema, open_store

    cfg = load_config(config_dir(args.config))
    if args.action == "capture":
        summary = run_capture(cfg.dir, limit=args.limit)
        if summary is None:
            return 1
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    store = open_store(cfg.storage)
    try:
        create_schema(store.engine)
        if args.action == "recheck":
            for summary in run_recheck(cfg.dir, store, load_evidence_config(cfg.dir).recheck):
                print(json.dumps(summary, ensure_ascii=False))
            return 0
        return _export(cfg, store, args)
    finally:
        store.engine.dispose()


def _export(cfg, store, args) -> int:
    from storage.evidence import EvidenceStore
    from storage.evidence_bundle import build_bundle
    from storage.versions import PostVersions

    if not args.id:
        raise BadInput("用法: yqwatch evidence export ID (取证编号或帖子编号)")
    evidence = EvidenceStore(store.engine)
    capture = evidence.get(int(args.id)) if args.id.isdigit() else evidence.for_doc(args.id)
    if capture is None:
        raise BadInput(f"没有编号为 {args.id} 的取证记录")
    docs = store.get_documents([capture.doc_id])
    versions = PostVersions(store.engine)
    data = build_bundle(capture, docs[0] if docs else None, versions=versions.versions(capture.doc_id),
                        changes=versions.changes([capture.doc_id]).get(capture.doc_id, []), exported_at=now())
    out = Path(args.out) if args.out else (
        (cfg.dir / cfg.watch.reports.out_dir).resolve() / f"取证-{capture.id}-{capture.doc_id}.zip")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    state = "截图与原始网页" if capture.ok else f"仅有记录 ({capture.error or '无截图'})"
    print(f"取证包 {capture.id} ({state}): {out}")
    return 0
