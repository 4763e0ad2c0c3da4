"""Tieba parsers against the saved real pages (values read from the pages themselves)."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from crawlers.parsers import parse_page
from crawlers.timeparse import SHANGHAI

NOW = datetime(2020, 8, 2, 16, 0, tzinfo=SHANGHAI)


def parse(real_fixtures, name, url=None):
    return parse_page((real_fixtures / "tieba" / name).read_bytes(), "tieba", url, now=NOW)


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize("name,count,first,last,next_page", [
    ("tieba_list_2018_pc_raw.html", 49,
     ("【贴吧建设】河理水吧广告交易专贴1.15－1.21", "https://tieba.baidu.com/p/5516619449", "尤尤呐ლ", 128),
     ("我的日本留学经历", "https://tieba.baidu.com/p/5502477822", "蓝天白云YF63", 62),
     "https://tieba.baidu.com/f?kw=%E6%B2%B3%E5%8D%97%E7%90%86%E5%B7%A5%E5%A4%A7%E5%AD%A6&ie=utf-8&pn=50"),
    ("tieba_list_2020_raw_plain.html", 48,
     ("【百万点券】LOL吧送你冠军皮肤和印记！确定不来看看嘛？", "https://tieba.baidu.com/p/6652742354", "仿若杯中茶", 458),
     ("tx真就没🐴呗，我玩个新号给我出bug技能全灰，放不了技能只", "https://tieba.baidu.com/p/6662623757",
      "雷霆半月斩º🌙", 15),
     "https://tieba.baidu.com/f?kw=lol&ie=utf-8&pn=50"),
    ("tieba_list_2020_rendered.html", 50,
     ("【招聘】贴吧热议吧吧务邀请你的加入！！", "https://tieba.baidu.com/p/6401593389", "烟给我烟", 143),
     ("四川女大学生在青海失联17日，最后一次出现在青藏线南山口", "https://tieba.baidu.com/p/6837930225",
      "笑录百科💝", 41),
     "https://tieba.baidu.com/f?kw=%E8%B4%B4%E5%90%A7%E7%83%AD%E8%AE%AE&ie=utf-8&pn=50"),
    ("tieba_list_2018_mobile.html", 50,
     ("【兼职、二手、租房】2018-2019学年上学期校历第7周专用贴", "https://tieba.baidu.com/p/5916005664", None, None),
     ("游戏是自己的，但大腿是别人的", "https://tieba.baidu.com/p/5764516631", "爱无_恒温", 107),
     None),
])
def test_list_pages(real_fixtures, name, count, first, last, next_page):
    page = parse(real_fixtures, name)
    assert page.page_type == "list" and not page.posts
    assert len(page.items) == count
    for item, (title, url, author, replies) in ((page.items[0], first), (page.items[-1], last)):
        assert (item.title, item.url, item.author, item.replies) == (title, url, author, replies)
    assert page.next_page == next_page
    assert len({i.url for i in page.items}) == count


def test_list_times_short_forms(real_fixtures):
    # "M-D" -> this year, "HH:MM" -> today, "YYYY-MM" -> first of that month.
    pc = parse(real_fixtures, "tieba_list_2018_pc_raw.html")
    assert pc.items[0].published_at == at(2020, 1, 15)
    plain = parse(real_fixtures, "tieba_list_2020_raw_plain.html")
    assert plain.items[-1].published_at == at(2020, 8, 2, 1, 45)
    rendered = parse(real_fixtures, "tieba_list_2020_rendered.html")
    assert rendered.items[0].published_at == at(2019, 12, 1)


def test_pc_raw_list_is_read_from_bigpipe_comments(real_fixtures):
    raw = (real_fixtures / "tieba" / "tieba_list_2018_pc_raw.html").read_bytes()
    assert raw.count(b"</html>") == 2 and b'<code class="pagelet_html"' in raw
    titles = {i.title for i in parse(real_fixtures, "tieba_list_2018_pc_raw.html").items}
    assert "最后一科，愿考神附体" in titles


def test_mobile_list_skips_ads(real_fixtures):
    page = parse(real_fixtures, "tieba_list_2018_mobile.html")
    titles = [i.title for i in page.items]
    assert "开了6年的车能卖多少钱？填上牌时间在线测" not in titles  # an ad row (no tid)
    assert "置顶" not in titles[0]
    assert page.items[2].author == "你很哇塞呢" and page.items[2].replies == 69
    # "20:51" is later than NOW's 16:00, so it was yesterday evening
    assert page.items[2].published_at == at(2020, 8, 1, 20, 51)


def test_thread_2015_p_tail_layout(real_fixtures):
    page = parse(real_fixtures, "tieba_thread_2015_nba_seelz.html")
    assert page.page_type == "thread"
    assert page.title == "纯原创我心中的NBA2014-2015赛季现役50大"
    assert page.replies == 138
    assert page.next_page == "http://tieba.baidu.com/p/3138733512?see_lz=1&pn=2"
    assert len(page.posts) == 30
    first, last = page.posts[0], page.posts[-1]
    assert (first.author, first.floor, first.published_at) == ("明之翼", 1, at(2014, 7, 1, 16, 22))
    assert first.text.startswith("很多媒体都在每赛季之前给球员排个名")
    assert "状元维金斯镇楼" in first.text and "<br>" not in first.text and "BDE_Image" not in first.text
    assert first.url == "https://tieba.baidu.com/p/3138733512?pid=53018668923#53018668923"
    assert (last.floor, last.text, last.published_at) == (65, "下班走了，最后顶一顶", at(2014, 7, 2, 17, 57))
    assert [p.floor for p in page.posts][:4] == [1, 11, 12, 14]


def test_thread_2017_tail_info_layout(real_fixtures):
    page = parse(real_fixtures, "tieba_thread_2017_yuanzhikong_p1.html")
    assert page.title == "我与妹妹的日常"
    assert page.replies == 54939
    assert page.next_page == "https://tieba.baidu.com/p/3922635509?pn=2"
    first = page.posts[0]
    assert (first.author, first.floor, first.published_at, first.text) == (
        "刀剑大法好", 1, at(2015, 7, 26, 19, 44), "先镇楼免得又删帖")
    assert page.posts[-1].floor == 33
    assert len({p.url for p in page.posts}) == len(page.posts) == 30
    assert all("来自" not in p.text and "回复(" not in p.text for p in page.posts)


def test_thread_page_two_strips_reply_prefix(real_fixtures):
    page = parse(real_fixtures, "tieba_thread_2017_yuanzhikong_p2.html")
    assert page.title == "我与妹妹的日常"  # rendered as "回复：我与妹妹的日常" on page 2
    assert page.posts[0].floor == 34 and page.posts[0].text == "要不要再来一更啊"
    last = page.posts[-1]
    # display nickname, not the data-field user_name (萌哒哒的无牙仔)
    assert (last.author, last.floor, last.published_at) == ("酒吞童子", 65, at(2015, 7, 26, 22, 0))
    assert page.next_page == "https://tieba.baidu.com/p/3922635509?pn=3"


def test_single_floor_thread(real_fixtures):
    page = parse(real_fixtures, "tieba_thread_2018_single_floor.html")
    assert page.title == "svn: E230001: Server SSL certificate verification failed"
    assert len(page.posts) == 1 and page.next_page is None and page.replies == 0
    post = page.posts[0]
    assert (post.author, post.floor, post.published_at) == ("世态炎凉一依然", 1, at(2018, 8, 28, 16, 55))
    assert "svn服务器的SSL证书验证失败" in post.text


def test_2024_folded_overlay_not_in_text(real_fixtures):
    page = parse(real_fixtures, "tieba_thread_2024_rendered.html")
    assert page.title == "什么样的人才算是佛系？在线等，挺急的"
    assert [p.floor for p in page.posts] == [1, 2, 3, 6, 8, 9]  # deleted floors leave gaps
    assert all("该楼层疑似违规" not in p.text and "查看此楼" not in p.text for p in page.posts)
    assert page.posts[0].text == "#佛系#" and page.posts[0].author == "绫清逸"
    assert page.posts[-1].text == "草薙龙瞬《佛系：如何成为一个快乐的人》讲得很好"
    assert page.posts[-1].published_at == at(2024, 2, 25, 2, 3)


def _floor(pid: int, no: int, content: str) -> str:
    field = json.dumps({"author": {"user_name": f"u{pid}"}, "content": {"post_id": pid, "post_no": no, "thread_id": 77}})
    return (f"<div class='l_post' data-field='{field}'><div class='d_author'><a class='p_author_name'>网友{no}</a></div>"
            f"<div class='d_post_content j_d_post_content'>{content}</div>"
            f"<div class='post-tail-wrap'><span class='tail-info'>{no}楼</span><span class='tail-info'>2024-05-13 10:0{no}</span></div></div>")


def test_picture_only_title_and_video_only_floor_are_kept():
    body = ("<html><head><title>【图片】_青溪吧_百度贴吧</title></head><body><h3 class='core_title_txt' title=''></h3>"
            + _floor(1, 1, "<img class='BDE_Image' src='a.jpg'>")
            + _floor(2, 2, "<div class='video_src_wrapper' data-video='v.mp4'><embed src='v.swf'></div>")
            + _floor(3, 3, "就在桥头那边") + "</body></html>")
    page = parse_page(body.encode(), "tieba", "https://tieba.baidu.com/p/77", now=at(2024, 6, 1, 0, 0))
    assert [(p.floor, p.text) for p in page.posts] == [(1, "[图片]"), (2, "[视频]"), (3, "就在桥头那边")]
    assert page.title == "[图片]"


def test_list_pager_inside_a_commented_out_pagelet_and_picture_titles():
    rows = "".join(
        f"<li class='j_thread_list' data-field='{{\"id\": {i}, \"author_name\": \"a{i}\", \"reply_num\": 2}}'>"
        f"<a class='j_th_tit' href='/p/{i}' title='{'' if i == 2 else f'帖子{i}'}'>{'' if i == 2 else f'帖子{i}'}</a>"
        f"{'<div class=threadlist_abs></div><img src=x.jpg>' if i == 2 else ''}</li>" for i in range(1, 4))
    body = (f"<html><head><title>青溪吧-百度贴吧</title></head><body><ul id='thread_list'>{rows}</ul>"
            "<div id='frs_list_pager_wrap'><!-- <div id='frs_list_pager' class='pagination-default'>"
            "<a href='//tieba.baidu.com/f?kw=%E9%9D%92%E6%BA%AA&amp;pn=50' class='next pagination-item'>下一页&gt;</a>"
            "</div> --></div></body></html>")
    page = parse_page(body.encode(), "tieba", "https://tieba.baidu.com/f?kw=%E9%9D%92%E6%BA%AA", now=at(2024, 6, 1, 0, 0))
    assert [i.title for i in page.items] == ["帖子1", "[图片]", "帖子3"]
    assert page.next_page == "https://tieba.baidu.com/f?kw=%E9%9D%92%E6%BA%AA&pn=50"
