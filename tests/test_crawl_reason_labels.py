"""Crawl reason keys are shown to duty staff in Chinese, with the key an engineer greps for beside it."""
from __future__ import annotations

import re
from pathlib import Path

from storage.crawl_reasons import reason_label, reasons_line

ROOT = Path(__file__).resolve().parents[1]


def test_keys_and_prefixed_keys_read_in_chinese_with_the_key_kept():
    assert reason_label("thread_gone") == "帖子已删除 (thread_gone)"
    assert reason_label("http_404") == "HTTP 状态 (http_404)"
    assert reason_label("bad_field:title:int") == "字段异常已丢弃 (bad_field:title:int)"
    assert reason_label("SomethingNew") == "SomethingNew"  # an unknown key is not hidden


def test_a_crawls_reasons_line_puts_the_most_frequent_first():
    line = reasons_line({"http_503": 1, "timeout": 4})
    assert line == "请求超时 (timeout)×4，HTTP 状态 (http_503)×1"


def test_every_key_the_crawlers_document_has_a_chinese_label():
    doc = (ROOT / "crawlers" / "reasons.py").read_text(encoding="utf-8").split('"""')[1]
    keys = set(re.findall(r"\b([a-z_]+(?::[a-z_]+)?)\b", doc.split("Keys:")[1].split("Hostile input")[0]))
    keys |= {"stale_thread_page", "thread_gone", "crawl_deadline", "killed", "blocked:offsite"}
    keys -= {"http_", "status", "plus", "the", "spider", "s", "own", "bound", "and", "parse", "keys", "parse:"}
    unlabelled = sorted(k for k in keys if reason_label(k) == k)
    assert unlabelled == [], unlabelled
