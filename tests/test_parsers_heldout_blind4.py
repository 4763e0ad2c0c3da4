"""Failure classes found by the fourth blind held-out batch (tests/fixtures/heldout, "batch": "blind4"),
checked on the real pages that showed them. Expected values were read from the pages."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from crawlers.parsers import parse_page
from crawlers.timeparse import SHANGHAI

HELDOUT = Path(__file__).parent / "fixtures" / "heldout"
NOW = datetime(2026, 12, 1, tzinfo=SHANGHAI)


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def parse(name: str, kind: str = "news", url: str | None = None):
    return parse_page((HELDOUT / "pages" / name).read_bytes(), kind, url, now=NOW)


# ---------------------------------------------------------------- lists

def test_disclosure_column_of_div_rows_is_a_dated_list_despite_the_footer_disclaimer():
    # Rows are <div class="list-all"><a>公告</a><span>…<span>2020-07-01</span></span></div>, no
    # ul/li; the footer's one-sentence disclaimer used to make the page an article with no items.
    page = parse("news_b4_list_hsqhfunds_xxpl.html", url="https://www.hsqhfunds.com/xxpl/index.jhtml")
    assert page.page_type == "list"
    by_title = {i.title: i for i in page.items}
    assert len(page.items) == 20
    item = by_title["恒生前海基金管理有限公司2020年6月30日基金净值公告"]
    assert item.published_at == at(2020, 7, 1)
    assert item.url == "https://www.hsqhfunds.com/upload/user/1/2020-7-1/195400974222.pdf"
    assert by_title["恒生前海基金管理有限公司关于客服热线故障的公告"].published_at == at(2020, 5, 27)
    assert not any("ICP" in t or "恒生银行" in t for t in by_title)
    assert page.next_page is None  # its pager is onclick="toPage(2)" only


def test_front_page_keeps_its_undated_headlines_beside_a_dated_rolling_block():
    # 27 dated div rows are only a corner of this news centre: the undated top stories stay items.
    page = parse("news_list_gne_163_1.html", url="https://news.163.com/")
    titles = {i.title for i in page.items}
    assert page.page_type == "list" and len(page.items) > 40
    assert {"哈利波特今天四十岁了", "美驻荷大使污蔑中国盗窃他国新冠疫苗知识产权"} <= titles


def test_portal_headlines_leave_out_the_navigation_bar_menus():
    page = parse("news_b4_list_163_rank.html", url="https://news.163.com/rank/")
    titles = {i.title for i in page.items}
    assert page.page_type == "list"
    assert {"山东一校长为儿子伪造档案 11岁开始领国家工资", "孙力军等6名中管干部被查 上半年反腐数据说明啥？"} <= titles
    assert not titles & {"注册VIP邮箱（特权邮箱，付费）", "免费下载网易官方手机邮箱应用"}


def test_short_story_of_three_paragraphs_stays_an_article():
    page = parse("news_b4_mh_9a0e481a.html", url="https://www.sohu.com/a/780000000_100000")
    assert page.page_type == "article" and page.title == "悲壮！布伦森遭遇左手骨折 第三节受伤提前离场"
    assert page.posts[0].text.startswith("北京时间5月20日，今天NBA季后赛步行者130-109战胜尼克斯")


# ---------------------------------------------------------------- article headline

def test_headline_above_the_story_when_the_title_tag_names_only_site_and_column():
    # <title>科普中国-辟谣文章</title>; the headline is <div class="rumor-title"> over the story.
    page = parse("news_b4_mh_83bd4dfc.html", url="https://piyao.kepuchina.cn/rumor/rumordetail?id=1")
    assert page.page_type == "article" and page.title == "徒手抓子弹真的存在吗？"
    post = page.posts[0]
    assert post.text.startswith("看过电影《功夫》的人可能会记得火云邪神徒手抓子弹的剧情")
    assert post.published_at == at(2019, 9, 24, 17, 8)


def test_title_tag_headline_is_still_preferred_over_elements_above_the_story():
    page = parse("news_b4_mh_6558a82c.html", url="https://economy.caijing.com.cn/20240520/5012641.shtml")
    assert page.title == "5月LPR按兵不动：1年期为3.45%，5年期以上为3.95%"
    assert page.posts[0].outlet == "北京商报"


# ---------------------------------------------------------------- what the blind run got right

def test_ie_saved_discuz7_last_page_has_no_next_page_despite_a_next_thread_link():
    page = parse("dz7_b4_1984bbs_saved_lxl_p3_gbk.html", "discuz",
                 "https://1984bbs.com/viewthread.php?tid=35516&page=3")
    assert page.page_type == "thread" and [p.author for p in page.posts] == ["张书记"]
    assert page.posts[0].published_at == at(2010, 1, 21, 20, 58)
    assert page.next_page is None  # "下一主题 ››" is another thread, not page 4
