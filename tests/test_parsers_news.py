"""News article and list parsers against the saved real pages."""
from __future__ import annotations

from datetime import datetime

import pytest

from crawlers.parsers import parse_page
from crawlers.timeparse import SHANGHAI

NOW = datetime(2020, 8, 2, 16, 0, tzinfo=SHANGHAI)


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def parse(real_fixtures, name, url=None):
    return parse_page((real_fixtures / "news" / name).read_bytes(), "news", url, now=NOW)


ARTICLES = [
    # file, headline, published_at, (author, outlet), snippet in body, junk not in body
    ("news_article_2009_people_gb2312.html", "安徽司法行政系训诫预警：“揪揪耳朵”防腐败", at(2009, 11, 9, 0, 0),
     ("钱伟", "人民网-《人民日报》"), "安徽省司法厅日前出台《领导干部廉洁自律预警告诫工作暂行办法》", "我要发表留言"),
    ("news_article_2009_qq_gb2312.html", "曹方新碟发布会创意无限 特制入场门票体现心意", at(2009, 11, 9, 11, 30),
     (None, "腾讯音乐"), "一向具有奇思妙想的内地唱作才女曹方", "与曹方关系最密切的9个人"),
    ("news_article_2009_sina_gb2312.html", "爱戴掀起红盖头 庆东南劲爆音乐颁奖七周年(图)", at(2009, 11, 9, 13, 48),
     (None, "新浪娱乐"), "灵歌小天后爱戴获最佳女歌手奖", "网友评论"),
    ("news_article_2019_163_dy_gbmeta_utf8bytes.html", "5月20日至31日，京沪高速无锡至江阴大桥至广陵枢纽段封闭！",
     at(2019, 5, 17), (None, "无锡交警"), "京沪高速施工就将进入第二阶段", "热门跟贴"),
    ("news_article_2019_people_gbmeta_utf8bytes.html", "女儿出嫁，郑板桥画了几笔兰花当嫁妆", at(2019, 6, 15, 8, 18),
     (None, "人民网-文化频道"), "父亲的教诲像一盏灯", "文艺星青年"),
    ("news_article_2019_sina.html", "最强“中国芯”本月商用 华为抢跑5G芯片大战", at(2019, 9, 7, 4, 4),
     (None, "北京日报"), "华为推出了多项指标世界领先的麒麟990 5G一体化芯片", "最热评论"),
    ("news_article_2019_thepaper.html", "共享充电宝涨价告别1元时代：是“收割韭菜”还是回归理性",
     at(2019, 9, 24, 9, 10), ("石佳", "中国青年报"), "吴翔宇自称是共享充电宝的长期用户", "相关推荐"),
    ("news_article_2019_xinhuanet.html", "法国全国大罢工再次严重影响交通", at(2019, 12, 10, 7, 57, 40),
     ("唐霁", "新华网"), "法国9日再次爆发全国跨行业大罢工", "【纠错】"),
    ("news_article_2019_zsnews_zhongshan_local.html", "顺德区大良街道党工委委员潘卓辉一行到众创金融街开展调研工作",
     at(2019, 3, 6), (None, "东区办事处"), "到众创金融街进行实地考察调研", "发布日期"),
    ("news_article_2020_chinanews.html", "【中国稳健前行】坚定实施扩大内需战略", at(2020, 7, 4, 12, 10, 24),
     ("陈海峰", "求是网"), "编者按：", "中新网"),
    ("news_article_2020_cjn_wuhan_local.html", "外媒眼中的武汉长假：蓬勃发展，欢声笑语", at(2020, 10, 4, 20, 30),
     ("陈智", "长江网"), "国庆中秋长假过半，但外媒关注武汉的热情不减", "论坛热帖"),
    ("news_article_2024_hebei_newscn_rendered.html", "新华视界｜河北遵化：数字农机服务助力农业生产",
     at(2024, 5, 15, 8, 58, 52), ("刘满仓", "新华网"), "无人驾驶农机在播种玉米", "责任编辑"),
]


@pytest.mark.parametrize("name,headline,published,author,snippet,junk", ARTICLES, ids=[a[0] for a in ARTICLES])
def test_articles(real_fixtures, name, headline, published, author, snippet, junk):
    page = parse(real_fixtures, name)
    assert page.page_type == "article" and not page.items
    assert page.title == headline
    post, = page.posts
    assert post.floor == 1
    assert post.published_at == published
    assert (post.author, post.outlet) == author
    assert snippet in post.text
    assert junk not in post.text
    assert "<" not in post.text and "  " not in post.text


def test_headline_is_not_the_browser_title(real_fixtures):
    page = parse(real_fixtures, "news_article_2019_xinhuanet.html")  # its only <h1> is empty
    assert page.title == "法国全国大罢工再次严重影响交通" and "新华网" not in page.title


def test_sidebar_blurbs_and_byline_are_not_body(real_fixtures):
    post = parse(real_fixtures, "news_article_2019_thepaper.html").posts[0]
    assert post.text.startswith("“以前花一两元就能充满电")  # the lead photo's caption is not text
    assert "字号" not in post.text and "评论（191）" not in post.text


def test_article_url_is_the_page_url(real_fixtures):
    url = "http://www.xinhuanet.com/world/2019-12/10/c_1125327450.htm"
    assert parse(real_fixtures, "news_article_2019_xinhuanet.html", url).posts[0].url == url
    sina = parse(real_fixtures, "news_article_2019_sina.html")  # no URL given: canonical/og link
    assert sina.posts[0].url == "https://news.sina.com.cn/c/2019-09-07/doc-iicezzrq4076655.shtml"


def test_multipage_article_next_page(real_fixtures):
    url = "http://www.he.news.cn/20240515/d59c39d4160a4fe4b3084c3e4abfb450/c.html"
    page = parse(real_fixtures, "news_article_2024_hebei_newscn_rendered.html", url)
    assert page.next_page == url + "?page=2"


def test_163_rolling_list(real_fixtures):
    page = parse(real_fixtures, "news_list_2020_163_rolling_gbmeta_utf8bytes.html")
    assert page.page_type == "list" and page.encoding == "utf-8"
    assert len(page.items) == 40
    first = page.items[0]
    assert first.title == "一图读懂 | 深圳盒马员工确诊，2地6人感染始末"  # not the "[社会]" category link
    assert first.url == "https://news.163.com/20/0816/22/FK6F0U6D0001899O.html"
    assert first.published_at == at(2020, 8, 16, 22, 26, 38)
    assert page.items[-1].url == "http://dy.163.com/article/FK616GNC0519EO06.html"
    assert page.next_page is None  # its pager is a JavaScript "#page=2" fragment


def test_qq_news_center_list(real_fixtures):
    page = parse(real_fixtures, "news_list_2020_qq_news_center.html")
    assert page.page_type == "list" and len(page.items) == 10
    first = page.items[0]
    assert first.title == "00后比90后少了4700万！这些大省出手了！专家：人口负增长拐点或在2027年前到来"
    assert (first.author, first.published_at) == ("21世纪经济报道", at(2020, 8, 2, 7, 0))  # "9小时前"
    special = next(i for i in page.items if "林丹" in i.title)
    assert special.title == "传奇落幕！林丹正式宣布退役 无缘第五次征战奥运"  # "专题" label dropped


def test_short_article_beats_longer_comment_thread():
    # Markup of the demo news site: the comment box and the related list are not the story.
    comments = "".join(f'<li><span class="user">网友{i}</span> <span class="ctime">2024-03-10 10:0{i}</span>'
                       f"<p>确实很臭，晚上不敢开窗，希望环保部门尽快查处这家工厂。</p></li>" for i in range(6))
    body = f"""<html><head><title>东湖区化工厂夜间偷排引居民投诉_青溪新闻网</title></head><body>
<div class="main-col"><h1>东湖区化工厂夜间偷排引居民投诉</h1>
<div class="info"><span class="source">来源：青溪日报 编辑：王五</span> <span class="time">2024-03-10 09:30</span></div>
<div class="article"><p>近日，东湖区多名居民反映，附近化工厂夜间排放污水。</p><p>记者走访发现，排污口位于厂区东侧。</p></div>
<div class="comment-box"><h3>网友评论</h3><ul class="comments">{comments}</ul></div></div>
<div class="side-col"><ul class="related"><li><a href="/n/1.html">临江县开展环保专项检查行动</a></li></ul></div>
</body></html>""".encode()
    page = parse_page(body, "news", "http://127.0.0.1:8000/news/123.html", now=NOW)
    post, = page.posts
    assert post.text == "近日，东湖区多名居民反映，附近化工厂夜间排放污水。\n记者走访发现，排污口位于厂区东侧。"
    assert (post.author, post.outlet, post.published_at) == (None, "青溪日报", at(2024, 3, 10, 9, 30))


def _related(n: int) -> str:
    return "".join(f'<li><a href="/n/{i}.html">相关新闻标题第{i}条关于本市交通</a><span class="time">2024-05-1{i % 10} 08:00</span></li>'
                   for i in range(n))


def test_article_with_a_dated_related_block_stays_an_article():
    # No headline element matches <title> here, and the related block has 12 dated rows.
    body = f"""<html><head><title>某市发布防汛预警 - 某某新闻网</title></head><body>
<div class="top"><span>作者：</span><span class="date">发稿时间：2024-05-13 06:03:00</span></div>
<div class="content"><p>5月12日晚，市气象台发布暴雨橙色预警，提醒市民减少外出。</p>
<p>市防汛办要求各区做好转移避险准备，低洼地带居民注意安全，相关部门已经开始巡查。</p></div>
<div class="list"><h3>相关阅读</h3><ul>{_related(12)}</ul></div></body></html>""".encode()
    page = parse_page(body, "news", "http://news.example.cn/a/1.html", now=NOW)
    assert page.page_type == "article"
    post, = page.posts
    assert post.text.startswith("5月12日晚，市气象台发布暴雨橙色预警") and "相关新闻标题" not in post.text
    # the time beside an empty 作者 label, with its clock (not only the date)
    assert post.published_at == at(2024, 5, 13, 6, 3) and post.author is None


def test_portal_front_page_is_a_list_not_an_empty_article():
    links = "".join(f'<li><a href="/2024/05/{i}.html">头条新闻第{i}条：本地民生实事进展顺利</a></li>' for i in range(20))
    body = f"""<html><head><title>某某网_首页</title></head><body><div class="nav"><a href="/">首页</a>
<a href="/gn/">国内</a></div><div class="focus"><ul>{links}</ul></div><div class="foot">版权所有</div></body></html>"""
    page = parse_page(body.encode(), "news", "http://www.example.cn/", now=NOW)
    assert page.page_type == "list" and not page.posts
    assert len(page.items) == 20 and page.items[0].url == "http://www.example.cn/2024/05/0.html"
    assert page.items[0].title == "头条新闻第0条：本地民生实事进展顺利"


def test_player_chrome_and_login_prompt_are_not_text():
    body = """<html><head><title>某路段塌陷 - 某某网</title></head><body><h1>某路段塌陷</h1>
<div class="info">2024-05-13 14:20 来源：某某日报</div>
<div class="article"><div class="vjs">Play Video</div><div>0:00/2:54</div><p>如果无法播放，请点击此处</p>
<p>13日上午，城区一路段发生塌陷，一辆货车陷入坑中，所幸无人受伤。</p>
<p>请登录后查看更多评论</p><p>目前，相关部门已对塌陷路段实施交通管制，并组织抢修。</p></div></body></html>"""
    post = parse_page(body.encode(), "news", None, now=NOW).posts[0]
    assert post.text == "13日上午，城区一路段发生塌陷，一辆货车陷入坑中，所幸无人受伤。\n目前，相关部门已对塌陷路段实施交通管制，并组织抢修。"
    assert (post.author, post.outlet) == (None, "某某日报")


@pytest.mark.parametrize("byline,expected", [
    ("作者：省发改委", (None, "省发改委")),
    ("来源：人民日报 作者：张三", ("张三", "人民日报")),
    ("作者： 来源：新华社", (None, "新华社")),
    ("记者：李四/大河报", ("李四", "大河报")),
])
def test_author_and_outlet_are_kept_apart(byline, expected):
    body = f"""<html><head><title>标题一则新闻稿件 - 某网</title></head><body><h1>标题一则新闻稿件</h1>
<div class="info">{byline} 2024-05-13 09:00</div><div class="article"><p>正文第一段，讲述了一件发生在本地的事情，内容较长。</p>
<p>正文第二段，继续讲述相关部门的处理情况和后续安排。</p></div></body></html>"""
    post = parse_page(body.encode(), "news", None, now=NOW).posts[0]
    assert (post.author, post.outlet) == expected
    assert post.published_at == at(2024, 5, 13, 9, 0)


def test_hidden_seo_dump_is_never_the_body():
    spam = "关键词堆砌，" * 400
    body = f"""<html><head><title>某地开展防溺水宣传 - 某某网</title></head><body>
<div style="display: none">{spam}</div><h2 class="post-title">某地开展防溺水宣传</h2>
<div class="post-body"><p style="display:none">原标题：某地开展防溺水宣传活动</p>
<p>近日，某地教育部门走进校园开展防溺水安全宣传，提醒学生暑期注意安全。</p>
<p>活动现场，工作人员向学生发放宣传资料，讲解溺水自救知识。</p></div></body></html>"""
    post = parse_page(body.encode(), "news", None, now=NOW).posts[0]
    assert post.text.startswith("近日，某地教育部门走进校园") and "关键词堆砌" not in post.text and "原标题" not in post.text


def test_column_titled_page_finds_byline_before_and_time_below_the_story():
    nav = "".join(f"<li><a href='/c/{i}'>栏目{i}</a></li>" for i in range(400))  # > 2,000 characters of navigation
    story = ("<p>5月10-12日，某学术年会在某大学举行，会议由专业委员会主办，多所高校承办。</p>"
             "<p>来自全国的专家学者参加了会议，围绕学科前沿问题进行了交流。</p>")
    before = f"""<html><head><title>新闻动态--某学会官网</title></head><body><ul>{nav}</ul>
<div class="info">发布时间：2019-05-18 来源：某学会</div><div class="text">{story}</div></body></html>"""
    post = parse_page(before.encode(), "news", None, now=NOW).posts[0]
    assert (post.published_at, post.outlet) == (at(2019, 5, 18), "某学会")
    below = f"""<html><head><title>某国家的故事</title></head><body><h1>某国家的故事</h1><div class="text">{story}</div>
<div class="foot">2019-09-08 11:42:03 举报</div><ul class="rel">{nav}</ul></body></html>"""
    assert parse_page(below.encode(), "news", None, now=NOW).posts[0].published_at == at(2019, 9, 8, 11, 42, 3)


@pytest.mark.parametrize("title,headline", [
    ("中华人民共和国监察法-纪检", "中华人民共和国监察法"),
    ("1-10月德清县固定资产投资结构趋稳趋优", "1-10月德清县固定资产投资结构趋稳趋优"),
])
def test_bare_hyphen_column_suffix(title, headline):
    body = f"""<html><head><title>{title}</title></head><body><div class="c"><p>第一条，为了推进全面依法治国，制定本法。</p>
<p>第二条，坚持中国共产党对国家监察工作的领导，构建集中统一的监察体制。</p></div></body></html>"""
    assert parse_page(body.encode(), "news", None, now=NOW).title == headline


def test_a_headline_ending_in_shijian_is_not_a_time_label():
    body = """<html><head><title>某地辟谣称消息不实 - 某网</title></head><body><h1>某地辟谣称消息不实</h1>
<div class="info">2018年12月28日 19:55 某报</div>
<div class="side"><a href="/x">员工：只有30分钟午餐时间</a> 2019年09月06日 09:38</div>
<div class="article"><p>今日有网友爆料称某地数据外泄，相关部门随即回应称消息不实。</p>
<p>记者从有关方面了解到，该消息系有人故意编造，警方已介入调查。</p></div></body></html>"""
    assert parse_page(body.encode(), "news", None, now=NOW).posts[0].published_at == at(2018, 12, 28, 19, 55)
