"""The crawlers' page parsers read the demo sites as they read the real pages they are modelled on."""
from __future__ import annotations

import json
import urllib.request
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from crawlers.parsers import parse_page
from demo.server import DemoServer

START = datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TIEBA_LIST = "/tieba/f?kw=%E9%9D%92%E6%BA%AA&ie=utf-8&pn=0"


@pytest.fixture(scope="module")
def site():
    with DemoServer(port=0, clock="manual", start=START) as s:
        s.advance(2400)  # 40 demo minutes: the incident is on all three sites, threads have pages 2
        yield s


def get(site, path: str) -> tuple[bytes, str]:
    with urllib.request.urlopen(site.base_url + path, timeout=10) as r:
        return r.read(), r.headers["Content-Type"]


def parse(site, path: str, kind: str):
    body, content_type = get(site, path)
    return parse_page(body, kind, site.base_url + path, content_type=content_type, now=site.clock.now())


@pytest.fixture(scope="module")
def incident(site) -> dict[str, list[dict]]:
    posts = json.loads(get(site, "/__demo/timeline")[0])
    return {s: [p for p in posts if p["incident"] and p["site"] == s] for s in ("tieba", "bbs", "news")}


def _at(p: dict, precision: str) -> datetime:
    t = datetime.fromisoformat(p["published_at"]).replace(microsecond=0)
    return t.replace(second=0) if precision == "minute" else t


def test_discuz_list_and_thread(site, incident):
    listing = parse(site, "/bbs/forum-2-1.html", "discuz")
    assert listing.page_type == "list" and len(listing.items) == 21
    assert listing.next_page == site.base_url + "/bbs/forum-2-2.html"
    row = next(i for i in listing.items if "鑫源化工厂" in i.title)
    assert row.title == incident["bbs"][0]["title"] and row.author == incident["bbs"][0]["author"]
    assert row.replies == len(incident["bbs"]) - 1 and row.views > row.replies
    assert row.published_at.date() == START.date()

    path = incident["bbs"][0]["thread_url"].replace(site.base_url, "")
    thread = parse(site, path, "discuz")
    assert thread.page_type == "thread" and thread.title == incident["bbs"][0]["title"]
    assert [p.floor for p in thread.posts] == list(range(1, 11))
    for parsed, expected in zip(thread.posts, incident["bbs"]):
        assert parsed.author == expected["author"]
        assert parsed.published_at == _at(expected, "second")  # span[title] holds the exact time
        assert expected["text"].split("\n")[0] in parsed.text
    assert thread.next_page == site.base_url + path.replace("-1-1.html", "-2-1.html")
    second = parse(site, thread.next_page.replace(site.base_url, ""), "discuz")
    assert second.posts[0].floor == 11 and second.posts[0].author == incident["bbs"][10]["author"]


def test_tieba_list_and_thread(site, incident):
    listing = parse(site, TIEBA_LIST, "tieba")
    assert listing.page_type == "list" and len(listing.items) == 51  # the sticky + 50
    assert listing.next_page.endswith("/tieba/f?kw=%E9%9D%92%E6%BA%AA&ie=utf-8&pn=50")
    row = next(i for i in listing.items if "鑫源化工厂" in i.title)
    assert row.author == incident["tieba"][0]["author"] and row.replies == len(incident["tieba"]) - 1
    assert row.published_at == _at(incident["tieba"][0], "minute")  # "HH:MM" today
    # Links stay on the site that served the page (the demo mirrors Tieba under /tieba/).
    assert row.url == incident["tieba"][0]["thread_url"]

    path = incident["tieba"][0]["thread_url"].replace(site.base_url, "")
    thread = parse(site, path, "tieba")
    assert thread.title == incident["tieba"][0]["title"]
    assert [p.floor for p in thread.posts] == list(range(1, 31))
    assert all(p.url.startswith(incident["tieba"][0]["thread_url"] + "?pid=") for p in thread.posts)
    for parsed, expected in zip(thread.posts, incident["tieba"]):
        assert parsed.author == expected["author"]
        assert parsed.published_at == _at(expected, "minute")
        assert expected["text"].split("\n")[0] in parsed.text
    page2 = parse(site, f"{path}?pn=2", "tieba")
    assert page2.title == incident["tieba"][0]["title"]  # the "回复：" prefix is not part of the title
    assert page2.posts[0].floor == 31 and page2.posts[0].author == incident["tieba"][30]["author"]


def test_news_list_article_and_feed(site, incident):
    article_post = incident["news"][0]
    listing = parse(site, "/news/list_1.html", "news")
    assert listing.page_type == "list" and len(listing.items) == 20
    assert listing.items[0].title == article_post["title"] and listing.items[0].url == article_post["url"]
    assert listing.items[0].published_at == _at(article_post, "minute")
    assert listing.next_page == site.base_url + "/news/list_2.html"

    article = parse(site, article_post["url"].replace(site.base_url, ""), "news")
    assert article.page_type == "article" and article.title == article_post["title"]
    body = article.posts[0]
    assert body.published_at == _at(article_post, "minute")
    assert "青溪日报" in (body.outlet or "")
    assert article_post["text"].split("\n")[-1] in body.text
    assert "网友评论" not in body.text and "相关新闻" not in body.text and "分享到" not in body.text

    feed = parse(site, "/news/rss.xml", "feed")
    assert feed.page_type == "feed" and len(feed.items) == 30
    top = feed.items[0]
    assert (top.title, top.url) == (article_post["title"], article_post["url"])
    assert top.published_at == _at(article_post, "second")
    assert "临江县" in top.text
