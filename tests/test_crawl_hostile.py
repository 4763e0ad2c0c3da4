"""Hostile pages never kill a crawl: each is counted with its reason in CrawlRun.reasons, and the good
threads on the same site are stored in full."""
from __future__ import annotations

import html as html_lib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone

import pytest

from crawlers.backoff import backoff_seconds
from crawlers.reasons import is_binary, is_truncated_html
from conftest import ROOT
from test_crawl_support import (Site, crawl, forum_sources, open_store, send, start_crawl, thread_page,
                                write_config)

BIG = 12 * 1024 * 1024  # above the default 10 MB cap (max_page_bytes)


def truncated(h):  # promises 5000 bytes, sends 1000, hangs up
    h.close_connection = True
    send(h, 200, b"<html><body>" + b"x" * 988, length=5000)


def huge(h):  # announces 12 MB
    h.close_connection = True
    send(h, 200, b"<html><body>" + b"y" * 65536, length=BIG)


def streamed(h):  # no Content-Length, 12 MB until the crawler hangs up
    h.close_connection = True
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Connection", "close")
    h.end_headers()
    block = b"<p>" + "青溪".encode() * 10000 + b"</p>"
    for _ in range(BIG // len(block) + 1):
        h.wfile.write(block)


def noise(h):
    send(h, 200, random.Random(7).randbytes(50_000))  # served as text/html


def image(h):
    send(h, 200, b"\x89PNG\r\n\x1a\n" + bytes(2000), "image/png")


def redirect(to):
    return lambda h: send(h, 302, b"", headers={"Location": to})


def spiral(h):  # a redirect chain that never ends
    n = int(h.path.rpartition("=")[2] or 0)
    send(h, 302, b"", headers={"Location": f"/hostile/spiral?n={n + 1}"})


def slow(h):
    time.sleep(2.5)
    send(h, 200, b"<html><body>too late</body></html>")


def test_hostile_pages_are_counted_and_good_pages_stored(tmp_path):
    with Site() as site:
        for tid in (1, 2, 3):
            site.forum.add_thread(tid, 6)
        cut = site.forum.add_thread(50, 3, title="被截断的帖子")
        trap = site.forum.add_thread(60, 7, title="翻不完的帖子")
        site.forum.unlisted |= {50, 60, 70}
        site.endless_threads.add(60)
        site.forum.add_thread(70, 2, title="下一页指回自己")
        back_html = thread_page(site.forum, 70, 1).replace(
            "</body>", '<div class="pg"><a class="nxt" href="back.html">下一页</a></div></body>').encode()
        cut_html = thread_page(site.forum, 50, 1).encode()
        cut_html = cut_html[:cut_html.rindex(cut.posts[-1].encode())]  # ends inside the last floor
        site.routes.update({
            "/hostile/truncated.html": truncated, "/hostile/huge.html": huge, "/hostile/stream.html": streamed,
            "/hostile/noise.html": noise, "/hostile/image.html": image,
            "/hostile/loop-a.html": redirect("/hostile/loop-b.html"),
            "/hostile/loop-b.html": redirect("/hostile/loop-a.html"),
            "/hostile/spiral": spiral, "/hostile/broken.html": lambda h: send(h, 500, b"oops"),
            "/hostile/slow.html": slow, "/hostile/cut.html": lambda h: send(h, 200, cut_html),
            "/hostile/back.html": lambda h: send(h, 200, back_html),
        })
        hostile = ["truncated.html", "huge.html", "stream.html", "noise.html", "image.html", "loop-a.html",
                   "spiral?n=0", "gone.html", "broken.html", "slow.html", "cut.html", "back.html"]
        site.forum.extra_rows = [(f"坏页面 {name}", f"/hostile/{name}") for name in hostile]
        site.forum.extra_rows.append(("翻不完的帖子", "thread-60-1-1.html"))
        site.forum.list_next = "forum-2-{next}.html"  # list pages that never end
        cfg = write_config(tmp_path, forum_sources(site.url, defaults="timeout: 1\nmax_thread_pages: 4\n"
                                                                      "max_list_pages: 2\n"))

        run = crawl(cfg, "bbs")

    r = run["reasons"]
    shown = json.dumps(r, sort_keys=True)  # a str, so pytest prints every reason when one is off
    assert r.get("truncated") == 1 and r.get("too_large") == 2 and r.get("binary") == 2, shown
    assert r.get("redirect_loop") == 2 and r.get("http_404") == 1 and r.get("http_500") == 1, shown
    assert r.get("timeout") == 1 and r.get("truncated_html") == 1 and r.get("duplicate_page") == 1, shown
    assert r.get("thread_page_limit") == 1 and r.get("list_page_limit") == 1, shown
    assert run["status"] == "ok" and run["errors"] == 8 and run["parse_failures"] == 2, run

    store = open_store(cfg)
    try:
        docs = list(store.iter_documents())
    finally:
        store.engine.dispose()
    floors = {}
    for d in docs:
        floors.setdefault(d.thread_url.rsplit("/", 1)[-1], set()).add(d.floor)
    for tid in (1, 2, 3):  # good threads on the same site: every floor
        assert floors[f"thread-{tid}-1-1.html"] == set(range(1, 7))
    assert floors["thread-60-1-1.html"] == set(range(1, 8))  # the trap's real floors, once each
    assert {1, 2} <= floors["cut.html"]  # what arrived before the cut is kept
    assert floors["back.html"] == {1, 2}
    assert len({d.id for d in docs}) == len(docs)


def test_binary_and_truncation_sniffing():
    assert is_binary(b"\x89PNG\r\n\x1a\n\x00\x00", "text/html")
    assert is_binary(b"<html></html>", "image/jpeg")
    assert is_binary(random.Random(1).randbytes(4096), None)
    assert not is_binary("<html><body>青溪</body></html>".encode("gbk"), "text/html; charset=gbk")
    assert not is_binary(b"<?xml version='1.0'?><rss></rss>", "application/rss+xml")
    assert is_truncated_html(b"<html><body><div>cut her")
    assert not is_truncated_html(b"<html><body></body></HTML>\n")
    # Tieba's bigpipe pages carry content after </html>: not truncated.
    assert not is_truncated_html(b"<html></html>" + b"<script>x</script>" * 10000)


def test_backoff_seconds():
    now = datetime(2026, 10, 21, 7, 27, 30, tzinfo=timezone.utc)
    assert backoff_seconds(0, b"7", 0.5) == 7.0
    assert backoff_seconds(0, b"86400", 0.5) == 60.0  # capped
    assert backoff_seconds(2, None, 0.5) == 2.0  # exponential without Retry-After
    assert backoff_seconds(1, b"Wed, 21 Oct 2026 07:28:00 GMT", 1.0, now) == 30.0  # an HTTP date
    assert backoff_seconds(1, b"Wed, 21 Oct 2026 07:00:00 GMT", 1.0, now) == 0.0  # already past
    assert backoff_seconds(1, b"soon", 1.0, now) == 2.0  # nonsense: exponential


# -- one hostile post never blinds a source (issue 10) -----------------------------------------

TIEBA_THREAD = "tieba/tieba_thread_2017_yuanzhikong_p1.html"
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def _data_fields(raw: bytes) -> list[re.Match]:
    return [m for m in re.finditer(rb"data-field='(\{[^']*\})'", raw)
            if b"&quot;post_id&quot;" in m[1] and b"&quot;author&quot;" in m[1]]


def _set_author(raw: bytes, nth: int, value) -> bytes:
    """Post `nth` of a real Tieba page: its visible name removed, its data-field author set to `value`."""
    m = _data_fields(raw)[nth]
    data = json.loads(html_lib.unescape(m[1].decode()))
    data["author"]["user_name"] = value
    field = html_lib.escape(json.dumps(data), quote=True).replace("&#x27;", "&#39;").encode()
    raw = raw[:m.start(1)] + field + raw[m.end(1):]
    name = re.compile(rb'(class="p_author_name[^>]*>)([^<]*)<').search(raw, m.start(1))
    return raw[:name.start(2)] + raw[name.end(2):]


def _pg_config(cfg, schema: str) -> None:
    """Point a test config at a fresh PostgreSQL schema (the NUL / surrogate failures are PG's)."""
    from sqlalchemy import create_engine, text

    url = os.environ.get("YQ_PG_URL")
    if not url:
        if os.environ.get("YQ_REQUIRE_PG") == "1":
            pytest.fail("YQ_PG_URL is not set")
        pytest.skip("PostgreSQL tests need YQ_PG_URL")
    admin = create_engine(url)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    watch = cfg / "watch.yaml"
    watch.write_text(watch.read_text(encoding="utf-8").replace(
        "sqlite:///../var/yq.db", f"{url}?options=-csearch_path%3D{schema}"), encoding="utf-8")


def _drop_schema(schema: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(os.environ["YQ_PG_URL"])
    with admin.begin() as c:
        c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_one_hostile_post_costs_only_that_post(tmp_path, real_fixtures, backend):
    raw = (real_fixtures / TIEBA_THREAD).read_bytes()
    n_posts = len(_data_fields(raw))
    hostile = _set_author(raw, 1, ["列表", "不是字符串"])         # dropped, counted
    hostile = _set_author(hostile, 2, "坏\ud800名\u202e字")       # cleaned, stored
    post3 = html_lib.unescape(json.loads(html_lib.unescape(_data_fields(hostile)[3][1].decode()))
                              ["content"]["content"])[:4]
    hostile = hostile.replace(post3.encode(), post3.encode() + b"&#xD800;\x00&#99999999999;\x01", 1)
    with Site() as site:
        page2 = (real_fixtures / TIEBA_THREAD.replace("_p1", "_p2")).read_bytes()
        site.routes["/p/3922635509"] = lambda h: (send(h, 200, page2) if "pn=2" in h.path else
                                                  send(h, 404, b"") if "pn=" in h.path else send(h, 200, hostile))
        cfg = write_config(tmp_path, f"""\
            defaults: {{download_delay: 0, autothrottle: false, retries: 0, timeout: 5}}
            sources:
              - id: tb
                name: 贴吧
                kind: tieba
                urls: [{site.url}/p/3922635509]
            """)
        schema = f"crawl_hostile_{os.getpid()}"
        if backend == "postgresql":
            _pg_config(cfg, schema)
        try:
            run = crawl(cfg, "tb")
            store = open_store(cfg)
            try:
                docs = list(store.iter_documents())
                runs = store.crawl_runs("tb")
            finally:
                store.engine.dispose()
        finally:
            if backend == "postgresql":
                _drop_schema(schema)
    assert run["reasons"]["bad_field:author:list"] == 1, run
    assert run["status"] == "ok" and run["new"] == len(docs) >= n_posts - 1 + len(_data_fields(page2))
    assert not any(_INVISIBLE.search(s) for d in docs for s in (d.title, d.text, d.author or "", d.url))
    assert any(d.author == "坏名字" for d in docs)
    assert [(r.status, r.new_items) for r in runs] == [("ok", len(docs))]


def test_attribute_bomb_costs_only_its_page(tmp_path, real_fixtures):
    raw = (real_fixtures / "discuz/discuz_thread_2015_1point3acres_gbk_p1.html").read_bytes()
    attrs = b"".join(b" a%d=x" % i for i in range(300_000))  # unbounded, libxml2 takes many minutes
    bomb = raw.replace(b"<body", b"<body><div" + attrs + b">x</div", 1)
    with Site() as site:
        for tid in range(1, 11):
            site.forum.add_thread(tid, 3)
        site.routes["/bomb/thread-129405-1-1.html"] = lambda h: send(h, 200, bomb, "text/html; charset=gbk")
        site.forum.extra_rows = [("属性炸弹", "/bomb/thread-129405-1-1.html")]
        cfg = write_config(tmp_path, forum_sources(site.url))
        run = crawl(cfg, "bbs", timeout=90)
        store = open_store(cfg)
        try:
            docs = list(store.iter_documents())
        finally:
            store.engine.dispose()
    assert run["status"] == "ok" and run["reasons"]["parse_bound:attributes"] == 1, run
    threads = {d.thread_url.rsplit("/", 1)[-1] for d in docs}
    assert {f"thread-{t}-1-1.html" for t in range(1, 11)} <= threads  # 10 of 10 good threads stored
    assert sum(d.thread_url.endswith("thread-129405-1-1.html") for d in docs) == 20  # and the bomb's posts


def test_stray_byte_in_a_gbk_page_costs_nothing(tmp_path, real_fixtures):
    raw = (real_fixtures / "discuz/discuz_thread_2015_1point3acres_gbk_p1.html").read_bytes()
    mid = raw.index("根据原来学长".encode("gbk"))
    damaged = raw[:mid] + b"\xff" + raw[mid:] + b"\xff\xff"
    with Site() as site:
        site.forum.add_thread(1, 2)
        site.routes["/real/thread-129405-1-1.html"] = lambda h: send(h, 200, damaged, "text/html; charset=gbk")
        site.forum.extra_rows = [("坏字节", "/real/thread-129405-1-1.html")]
        cfg = write_config(tmp_path, forum_sources(site.url))
        run = crawl(cfg, "bbs")
    assert "binary" not in run["reasons"] and run["reasons"]["decode:replaced_bytes"] >= 1, run
    assert run["items"] == 2 + 20 and run["parse_failures"] == 0


# -- a crawl always leaves a record (issues 10, 16) --------------------------------------------

def test_a_killed_crawl_leaves_a_record_that_raises_source_health(tmp_path):
    from alerts.health import source_health

    with Site() as site:
        for tid in range(1, 4):
            site.forum.add_thread(tid, 2)
        site.hang_after = 0  # every thread page hangs: the crawl never finishes on its own
        site.release.clear()
        cfg = write_config(tmp_path, forum_sources(site.url))
        for _ in range(2):  # two scheduled crawls, each killed by the scheduler's timeout
            proc = start_crawl(cfg, "bbs")
            try:
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and not site.paths("/thread-"):
                    time.sleep(0.05)
                assert site.paths("/thread-"), proc.communicate()
                proc.send_signal(signal.SIGKILL)
                proc.wait(10)
            finally:
                if proc.poll() is None:
                    proc.kill()
                proc.communicate()
            site.clear()
        store = open_store(cfg)
        try:
            runs = store.crawl_runs("bbs")
        finally:
            store.engine.dispose()
        site.release.set()
    assert [r.status for r in runs] == ["running", "failed"]
    assert runs[1].reasons == {"killed": 1}
    health = source_health("bbs", runs)
    assert health.status == "failed" and "killed" in health.detail


def test_a_crawl_past_its_deadline_closes_itself_and_records(tmp_path):
    with Site() as site:
        for tid in range(1, 4):
            site.forum.add_thread(tid, 2)
        site.hang_after = 1  # one thread page, then the site stalls
        site.release.clear()
        cfg = write_config(tmp_path, forum_sources(site.url, defaults="timeout: 60\nmax_crawl_seconds: 2\n"))
        try:
            run = crawl(cfg, "bbs", timeout=30)
        finally:
            site.release.set()
        store = open_store(cfg)
        try:
            runs = store.crawl_runs("bbs")
            docs = list(store.iter_documents())
        finally:
            store.engine.dispose()
    assert run["reasons"]["crawl_deadline"] == 1 and run["items"] == 2, run
    assert len(runs) == 1 and runs[0].status != "running" and runs[0].reasons["crawl_deadline"] == 1
    assert len(docs) == 2  # what was fetched before the deadline is stored


def test_a_crawl_record_the_database_refuses_is_in_the_summary(tmp_path, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from storage.store import Store

    def full(self, run, run_id=None):
        raise OperationalError("INSERT", {}, Exception("database or disk is full"))

    with Site() as site:
        site.forum.add_thread(1, 2)
        cfg = write_config(tmp_path, forum_sources(site.url))
        open_store(cfg).engine.dispose()
        with monkeypatch.context() as m:
            m.setattr(Store, "record_crawl_run", full)  # inherited by the forked crawl
            run = crawl(cfg, "bbs")
    assert run["record_error"] == "crawl_record:OperationalError"
    assert run["status"] == "failed" and run["reasons"]["crawl_record:OperationalError"] == 1
    assert run["new"] == 2  # the posts themselves were stored


def test_cli_prints_a_refused_crawl_record_on_stderr(tmp_path):
    with Site() as site:
        site.forum.add_thread(1, 2)
        cfg = write_config(tmp_path, forum_sources(site.url))
        store = open_store(cfg)
        with store.engine.begin() as c:  # a database that takes posts but no crawl records
            c.exec_driver_sql("CREATE TRIGGER no_runs BEFORE INSERT ON crawl_runs "
                              "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
        store.engine.dispose()
        r = subprocess.run([sys.executable, "-m", "crawlers.run", "bbs", "--config", str(cfg)], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert r.returncode == 1 and summary["record_error"].startswith("crawl_record:")
    assert "采集记录写入失败" in r.stderr and summary["record_error"] in r.stderr


def test_storage_rows_drop_what_no_database_takes():
    from storage.rows import to_row
    from storage_docs import make_doc

    row = to_row(make_doc(1, title="坏\x00标题\ud800", text="正\udfff文\x00"))
    assert row["title"] == "坏标题" and row["text"] == "正文"
