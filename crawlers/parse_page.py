"""`python -m crawlers.parse_page FILE --kind tieba|discuz|news|feed [--url URL]`.

Prints one JSON object (DESIGN §5) for a saved page; exit 2 with a one-line reason otherwise.
`yqwatch parse-page` delegates here.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from crawlers.parsers import PARSERS, ParseError, parse_page

KINDS = ("tieba", "discuz", "news", "feed")


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's default prints the usage block too
        self.exit(2, f"参数错误：{message}\n")


def main(argv: list[str] | None = None) -> int:
    ap = _OneLineParser(prog="parse-page", description="解析保存的网页并输出 JSON")
    ap.add_argument("file", help="保存的网页文件（原始字节）")
    ap.add_argument("--kind", required=True, help="页面类型：" + "|".join(KINDS))
    ap.add_argument("--url", default=None, help="页面原始地址（用于补全相对链接）")
    args = ap.parse_args(argv)
    if args.kind not in PARSERS:
        print(f"未知的页面类型：{args.kind}（可选：{'|'.join(KINDS)}）", file=sys.stderr)
        return 2
    try:
        body = Path(args.file).read_bytes()
    except OSError as e:
        print(f"无法读取文件 {args.file}：{e.strerror or e}", file=sys.stderr)
        return 2
    try:
        page = parse_page(body, args.kind, args.url)
        out = json.dumps(page.to_json(), ensure_ascii=False)
    except ParseError as e:
        print(f"无法解析 {args.file}：{e}", file=sys.stderr)
        return 2
    except (Exception, RecursionError) as e:  # noqa: BLE001 - a hostile page: one line, never a traceback
        print(f"无法解析 {args.file}：页面无法解析（{type(e).__name__}）", file=sys.stderr)
        return 2
    # Parsed text is cleaned of surrogates; "replace" keeps even a missed one from crashing the write.
    sys.stdout.buffer.write(out.encode("utf-8", "replace") + b"\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
