"""Console endpoints through Starlette's TestClient: JSON, triage, CSRF, downloads, pages."""
from __future__ import annotations

import re
import warnings
from dataclasses import replace
from datetime import timedelta
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.models import AlertRow, ReportSelectionRow
from alerts.types import IncidentState
from console.app import create_app
from console.explain import grade_reason
from console.highlight import Label, highlighted, mark
from console.server import ConsoleServer
from pipeline.types import SEVERITY_LABELS
from storage.types import CrawlRun
from test_console_support import (HOSTILE_AUTHOR, HOSTILE_REPLY, HOSTILE_TITLE, JS_URL, NOW, THREAD_TITLE,
                                  TIEBA_THREAD, build_env, post, thread_posts)

# Starlette announces (at import) a move of its TestClient to httpx2; it still works with httpx.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient


@pytest.fixture
def env(tmp_path):
    return build_env(tmp_path)


def _client(env, actor: str | None = "张三") -> TestClient:
    c = TestClient(create_app(env.services), base_url="http://127.0.0.1:8080")
    c.get("/")  # receives the CSRF cookie
    if actor:
        c.cookies.set("yq_actor", quote(actor))
    return c


def _token(c: TestClient) -> str:
    return c.cookies["yq_csrf"]


def event_of_doc(env, doc_id):
    return env.services.reads.events_of_docs([doc_id]).get(doc_id)


def _set(c, doc_id, status, **headers):
    return c.post(f"/api/docs/{doc_id}/status", json={"status": status},
                  headers={"X-CSRF-Token": _token(c), **headers})


def test_feed_is_relevant_recent_and_ranked(env):
    items = _client(env).get("/api/feed").json()["items"]
    ids = [i["id"] for i in items]
    assert set(ids) == {"p001", "p002", "p003", "p004"}  # p005 is 3 days old, p006 not local
    assert ids[0] == "p002" and ids[-1] == "p001"  # red first, blue last
    scores = [i["importance"] for i in items]
    assert scores == sorted(scores, reverse=True)
    hostile = next(i for i in items if i["id"] == "p003")
    assert hostile["url"] is None and hostile["title"] == HOSTILE_TITLE


def test_feed_filters_and_search(env):
    c = _client(env)
    ids = lambda q: [i["id"] for i in c.get("/api/feed?" + q).json()["items"]]  # noqa: E731
    assert ids("grade=yellow") == ["p004"]
    assert ids("topic=traffic") == ["p004"]
    assert ids("source=tieba") == ["p003"]
    assert sorted(ids("q=偷排")) == ["p002", "p003"]
    assert ids("q=不存在的词") == []
    assert ids("grade=purple")[0] == "p002"  # an unknown grade is dropped, not an error


def test_csrf_is_required_for_state_changes(env):
    c = _client(env)
    assert c.post("/api/docs/p001/status", json={"status": "ignored"}).status_code == 403
    bad = c.post("/api/docs/p001/status", json={"status": "ignored"},
                 headers={"X-CSRF-Token": "x" * 43})
    assert bad.status_code == 403
    cross = _set(c, "p001", "ignored", Origin="http://evil.example")
    assert cross.status_code == 403
    assert _set(c, "p001", "ignored", **{"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert env.services.store.statuses(["p001"]) == {"p001": "new"}
    # a form post without the token field is refused too
    assert c.post("/incidents/1/transition", data={"to": "assessed"}).status_code == 403


def test_triage_changes_status_and_leaves_the_unhandled_view(env):
    c = _client(env)
    r = _set(c, "p001", "ignored", Origin="http://127.0.0.1:8080")
    assert r.status_code == 200 and r.json()["status_label"] == "已忽略"
    assert env.services.store.statuses(["p001"]) == {"p001": "ignored"}
    assert "p001" not in [i["id"] for i in c.get("/api/feed").json()["items"]]
    assert [i["id"] for i in c.get("/api/feed?status=ignored").json()["items"]] == ["p001"]
    assert _set(c, "p001", "deleted").status_code == 400
    assert _set(c, "nope", "read").status_code == 404


def test_actions_need_an_officer_name(env):
    c = _client(env, actor=None)
    r = _set(c, "p001", "read")
    assert r.status_code == 400 and "值班员" in r.json()["error"]
    assert env.services.store.statuses(["p001"]) == {"p001": "new"}


def test_select_puts_the_post_into_todays_report(env):
    c = _client(env, actor="李四")
    assert _set(c, "p002", "selected").json()["newly_selected"] is True
    assert _set(c, "p002", "selected").json()["newly_selected"] is False
    with Session(env.services.store.engine) as s:
        rows = s.scalars(select(ReportSelectionRow)).all()
    assert [(r.doc_id, r.day, r.selected_by) for r in rows] == [("p002", NOW.date(), "李四")]
    page = c.get("/reports").text
    assert "青溪化工厂夜间偷排污水河水发臭" in page


def test_escalate_opens_one_incident_per_event(env):
    c = _client(env)
    event = event_of_doc(env, "p002")
    assert event is not None  # the rules job put the red post into an event
    first = _set(c, "p002", "escalated").json()["incident_id"]
    inc = env.services.incidents.get(first)
    assert inc.event_id == event and inc.state is IncidentState.found and inc.severity == "red"
    assert inc.log[0].actor == "张三" and "青溪化工厂夜间偷排" in inc.log[0].note
    # a later post of the same story joins the same incident
    env.clock.advance(minutes=5)
    env.add([post(7, title="青溪化工厂夜间偷排污水河水发臭", severity="red", negative=True,
                  words=("偷排", "发臭"), url="https://bbs.example.cn/t/2#pid7", thread="https://bbs.example.cn/t/2",
                  minutes_ago=1)])
    assert event_of_doc(env, "p007") == event
    assert _set(c, "p007", "escalated").json()["incident_id"] == first
    assert "p002" not in [i["id"] for i in c.get("/api/feed").json()["items"]]
    # a post the rules job has not seen yet is in no event: it opens its own incident, once
    env.services.store.save_documents([post(12, title="刚刚抓到的帖子", severity="yellow", words=("异味",))])
    assert event_of_doc(env, "p012") is None
    own = _set(c, "p012", "escalated").json()["incident_id"]
    assert own != first and env.services.incidents.get(own).event_id is None
    again = _set(c, "p012", "escalated")
    assert again.status_code == 409 and len(env.services.incidents.list()) == 2


def test_server_serves_and_refuses_a_taken_port(env):
    app = create_app(env.services)
    with ConsoleServer(app, "127.0.0.1", 0) as server:
        assert server.port > 0
        r = httpx.get(server.url + "/healthz", timeout=5)
        assert r.json()["ok"] is True and r.json()["locality"] == "青溪市"
        with pytest.raises(RuntimeError, match="无法在"):
            ConsoleServer(app, "127.0.0.1", server.port).start(timeout=5)
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url + "/healthz", timeout=2)


def test_incident_transitions_audit_and_department_stats(env):
    c = _client(env)
    iid = _set(c, "p002", "escalated").json()["incident_id"]
    form = lambda **kw: {"csrf": _token(c), **kw}  # noqa: E731
    illegal = c.post(f"/incidents/{iid}/transition", data=form(to="handling"))
    assert illegal.status_code == 409 and "不能从" in illegal.text
    env.clock.advance(minutes=10)
    r = c.post(f"/incidents/{iid}/transition", data=form(to="assessed", note="属实，<b>需处置</b>"),
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/incidents/{iid}"
    env.clock.advance(minutes=20)
    c.post(f"/incidents/{iid}/transition", data=form(to="handling", department="生态环境局"))
    inc = env.services.incidents.get(iid)
    assert [e.to_state.value for e in inc.log] == ["found", "assessed", "handling"]
    assert inc.department == "生态环境局" and inc.log[1].note == "属实，<b>需处置</b>"
    page = c.get(f"/incidents/{iid}").text
    assert "&lt;b&gt;需处置&lt;/b&gt;" in page and "<b>需处置" not in page
    assert '<option value="follow_up">跟踪</option>' in page
    stats = c.get("/incidents").text
    assert re.search(r"<td>生态环境局</td><td>1</td><td>0</td>\s*<td>30\.0</td>", stats)
    assert c.post("/incidents/999/transition", data=form(to="assessed")).status_code == 404
    assert c.get("/incidents?state=handling").text.count('class="incident"') == 1
    assert c.get("/incidents?state=closed").text.count('class="incident"') == 0


def test_events_page_and_acknowledge(env):
    c = _client(env)
    page = c.get("/events").text
    event = event_of_doc(env, "p002")
    assert f'data-ack="{event}"' in page and "青溪论坛" in page and "网友2" in page
    grades = re.findall(r'<tr class="event".*?<span class="badge grade-(\w+)', page, re.S)
    assert grades == ["red", "red", "orange", "yellow", "blue"]  # worst first
    r = c.post(f"/api/events/{event}/ack", headers={"X-CSRF-Token": _token(c)})
    assert r.json() == {"event_id": event, "acknowledged": 1, "by": "张三"}
    with Session(env.services.store.engine) as s:
        assert s.scalars(select(AlertRow.acknowledged_by).where(AlertRow.event_id == event)).all() == ["张三"]
    assert "已确认（张三" in c.get("/events").text
    opened = c.post(f"/events/{event}/incident", data={"csrf": _token(c)}, follow_redirects=False)
    assert opened.status_code == 303
    assert env.services.incidents.list()[0].event_id == event


def test_new_post_counter(env):
    c = _client(env)
    cursor = c.get("/api/feed").json()["cursor"]
    new = lambda q="": {k: v for k, v in c.get(f"/api/feed/new?after={cursor}{q}").json().items()  # noqa: E731
                        if k in ("count", "threads", "worst")}
    assert new() == {"count": 0, "threads": 0, "worst": None}
    env.add([post(8, title="青溪东湖区又闻臭味", severity="orange", negative=True, words=("臭味",),
                  minutes_ago=1),
             post(9, title="临江县交通新规", severity="blue", words=("交通",), minutes_ago=1),
             post(10, title="外地新闻", relevant=False, minutes_ago=1)])
    assert new() == {"count": 2, "threads": 2, "worst": "orange"}  # the banner's colour, and a beep
    assert new("&grade=blue") == {"count": 1, "threads": 1, "worst": "blue"}
    assert c.get("/api/feed/new?after=abc").status_code == 400


def test_search_api(env):
    c = _client(env)
    res = c.get("/api/search?q=偷排&grade=red").json()
    assert res["total"] == 2 and {h["id"] for h in res["hits"]} == {"p002", "p005"}
    assert "<em>偷排</em>" in next(h for h in res["hits"] if h["id"] == "p002")["highlight_html"]
    hostile = c.get("/api/search?q=化工厂&source=tieba").json()["hits"]
    assert [h["id"] for h in hostile] == ["p003"] and hostile[0]["url"] is None
    since = (NOW - timedelta(hours=2)).isoformat()
    assert c.get("/api/search", params={"q": "偷排", "since": since}).json()["total"] == 2
    assert c.get("/api/search?since=yesterday").status_code == 400


def test_hostile_content_is_escaped_in_pages(env):
    c = _client(env)
    for path in ("/", "/feed/rows", "/events", "/reports"):
        body = c.get(path).text
        assert "<img" not in body and "<script>alert" not in body
        assert not [h for h in re.findall(r'href="([^"]*)"', body) if "javascript" in h.lower()]
    # JSON carries the raw text (the client must treat it as text) and never the unsafe link
    api = c.get("/api/feed")
    assert api.headers["content-type"] == "application/json"
    assert JS_URL not in api.text
    html = c.get("/").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # every marked word says why: the topic (and its grade), the locality term
    assert '<mark class="hit" title="命中词「偷排」：话题「环境污染」，话题定级红">偷排</mark>' in html
    assert '<mark class="hit" title="命中词「发臭」：话题「环境污染」，话题定级红">发臭</mark>' in html
    assert '<mark class="loc" title="属地词「青溪」：据此判定为本地舆情">青溪</mark>' in html
    assert "定级依据 红：话题「环境污染」定级红；负面，维持红" in html
    headers = c.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"


def test_mark_escapes_then_wraps():
    hit, loc = Label("hit", '"><script>'), Label("loc", "属地词")
    assert mark("<b>偷排</b>", [(3, 5, hit)]) == \
        '&lt;b&gt;<mark class="hit" title="&#34;&gt;&lt;script&gt;">偷排</mark>&lt;/b&gt;'
    assert mark("abcdef", [(4, 99, loc), (1, 3, loc), (2, 4, loc), (-5, 0, loc)]) == \
        'a<mark class="loc" title="属地词">bcdef</mark>'
    # a topic word wins where it overlaps a locality term
    assert mark("青溪化工", [(0, 2, loc), (1, 4, hit)]).count("<mark") == 2


def test_every_occurrence_is_marked_with_its_reason():
    doc = post(40, title="偷排", text="化工厂偷排，又偷排；青溪东湖区", severity="orange", negative=True,
               words=("偷排",))
    title, excerpt = highlighted(doc, ["东湖"])
    assert str(excerpt).count('<mark class="hit"') == 2  # both, not only the first the matcher kept
    assert '<mark class="q" title="搜索词「东湖」">东湖</mark>' in excerpt
    assert '<mark class="loc"' in excerpt and title.count("<mark") == 1
    assert grade_reason(doc) == "橙：话题「环境污染」定级橙；负面，维持橙"
    calm = replace(doc, negative=False, severity="yellow", replies=80)
    assert grade_reason(calm) == "黄：话题「环境污染」定级橙；非负面，降为黄；热帖（回复 80），升为橙；按信源权重调整为黄"


def test_report_generation_and_downloads(env, tmp_path):
    c = _client(env)
    r = c.post("/reports/generate", data={"csrf": _token(c)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/reports?issued=1"
    page = c.get("/reports?issued=1").text
    assert "已生成第 1 期摘报" in page
    links = re.findall(r'href="(/reports/files/[^"]+)"', page)
    assert len(links) == 1
    got = c.get(links[0])
    assert got.status_code == 200 and got.headers["content-disposition"].startswith("attachment")
    assert "重要舆情摘报" in got.text
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    (env.services.report_dir / "link.txt").symlink_to(secret)
    for bad in ("../secret.txt", "..%2Fsecret.txt", "%2e%2e/secret.txt", "link.txt",
                "..%2F..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "nope.html"):
        r = c.get("/reports/files/" + bad)
        assert r.status_code == 404 and "top secret" not in r.text, bad


def test_sources_page_shows_broken_and_silent_sources(env):
    store = env.services.store
    for i in range(3):
        at = NOW - timedelta(minutes=30 - i)
        store.record_crawl_run(CrawlRun("qxnews", at, at, pages=3, items=0, new_items=0, errors=3,
                                        parse_failures=0, list_items=0, reasons={"http_503": 3},
                                        status="failed"))
    at = NOW - timedelta(minutes=5)
    store.record_crawl_run(CrawlRun("qxbbs", at, at, 5, 40, 3, 0, 0, 40))
    page = _client(env).get("/sources").text
    rows = re.findall(r'data-source="([^"]+)"', page)
    assert rows[:2] == ["qxnews", "tieba"] and rows[-1] == "qxbbs"  # failed, never crawled, fine
    assert "连续3次采集失败" in page and "未采集" in page


def test_healthz_and_actor_form(env):
    c = _client(env, actor=None)
    assert c.get("/healthz").json()["ok"] is True
    r = c.post("/actor", data={"csrf": _token(c), "name": " 王五 ", "back": "//evil.example/"},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert 'value="王五"' in c.get("/").text
    r = c.post("/actor", data={"csrf": _token(c), "name": "王五", "back": "/events"},
               follow_redirects=False)
    assert r.headers["location"] == "/events"


# -- one card per thread ---------------------------------------------------------------------------

@pytest.fixture
def threads(tmp_path):
    return build_env(tmp_path, thread_posts())


def _cards(c, query=""):
    return c.get("/api/feed?" + query).json()["items"]


def _set_many(c, ids, status, lead=None):
    body = {"ids": ids, "status": status, **({"lead": lead} if lead else {})}
    return c.post("/api/docs/status", json=body, headers={"X-CSRF-Token": _token(c)})


def test_a_thread_is_one_card_with_its_worst_grade(threads):
    c = _client(threads)
    feed = c.get("/api/feed").json()
    cards = feed["items"]
    assert [x["id"] for x in cards] == ["p100", "p200", "p300"]  # the red reply ranks the thread
    assert feed["matched"] == 3 and feed["posts"] == 34
    hot = cards[0]
    assert hot["severity"] == "red" and hot["grade"] == SEVERITY_LABELS["red"]
    assert hot["title"] == THREAD_TITLE and hot["url"] == TIEBA_THREAD
    assert len(hot["ids"]) == 31 and hot["ids"][0] == "p115"  # most important first
    assert (hot["posts"], hot["unhandled"], hot["statuses"]) == (31, 31, {"new": 31})
    assert "鱼都死了" in hot["excerpt"]  # the opening post's, not the red reply's
    assert hot["latest_excerpt"] == HOSTILE_REPLY
    assert hot["latest_time"] == (NOW - timedelta(minutes=5)).isoformat()
    assert hot["event"]["sources"] == ["qxnews", "tieba"] and hot["event"]["posts"] == 32
    assert cards[1]["event"] == hot["event"]  # the news article is the same story
    park = cards[2]
    assert park["ids"] == ["p301", "p300"] and park["event"] is None  # one thread, one site
    assert _cards(c, "limit=2")[-1]["id"] == "p200"


def test_a_thread_shows_when_any_post_passes_the_filters(threads):
    c = _client(threads)
    red = _cards(c, "grade=red")
    assert [x["id"] for x in red] == ["p100"] and len(red[0]["ids"]) == 31  # the buttons cover all
    assert [x["id"] for x in _cards(c, "source=qxnews")] == ["p200"]
    assert [x["id"] for x in _cards(c, "topic=culture")] == ["p300"]
    assert [x["id"] for x in _cards(c, "q=周末")] == ["p300"]  # only the reply says it
    assert _cards(c, "status=ignored") == []


def test_ignoring_a_card_marks_every_post_of_the_thread(threads):
    c = _client(threads)
    hot = _cards(c)[0]
    r = _set_many(c, hot["ids"], "ignored")
    assert r.status_code == 200 and sorted(r.json()["ids"]) == sorted(hot["ids"])
    assert set(threads.services.store.statuses(hot["ids"]).values()) == {"ignored"}
    assert [x["id"] for x in _cards(c)] == ["p200", "p300"]
    ignored = _cards(c, "status=ignored")
    assert [x["id"] for x in ignored] == ["p100"] and ignored[0]["unhandled"] == 0
    # the single-id form still works, and a half-handled thread keeps its card for the rest
    assert _set(c, "p301", "read").json()["ids"] == ["p301"]
    park = _cards(c)[-1]
    assert park["ids"] == ["p300"] and (park["posts"], park["unhandled"]) == (2, 1)


def test_select_puts_the_threads_lead_into_the_report(threads):
    c = _client(threads)
    hot = _cards(c)[0]
    r = _set_many(c, hot["ids"], "selected", lead=hot["id"]).json()
    assert r["id"] == "p100" and r["newly_selected"] is True
    with Session(threads.services.store.engine) as s:
        assert s.scalars(select(ReportSelectionRow.doc_id)).all() == ["p100"]
    assert set(threads.services.store.statuses(hot["ids"]).values()) == {"selected"}
    # without a lead the opening post among the ids is chosen; mixing threads is refused
    assert _set_many(c, ["p301", "p300"], "selected").json()["id"] == "p300"
    mixed = _set_many(c, ["p200", "p300"], "escalated")
    assert mixed.status_code == 400 and "同一主题帖" in mixed.json()["error"]
    assert threads.services.store.statuses(["p200"]) == {"p200": "new"}


def test_escalating_cards_of_one_story_joins_one_incident(threads):
    c = _client(threads)
    hot, news, park = _cards(c)
    event = event_of_doc(threads, "p100")
    first = _set_many(c, hot["ids"], "escalated", lead=hot["id"]).json()["incident_id"]
    inc = threads.services.incidents.get(first)
    assert inc.event_id == event and inc.severity == "red" and inc.title == THREAD_TITLE
    assert "同帖 31 条" in inc.log[0].note
    assert _set_many(c, news["ids"], "escalated").json()["incident_id"] == first  # cross-site
    assert _set_many(c, park["ids"], "escalated").json()["incident_id"] != first
    assert len(threads.services.incidents.list()) == 2
    assert _cards(c) == []


def test_bulk_status_validates_the_ids(threads):
    c = _client(threads)
    for bad in ({"ids": [1, 2], "status": "read"}, {"ids": [], "status": "read"},
                {"ids": {"p100": 1}, "status": "read"}, {"ids": ["p100"] * 2 + [f"x{i}" for i in range(1001)],
                                                         "status": "read"}):
        r = c.post("/api/docs/status", json=bad, headers={"X-CSRF-Token": _token(c)})
        assert r.status_code == 400, bad
    missing = _set_many(c, ["p100", "nope"], "ignored")
    assert missing.status_code == 404
    assert threads.services.store.statuses(["p100"]) == {"p100": "new"}  # nothing half-done
    assert c.post("/api/docs/status", json={"ids": ["p100"], "status": "read"}).status_code == 403


def test_new_posts_counter_counts_threads(threads):
    c = _client(threads)
    cursor = c.get("/api/feed").json()["cursor"]
    threads.add([post(140 + i, title=THREAD_TITLE, text=f"新回复{i}：化工厂偷排", severity="blue",
                      words=("偷排",), source="tieba", url=f"{TIEBA_THREAD}?pid={40 + i}",
                      thread=TIEBA_THREAD, floor=40 + i, minutes_ago=1) for i in range(3)]
                + [post(150, title="临江县交通新规", severity="blue", words=("交通",), minutes_ago=1)])
    assert {k: v for k, v in c.get(f"/api/feed/new?after={cursor}").json().items()
            if k in ("count", "threads")} == {"count": 4, "threads": 2}
    assert len(_cards(c)) == 4 and len(_cards(c)[0]["ids"]) == 34


def test_thread_cards_render_escaped_with_the_event_badge(threads):
    c = _client(threads)
    html = c.get("/").text
    event = event_of_doc(threads, "p100")
    assert html.count('<article class="post') == 3
    assert "&lt;img src=x onerror=alert(3)&gt;" in html and "<img" not in html
    assert "&lt;b&gt;吧友&lt;/b&gt;" in html and HOSTILE_AUTHOR not in html
    assert "本帖 31 条相关 · <span class=\"status\">31 条未处理</span> · 最新 05-06 14:55" in html
    badges = re.findall(r'<a class="event-badge" href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert badges == [(f"/events#event-{event}", "跨平台事件 · 2 个信源 · 32 帖")] * 2
    grades = re.search(r'<span class="grades">(.*?)</span>\s*<span class="latest">', html, re.S).group(1)
    per_grade = re.findall(r'grade-(\w+)">.</span>(\d+)', grades)
    assert per_grade == [("red", "1"), ("orange", "1"), ("blue", "29")]
    assert f'id="event-{event}"' in c.get("/events").text
    first = re.search(r'<article class="post grade-(\w+)" data-id="(\w+)" data-ids="([^"]+)"', html)
    assert first.groups()[:2] == ("red", "p100") and len(first.group(3).split()) == 31
