"""Hostile bodies: truncated, binary, empty, huge and deeply nested pages never crash a parser,
plus the `python -m crawlers.parse_page` command-line contract."""
from __future__ import annotations

import html as html_lib
import json
import re
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


# -- one hostile item costs only that item (issue 10) ------------------------------------------

HOSTILE_REFS = ["&#xD800;", "&#x110000;", "&#99999999999;", "&#0;", "&#x202E;", "&#x1;", "&#x2066;"]
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def _all_text(page) -> list[str]:
    out = [page.title or ""]
    for p in page.posts:
        out += [p.author or "", p.text, p.url or "", p.html]
    for i in page.items:
        out += [i.title, i.url, i.author or "", i.text or ""]
    return out


def _inject(raw: bytes, text: str, encoding: str, payload: bytes, count: int = 1) -> bytes:
    """`payload` inserted after the first characters of `text`, where the page holds it."""
    anchor = text[:4].encode(encoding)
    assert anchor in raw, text[:4]
    return raw.replace(anchor, anchor + payload, count)


@pytest.mark.parametrize("ref", HOSTILE_REFS + ["\x00", "\u202e"])
@pytest.mark.parametrize("kind,name,encoding", [
    ("discuz", "discuz/discuz_thread_2015_1point3acres_gbk_p1.html", "gb18030"),
    ("tieba", "tieba/tieba_thread_2017_yuanzhikong_p1.html", "utf-8"),
    ("news", "news/news_article_2019_sina.html", "utf-8"),
    ("feed", "feeds/feed_rss2_2005_w3cn_gb2312.xml", "gb18030"),
    ("discuz", "discuz/discuz_list_2015_1point3acres_gbk.html", "gb18030"),
])
def test_a_bad_character_reference_costs_nothing(real_fixtures, kind, name, encoding, ref):
    raw = (real_fixtures / name).read_bytes()
    clean = parse_page(raw, kind, now=NOW)
    first = clean.posts[0].text if clean.posts else clean.items[0].title
    payload = ref.encode(encoding) if not ref.startswith("&") else ref.encode()
    hostile = parse_page(_inject(raw, first, encoding, payload, count=3), kind, now=NOW)
    assert len(hostile.posts) == len(clean.posts) and len(hostile.items) == len(clean.items)
    assert not any(_INVISIBLE.search(s) for s in _all_text(hostile))
    got = hostile.posts[0].text if hostile.posts else hostile.items[0].title
    assert got.replace("\ufffd", "")[:4] == first[:4]  # the item itself is kept, minus the bad character


def _mutate_data_field(raw: bytes, nth: int, change) -> bytes:
    """The nth Tieba `data-field` JSON of a page, decoded, changed by `change(dict)`, re-encoded."""
    matches = list(re.finditer(rb"data-field='(\{[^']*\})'", raw))
    m = matches[nth]
    data = json.loads(html_lib.unescape(m[1].decode()))
    change(data)
    text = html_lib.escape(json.dumps(data), quote=True).replace("&#x27;", "&#39;")
    return raw[:m.start(1)] + text.encode() + raw[m.end(1):]


def _post_fields(raw: bytes) -> list[int]:
    return [i for i, m in enumerate(re.finditer(rb"data-field='(\{[^']*\})'", raw))
            if b"&quot;post_id&quot;" in m[1] and b"&quot;author&quot;" in m[1]]


def test_tieba_data_field_hostile_values_cost_only_their_post(real_fixtures):
    raw = (real_fixtures / "tieba/tieba_thread_2017_yuanzhikong_p1.html").read_bytes()
    clean = parse_page(raw, "tieba", now=NOW)
    fields = _post_fields(raw)
    # Post A: its visible name is gone and the JSON author is a list; post B: a lone surrogate name
    # with no visible name; post C: `content` is a list instead of an object.
    hostile = raw
    for nth, change in [(fields[1], lambda d: d["author"].update(user_name=["x", "y"])),
                        (fields[2], lambda d: d["author"].update(user_name="坏\ud800名")),
                        (fields[3], lambda d: d.update(content=[d["content"]]))]:
        hostile = _mutate_data_field(hostile, nth, change)
    names = list(re.finditer(rb'(class="p_author_name[^>]*>)([^<]*)<', hostile))
    for m in reversed(names[1:3]):  # posts A and B show no name, so the JSON one is used
        hostile = hostile[:m.start(2)] + hostile[m.end(2):]
    page = parse_page(hostile, "tieba", now=NOW)
    assert "bad_field:author:list" in page.dropped
    kept = {p.floor for p in page.posts}
    assert len(page.posts) >= len(clean.posts) - 2 and clean.posts[0].floor in kept
    assert not any(_INVISIBLE.search(s) for s in _all_text(page))
    assert any(p.author == "坏名" for p in page.posts)  # the surrogate is cleaned, the post kept
    json.dumps(page.to_json(), ensure_ascii=False).encode("utf-8")  # encodable as UTF-8


@pytest.mark.parametrize("n_attrs,n_tags", [(300_000, 1), (3_000, 100)])
def test_attribute_bomb_is_bounded_and_the_posts_survive(real_fixtures, n_attrs, n_tags):
    """Unbounded, libxml2 needs many minutes for one tag of 300,000 attributes (quadratic), and
    seconds for a hundred tags of 3,000."""
    raw = (real_fixtures / "discuz/discuz_thread_2015_1point3acres_gbk_p1.html").read_bytes()
    clean = parse_page(raw, "discuz", now=NOW)
    attrs = b"".join(b" a%d=x" % i for i in range(n_attrs))
    hostile = raw.replace(b"<body", b"<body>" + (b"<div" + attrs + b">x</div>") * n_tags + b"<br", 1)
    page = parse_page(hostile, "discuz", now=NOW)
    assert [p.text for p in page.posts] == [p.text for p in clean.posts]
    assert page.dropped == ("parse_bound:attributes",)


def test_oversized_body_is_cut_and_counted(real_fixtures):
    raw = (real_fixtures / "news/news_article_2019_sina.html").read_bytes()
    page = parse_page(raw, "news", now=NOW, max_bytes=len(raw) // 2)
    assert "parse_bound:bytes" in page.dropped and page.posts


def test_stray_bytes_are_counted(real_fixtures):
    raw = (real_fixtures / "discuz/discuz_thread_2015_1point3acres_gbk_p1.html").read_bytes()
    mid = raw.index("根据原来学长".encode("gbk"))
    page = parse_page(raw[:mid] + b"\xff" + raw[mid:] + b"\xff\xff", "discuz", now=NOW)
    assert page.posts and page.dropped.count("decode:replaced_bytes") in (2, 3)


@pytest.mark.parametrize("ref", ["&#99999999999;", "&#xD800;", "&#x110000;"])
def test_cli_survives_hostile_feed_and_tieba(real_fixtures, tmp_path, ref):
    feed = real_fixtures / "feeds/feed_rss2_2005_w3cn_gb2312.xml"
    raw = feed.read_bytes()
    first = parse_page(raw, "feed", now=NOW).items[0].title
    path = tmp_path / "feed.xml"
    path.write_bytes(_inject(raw, first, "gb18030", ref.encode()))
    done = run_cli(str(path), "--kind", "feed")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert len(json.loads(done.stdout)["items"]) == len(parse_page(raw, "feed", now=NOW).items)

    tieba = (real_fixtures / "tieba/tieba_thread_2017_yuanzhikong_p1.html").read_bytes()
    fields = _post_fields(tieba)
    path = tmp_path / "tieba.html"
    path.write_bytes(_mutate_data_field(tieba, fields[0], lambda d: d["author"].update(user_name="\udc00")))
    done = run_cli(str(path), "--kind", "tieba")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert json.loads(done.stdout)["posts"]
