"""`yqwatch silence add|list|end`: hold back new_hit and spike alerts about a topic, a source, an
event or a phrase until a time (alerts.silences). Opens the store only: no channel secrets needed."""
from __future__ import annotations

from datetime import datetime

from pipeline.config import TZ, now

from .args import BadInput


def add_silence_commands(add) -> None:
    """Register `silence` on the main parser (`add` is build_parser's helper)."""
    p = add("silence", cmd_silence, "静默: hold back alerts about a topic/source/event/text until a time")
    p.add_argument("action", choices=["add", "list", "end"])
    p.add_argument("id", nargs="?", type=int, help="end: the silence's number (from `silence list`)")
    what = p.add_mutually_exclusive_group()
    for kind in ("topic", "source", "event", "text"):
        what.add_argument(f"--{kind}")
    p.add_argument("--until", help="add: Beijing time, e.g. 2026-12-05T08:00")
    p.add_argument("--reason", default="", help="add: why (required)")
    p.add_argument("--by", default="值班员", help="who sets or ends it")
    p.add_argument("--all", action="store_true", help="list: also ended and expired silences")


def _until(s: str | None) -> datetime:
    if not s:
        raise BadInput("请用 --until 给出静默截止时间，如 2026-12-05T08:00")
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        raise BadInput(f"时间 {s!r} 无效: 应为如 2026-12-05T08:00") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=TZ)


def _line(s) -> str:
    from alerts.silences import MATCH_LABELS

    state = "生效中" if s.active(now()) else "已结束"
    ended = f"  （{s.ended_by} 于 {s.ended_at.astimezone(TZ):%m-%d %H:%M} 提前结束）" if s.ended_at else ""
    return (f"{s.id:>4}  {state}  {MATCH_LABELS[s.match]}={s.value}  至 {s.until.astimezone(TZ):%Y-%m-%d %H:%M}"
            f"  {s.created_by}: {s.reason}{ended}")


def cmd_silence(args) -> int:
    from alerts.silences import SilenceError, add_silence, end_silence, list_silences
    from storage.factory import create_schema, open_store
    from watch_config import config_dir, load_config

    given = [(k, getattr(args, k)) for k in ("topic", "source", "event", "text") if getattr(args, k)]
    if args.action == "add":  # input checked before the database is opened
        if not given:
            raise BadInput("请给出静默条件: --topic、--source、--event 或 --text 之一")
        until = _until(args.until)
    elif args.action == "end" and args.id is None:
        raise BadInput("用法: yqwatch silence end ID")
    store = open_store(load_config(config_dir(args.config)).storage)
    try:
        create_schema(store.engine)
        if args.action == "add":
            (match, value), = given
            silence = add_silence(store.engine, match=match, value=value, until=until,
                                  by=args.by, reason=args.reason, now=now)
            print(f"已添加静默 {_line(silence)}")
        elif args.action == "list":
            silences = list_silences(store.engine, now(), include_past=args.all)
            for s in silences:
                print(_line(s))
            if not silences:
                print("当前没有生效的静默")
        else:
            print(f"已结束静默 {_line(end_silence(store.engine, args.id, now(), by=args.by))}")
    except SilenceError as e:
        raise BadInput(str(e)) from None
    finally:
        store.engine.dispose()
    return 0
