"""Discuz! parsers against the saved real pages (values read from the pages themselves)."""
from __future__ import annotations

from datetime import datetime

import pytest

from crawlers.parsers import parse_page
from crawlers.timeparse import SHANGHAI

ACRES = "http://www.1point3acres.com/bbs/"


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def parse(real_fixtures, name, url=None, now=at(2020, 8, 2, 16, 0)):
    return parse_page((real_fixtures / "discuz" / name).read_bytes(), "discuz", url, now=now)


@pytest.mark.parametrize("name,url,count,first,last,next_page", [
    ("discuz_list_2015_1point3acres_gbk.html", ACRES + "forum-197-1.html", 50,
     ("趁着最近人气高,Warald召集大家讨论CS学习问题,分享资源！", ACRES + "thread-24531-1-1.html", "Warald", 205, 46423),
     ("关于对转CS友好的学校", ACRES + "thread-106830-1-1.html", "槛内求知者", 26, 3424),
     ACRES + "forum-197-2.html"),
    ("discuz7_list_2017_hipda_gbkmeta_utf8bytes.html", "https://www.hi-pda.com/forum/forumdisplay.php?fid=2", 75,
     ("信天助学·义教·赈灾·全家福·生日祝福·流窜指南·智囊团·律师团·为见习捐款等",
      "https://www.hi-pda.com/forum/viewthread.php?tid=468328&extra=page%3D1%26amp%3Bfilter%3Dtype%26amp%3Btypeid%3D56",
      "UGlee", 114, 907038),
     ("tplink是不是假货比较多？",
      "https://www.hi-pda.com/forum/viewthread.php?tid=2089656&extra=page%3D1%26amp%3Bfilter%3Dtype%26amp%3Btypeid%3D56",
      "lsxs", 1, 87),
     "https://www.hi-pda.com/forum/forumdisplay.php?fid=2&filter=type&typeid=56&page=2"),
    ("discuz_list_2020_nsh163.html", None, 42,
     ("2020年7月30日游戏服务器维护内容", "https://n.netease.com/thread-202823-1-1.html", "自在门小师妹", 4, 3844),
     ("玩游戏10余年，第一次碰到出了1年以上的职业改动机制的", "https://n.netease.com/thread-202838-1-1.html",
      "wyzdcq001", 3, 410),
     "https://n.netease.com/forum-9-2.html"),
    ("discuz_mobile_list_yamibo.html", None, 22,
     ("如何找回账号/如何修改密码",
      "https://bbs.yamibo.com/forum.php?mod=viewthread&tid=533721&extra=page%3D1&mobile=2", None, None, None),
     ("【个人翻译】（キノハタ）已经无法再做回姐妹 2/10更新 第十七话 被妹妹吻了",
      "https://bbs.yamibo.com/forum.php?mod=viewthread&tid=564532&extra=page%3D1&mobile=2", "2486925467", 70, 9848),
     "https://bbs.yamibo.com/forum.php?mod=forumdisplay&fid=55&page=2&mobile=2"),
])
def test_list_pages(real_fixtures, name, url, count, first, last, next_page):
    page = parse(real_fixtures, name, url)
    assert page.page_type == "list" and not page.posts
    assert len(page.items) == count
    for item, expected in ((page.items[0], first), (page.items[-1], last)):
        assert (item.title, item.url, item.author, item.replies, item.views) == expected
    assert page.next_page == next_page


def test_list_times_prefer_span_title(real_fixtures):
    # captured 2015-11-20 ~12:39 ("3 分钟前" is titled 2015-11-20 12:36)
    page = parse(real_fixtures, "discuz_list_2015_1point3acres_gbk.html", now=at(2015, 11, 20, 12, 39))
    by_title = {i.title: i for i in page.items}
    assert by_title["申请算是结束了，小结一下"].published_at == at(2015, 11, 19, 5, 10)  # 昨天 05:10 / 2015-11-19
    assert page.items[0].published_at == at(2012, 2, 25)
    nsh = parse(real_fixtures, "discuz_list_2020_nsh163.html")
    assert nsh.items[0].published_at == at(2020, 7, 30)  # "3 天前" titled 2020-7-30
    hipda = parse(real_fixtures, "discuz7_list_2017_hipda_gbkmeta_utf8bytes.html")
    assert hipda.encoding == "utf-8" and hipda.items[0].published_at == at(2009, 3, 9)


def test_mobile_list_skips_announcement(real_fixtures):
    page = parse(real_fixtures, "discuz_mobile_list_yamibo.html")
    assert all("欢迎光临" not in i.title for i in page.items)
    entry = next(i for i in page.items if i.title == "百合小说生肉安利专楼")
    assert (entry.author, entry.views, entry.replies, entry.published_at) == (
        "hongyuny", 85773, 211, at(2023, 5, 29, 22, 41))


def test_x3_gbk_thread_page_one(real_fixtures):
    page = parse(real_fixtures, "discuz_thread_2015_1point3acres_gbk_p1.html", ACRES + "thread-129405-1-1.html")
    assert page.encoding == "gb18030"
    assert page.title == "USC Viterbi School内转CS 的可行性求教！！"
    assert (page.replies, page.views) == (29, 1729)
    assert page.next_page == ACRES + "thread-129405-2-1.html"
    assert [p.floor for p in page.posts] == list(range(1, 21))  # 垅头/沙发/板凳/4垅...
    first = page.posts[0]
    assert (first.author, first.published_at) == ("ryanbia", at(2015, 4, 6, 15, 50, 11))
    assert first.text.startswith("被USC MSE材料录取了")
    assert "在此谢过！！！" in first.text
    for junk in ("清华大学出版社", "购买链接", "注册一亩三分地论坛", "您需要 登录"):
        assert junk not in first.text
    assert first.url == ACRES + "thread-129405-1-1.html#pid1833517"
    assert page.posts[-1].author == "xietao0221" and page.posts[-1].floor == 20


def test_x3_gbk_thread_page_two(real_fixtures):
    page = parse(real_fixtures, "discuz_thread_2015_1point3acres_gbk_p2.html", ACRES + "thread-129405-2-1.html")
    assert page.title == "USC Viterbi School内转CS 的可行性求教！！"
    assert [p.floor for p in page.posts] == list(range(21, 31))
    first = page.posts[0]
    assert first.author == "今天不吃早餐"
    assert first.text == "请问一下第一学期选的是本专业的课还是cs的基础课？"  # promo and quote removed
    assert page.posts[-1].published_at == at(2015, 11, 12, 11, 58, 53)
    assert page.posts[0].url == ACRES + "thread-129405-2-1.html#pid1934674"
    assert page.next_page is None


def test_custom_floor_labels_without_numbers_use_page_position():
    from crawlers.parsers.discuz import _floors

    assert _floors(["楼主", "沙发", "板凳", "4#"], 1) == [1, 2, 3, 4]
    assert _floors(["沙发", "板凳"], 1) == [1, 2]
    assert _floors(["x", "y", "z"], 3) == [7, 8, 9]
    assert _floors(["垅头", "21垅", "x"], 2) == [20, 21, 22]


def test_x2_thread_with_adsense_script(real_fixtures):
    page = parse(real_fixtures, "discuz_thread_2012_ymbbs_x2.html")
    assert page.title == "2010年12月04日过期删除CN国内域名名单列表"
    assert (page.replies, page.views) == (0, 2481)
    post, = page.posts
    assert (post.author, post.floor, post.published_at) == ("域名论坛", 1, at(2010, 12, 5, 16, 39, 37))
    assert post.text.startswith("zmy.ac.cn\nhxbjyy.ac.cn\n") and post.text.endswith("silitmf.cn")
    assert "google_ad" not in post.text and "adsbygoogle" not in post.text
    assert post.url == "http://bbs.ymbbs.com/thread-20490-1-1.html#pid26675"


def test_x33_rendered_threads_and_relative_reply_time(real_fixtures):
    a = parse(real_fixtures, "discuz_thread_2024_csol_rendered_a.html")
    assert a.title == "建议对鼠神进行改版" and (a.replies, a.views) == (3, 3481)
    assert [p.author for p in a.posts] == ["前程往事", "横财天降", "縋原啊反", "故乡故事里的故人"]
    assert a.posts[0].text.endswith("鼠神为甚不是，要改。")
    b = parse(real_fixtures, "discuz_thread_2024_csol_rendered_b.html")
    assert b.title == "游戏全屏问题，希望大家能出个主意！！"
    reply = b.posts[1]
    # shown as "发表于 6 天前"; the absolute time is in span[title]
    assert (reply.author, reply.floor, reply.published_at) == ("大虾米点", 2, at(2024, 5, 21, 11, 1, 32))
    assert reply.text == "我知道，只有回去翻下之前的网页浏览记录了，大概半年前调过的"
    assert b.posts[0].url == "https://csolbbs.tiancity.com/forum.php?mod=viewthread&tid=38733#pid53961"


def test_mobile_thread(real_fixtures):
    page = parse(real_fixtures, "discuz_mobile_thread_yamibo.html")
    assert page.title == "憧憬的姐姐大人说她想当妹妹的一直向我撒娇？（A店特典）"  # without the [轻小说] label
    assert (page.replies, page.views) == (4, 338)
    assert [p.floor for p in page.posts] == [1, 2, 3, 4, 5]
    first, last = page.posts[0], page.posts[-1]
    assert (first.author, first.published_at) == ("本命W", at(2026, 2, 8, 11, 31))
    assert "享受字里行间" in first.text and "338" not in first.text.split("\n")[0]
    assert (last.author, last.text) == ("cxl2365372721", "我也找不到第一卷")
    assert last.url == "https://bbs.yamibo.com/thread-567206-1-1.html#pid41467597"


def _x34_post(pid: int, name: str, when: str, text: str) -> str:
    # X3.4 layout: the author column's a.xw1 sits in div.pi without div.authi; the post's own
    # div.authi has only the time and "只看该作者" / "倒序浏览" / "阅读模式" links.
    return f"""<div id="post_{pid}"><table><tr><td class="pls"><div class="pi"><div class="pls_avatar"></div>
<a href="home.php?mod=space&amp;uid={pid}" class="xw1">{name}</a></div></td>
<td class="plc"><div class="pi"><strong><a id="postnum{pid}">{pid % 10}#</a></strong>
<div class="pti"><div class="authi"><img src="online.gif"> <em id="authorposton{pid}">发表于 {when}</em>
<span class="pipe">|</span><a href="forum.php?mod=viewthread&amp;tid=9&amp;authorid={pid}">只看该作者</a>
<span class="pipe">|</span><a href="#">倒序浏览</a><span class="pipe">|</span><a href="#">阅读模式</a></div></div></div>
<div class="pct"><td class="t_f" id="postmessage_{pid}">{text}</td></div></td></tr></table></div>"""


def test_x34_author_column_not_the_only_this_author_link():
    body = f"""<html><head><title>小区门口路面塌陷 - 本地生活 - 某某论坛 - Powered by Discuz!</title></head><body>
<h1 class="ts"><span id="thread_subject">小区门口路面塌陷</span></h1><div id="postlist">
{_x34_post(101, "老街坊", "2024-5-13 06:03", "今天早上小区门口路面塌了一个坑。")}
{_x34_post(102, "路过的猫", "2024-5-13 07:10", "已经有人打了热线。")}</div></body></html>"""
    page = parse_page(body.encode(), "discuz", "http://bbs.example.cn/thread-9-1-1.html", now=at(2024, 6, 1))
    assert [(p.author, p.floor, p.text) for p in page.posts] == [
        ("老街坊", 1, "今天早上小区门口路面塌了一个坑。"), ("路过的猫", 2, "已经有人打了热线。")]
    assert page.posts[0].published_at == at(2024, 5, 13, 6, 3)


def test_list_title_without_thread_type_filter_word():
    rows = "".join(f"""<tbody id="normalthread_{i}"><tr><th><a href="thread-{i}-1-1.html" class="s xst">帖子{i}</a></th>
<td class="by"><cite><a href="space-uid-{i}.html">网友{i}</a></cite><em><span>2024-5-1{i}</span></em></td>
<td class="num"><a>3</a><em>40</em></td></tr></tbody>""" for i in range(3))
    types = '<ul id="thread_types"><li><a href="#">全部</a></li><li><a href="#">求助<span class="xg1 num">12</span></a></li></ul>'
    for title in ("求助 - 青溪生活 - 某某论坛 - Powered by Discuz!", "交通路况 - 青溪生活 - 某某论坛 - Powered by Discuz!"):
        body = f"<html><head><title>{title}</title></head><body>{types if title.startswith('求助') else ''}" \
               f"<table id='threadlisttableid'>{rows}</table></body></html>"
        page = parse_page(body.encode(), "discuz", "http://bbs.example.cn/forum.php?mod=forumdisplay&fid=2&filter=typeid",
                          now=at(2024, 6, 1))
        assert page.page_type == "list" and len(page.items) == 3
        if title.startswith("求助"):
            assert page.title == "青溪生活"
    # without a thread-type list the forum's own h1 names it
    body = (f"<html><head><title>交通路况 - 青溪生活 - 某某论坛</title></head><body><div class='bm_h'><h1 class='xs2'>"
            f"<a href='forum-2-1.html'>青溪生活</a></h1></div><table>{rows}</table></body></html>")
    assert parse_page(body.encode(), "discuz", None, now=at(2024, 6, 1)).title == "青溪生活"
