"""`yqwatch` argument parsing and the error policy: a user's mistake is one Chinese line on stderr
and exit 2; a broken pipe (`yqwatch search x | head -1`) is silent."""
from __future__ import annotations

import argparse
import logging
import os
import sys

from pipeline.config import BeijingFormatter, ConfigError

from .args import BadInput
from .commands import (cmd_analyze, cmd_check_config, cmd_crawl, cmd_gc, cmd_init_index, cmd_reindex,
                       cmd_sources, cmd_user, delegate, demo_sites)
from .backup import cmd_backup, cmd_restore
from .doctor import cmd_doctor
from .evidence import add_evidence_commands
from .ledger import add_ledger_commands
from .report import REPORT_FORMATS, cmd_report
from .run import cmd_run
from .search import cmd_search
from .silence import add_silence_commands

# Commands whose arguments belong to another program's parser: passed through as given, so
# `demo-sites --port 28765` and `parse-page --kind X FILE` work and --help is theirs.
PASS_THROUGH = {"demo-sites": lambda argv: demo_sites(argv, parser_class=ChineseArgumentParser),
                "parse-page": lambda argv: delegate("parse_page", argv)}
SOURCE_USAGE = "用法: yqwatch source test SOURCE_ID [--config DIR] [--json]"


# argparse's own messages (Python 3.11 wording) in the users' language; anything else passes as is.
_ARGPARSE_ZH = [
    (r"the following arguments are required: (.+)", r"缺少参数: \1"),
    (r"argument command: invalid choice: '([^']*)' \(choose from (.+)\)", r"没有命令 '\1' (可用: \2)"),
    (r"argument (\S+): invalid choice: '([^']*)' \(choose from (.+)\)", r"参数 \1 的值 '\2' 无效 (可选: \3)"),
    (r"argument (\S+): invalid (\w+) value: '([^']*)'", r"参数 \1 的值 '\3' 无效 (应为 \2)"),
    (r"argument (\S+): expected one argument", r"参数 \1 缺少取值"),
    (r"argument (\S+): expected at least one argument", r"参数 \1 至少需要一个取值"),
    (r"argument (\S+): not allowed with argument (\S+)", r"参数 \1 不能与 \2 同时使用"),
    (r"argument (\S+): ignored explicit argument '([^']*)'", r"参数 \1 不接受取值 '\2'"),
    (r"one of the arguments (.+) is required", r"须给出以下参数之一: \1"),
    (r"unrecognized arguments: (.+)", r"无法识别的参数: \1"),
    (r"ambiguous option: (\S+) could match (.+)", r"参数 \1 有歧义 (可能是: \2)"),
    (r"argument (\S+): (.+)", r"参数 \1: \2"),  # a type check's own (Chinese) message
]


class ChineseArgumentParser(argparse.ArgumentParser):
    """A command-line mistake is one Chinese line on stderr and exit 2, like every other input
    error (argparse would print its usage and an English message)."""

    def error(self, message: str):
        import re

        for pattern, zh in _ARGPARSE_ZH:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, zh, message).replace("'", "")
                message = message.replace("(应为 int)", "(应为整数)").replace("(应为 float)", "(应为数字)")
                break
        self.exit(2, f"错误: {message} (用法: {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    ap = ChineseArgumentParser(prog="yqwatch", description="舆情值守: 24 小时网络舆情监测")
    ap.add_argument("--verbose", "-v", action="store_true")
    sub = ap.add_subparsers(dest="command", required=True)

    def add(name, func, help_, config=True):
        p = sub.add_parser(name, help=help_)
        if config:
            p.add_argument("--config", help="config directory (default: $YQ_CONFIG or ./config)")
        p.set_defaults(func=func)
        return p

    p = add("run", cmd_run, "start the watch: crawls, index, rules, reports")
    p.add_argument("--demo", action="store_true", help="also serve the demo sites and a local mail catcher")
    p.add_argument("--demo-port", type=int, default=8765)
    p.add_argument("--demo-speed", type=float, default=60.0)
    p.add_argument("--mail-port", type=int, default=8025)
    p.add_argument("--duration", type=float, default=0, help="stop after this many seconds (0: run until stopped)")
    p.add_argument("--status-every", type=float, default=15.0)
    sub.add_parser("demo-sites", help="serve the simulated local sites (yqwatch demo-sites --help)")
    p = add("crawl", cmd_crawl, "crawl one source now")
    p.add_argument("source_id")
    sub.add_parser("parse-page", help="parse a saved page and print JSON (yqwatch parse-page --help)")
    add("analyze", cmd_analyze, "analyse JSON lines from stdin")
    p = add("report", cmd_report, "write a report: daily 摘报, special 专报 on an incident, shift handover, "
                                  "weekly/monthly 分析报告")
    p.add_argument("kind", choices=list(REPORT_FORMATS))
    p.add_argument("--date", help="daily: the day (default today); weekly/monthly: a day of the period "
                                  "(default the last one that has ended)")
    p.add_argument("--incident", type=int, help="special: the incident id")
    p.add_argument("--at", help="handover: the shift that had ended by then (default now)")
    p.add_argument("--format", choices=sorted({f for fs in REPORT_FORMATS.values() for f in fs}))
    p.add_argument("--out")
    p.add_argument("--send", action="store_true", help="also e-mail it (once per issue) to alerts.yaml `reports:`")
    p = add("search", cmd_search, "search the index (replies grouped under their thread, with scores)")
    p.add_argument("query")
    p.add_argument("--since")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--sort", choices=["time", "score"], default="time")
    p.add_argument("--grade", action="append", choices=["red", "orange", "yellow", "blue"])
    p.add_argument("--topic", action="append")
    p.add_argument("--source", action="append")
    p = add("check-config", cmd_check_config, "validate the configuration")
    p.add_argument("dir", nargs="?")
    p = add("reindex", cmd_reindex, "rebuild the search index from the database")
    p.add_argument("--since")
    add("init-index", cmd_init_index, "create the index (template, alias)")
    add("gc", cmd_gc, "drop expired raw pages")
    add("sources", cmd_sources, "show each source's health").add_argument("--json", action="store_true")
    p = add("user", cmd_user, "console accounts (watch.yaml console.auth); password from stdin or a prompt")
    p.add_argument("action", choices=["add", "passwd", "disable", "list"])
    p.add_argument("login", nargs="?")
    p.add_argument("--name", help="add: display name, recorded as the actor of every action")
    p.add_argument("--role", help="add: duty (值班员) | leader (分管领导) | admin")
    p = add("doctor", cmd_doctor, "check config, database, index, channels, sources, disk and clock")
    p.add_argument("--min-free-gb", type=float, default=1.0, help="disk space below this is red (default 1)")
    p = add("backup", cmd_backup, "archive the database, index, config and reports (SQLite online backup)")
    p.add_argument("--out", help="archive path (default: var/backups/yqwatch-TIME.tar.gz beside the config)")
    p = add("restore", cmd_restore, "check a backup's hashes and unpack it into a fresh directory", config=False)
    p.add_argument("path")
    p.add_argument("--into", help="target directory (default: the current one); nothing is overwritten")
    add_ledger_commands(add)
    add_evidence_commands(add)
    add_silence_commands(add)
    sub.add_parser("source", help="source tools: yqwatch source test ID", description=SOURCE_USAGE)
    return ap


def setup_logging(verbose: bool, command: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(BeijingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose or command == "run" else logging.WARNING)
    for noisy in ("apscheduler", "jieba", "httpx", "mail.log", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # its node pool logs a traceback per failed request; our own code logs each outage once
    logging.getLogger("elastic_transport").setLevel(logging.ERROR)


def _pass_through(argv: list[str]) -> int | None:
    """Run demo-sites / parse-page / source test with their arguments untouched; None: not one."""
    i = 0
    while i < len(argv) and argv[i] in ("-v", "--verbose"):
        i += 1
    if i >= len(argv):
        return None
    name, rest = argv[i], argv[i + 1:]
    if name in PASS_THROUGH:
        return PASS_THROUGH[name](rest)
    if name == "source":
        if rest[:1] == ["test"]:
            return delegate("source_test", rest[1:])
        print(SOURCE_USAGE, file=sys.stdout if rest[:1] in (["-h"], ["--help"]) else sys.stderr)
        return 0 if rest[:1] in (["-h"], ["--help"]) else 2
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        code = _pass_through(argv)
        if code is not None:
            return code
        args = build_parser().parse_args(argv)
        setup_logging(args.verbose, args.command)
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at interpreter exit
        return code
    except (ConfigError, BadInput) as e:
        print(f"错误: {e}", file=sys.stderr)
        return 2
    except Exception as e:
        return _other_error(e)
    except KeyboardInterrupt:
        return 130


def _other_error(e: Exception) -> int:
    from alerts.channels.base import MissingSecret
    from watch_config import SourcesInvalid

    if isinstance(e, BrokenPipeError):  # the reader (e.g. `head`) left: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    if isinstance(e, (MissingSecret, SourcesInvalid)):
        print(f"错误: {e}", file=sys.stderr)
        return 2
    if isinstance(e, OSError):  # e.g. a port already in use
        print(f"错误: {e}", file=sys.stderr)
        return 1
    raise e
