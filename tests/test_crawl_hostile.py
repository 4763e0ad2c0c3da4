"""Hostile pages never kill a crawl: each is counted with its reason in CrawlRun.reasons, and the good
threads on the same site are stored in full."""
from __future__ import annotations

import random
import time
from datetime import datetime, timezone

from crawlers.backoff import backoff_seconds
from crawlers.reasons import is_binary, is_truncated_html
from test_crawl_support import Site, crawl, forum_sources, open_store, send, thread_page, write_config

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
    assert r.get("truncated") == 1 and r.get("too_large") == 2 and r.get("binary") == 2, r
    assert r.get("redirect_loop") == 2 and r.get("http_404") == 1 and r.get("http_500") == 1, r
    assert r.get("timeout") == 1 and r.get("truncated_html") == 1 and r.get("duplicate_page") == 1, r
    assert r.get("thread_page_limit") == 1 and r.get("list_page_limit") == 1, r
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
