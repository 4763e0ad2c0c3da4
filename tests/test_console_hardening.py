"""The console under stress and attack (issues 9, 10): a database write lock held by another
process, forged Host and Origin headers (DNS rebinding), out-of-range ids, searches that cannot
run, and reports previewed in the browser. A real uvicorn server where the event loop matters."""
from __future__ import annotations

import subprocess
import sys
import threading
import warnings
from datetime import timedelta
from urllib.parse import quote

import httpx
import pytest

from console.app import create_app
from console.report_preview import PREVIEW_CSP
from console.server import ConsoleServer
from storage.search import IndexUnavailable
from storage.types import CrawlRun
from test_console_support import NOW, PASSWORDS, build_env, with_accounts

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

BASE = "http://127.0.0.1:8080"

# Takes the SQLite write lock (BEGIN IMMEDIATE) and holds it until its stdin closes.
LOCKER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
db.execute("ROLLBACK")
"""


@pytest.fixture
def env(tmp_path):
    return build_env(tmp_path)


def _client(env, base_url: str = BASE) -> TestClient:
    c = TestClient(create_app(env.services), base_url=base_url)
    c.get("/")  # receives the CSRF cookie
    return c


def test_a_write_waiting_on_a_locked_database_freezes_no_other_page(env):
    """Another process holds the write lock: a triage click waits for it (up to the busy
    timeout), and meanwhile the feed, the events page and the API still answer."""
    with ConsoleServer(create_app(env.services), "127.0.0.1", 0) as server, \
            httpx.Client(base_url=server.url, timeout=20) as c:
        c.get("/")
        c.cookies.set("yq_actor", "%E5%80%BC%E7%8F%AD%E5%91%98")
        token = c.cookies["yq_csrf"]
        locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(env.tmp / "yq.db")],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert locker.stdout.readline().strip() == "locked"
            answers = {}
            writer = threading.Thread(target=lambda: answers.update(post=c.post(
                "/api/docs/p001/status", json={"status": "read"}, headers={"X-CSRF-Token": token})))
            writer.start()
            writer.join(1.0)
            assert writer.is_alive()  # the triage write is waiting for the lock
            with httpx.Client(base_url=server.url, timeout=10) as other:
                assert other.get("/").status_code == 200
                assert other.get("/events").status_code == 200
                assert other.get("/api/feed").json()["matched"] >= 1
                assert other.get("/healthz").json()["ok"] is True
            assert writer.is_alive()  # every page above answered while the write still waited
        finally:
            locker.stdin.close()
            locker.wait(30)
            locker.stdout.close()
        writer.join(30)
        assert answers["post"].status_code == 200  # the lock went away: the write went through
    assert env.services.store.statuses(["p001"]) == {"p001": "read"}


def test_unknown_host_names_are_refused(env):
    """DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 sends
    Host: evil.example. Only configured names are served."""
    c = _client(env)
    for host in ("evil.example", "evil.example:8080", "127.0.0.1.evil.example", ""):
        r = c.get("/api/feed", headers={"Host": host})
        assert r.status_code == 421 and "主机名" in r.text and "items" not in r.text, host
    for host in ("127.0.0.1:8080", "localhost", "LOCALHOST:1", "[::1]:8080"):
        assert c.get("/healthz", headers={"Host": host}).status_code == 200, host
    env.services.allowed_hosts = ("yq.office.lan", "10.1.2.3")
    office = _client(env, "http://yq.office.lan:8080")
    assert office.get("/api/feed").status_code == 200
    assert office.get("/", headers={"Host": "10.1.2.3:8080"}).status_code == 200
    assert office.get("/", headers={"Host": "evil.example"}).status_code == 421


def test_origin_is_checked_against_the_allowed_names_not_the_claimed_host(env):
    c = _client(env)
    c.cookies.set("yq_actor", "%E5%80%BC%E7%8F%AD%E5%91%98")
    token = c.cookies["yq_csrf"]

    def triage(origin: str):
        return c.post("/api/docs/p001/status", json={"status": "ignored"},
                      headers={"X-CSRF-Token": token, "Origin": origin})

    assert triage("http://evil.example:8080").status_code == 403
    assert triage("null").status_code == 403
    assert env.services.store.statuses(["p001"]) == {"p001": "new"}
    assert triage("http://127.0.0.1:8080").status_code == 200
    assert env.services.store.statuses(["p001"]) == {"p001": "ignored"}


def test_out_of_range_incident_ids_are_not_found(env):
    c = _client(env)
    for n in (2**31, 2**63, 10**40):
        r = c.get(f"/incidents/{n}")
        assert r.status_code == 404 and "事件单不存在" in r.text, n
    c.cookies.set("yq_actor", "a")
    assert c.post(f"/incidents/{10**40}/transition",
                  data={"csrf": c.cookies["yq_csrf"], "to": "assessed"}).status_code == 404


def test_punctuation_only_searches_find_nothing(env):
    c = _client(env)
    assert c.get("/api/search?q=偷排").json()["total"] >= 1
    for q in ("。", "!!!", "，、；", "*", "%"):
        res = c.get("/api/search", params={"q": q}).json()
        assert res["total"] == 0 and res["hits"] == [] and "没有可搜索的文字" in res["notice"], q
        page = c.get("/", params={"q": q, "status": "all"}).text
        assert '<article class="post' not in page and "没有可搜索的文字" in page, q
        assert c.get("/api/feed", params={"q": q}).json()["items"] == [], q


class DownIndex:
    """A search engine that is down (the index raises, as the real clients do)."""

    def search(self, q):
        raise IndexUnavailable("Elasticsearch http://127.0.0.1:9: connection refused")


def test_a_search_engine_that_is_down_gets_a_clear_message(env):
    env.services.index = DownIndex()
    c = _client(env)
    api = c.get("/api/search?q=偷排")
    assert api.status_code == 503 and api.json()["error"] == "搜索服务暂不可用，请稍后再试"
    page = c.get("/?q=偷排")
    assert page.status_code == 200 and "搜索服务暂不可用" in page.text and '<article class="post' not in page.text
    assert "搜索服务暂不可用" in c.get("/api/feed?q=偷排").json()["notice"]
    assert '<article class="post' in c.get("/").text  # without a search box the feed is unaffected


def _run(finished_minutes_ago: int, status: str = "ok") -> CrawlRun:
    at = NOW - timedelta(minutes=finished_minutes_ago)
    return CrawlRun("qxbbs", at - timedelta(minutes=1), at, pages=3, items=10, new_items=2, errors=0,
                    parse_failures=0, list_items=10, status=status)


def test_the_watch_status_says_when_crawling_stopped(env):
    c = _client(env)
    status = c.get("/api/status").json()
    assert status["stale"] and status["message"] == "采集停止：尚无成功完成的采集记录"
    assert 'id="watch-alarm" class="alarm" role="alert">采集停止' in c.get("/sources").text
    env.services.store.record_crawl_run(_run(50))
    env.services.store.record_crawl_run(_run(2, status="failed"))  # a failed crawl is no sign of life
    status = c.get("/api/status").json()
    assert status["stale"] and "已有 50 分钟没有完成采集（最近一次 05-06 14:10）" in status["message"]
    env.services.store.record_crawl_run(_run(5))
    status = c.get("/api/status").json()
    assert not status["stale"] and status["message"] is None and status["last_crawl"] == "05-06 14:55"
    page = c.get("/").text
    assert 'id="watch-alarm" class="alarm" role="alert" hidden' in page and "最近采集 05-06 14:55" in page
    assert c.get("/api/feed/new?after=0").json()["watch"]["stale"] is False


def test_reports_preview_in_the_browser_sandboxed(env):
    env.services.write_report(NOW.date())
    hostile = env.services.report_dir / "crafted.html"
    hostile.write_text("<html><body><script>document.title='pwned'</script>摘报</body></html>", encoding="utf-8")
    c = _client(env)
    listing = c.get("/reports").text
    html_name = next(p.name for p in env.services.report_dir.rglob("*.html") if p != hostile)
    assert f'class="preview" href="/reports/view/{quote(html_name)}"' in listing
    r = c.get(f"/reports/view/{quote(html_name)}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == PREVIEW_CSP and "sandbox" in PREVIEW_CSP
    assert r.headers["content-disposition"] == "inline" and "重要舆情摘报" in r.text
    assert c.get("/reports/view/crafted.html").headers["content-security-policy"].startswith("sandbox;")
    assert c.get("/reports/view/../yq.db").status_code == 404
    assert c.get("/reports/view/notes.txt").status_code == 404


def test_docx_reports_preview_as_escaped_text(env):
    from docx import Document as Docx

    doc = Docx()
    doc.add_paragraph("<img src=x onerror=alert(1)>青溪化工厂偷排")
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "来源", "<b>吧友</b>"
    doc.save(env.services.report_dir / "special.docx")
    (env.services.report_dir / "broken.docx").write_bytes(b"not a zip")
    c = _client(env)
    r = c.get("/reports/view/special.docx")
    assert r.status_code == 200 and r.headers["content-security-policy"] == PREVIEW_CSP
    assert "<p>&lt;img src=x onerror=alert(1)&gt;青溪化工厂偷排</p>" in r.text and "<img" not in r.text
    assert "<td>来源</td><td>&lt;b&gt;吧友&lt;/b&gt;</td>" in r.text
    broken = c.get("/reports/view/broken.docx")
    assert broken.status_code == 422 and "无法预览" in broken.text


def test_the_bind_address_is_served_without_listing_it(env):
    """watch.yaml console.host (here 127.0.0.2, a loopback address no default names) is allowed."""
    with ConsoleServer(create_app(env.services), "127.0.0.2", 0) as server:
        assert httpx.get(server.url + "/healthz", timeout=10).status_code == 200
        assert httpx.get(server.url + "/healthz", headers={"Host": "evil.example"}, timeout=10).status_code == 421


def test_a_slow_password_check_holds_up_no_other_page(env):
    """scrypt (here a check that waits until released) runs off the event loop, and both
    middlewares are pure ASGI."""
    from starlette.middleware.base import BaseHTTPMiddleware

    auth = with_accounts(env, "jia").services.auth
    checking, release = threading.Event(), threading.Event()
    real = auth.users.authenticate

    def slow_authenticate(login, password):
        checking.set()
        release.wait(30)
        return real(login, password)

    auth.users.authenticate = slow_authenticate
    app = create_app(env.services)
    assert not [m for m in app.user_middleware if issubclass(m.cls, BaseHTTPMiddleware)]
    with ConsoleServer(app, "127.0.0.1", 0) as server, httpx.Client(base_url=server.url, timeout=20) as c:
        c.get("/login")
        answers = {}
        login = threading.Thread(target=lambda: answers.update(r=c.post("/login", data={
            "csrf": c.cookies["yq_csrf"], "login": "jia", "password": PASSWORDS["jia"]})))
        login.start()
        try:
            assert checking.wait(10)
            with httpx.Client(base_url=server.url, timeout=10) as other:
                assert other.get("/login").status_code == 200
                assert other.get("/healthz").json()["ok"] is True
            assert login.is_alive()  # the password check was still running meanwhile
        finally:
            release.set()
        login.join(30)
    assert answers["r"].status_code == 303 and answers["r"].headers["location"] == "/"


def test_the_reports_page_says_what_todays_report_will_hold(env):
    c = _client(env)
    c.cookies.set("yq_actor", "%E5%80%BC%E7%8F%AD%E5%91%98")
    assert c.post("/api/docs/p001/status", json={"status": "selected"},
                  headers={"X-CSRF-Token": c.cookies["yq_csrf"]}).status_code == 200
    assert "今日摘报将收录" not in c.get("/reports").text  # no plan given: only the selected show
    assert '已人工选入 1 条' in c.get("/reports").text
    env.services.daily_items = lambda day: ["p001", "p002", "p003", "gone"] if day == NOW.date() else []
    page = c.get("/reports").text
    assert "今日摘报将收录（3 条）" in page
    upcoming = page.split('id="upcoming"')[1].split("</ol>")[0]
    assert upcoming.index('data-id="p001"') < upcoming.index('data-id="p002"') < upcoming.index('data-id="p003"')
    assert upcoming.count("人工选入") == 1 and upcoming.count("自动收录") == 2
    assert "&lt;img src=x onerror=alert(1)&gt;" in upcoming and "<img" not in upcoming


def test_bidi_overrides_in_crawled_text_are_dropped_from_pages(tmp_path):
    from test_console_support import post

    spoof = post(50, title="青溪化工厂\u202egpj.exe\u202c偷排", text="\u2067东湖区\u2069有人偷排", severity="red",
                 negative=True, words=("偷排",), author="\u202e员班值", minutes_ago=5)
    env = build_env(tmp_path, [spoof])
    c = _client(env)
    for path in ("/", "/feed/rows", "/events"):
        body = c.get(path).text
        assert not any(ch in body for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), path
    assert "化工厂gpj.exe" in c.get("/").text and "员班值" in c.get("/").text


def test_the_session_key_can_live_in_a_private_file_outside_the_database(tmp_path):
    from console.auth import SecretError, session_secret
    from storage.factory import create_schema, make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'yq.db'}")
    create_schema(engine)
    key_file = tmp_path / "var" / "console" / "session.key"
    first = session_secret(engine, None, key_file)
    assert len(first) >= 32 and session_secret(engine, None, key_file) == first  # a restart keeps it
    assert key_file.stat().st_mode & 0o777 == 0o600 and key_file.parent.stat().st_mode & 0o777 == 0o700
    with engine.connect() as c:  # nothing about it in the database
        assert c.exec_driver_sql("SELECT count(*) FROM console_secrets").scalar() == 0
    assert session_secret(engine, "e" * 40, key_file) == b"e" * 40  # the env var still wins
    key_file.chmod(0o644)
    with pytest.raises(SecretError, match="chmod 600"):
        session_secret(engine, None, key_file)
    engine.dispose()
