"""`yqwatch ledger`: the 舆情台账 of a date range as XLSX or CSV; `yqwatch feedback`: record the
满意度 of an incident's reply. Read the store only (no channels, so no channel secrets needed)."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, time, timedelta
from pathlib import Path

from pipeline.config import TZ, now
from watch_config import config_dir, load_config

from .args import BadInput, parse_date

LEDGER_FORMATS = ("xlsx", "csv")


def add_ledger_commands(add) -> None:
    """Register the commands on the main parser (`add` is build_parser's helper)."""
    p = add("ledger", cmd_ledger, "export the 舆情台账 (incidents and graded events) with department statistics")
    p.add_argument("--since", help="first day, YYYY-MM-DD (default: the first of this month)")
    p.add_argument("--until", help="last day, YYYY-MM-DD, included (default: today)")
    p.add_argument("--format", choices=LEDGER_FORMATS)
    p.add_argument("--out", help="file to write (default: the report directory)")
    p = add("feedback", cmd_feedback, "record the 满意度 of an incident's reply (满意|基本满意|不满意)")
    p.add_argument("incident", type=int)
    p.add_argument("rating")
    p.add_argument("--by", default="值班员", help="who recorded it")
    p.add_argument("--note", default="")


@contextmanager
def _store(args):
    from storage.factory import create_schema, open_store

    cfg = load_config(config_dir(args.config))
    store = open_store(cfg.storage)
    try:
        create_schema(store.engine)
        yield cfg, store
    finally:
        store.engine.dispose()


def _range(args) -> tuple[datetime, datetime]:
    today = now().date()
    until = parse_date(args.until) if args.until else today
    since = parse_date(args.since) if args.since else until.replace(day=1)
    if since > until:
        raise BadInput(f"--since {since} 晚于 --until {until}")
    return datetime.combine(since, time(), TZ), datetime.combine(until + timedelta(days=1), time(), TZ)


def cmd_ledger(args) -> int:
    from alerts.incidents import IncidentBook
    from alerts.ledger import build_ledger, load_ledger_config
    from alerts.ledger_export import write_csv, write_xlsx

    start, end = _range(args)
    out = Path(args.out) if args.out else None
    fmt = args.format or (out.suffix.lstrip(".").lower() if out is not None and out.suffix else "xlsx")
    if fmt not in LEDGER_FORMATS:
        raise BadInput(f"台账不支持格式 {fmt} (可用: {'/'.join(LEDGER_FORMATS)})")
    with _store(args) as (cfg, store):
        ledger_cfg = load_ledger_config(cfg.dir)
        names = {s.id: s.name or s.id for s in cfg.sources.sources}
        ledger = build_ledger(store, IncidentBook(store.engine, now=now), start=start, end=end, now=now(),
                              config=ledger_cfg, source_names=names)
    if out is None:
        last = (end - timedelta(days=1)).date()
        out = (cfg.dir / cfg.watch.reports.out_dir).resolve() / f"台账-{start.date()}-{last}.{fmt}"
    paths = write_xlsx(ledger, out) if fmt == "xlsx" else write_csv(ledger, out)
    paths = [paths] if isinstance(paths, Path) else paths
    incidents = sum(1 for r in ledger.rows if r.incident_id is not None)
    print(f"舆情台账 {start.date()} 至 {(end - timedelta(days=1)).date()}: 事件单 {incidents} 件, "
          f"未立单事件 {len(ledger.rows) - incidents} 件")
    for p in paths:
        print(p)
    return 0


def cmd_feedback(args) -> int:
    from alerts.feedback import FeedbackError, record_feedback

    with _store(args) as (_cfg, store):
        try:
            record_feedback(store.engine, args.incident, args.rating, actor=args.by, now=now, note=args.note)
        except FeedbackError as e:
            raise BadInput(str(e)) from None
    print(f"事件单 {args.incident}: 满意度 {args.rating}")
    return 0
