"""Failure classes found by the third blind held-out batch (tests/fixtures/heldout, "batch": "blind3"),
checked on the real pages that showed them. Expected values were read from the pages."""
from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import pytest

from crawlers.parsers import parse_page
from crawlers.parsers.model import ParsedPage, ParsedPost
from crawlers.timeparse import SHANGHAI

HELDOUT = Path(__file__).parent / "fixtures" / "heldout"
NOW = datetime(2026, 12, 1, tzinfo=SHANGHAI)


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def parse(name: str, kind: str, url: str | None = None):
    return parse_page((HELDOUT / "pages" / name).read_bytes(), kind, url, now=NOW)


# ---------------------------------------------------------------- Discuz! 7.x threads

def test_discuz7_thread_floors_authors_and_times():
    page = parse("dz7_thread_1984bbs_dns_gbk.html", "discuz", "https://1984bbs.com/viewthread.php?tid=33345")
    assert page.page_type == "thread" and page.title == "求国外DNS服务器"
    assert [p.author for p in page.posts] == ["wodeid", "chester", "malarfno", "mayflower", "wodeid", "doggie",
                                              "mrzenix", "天屎"]
    assert [p.floor for p in page.posts] == list(range(1, 9))
    assert page.posts[0].published_at == at(2009, 6, 25, 13, 18)
    assert page.posts[-1].published_at == at(2009, 6, 28, 21, 12)
    assert page.posts[0].text.startswith("听说是域名绑架")


def test_discuz7_quotes_and_plain_text_edit_stamps_are_not_post_text():
    nokia = parse("dz7_thread_1984bbs_nokia_gbk.html", "discuz")
    assert nokia.posts[4].author == "左岸←右岸"
    assert "原帖由" not in nokia.posts[4].text and nokia.posts[4].text.startswith("老兄")
    fifa = parse("dz7_thread_1984bbs_fifa_gbk.html", "discuz", "https://1984bbs.com/viewthread.php?tid=55490")
    assert fifa.posts[1].text == "破处。。。\n我觉得法国会赢"
    assert not any("本帖最后由" in p.text for p in fifa.posts)
    assert fifa.next_page and "page=2" in fifa.next_page


def test_discuz7_poll_thread_and_video_only_floor():
    poll = parse("dz7_thread_1984bbs_seatbelt_gbk.html", "discuz")
    assert [(p.author, p.published_at) for p in poll.posts] == [("柳叶眉", at(2010, 3, 12, 10, 56))]
    assert poll.posts[0].text.startswith("了解一下小众的生活习惯")
    video = parse("dz7_thread_1984bbs_video_gbk.html", "discuz")
    assert video.title == "Wrong Hole--youtube神曲（昨夜我X错洞）"
    assert (video.posts[0].author, video.posts[0].text) == ("npchao", "[视频]")
    assert len(video.posts) == 11


def test_discuz7_browser_saved_page_two_keeps_floor_numbers():
    page = parse("dz7_thread_1984bbs_saved_p2_gbk.html", "discuz")
    assert [p.floor for p in page.posts][:2] == [51, 52] and page.posts[0].author == "万延海"


# ---------------------------------------------------------------- Tieba list pager

def test_tieba_pager_word_on_an_in_page_widget_does_not_hide_the_real_pager():
    url = "https://tieba.baidu.com/f?kw=%E8%8B%B1%E9%9B%84%E8%81%94%E7%9B%9F"
    page = parse("tieba_list_pc_lol_000ze.html", "tieba", url)
    assert len(page.items) == 50
    assert page.next_page == url + "&ie=utf-8&pn=50"


# ---------------------------------------------------------------- news

def test_headline_in_news_bt_div_then_byline_time_outlet_and_author():
    post = parse("news_b3_gne_mydrivers_1.html", "news").posts[0]
    assert (post.published_at, post.outlet, post.author) == (at(2020, 11, 23, 10, 22, 14), "快科技", "宪瑞")


def test_pipe_meta_bar_labels_without_colons_and_a_domain_meta_author():
    page = parse("news_b3_gne_csdn_1.html", "news")
    assert page.title == "第三届知道安全论坛鸟巢举办 知道创宇发布新版ZoomEye"
    assert (page.posts[0].author, page.posts[0].outlet) == ("魏星", "CSDN")
    assert page.posts[0].published_at == at(2014, 8, 24, 21, 30)


def test_headline_in_h4_is_preferred_to_the_browser_title():
    assert parse("news_b3_gne_ednchina_1.html", "news").title == "阿里发布最强AI芯片：性能“吊打”同行，一块顶十块GPU"


def test_wechat_epoch_time_becomes_beijing_time():
    # var ct = "1581517074" is 2020-02-12 14:17:54 UTC
    assert parse("news_b3_gne_wechat_1.html", "news").posts[0].published_at == at(2020, 2, 12, 22, 17, 54)


def test_unlabelled_outlet_right_after_the_byline_time():
    post = parse("news_b3_mh_0987b0ff.html", "news").posts[0]
    assert (post.published_at, post.outlet) == (at(2021, 1, 20, 4, 29, 44), "39健康网")


def test_real_pages_for_labelled_clock_time_and_player_chrome():
    cyol = parse("news_b3_mh_39dd62c5.html", "news").posts[0]  # "发稿时间：2024-05-20 13:15:00"
    assert (cyol.published_at, cyol.outlet) == (at(2024, 5, 20, 13, 15), "央视新闻客户端")
    m1905 = parse("news_b3_mh_3e863fa9.html", "news").posts[0]  # video player "时长：01:45" above the story
    assert m1905.text.startswith("1905电影网讯") and "时长" not in m1905.text


def test_real_portal_home_page_is_a_list():
    page = parse("news_portal_sina_home.html", "news", "https://www.sina.com.cn/")
    assert page.page_type == "list" and not page.posts
    assert "太湖世界文化论坛年会致贺信" in {i.title for i in page.items}


# ---------------------------------------------------------------- the bench's thread checks

def _bench():
    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    try:
        import parser_heldout
    finally:
        sys.path.pop(0)
    return parser_heldout


def test_bench_scores_floors_authors_times_quotes_and_pager():
    bench = _bench()
    posts = (ParsedPost(author="甲", published_at=at(2024, 5, 1, 8, 0), text="正文", floor=1, url=None),
             ParsedPost(author="乙", published_at=None, text="引用:原帖由 甲 于 …", floor=2, url=None))
    page = ParsedPage(page_type="thread", title="t", posts=posts, items=(), next_page=None)
    key = {"page": "x", "kind": "discuz", "batch": "b", "post_count": 2, "authors": ["甲", "丙"],
           "times": ["2024-05-01T08:00", "2024-05-01"], "posts_lack": ["原帖由"], "has_next_page": False}
    results = {field: ok for field, ok, _got in bench.check(key, page)}
    assert results == {"post_count": True, "author#1": True, "author#2": False, "time#1": True, "time#2": False,
                       "posts_lack": False, "has_next_page": True}


def test_every_heldout_key_names_a_page_that_exists():
    for key_file in (HELDOUT / "keys").glob("*.json"):
        key = json.loads(key_file.read_text(encoding="utf-8"))
        assert (HELDOUT / "pages" / key["page"]).is_file(), key_file.name


@pytest.mark.parametrize("field", ["post_count", "min_items"])
def test_bench_counts_on_an_unparseable_page_are_zero(field):
    results = _bench().check({"page": "x", "kind": "news", field: 1}, None)
    assert results == [(field, False, 0)]
