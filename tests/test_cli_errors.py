"""Command-line mistakes are one Chinese line on stderr and exit 2 (issue 17): argparse's own
messages are translated, and every unknown search filter is named at once."""
from __future__ import annotations

import re

import pytest

from cli.main import main
from test_cli import cfg  # noqa: F401  (a fixture: the shipped config in tmp_path)


def _fails(capsys, *argv) -> str:
    try:
        code = main(list(argv))
    except SystemExit as e:
        code = e.code
    assert code == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1, err
    assert err.startswith("错误: ") and not re.search(r"usage|invalid|argument|required|error", err), err
    return err.strip()


def test_argparse_mistakes_read_in_chinese(capsys):
    assert _fails(capsys, "frobnicate").startswith("错误: 没有命令 frobnicate (可用: run, demo-sites,")
    assert _fails(capsys, "search") == "错误: 缺少参数: query (用法: yqwatch search --help)"
    assert _fails(capsys, "search", "x", "--limit", "abc") == \
        "错误: 参数 --limit 的值 abc 无效 (应为整数) (用法: yqwatch search --help)"
    assert _fails(capsys, "search", "x", "--grade", "purple").startswith(
        "错误: 参数 --grade 的值 purple 无效 (可选: red, orange, yellow, blue)")
    assert _fails(capsys, "search", "x", "--sort") == "错误: 参数 --sort 缺少取值 (用法: yqwatch search --help)"
    assert _fails(capsys, "search", "x", "--bogus").startswith("错误: 无法识别的参数: --bogus")
    assert _fails(capsys, "report").startswith("错误: 缺少参数: kind")
    # demo-sites keeps its own options, with the same kind of errors
    assert _fails(capsys, "demo-sites", "--port", "abc") == \
        "错误: 参数 --port 的值 abc 无效 (应为整数) (用法: yqwatch demo-sites --help)"
    assert _fails(capsys, "demo-sites", "--speed", "-1").startswith("错误: 参数 --speed: 必须是正数")


def test_every_unknown_search_filter_is_named_at_once(cfg, capsys):  # noqa: F811
    assert main(["search", "停水", "--source", "nosuch-src", "--topic", "nosuch-topic", "--config", str(cfg)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1
    assert "未知的信息源: nosuch-src" in err and "未知的话题: nosuch-topic" in err
