"""The demo sites over real HTTP on 127.0.0.1 (urllib, lxml to read the pages)."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from demo.server import DemoServer, main
from demo.timeline import INCIDENT_BBS_AT, INCIDENT_NEWS_AT, INCIDENT_TIEBA_AT

ROOT = Path(__file__).resolve().parents[1]
START = datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TIEBA_LIST = "/tieba/f?kw=%E9%9D%92%E6%BA%AA&ie=utf-8&pn=0"
FACTORY = "鑫源化工厂"


@pytest.fixture
def server():
    with DemoServer(port=0, clock="manual", start=START) as s:
        yield s


def fetch(server, path: str, method: str = "GET") -> tuple[int, dict, bytes]:
    req = urllib.request.Request(server.base_url + path, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def page(server, path: str):
    status, headers, body = fetch(server, path)
    assert status == 200, (path, status, body[:200])
    charset = headers["Content-Type"].split("charset=")[1]
    return lxml.html.fromstring(body.decode("gb18030" if charset == "gbk" else charset))


def demo_json(server, path: str):
    status, _, body = fetch(server, path)
    assert status == 200
    return json.loads(body)


# --- encodings and markup ---

def test_bbs_is_served_in_gbk(server):
    status, headers, body = fetch(server, "/bbs/forum-2-1.html")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=gbk"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")  # genuine GBK bytes, not UTF-8 with a GBK label
    text = body.decode("gb18030")
    assert '<meta http-equiv="Content-Type" content="text/html; charset=gbk" />' in text
    assert "青溪论坛" in text and "城市杂谈" in text
    assert set(re.findall(r"&#(\d+);", text)) <= {"160"}  # only &nbsp; needed a reference: all else is GBK
    titles = [a.text for a in lxml.html.fromstring(text).cssselect("table#threadlisttableid th a.s.xst")]
    assert len(titles) == 21  # one sticky + 20 per page
    assert all(t and "\ufffd" not in t for t in titles)


def test_bbs_list_row_markup(server):
    doc = page(server, "/bbs/forum-2-1.html")
    rows = doc.cssselect("tbody[id^=normalthread_]")
    assert len(rows) == 20
    row = rows[0]
    tid = row.get("id").split("_")[1]
    assert row.cssselect("th a.s.xst")[0].get("href") == f"/bbs/thread-{tid}-1-1.html"
    assert row.cssselect("td.by cite a")[0].text
    replies = row.cssselect("td.num a.xi2")[0].text
    views = row.cssselect("td.num em")[0].text
    assert replies.isdigit() and views.isdigit() and int(views) > int(replies)
    assert doc.cssselect("tbody#separatorline") and doc.cssselect("tbody[id^=stickthread_]")


def test_bbs_thread_posts_floors_and_times(server):
    server.advance(60 * 3 * 3600)  # three wall-clock hours at speed 60: times show as "N 小时前"
    timeline = demo_json(server, "/__demo/timeline")
    incident = [p for p in timeline if p["incident"] and p["site"] == "bbs"]
    first_page = incident[0]["thread_url"].replace(server.base_url, "")
    doc = page(server, first_page)
    assert doc.cssselect("span#thread_subject")[0].text == incident[0]["title"]
    posts = doc.cssselect("div[id^=post_]")
    posts = [p for p in posts if p.get("id").split("_")[1].isdigit()]
    assert len(posts) == 10
    labels = [p.cssselect("a[id^=postnum]")[0].text_content().strip() for p in posts]
    assert labels[:5] == ["楼主", "沙发", "板凳", "地板", "5#"]
    pid = posts[0].get("id").split("_")[1]
    assert posts[0].cssselect("div.authi a.xw1")[0].text == incident[0]["author"]
    em = posts[0].cssselect(f"em#authorposton{pid}")[0]
    assert em.text.startswith("发表于")
    span = em.cssselect("span[title]")[0]
    assert span.text.endswith("小时前")
    published = datetime.fromisoformat(incident[0]["published_at"])
    assert span.get("title") == f"{published.year}-{published.month}-{published.day} {published:%H:%M:%S}"
    body = posts[0].cssselect(f"td#postmessage_{pid}")[0].text_content()
    assert incident[0]["text"].split("\n")[0] in body
    nxt = doc.cssselect("div.pg a.nxt")[0].get("href")
    assert nxt.endswith("-2-1.html")
    second = page(server, nxt)
    assert second.cssselect("div[id^=post_] a[id^=postnum] em")[0].text == "11"


def test_tieba_list_and_thread_markup(server):
    server.advance(INCIDENT_TIEBA_AT + 1800)
    doc = page(server, TIEBA_LIST)
    items = doc.cssselect("ul#thread_list li.j_thread_list")
    assert len(items) == 50
    assert doc.cssselect("ul#thread_top_list li.j_thread_list.thread_top")
    field = json.loads(items[0].get("data-field"))
    a = items[0].cssselect("a.j_th_tit")[0]
    assert a.get("href") == f"/tieba/p/{field['id']}"
    assert int(items[0].cssselect("span.threadlist_rep_num")[0].text) == field["reply_num"]
    assert items[0].cssselect("span.is_show_create_time")[0].text.count(":") == 1  # today: HH:MM
    assert field["author_name"] == items[0].cssselect("a.frs-author-name")[0].text
    assert doc.cssselect("a.next.pagination-item")[0].get("href").endswith("pn=50")

    in_tieba = [p for p in demo_json(server, "/__demo/timeline") if p["incident"] and p["site"] == "tieba"]
    incident = in_tieba[0]
    tdoc = page(server, incident["thread_url"].replace(server.base_url, ""))
    assert tdoc.cssselect("h3.core_title_txt")[0].text == incident["title"]
    floors = tdoc.cssselect("div.l_post")
    data = json.loads(floors[0].get("data-field"))
    assert data["author"]["user_name"] == incident["author"]
    assert data["content"]["post_no"] == 1
    pid = data["content"]["post_id"]
    assert incident["text"].split("\n")[0] in tdoc.cssselect(f"div#post_content_{pid}")[0].text_content()
    tails = [s.text_content() for s in floors[0].cssselect("span.tail-info")]
    assert "1楼" in tails and datetime.fromisoformat(incident["published_at"]).strftime("%Y-%m-%d %H:%M") in tails
    assert int(tdoc.cssselect("li.l_reply_num span.red")[0].text) == len(in_tieba) - 1
    assert len(floors) == min(len(in_tieba), 30)


def test_tieba_thread_page_two_is_a_reply_page(server):
    server.advance(7200)
    incident = next(p for p in demo_json(server, "/__demo/timeline") if p["incident"])
    path = incident["thread_url"].replace(server.base_url, "")
    doc = page(server, path)
    assert [a.get("href") for a in doc.cssselect("li.l_pager a") if a.text == "下一页"][0] == f"{path}?pn=2"
    doc2 = page(server, f"{path}?pn=2")
    assert doc2.cssselect("h3.core_title_txt")[0].text == "回复：" + incident["title"]
    first = json.loads(doc2.cssselect("div.l_post")[0].get("data-field"))
    assert first["content"]["post_no"] == 31


def test_news_article_list_and_rss(server):
    server.advance(INCIDENT_NEWS_AT + 60)
    doc = page(server, "/news/list_1.html")
    items = doc.cssselect("ul.news-list li")
    assert len(items) == 20
    assert items[0].cssselect("a")[0].text == "临江县回应群众反映化工厂排污问题"
    href = items[0].cssselect("a")[0].get("href")
    assert items[0].cssselect("span.time")[0].text == datetime.fromtimestamp(
        START.timestamp() + INCIDENT_NEWS_AT / 60, START.tzinfo).strftime("%Y-%m-%d %H:%M")
    assert doc.cssselect("div.pages a.next")[0].get("href") == "/news/list_2.html"

    art = page(server, href)
    assert art.cssselect("h1")[0].text == "临江县回应群众反映化工厂排污问题"
    assert art.cssselect("div.info span.source")[0].text.startswith("来源：青溪日报 编辑：")
    paragraphs = [p.text for p in art.cssselect("div.article p")]
    assert len(paragraphs) == 3 and "偷排废水" in paragraphs[0]
    related = [a.get("href") for a in art.cssselect("ul.related a")]
    assert len(related) == 5 and href not in related
    assert "网友评论" not in art.cssselect("div.article")[0].text_content()

    status, headers, body = fetch(server, "/news/rss.xml")
    assert headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    channel = ET.fromstring(body).find("channel")
    entries = channel.findall("item")
    assert len(entries) == 30
    top = entries[0]
    assert top.findtext("title") == "临江县回应群众反映化工厂排污问题"
    assert top.findtext("link") == server.base_url + href
    assert "临江县" in top.findtext("description")
    pub = parsedate_to_datetime(top.findtext("pubDate"))
    assert top.findtext("pubDate").endswith("+0800") and pub.utcoffset().total_seconds() == 8 * 3600
    dates = [parsedate_to_datetime(e.findtext("pubDate")) for e in entries]
    assert dates == sorted(dates, reverse=True)


# --- time: lists change, replies grow, the incident spreads ---

def _tieba_rows(server) -> list[dict]:
    return [json.loads(li.get("data-field")) for li in page(server, TIEBA_LIST).cssselect("ul#thread_list li")]


def test_lists_change_and_reply_counts_grow_after_advance(server):
    before = _tieba_rows(server)
    assert FACTORY not in fetch(server, TIEBA_LIST)[2].decode("utf-8")
    server.advance(INCIDENT_TIEBA_AT)
    after = _tieba_rows(server)
    assert after != before
    assert FACTORY in page(server, TIEBA_LIST).cssselect("ul#thread_list a.j_th_tit")[0].text
    tid = after[0]["id"]
    counts = []
    for step in (300, 900, 3000):
        server.advance(step)
        row = next(r for r in _tieba_rows(server) if r["id"] == tid)
        counts.append(row["reply_num"])
    assert counts == sorted(counts) and counts[-1] > counts[0] > 0
    bbs_counts = []
    for step in (0, 3000):
        server.advance(step)
        doc = page(server, "/bbs/forum-2-1.html")
        row = next(r for r in doc.cssselect("tbody[id^=normalthread_]") if FACTORY in r.text_content())
        bbs_counts.append(int(row.cssselect("td.num a.xi2")[0].text))
    assert bbs_counts[1] > bbs_counts[0]


def test_incident_spreads_tieba_then_forum_then_news(server):
    def seen() -> dict[str, bool]:
        return {
            "tieba": FACTORY in fetch(server, TIEBA_LIST)[2].decode("utf-8"),
            "bbs": FACTORY in fetch(server, "/bbs/forum-2-1.html")[2].decode("gb18030"),
            "news": "临江县回应" in fetch(server, "/news/list_1.html")[2].decode("utf-8"),
            "rss": "临江县回应" in fetch(server, "/news/rss.xml")[2].decode("utf-8"),
        }

    assert seen() == {"tieba": False, "bbs": False, "news": False, "rss": False}
    server.advance(INCIDENT_TIEBA_AT)
    assert seen() == {"tieba": True, "bbs": False, "news": False, "rss": False}
    server.advance(INCIDENT_BBS_AT - INCIDENT_TIEBA_AT)
    assert seen() == {"tieba": True, "bbs": True, "news": False, "rss": False}
    server.advance(INCIDENT_NEWS_AT - INCIDENT_BBS_AT)
    assert seen() == {"tieba": True, "bbs": True, "news": True, "rss": True}
    incident = [p for p in demo_json(server, "/__demo/timeline") if p["incident"]]
    firsts = [next(p for p in incident if p["site"] == s)["published_at"] for s in ("tieba", "bbs", "news")]
    assert firsts == sorted(firsts)


def test_timeline_and_state_endpoints(server):
    state = demo_json(server, "/__demo/state")
    assert state["demo_seconds"] == 0 and state["speed"] == 60 and state["clock"] == "manual"
    assert state["now"] == START.isoformat()
    at_start = demo_json(server, "/__demo/timeline")
    assert len(at_start) == state["visible_posts"] > 300
    assert all(datetime.fromisoformat(p["published_at"]) <= START for p in at_start)
    status, _, body = fetch(server, "/__demo/advance?seconds=600", method="POST")
    assert status == 200 and json.loads(body)["demo_seconds"] == 600
    later = demo_json(server, "/__demo/timeline")
    assert len(later) > len(at_start)
    assert set(later[0]) >= {"site", "url", "thread_url", "floor", "title", "published_at", "incident"}
    new = later[len(at_start):]
    assert all(START < datetime.fromisoformat(p["published_at"]) <= datetime.fromisoformat(
        demo_json(server, "/__demo/state")["now"]) for p in new)
    sample = next(p for p in new if p["site"] == "bbs")  # post URLs resolve to the page holding the floor
    doc = page(server, sample["url"].replace(server.base_url, "").split("#")[0])
    assert doc.cssselect(f"div#{sample['url'].split('#')[1].replace('pid', 'post_')}")


def test_same_seed_same_pages_other_seed_other_pages():
    paths = ["/bbs/forum-2-1.html", TIEBA_LIST, "/news/list_1.html", "/news/rss.xml"]

    def bodies(seed: int) -> list[bytes]:
        with DemoServer(port=0, clock="manual", start=START, seed=seed) as s:
            s.advance(2400)
            return [fetch(s, p)[2].replace(s.base_url.encode(), b"BASE") for p in paths]

    a, b, c = bodies(7), bodies(7), bodies(8)
    assert a == b
    assert all(x != y for x, y in zip(a, c))


# --- alternative URL forms, robots, errors ---

def test_dynamic_discuz_urls_and_tieba_kw_forms(server):
    assert fetch(server, "/bbs/forum.php?mod=forumdisplay&fid=2&page=2")[2] == fetch(server, "/bbs/forum-2-2.html")[2]
    tid = page(server, "/bbs/forum-2-1.html").cssselect("tbody[id^=normalthread_]")[0].get("id").split("_")[1]
    assert fetch(server, f"/bbs/forum.php?mod=viewthread&tid={tid}&page=1")[2] == \
        fetch(server, f"/bbs/thread-{tid}-1-1.html")[2]
    status, headers, _ = fetch(server, f"/bbs/forum.php?mod=redirect&tid={tid}&goto=lastpost")
    assert status == 200  # urllib followed the 302 to the thread page
    utf8 = fetch(server, TIEBA_LIST)[2]
    assert fetch(server, "/tieba/f?kw=%C7%E0%CF%AA&ie=gbk&pn=0")[2] == utf8  # GBK-encoded kw
    assert fetch(server, "/tieba/f?kw=%E9%9D%92%E6%BA%AA%E5%90%A7")[2] == utf8  # "青溪吧"
    assert fetch(server, "/tieba/f?kw=%E5%88%AB%E7%9A%84")[0] == 404  # another bar


def test_robots_index_and_errors(server):
    status, headers, body = fetch(server, "/robots.txt")
    assert status == 200 and body.decode() == "User-agent: *\nDisallow: /bbs/admin/\n"
    index = page(server, "/")
    assert {a.get("href") for a in index.cssselect("a")} >= {"/bbs/forum-2-1.html", "/news/list_1.html"}
    assert fetch(server, "/no/such/page")[0] == 404
    assert fetch(server, "/bbs/admin/index.php")[0] == 403
    assert fetch(server, "/bbs/forum-2-99.html")[0] == 404
    assert fetch(server, "/bbs/thread-1-1-1.html")[0] == 404
    status, headers, body = fetch(server, "/nope")
    assert "页面不存在" in body.decode("utf-8")


@pytest.mark.parametrize("path, expected", [
    ("/bbs/forum.php?mod=viewthread&tid=abc", 400),
    ("/bbs/forum.php?mod=viewthread&tid=-1", 400),
    ("/bbs/forum.php?mod=viewthread&tid=99999999999999999999999", 404),
    ("/bbs/forum.php?mod=forumdisplay&fid=2&page=0", 400),
    ("/bbs/forum.php?mod=forumdisplay&fid=2&page=%00", 400),
    ("/bbs/forum.php?mod=nonsense", 404),
    ("/bbs/forum-2-0.html", 400),
    ("/tieba/f?kw=%E9%9D%92%E6%BA%AA&pn=abc", 400),
    ("/tieba/f?kw=%E9%9D%92%E6%BA%AA&pn=9999", 404),
    ("/tieba/f?kw=%FF%FE%FD", 400),
    ("/tieba/f", 404),
    ("/tieba/p/123?pn=x", 400),
    ("/tieba/p/123", 404),
    ("/news/list_0.html", 400),
    ("/news/20990101/1.html", 404),
    ("/news/%FF.html", 400),
    ("/__demo/nothing", 404),
    ("/bbs/forum.php?mod=redirect&goto=findpost&ptid=zz&pid=1", 400),
    ("/bbs/forum.php?mod=redirect&goto=findpost&ptid=1&pid=1", 404),
])
def test_malformed_requests_get_4xx_and_server_survives(server, path, expected):
    assert fetch(server, path)[0] == expected
    assert fetch(server, "/robots.txt")[0] == 200


def test_methods_head_and_control_rules(server):
    status, headers, body = fetch(server, "/bbs/forum-2-1.html", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000
    assert fetch(server, "/bbs/forum-2-1.html", method="DELETE")[0] == 405
    assert fetch(server, "/__demo/advance?seconds=abc", method="POST")[0] == 400
    assert fetch(server, "/__demo/advance?seconds=-5", method="POST")[0] == 400
    assert fetch(server, "/__demo/advance?seconds=inf", method="POST")[0] == 400
    with DemoServer(port=0, speed=60) as running:
        assert fetch(running, "/__demo/advance?seconds=5", method="POST")[0] == 409
        assert demo_json(running, "/__demo/state")["clock"] == "running"


def test_running_clock_reveals_posts_over_real_time():
    with DemoServer(port=0, speed=3000) as s:  # 3000x: the tieba incident is due 0.04 s after start
        import time

        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if any(p["incident"] for p in demo_json(s, "/__demo/timeline")):
                break
            time.sleep(0.05)
        state = demo_json(s, "/__demo/state")
        assert state["demo_seconds"] >= INCIDENT_TIEBA_AT
        now = datetime.fromisoformat(state["now"])
        assert abs((now - datetime.now(now.tzinfo)).total_seconds()) < 2  # running clock: real wall time


# --- the command line ---

def test_main_rejects_bad_arguments(capsys):
    assert main(["--speed", "0"]) == 2
    assert main(["--clock", "sometimes"]) == 2
    assert main(["--help"]) == 0
    assert "演示" in capsys.readouterr().out


def test_python_m_demo_serves_until_sigterm():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "demo", "--port", "0", "--clock", "manual"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    try:
        first = proc.stdout.readline()
        assert "青溪论坛" in first
        url = first.split("：", 1)[1].strip()
        with urllib.request.urlopen(url, timeout=10) as r:
            assert r.headers["Content-Type"] == "text/html; charset=gbk"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
        assert proc.returncode == 0, err
        assert "已停止" in out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
