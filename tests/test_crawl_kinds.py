"""The site-kind registry (issue 9): every kind sources.yaml accepts has one entry, and the spider
asks the registry instead of testing `source.kind` strings."""
from __future__ import annotations

import ast
import typing
from datetime import datetime

from conftest import ROOT
from crawlers.kinds import KINDS, site_kind
from crawlers.sources import Kind, Source
from crawlers.timeparse import SHANGHAI
from pipeline.types import SOURCE_KINDS

NOW = datetime(2024, 3, 10, 15, 0, tzinfo=SHANGHAI)


def test_every_configurable_kind_has_one_entry():
    assert set(typing.get_args(Kind)) == set(KINDS) == set(SOURCE_KINDS)


def test_spider_has_no_string_tests_on_kind():
    tree = ast.parse((ROOT / "crawlers" / "spider.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute) and node.left.attr == "kind":
            raise AssertionError(f"spider.py:{node.lineno}: a string test on kind; use crawlers.kinds")


def test_kind_traits_and_parsers(real_fixtures):
    assert [k for k, v in KINDS.items() if v.threads_grow] == ["forum", "tieba", "generic"]
    assert [k for k, v in KINDS.items() if v.single_post_articles] == ["news", "generic"]
    news = Source(id="n", name="n", kind="news", urls=["http://127.0.0.1/"])
    parse = site_kind(news).parser_for(news)
    page = parse((real_fixtures / "news/news_article_2019_sina.html").read_bytes(), None, now=NOW)
    assert page.page_type == "article" and len(page.posts) == 1
    generic = Source(id="g", name="g", kind="generic", urls=["http://127.0.0.1/"],
                     selectors={"post": "div.article"})
    page = site_kind(generic).parser_for(generic)(
        "<html><body><div class='article'>青溪\u202e正文\x01</div></body></html>".encode(), None, now=NOW)
    assert page.posts[0].text == "青溪正文"  # generic pages are cleaned like every other kind
