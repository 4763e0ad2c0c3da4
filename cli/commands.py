"""The smaller one-shot commands: crawl, analyze, check-config, reindex, init-index, gc, sources,
user, and the ones delegated to crawlers/ and demo/ (parse-page, source test, demo-sites)."""
from __future__ import annotations

import json
import subprocess
import sys

from pipeline.config import now
from watch_config import check_sources, config_dir, crawlers_cmd, load_config

from .args import BadInput, parse_since
from .services import opened


def cmd_crawl(args) -> int:
    with opened(args) as svc:
        if not any(s.id == args.source_id for s in svc.cfg.sources.sources):
            raise BadInput(f"未知的信息源 {args.source_id!r} (见 {svc.cfg.dir / 'sources.yaml'})")
        svc.ensure_index()
        summary = svc.crawl(args.source_id)
    if summary is None:
        return 1
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if summary.get("status") != "failed" else 1


def delegate(module: str, argv: list[str]) -> int:
    """parse-page and `source test` live in crawlers/; run them as a subprocess (DESIGN §1). The
    arguments pass through untouched (their own parser gives --help and errors)."""
    return subprocess.run(crawlers_cmd(module, *argv)).returncode


def demo_sites(argv: list[str], **kw) -> int:
    from demo.server import main as demo_main

    return demo_main(argv, **kw)


def cmd_analyze(args) -> int:
    from pipeline.analyze import run

    return run(config_dir(args.config), sys.stdin, sys.stdout, sys.stderr)


def cmd_check_config(args) -> int:
    from alerts.config import roster_warnings

    from alerts.ledger import load_ledger_config
    from storage.evidence import load_evidence_config

    cfg = load_config(config_dir(args.dir or args.config))
    check_sources(cfg.dir)
    load_ledger_config(cfg.dir), load_evidence_config(cfg.dir)  # the optional files, when present
    for warning in roster_warnings(cfg.alerts, cfg.watch.shifts, now().date()):
        print(f"警告: {warning}")  # a gap is covered by the fallback, so it does not fail the check
    print(f"配置有效: {cfg.dir} ({len(cfg.sources.sources)} 个信息源)")
    return 0


def cmd_reindex(args) -> int:
    from storage.reindex import reindex

    since = parse_since(args.since)
    with opened(args) as svc:
        svc.index.ensure()
        n = reindex(svc.store, svc.index, since=since)
    print(f"已重建索引: {n} 条")
    return 0


def cmd_init_index(args) -> int:
    with opened(args) as svc:
        svc.index.ensure()
    print("索引已就绪")
    return 0


def cmd_gc(args) -> int:
    with opened(args) as svc:
        print(json.dumps(svc.gc(), ensure_ascii=False))
    return 0


def cmd_sources(args) -> int:
    """Read-only: the store only (no alert channels, so no channel secrets needed); the last line
    says how many alerts are still undelivered."""
    from alerts.engine import AlertEngine
    from alerts.health import source_health
    from storage.factory import create_schema, open_store

    cfg = load_config(config_dir(args.config))
    store = open_store(cfg.storage)
    try:
        create_schema(store.engine)
        rows = [source_health(s.id, store.crawl_runs(s.id, limit=20)) for s in cfg.sources.sources]
        engine = AlertEngine(store, cfg.alerts, {}, now=now)  # no channels: counts only
        try:
            delivery = engine.delivery_state()
        finally:
            engine.close()
    finally:
        store.engine.dispose()
    if args.json:
        print(json.dumps([r.to_json() for r in rows], ensure_ascii=False))
        return 0
    for r in rows:
        print(r.line())
    print(delivery.line())
    return 0


def cmd_user(args) -> int:
    from console.usercli import read_password, user_command
    from console.users import UserBook, UserError
    from storage.factory import create_schema, make_engine

    engine = make_engine(load_config(config_dir(args.config)).storage.database_url)
    try:
        create_schema(engine)
        return user_command(UserBook(engine, now), args.action, args.login, name=args.name,
                            role=args.role, password=lambda: read_password(sys.stdin), out=sys.stdout)
    except UserError as e:
        raise BadInput(str(e)) from None
    finally:
        engine.dispose()

