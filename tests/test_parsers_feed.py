"""RSS/Atom parsing: the four saved GB2312 feeds plus synthetic Atom/RSS edge cases."""
from __future__ import annotations

from datetime import datetime

import pytest

from crawlers.parsers import ParseError, parse_page
from crawlers.timeparse import SHANGHAI

NOW = datetime(2020, 8, 2, 16, 0, tzinfo=SHANGHAI)


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def parse(real_fixtures, name):
    return parse_page((real_fixtures / "feeds" / name).read_bytes(), "feed", now=NOW)


def test_rss2_newswire_zone_without_space(real_fixtures):
    page = parse(real_fixtures, "feed_rss2_2005_acnnewswire_gb2312.xml")
    assert page.page_type == "feed" and page.encoding == "gb18030"
    assert page.title == "Asia Corporate Press via ACNNewswire.net"
    assert len(page.items) == 8
    first = page.items[0]
    assert first.title.startswith("JCB 与中国银联（China UnionPay）完成ATM网关协议的签订")
    assert first.url == "http://www.acnnewswire.net/Article.Asp?lang=_c&Art_ID=29698"
    assert first.author == "lui@japancorp.net (Chris Lui)"
    assert first.published_at == at(2005, 12, 27, 12, 8, 54)
    assert first.text.startswith("唯一以亚洲为基地的国际付款品牌JCB很高兴地宣布")
    assert page.to_json()["items"][0]["text"] == first.text


def test_rss2_non_rfc_dates_and_no_description(real_fixtures):
    page = parse(real_fixtures, "feed_rss2_2005_w3cn_gb2312.xml")
    assert page.title == "网页设计师 - 文章教程" and len(page.items) == 20
    first, last = page.items[0], page.items[-1]
    assert (first.title, first.author, first.published_at, first.text) == (
        "如何以及何时使用sIFR", "阿宏", at(2005, 5, 28, 16, 5, 36), None)
    assert first.url == "http://www.w3cn.org/article/translate/2005/117.html"
    assert (last.title, last.published_at) == ("表格对决CSS--一场生死之战", at(2004, 7, 19, 21, 0, 54))


def test_rss092_without_dates_or_authors(real_fixtures):
    page = parse(real_fixtures, "feed_rss092_2004_cnblog_gb2312.xml")
    assert page.title == "CNBlog:Blog On Blog" and len(page.items) == 16
    assert all(i.published_at is None and i.author is None for i in page.items)
    first = page.items[0]
    assert first.title == "Picostation的PicoBlogger是 一个能让S"
    assert first.url == "http://www.cnblog.org/blog/archives/2004_08_29_cnblog_archive.html#109424958546889584"
    assert "Symbian Series 60" in first.text and "<" not in first.text  # HTML in CDATA flattened


def test_wordpress_dc_creator_and_script_in_content(real_fixtures):
    page = parse(real_fixtures, "feed_rss2_2005_wordpress_cindychen_gb2312.xml")
    assert page.title == "CindyChen.com" and len(page.items) == 5
    first = page.items[0]
    assert (first.title, first.author, first.published_at) == ("Oceana 的出生", "Allan", at(2005, 3, 26, 7, 0, 46))
    assert first.url == "http://www.cindychen.com/dynamic/?p=108"
    assert first.text.startswith("今天 Oceana 出生于美国旧金山儿童医院")
    assert all("<script" not in (i.text or "") for i in page.items)


def test_atom_feed_utf8():
    atom = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>青溪日报</title>
<link rel="next" href="https://news.example.cn/atom?page=2"/>
<entry><title>东湖区化工厂夜间偷排 居民投诉异味</title><link href="/a/1.html"/>
<id>urn:1</id><author><name>记者 王某</name></author><published>2024-03-10T08:00:00Z</published>
<summary type="html">&lt;p&gt;居民反映&lt;b&gt;异味&lt;/b&gt;严重&lt;/p&gt;</summary></entry></feed>""".encode()
    page = parse_page(atom, "feed", "https://news.example.cn/atom", now=NOW)
    item, = page.items
    assert (item.title, item.url, item.author) == (
        "东湖区化工厂夜间偷排 居民投诉异味", "https://news.example.cn/a/1.html", "记者 王某")
    assert item.published_at == at(2024, 3, 10, 16, 0)
    assert item.text == "居民反映异味严重"
    assert page.next_page == "https://news.example.cn/atom?page=2"


@pytest.mark.parametrize("body", [b"", b"   ", b"<html><body>not a feed</body></html>"])
def test_not_a_feed(body):
    with pytest.raises(ParseError):
        parse_page(body, "feed", now=NOW)
