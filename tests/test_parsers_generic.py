"""Generic sources: selectors from sources.yaml, CSS or XPath, validated at load time."""
from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import BaseModel, ConfigDict

from crawlers.parsers import GenericSelectors, ParseError, parse_generic
from crawlers.timeparse import SHANGHAI
from pipeline.config import ConfigError, load_yaml

NOW = datetime(2024, 3, 10, 15, 0, tzinfo=SHANGHAI)

LIST = """<html><head><meta charset="gbk"></head><body><ul class="topics">
<li><a class="t" href="/t/1.html">东湖区化工厂偷排</a><span class="u">张三</span><em>半小时前</em><b>12</b></li>
<li><a class="t" href="/t/2.html">临江县停水通知</a><span class="u">李四</span><em>昨天 08:30</em><b>3</b></li>
<li><span>广告</span></li></ul><a class="next" href="/list?page=2">下一页</a></body></html>""".encode("gbk")

THREAD = """<html><body><h2 class="subject">东湖区化工厂偷排</h2>
<div class="floor" id="p11"><span class="who">张三</span><time>2024-03-10 09:00</time>
<div class="body">昨晚闻到很重的<b>异味</b><br>希望有人管管<script>x()</script></div></div>
<div class="floor" id="p12"><span class="who">李四</span><time>10分钟前</time><div class="body">同感</div></div>
</body></html>""".encode()


def test_list_page_with_css():
    s = GenericSelectors(list_item="ul.topics li", item_title="a.t::text", item_url="a.t::attr(href)",
                         item_time="em", item_author="span.u::text", item_replies="b", next_page="a.next")
    page = parse_generic(LIST, "https://bbs.example.cn/list", s, now=NOW)
    assert page.page_type == "list" and page.encoding == "gb18030"
    assert [(i.title, i.url, i.author, i.replies) for i in page.items] == [
        ("东湖区化工厂偷排", "https://bbs.example.cn/t/1.html", "张三", 12),
        ("临江县停水通知", "https://bbs.example.cn/t/2.html", "李四", 3)]
    assert page.items[0].published_at == datetime(2024, 3, 10, 14, 30, tzinfo=SHANGHAI)
    assert page.items[1].published_at == datetime(2024, 3, 9, 8, 30, tzinfo=SHANGHAI)
    assert page.next_page == "https://bbs.example.cn/list?page=2"


def test_thread_page_with_xpath():
    s = GenericSelectors(title="//h2[@class='subject']", post="//div[@class='floor']",
                         post_author="./span[@class='who']/text()", post_time="./time",
                         post_text="./div[@class='body']", list_item="//ul/li")
    page = parse_generic(THREAD, "https://bbs.example.cn/t/1.html", s, now=NOW)
    assert page.page_type == "thread" and page.title == "东湖区化工厂偷排"
    first, second = page.posts
    assert (first.author, first.floor, first.text) == ("张三", 1, "昨晚闻到很重的异味\n希望有人管管")
    assert first.published_at == datetime(2024, 3, 10, 9, 0, tzinfo=SHANGHAI)
    assert first.url == "https://bbs.example.cn/t/1.html#p11"
    assert (second.author, second.floor, second.published_at) == (
        "李四", 2, datetime(2024, 3, 10, 14, 50, tzinfo=SHANGHAI))


def test_single_post_is_an_article():
    s = GenericSelectors(post="div#p11", post_text="div.body")
    page = parse_generic(THREAD, None, s, now=NOW)
    assert page.page_type == "article" and len(page.posts) == 1


def test_nothing_matches():
    with pytest.raises(ParseError):
        parse_generic(THREAD, None, GenericSelectors(post="div.nothing", list_item="li.none"), now=NOW)


@pytest.mark.parametrize("field,value", [("post", "div[[bad"), ("list_item", "//li[@class='x'"),
                                         ("item_url", "  ")])
def test_invalid_selectors_are_rejected(field, value):
    with pytest.raises(ValueError, match="selector"):
        GenericSelectors(**{field: value})


def test_unknown_key_is_reported_with_file_and_line(tmp_path):
    class Source(BaseModel):
        model_config = ConfigDict(extra="forbid")
        id: str
        selectors: GenericSelectors

    path = tmp_path / "sources.yaml"
    path.write_text("id: citybbs\nselectors:\n  list_item: li\n  item_titel: a\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_yaml(path, Source)
    assert str(err.value).startswith(f"{path}:4:") and "item_titel" in str(err.value)
    path.write_text("id: citybbs\nselectors:\n  post: 'div[['\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r":3: selectors.post"):
        load_yaml(path, Source)
