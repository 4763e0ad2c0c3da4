"""`yqwatch analyze`: JSON lines in, one JSON line out per input, in the same order (DESIGN §5).

Input lines: {"id", "title", "text", "source", "published_at"}; only id, title and text are read
(title and text may be missing or null). Blank lines are skipped.
Output lines: Analysis.to_json() — {"id", "relevant", "topics", "locality", "sentiment",
"negative", "category", "severity"}.

A malformed line (not JSON, nested too deep, not an object, no "id", title/text not strings, a
lone surrogate or other text that is not valid Unicode) produces no output line: its reason goes
to stderr as one line ("第 N 行: …"), the remaining lines are still analysed, a count of skipped
lines ends stderr, and the exit status is 2. So stdout carries only well-formed results, in input order,
and a caller joins them to its inputs by id. Exit status 2 also for a bad config, 0 on success.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from pipeline.config import ConfigError
from pipeline.process import Pipeline


def run(config_dir: Path, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    try:
        pipeline = Pipeline.from_config_dir(Path(config_dir))
    except ConfigError as e:
        print(f"配置错误: {e}", file=stderr)
        return 2
    skipped = 0
    for lineno, line in enumerate(stdin, 1):
        line = line.lstrip("\ufeff") if lineno == 1 else line  # a BOM from Windows tools
        if not line.strip():
            continue
        item, problem = _parse(line)
        if not problem:
            try:
                out = json.dumps(pipeline.analyze(item).to_json(), ensure_ascii=False) + "\n"
                out.encode("utf-8")  # written whole or not at all
            except (ValueError, RecursionError) as e:  # UnicodeError is a ValueError
                problem = f"无法分析 ({type(e).__name__})"
        if problem:
            print(f"第 {lineno} 行: {problem}", file=stderr)
            skipped += 1
            continue
        stdout.write(out)
        stdout.flush()
    if skipped:
        print(f"共跳过 {skipped} 行", file=stderr)
    return 2 if skipped else 0


def _parse(line: str) -> tuple[dict, str | None]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as e:
        return {}, f"不是合法的 JSON ({e.msg}，第 {e.colno} 列)"
    except RecursionError:
        return {}, "JSON 嵌套过深"
    if not isinstance(item, dict):
        return {}, "应为 JSON 对象"
    if not isinstance(item.get("id"), (str, int)) or isinstance(item.get("id"), bool):
        return {}, "缺少 id（应为字符串或整数）"
    for key in ("title", "text"):
        if item.get(key) is not None and not isinstance(item[key], str):
            return {}, f"id={item['id']!r}: {key} 应为字符串"
    for key in ("id", "title", "text"):
        if isinstance(item.get(key), str) and not _is_unicode(item[key]):
            return {}, f"{key} 含无效字符 (孤立的代理项)"
    return item, None


def _is_unicode(s: str) -> bool:
    """False for text with a lone surrogate (JSON's \\ud800 escape), which cannot be written out."""
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
