"""Failure classes found by the fifth blind held-out batch (tests/fixtures/heldout, "batch": "blind5"),
checked on the real pages that showed them and on small pages in their style. Expected values were
read from the pages."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from parsel import Selector

from crawlers.parsers import parse_page
from crawlers.parsers.dom import text_of
from crawlers.timeparse import SHANGHAI, parse_cn_time

HELDOUT = Path(__file__).parent / "fixtures" / "heldout"
NOW = datetime(2026, 12, 1, tzinfo=SHANGHAI)
STORY = "".join(f"<p>第{n}段：市政府今天召开新闻发布会，通报了全市防汛工作的最新进展和下一步安排。</p>" for n in range(4))


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def parse(name: str, kind: str = "news", url: str | None = None):
    return parse_page((HELDOUT / "pages" / name).read_bytes(), kind, url, now=NOW)


def parse_html(html: str):
    return parse_page(html.encode("utf-8"), "news", "https://example.gov.cn/a/1.html", now=NOW)


# ---------------------------------------------------------------- headline

def test_headline_whose_dashes_the_title_prints_differently():
    # h1 "…动能增强——前4个月…", <title> "…动能增强-前4个月…-今日头条": the h1 is the headline.
    page = parse("news_b5_mh_toutiao_trade.html", url="https://www.toutiao.com/article/7367007067191640576/")
    assert page.title == "新华全媒+丨积极因素不断增多 “质升量稳”动能增强——前4个月我国外贸向好态势进一步巩固"


def test_heading_inside_a_title_classed_wrapper_with_the_byline():
    # <title> is only "-铜雀历史网"; <div class="lct_tit"><h1>…</h1><p>时间：… 编辑：</p></div>.
    page = parse("news_b5_mh_tqxz.html", url="https://www.tqxz.com/zgls/9291.html")
    assert page.title == "疫情一刀切政策怎么投诉举报"
    assert page.posts[0].published_at == at(2022, 11, 24, 5, 30, 58)


def test_heading_inside_a_title_wrapper_small_page():
    page = parse_html(f"""<html><head><title>-某某县人民政府</title></head><body>
      <div class="art_title"><h2>关于做好汛期安全工作的通知</h2><p>发布时间：2024-06-03 09:15 来源：县应急局</p></div>
      <div class="art_body">{STORY}</div></body></html>""")
    assert page.title == "关于做好汛期安全工作的通知"
    assert page.posts[0].published_at == at(2024, 6, 3, 9, 15)
    assert page.posts[0].outlet == "县应急局"


# ---------------------------------------------------------------- body

def test_story_container_named_like_a_share_bar_is_the_story():
    # The story sits in <div id="artical_real" class="js_img_share_area">; "share" made the whole
    # story a share bar, so the byline line won and trafilatura put the headline into the text.
    page = parse("news_b5_gne_ifeng_ningbo.html")
    post = page.posts[0]
    assert post.text.startswith("2020年，因为疫情影响，各地政府的首要任务就是助力当地经济恢复")
    assert "疫情防控常态化下，长春市的新经济之路" not in post.text
    assert post.outlet == "商讯"
    assert post.published_at == at(2020, 9, 11, 18, 5)


def test_share_named_story_container_small_page_while_a_real_share_bar_stays_out():
    page = parse_html(f"""<html><head><title>防汛工作最新进展_某某县人民政府</title></head><body>
      <h1>防汛工作最新进展</h1><p>2024-06-03 09:15 来源：县政府办</p>
      <div class="img_share_area">{STORY}</div>
      <div class="share_bar"><a href="#">微信</a> 分享到朋友圈，让更多人看到。</div></body></html>""")
    text = page.posts[0].text
    assert text.startswith("第0段：市政府今天召开新闻发布会")
    assert "第3段" in text and "分享到朋友圈" not in text


# ---------------------------------------------------------------- byline

def test_original_publisher_label_names_the_outlet():
    # "原创：39健康网2024-04-23 12:27:25" under the headline.
    page = parse("news_b5_mh_39health.html", url="https://news.39.net/shx/240423/e7opdxr.html")
    assert page.posts[0].outlet == "39健康网"
    assert page.posts[0].author is None


def test_original_label_naming_a_person_is_the_author():
    page = parse_html(f"""<html><head><title>防汛工作最新进展</title></head><body>
      <h1>防汛工作最新进展</h1><p>原创：王小明 2024-06-03 09:15</p><div>{STORY}</div></body></html>""")
    assert page.posts[0].author == "王小明"
    assert page.posts[0].outlet is None


# ---------------------------------------------------------------- times

def test_weekday_and_twelve_hour_clock_between_date_and_time():
    assert parse_cn_time("2024年5月22日週三 上午8:21", NOW) == at(2024, 5, 22, 8, 21)
    assert parse_cn_time("2024年5月20日週一 下午2:05", NOW) == at(2024, 5, 20, 14, 5)
    assert parse_cn_time("2024-05-20（周一）中午12:30", NOW) == at(2024, 5, 20, 12, 30)
    assert parse_cn_time("2024年5月20日 凌晨12:10", NOW) == at(2024, 5, 20, 0, 10)
    assert parse_cn_time("2024年5月20日 星期一 21:05", NOW) == at(2024, 5, 20, 21, 5)


def test_hong_kong_portal_time_keeps_its_clock():
    # "2024年5月22日週三 上午8:21" under the byline; only the date was kept.
    page = parse("news_b5_mh_yahoohk_finance.html")
    assert page.posts[0].published_at == at(2024, 5, 22, 8, 21)


def test_two_digit_year_with_the_clock_glued_to_the_day():
    assert parse_cn_time("18-03-0823:16", NOW) == at(2018, 3, 8, 23, 16)
    assert parse_cn_time("18-03-08", NOW) == at(2018, 3, 8)
    assert parse_cn_time("12-05 10:12", NOW) == at(2025, 12, 5, 10, 12)
    # "体育教科书发布时间：18-03-0823:16" (百家号).
    page = parse("news_b5_gne_baijiahao_3.html")
    assert page.posts[0].published_at == at(2018, 3, 8, 23, 16)


# ---------------------------------------------------------------- text

def test_source_line_break_inside_a_text_run_is_a_space_not_a_line():
    # Readhub's summary: "三大运营商关于 5G\n                                手机的促销手段…".
    page = parse("news_b5_gne_readhub.html")
    assert "三大运营商关于 5G 手机的促销手段原本有三大类" in page.posts[0].text


def test_source_line_breaks_small_markup():
    html = Selector(text="""<div><p>三大运营商关于 5G
          手机的促销手段。市政府今天召开
          新闻发布会。</p><pre>第一行
第二行</pre><div><span>1/10
        </span>
        当全世界的游客都来了。</div></div>""")
    lines = text_of(html.css("div")[0]).split("\n")
    assert lines[0] == "三大运营商关于 5G 手机的促销手段。市政府今天召开新闻发布会。"
    assert lines[1:3] == ["第一行", "第二行"]  # preformatted text keeps its lines
    assert lines[3:] == ["1/10", "当全世界的游客都来了。"]  # a break beside a tag still separates


# ---------------------------------------------------------------- front pages

def test_front_page_with_sentence_teasers_is_a_list():
    # 中国艺术品网's home: 130 headline links and short teasers ("前言在战国时期，玉更被视作…… [详细]")
    # whose sentences made it an article with no items.
    page = parse("news_b5_list_mh_cnarts.html", url="http://www.cnarts.net/")
    titles = {i.title for i in page.items}
    assert page.page_type == "list" and len(page.items) >= 100
    assert {"曾成钢当选上海市美协主席", "香港苏富比2024年古代书画春季拍卖"} <= titles


def _links(n: int) -> str:
    return "".join(f'<li><a href="/news/{i}.html">第{i}条本地新闻标题示例文字</a></li>' for i in range(n))


def test_front_page_of_teasers_small_page_and_a_short_story_among_many_links():
    # Six column boxes of 20 headlines, each with one teaser sentence.
    boxes = "".join(f'<div class="box"><h2>栏目{i}</h2><ul>{_links(20).replace("/news/", f"/c{i}/")}</ul>'
                    f'<div class="teaser"><p>第{i}则导读：今年汛期，全县各部门加强值守，确保群众安全。</p></div></div>'
                    for i in range(6))
    portal = parse_html(f"<html><head><title>某某网</title></head><body>{boxes}</body></html>")
    assert portal.page_type == "list" and len(portal.items) == 120
    # A short story is one block holding the page's prose: an article however many links surround it.
    story = parse_html(f"""<html><head><title>防汛值守_某某网</title></head><body><ul>{_links(120)}</ul>
      <h1>防汛值守</h1><div class="content">{STORY}</div></body></html>""")
    assert story.page_type == "article" and story.title == "防汛值守"


def test_short_story_in_the_headline_article_beats_a_stream_of_longer_teasers():
    # 雅虎香港: a one-paragraph story in <article>, beside it a stream of teasers longer than the story.
    page = parse("news_b5_mh_yahoohk_finance.html")
    assert page.posts[0].text.startswith("路透月度調查顯示，日本企業信心5月保持穩定")
    assert "九龍城寨" not in page.posts[0].text
    page = parse("news_b5_mh_yahoohk_news.html")
    assert page.posts[0].text.startswith("（法新社羅馬19日電） 德國網球好手茲韋列夫")


def test_story_in_the_headline_article_small_page():
    teaser = "第{}则：市民热议城市公园改造，很多人认为应当保留老树和步道，也有人希望增加儿童游乐设施和停车位。"
    stream = "".join(f'<li><div class="item"><a href="/s/{i}.html">公园改造第{i}期</a>'
                     f"<p>{teaser.format(i)}{teaser.format(i)}</p></div></li>" for i in range(5))
    page = parse_html(f"""<html><head><title>县城新增三处口袋公园_某某网</title></head><body>
      <article><header><h1>县城新增三处口袋公园</h1><p>2024-06-03 09:15 来源：县住建局</p></header>
      <div class="body"><p>县住建局今天介绍，县城新增三处口袋公园，本月底前全部开放，市民可以就近休闲健身。</p></div></article>
      <div class="stream"><ul>{stream}</ul></div></body></html>""")
    assert page.posts[0].text == "县住建局今天介绍，县城新增三处口袋公园，本月底前全部开放，市民可以就近休闲健身。"
    assert page.posts[0].outlet == "县住建局"


def test_unlabelled_outlet_before_the_time_on_the_byline_line():
    assert parse("news_b5_mh_yahoohk_finance.html").posts[0].outlet == "香港電台-財經"
    assert parse("news_b5_mh_yahoohk_news.html").posts[0].outlet == "法新社"
    page = parse_html(f"""<html><head><title>防汛值守_某某网</title></head><body><h1>防汛值守</h1>
      <p>新华社 2024-06-03 09:15</p><div>{STORY}</div></body></html>""")
    assert page.posts[0].outlet == "新华社"
    page = parse_html(f"""<html><head><title>防汛值守_某某网</title></head><body><h1>防汛值守</h1>
      <p>王小明 2024-06-03 09:15</p><div>{STORY}</div></body></html>""")
    assert page.posts[0].outlet is None  # a person's name there is no outlet
