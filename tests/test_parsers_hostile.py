"""Hostile bodies: truncated, binary, empty, huge and deeply nested pages never crash a parser,
plus the `python -m crawlers.parse_page` command-line contract."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from crawlers.parsers import ParseError, parse_page
from crawlers.parsers.dom import html_selector, text_of
from crawlers.timeparse import SHANGHAI

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2024, 3, 10, 15, 0, tzinfo=SHANGHAI)
KINDS = ("tieba", "discuz", "forum", "news", "feed")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("body", [b"", b"  \n ", b"\x00" * 3000, bytes(range(256)) * 50,
                                  b"\xff\xd8\xff\xe0JFIF" + bytes(range(256)) * 30])
def test_empty_and_binary_bodies_raise_parse_error(kind, body):
    with pytest.raises(ParseError):
        parse_page(body, kind, now=NOW)


def test_unknown_kind():
    with pytest.raises(ParseError, match="未知的页面类型"):
        parse_page(b"<html></html>", "weibo", now=NOW)


@pytest.mark.parametrize("kind,name", [
    ("tieba", "tieba/tieba_thread_2017_yuanzhikong_p1.html"),
    ("discuz", "discuz/discuz_thread_2015_1point3acres_gbk_p1.html"),
    ("news", "news/news_article_2019_sina.html"),
    ("feed", "feeds/feed_rss2_2005_acnnewswire_gb2312.xml"),
])
def test_truncated_pages_parse_or_fail_cleanly(real_fixtures, kind, name):
    raw = (real_fixtures / name).read_bytes()
    for cut in (len(raw) // 3, len(raw) // 2, len(raw) - 7):
        try:
            page = parse_page(raw[:cut], kind, now=NOW)
        except ParseError:
            continue
        assert page.page_type in ("thread", "list", "article", "feed")


def test_truncated_discuz_thread_keeps_complete_posts(real_fixtures):
    raw = (real_fixtures / "discuz/discuz_thread_2015_1point3acres_gbk_p1.html").read_bytes()
    page = parse_page(raw[: len(raw) // 2], "discuz", now=NOW)
    assert page.posts and page.posts[0].author == "ryanbia"


@pytest.mark.parametrize("kind", KINDS)
def test_ten_megabytes_of_nested_divs(kind):
    body = b"<html><body>" + b"<div>" * 1_000_000 + "青溪".encode() + b"</div>" * 1_000_000 + b"</body></html>"
    assert len(body) > 10_000_000
    try:
        page = parse_page(body, kind, now=NOW)
    except ParseError:
        return
    assert page.page_type in ("thread", "list", "article", "feed")


def test_wide_page_of_many_paragraphs_is_linear():
    body = ("<html><body><h1>标题</h1>" + "<p>青溪市东湖区的一段正文内容。</p>" * 100_000 + "</body></html>").encode()
    page = parse_page(body, "news", now=NOW)
    assert page.posts[0].text.count("\n") >= 99_000


def test_text_of_rules():
    sel = html_selector("<div id=a>第一行&amp;<b>粗</b><br>第二行<script>evil()</script><style>p{}</style>"
                        "<!-- 注释 -->尾&nbsp;&nbsp;巴<p>  段落  </p></div>")
    assert text_of(sel.css("#a")[0]) == "第一行&粗\n第二行尾 巴\n段落"


def test_markup_is_not_escaped_in_text():
    body = "<html><body><h1>标题&lt;b&gt;</h1><p>正文里写着 &lt;script&gt;alert(1)&lt;/script&gt; 和 a&amp;b。" \
           "这是一段足够长的正文内容，用来让正文识别成立。</p></body></html>".encode()
    post = parse_page(body, "news", now=NOW).posts[0]
    assert "<script>alert(1)</script>" in post.text and "&lt;" not in post.text


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "crawlers.parse_page", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


def test_cli_gbk_discuz_page_json_shape(real_fixtures):
    path = real_fixtures / "discuz/discuz_thread_2015_1point3acres_gbk_p1.html"
    done = run_cli(str(path), "--kind", "discuz", "--url", "http://www.1point3acres.com/bbs/thread-129405-1-1.html")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert set(data) == {"page_type", "title", "posts", "items", "next_page"}
    assert data["page_type"] == "thread" and data["items"] == []
    assert data["title"] == "USC Viterbi School内转CS 的可行性求教！！"
    assert data["next_page"] == "http://www.1point3acres.com/bbs/thread-129405-2-1.html"
    first = data["posts"][0]
    assert set(first) == {"author", "published_at", "text", "floor", "url"}
    assert first["author"] == "ryanbia" and first["floor"] == 1
    assert first["published_at"] == "2015-04-06T15:50:11+08:00"
    assert first["url"] == "http://www.1point3acres.com/bbs/thread-129405-1-1.html#pid1833517"
    assert "被USC MSE材料录取了" in lines[0]  # ensure_ascii=False: Chinese is printed as is


def test_cli_feed_items_carry_text(real_fixtures):
    done = run_cli(str(real_fixtures / "feeds/feed_rss2_2005_w3cn_gb2312.xml"), "--kind", "feed")
    data = json.loads(done.stdout)
    assert data["page_type"] == "feed" and data["posts"] == []
    assert set(data["items"][0]) == {"title", "url", "author", "replies", "views", "published_at", "text"}


@pytest.mark.parametrize("args,fragment", [
    (("/nonexistent/page.html", "--kind", "discuz"), "无法读取文件"),
    (("{fixture}", "--kind", "weibo"), "未知的页面类型"),
    (("{binary}", "--kind", "news"), "无法解析"),
    (("{fixture}",), "参数错误"),
])
def test_cli_errors_exit_2_with_one_line(real_fixtures, tmp_path, args, fragment):
    binary = tmp_path / "x.bin"
    binary.write_bytes(bytes(range(256)) * 100)
    fixture = real_fixtures / "tieba/tieba_thread_2018_single_floor.html"
    done = run_cli(*(a.format(fixture=fixture, binary=binary) for a in args))
    assert done.returncode == 2
    assert done.stdout == ""
    assert fragment in done.stderr and len(done.stderr.strip().splitlines()) == 1
