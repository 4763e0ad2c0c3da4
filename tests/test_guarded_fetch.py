"""The one-page fetch shared by first-sight capture and the thread recheck, against a real HTTP server
on 127.0.0.1: every redirect hop passes the source's address policy, the body is cut at the limit, and
each refusal says why in Chinese."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from conftest import free_port
from crawlers.guarded_fetch import fetch_page
from crawlers.recheck import http_fetcher
from crawlers.ssrf import AddressPolicy


class _Site(BaseHTTPRequestHandler):
    other_port = 0  # a port the policy does not pin: off the source

    def do_GET(self):
        port = self.server.server_address[1]
        if self.path == "/page":
            self._send(200, "<p>通知</p>".encode("gbk"), "text/html; charset=gbk")
        elif self.path == "/big":
            self._send(200, b"x" * 5000, "text/html")
        elif self.path == "/hop":
            self._redirect(f"http://127.0.0.1:{port}/page")
        elif self.path == "/away":
            self._redirect(f"http://127.0.0.1:{self.other_port}/page")
        elif self.path == "/loop":
            self._redirect("/loop")
        else:
            self._send(404, b"", "text/html")

    def _send(self, status, body, ctype):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, to):
        self.send_response(302)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    _Site.other_port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    policy = AddressPolicy(own=frozenset({"127.0.0.1"}), listed=frozenset(), domains=(),
                           pinned=frozenset({("127.0.0.1", port)}))
    with httpx.Client(follow_redirects=False, timeout=5) as client:
        yield f"http://127.0.0.1:{port}", policy, client
    server.shutdown()
    server.server_close()


def test_a_page_behind_a_redirect_on_the_source_comes_back_whole(site):
    base, policy, client = site
    page = fetch_page(client, f"{base}/hop", policy, 1000)
    assert (page.url, page.status, page.error) == (f"{base}/page", 200, None)
    assert page.body.decode("gbk") == "<p>通知</p>"
    assert page.header("CONTENT-TYPE") == "text/html; charset=gbk"


def test_a_redirect_off_the_source_is_refused_before_it_is_fetched(site):
    base, policy, client = site
    page = fetch_page(client, f"{base}/away", policy, 1000)
    assert page.body is None and page.status is None
    assert page.error.startswith("地址不允许抓取")
    assert page.url.endswith(f":{_Site.other_port}/page")


def test_a_page_over_the_limit_and_a_redirect_loop_end_with_a_reason(site):
    base, policy, client = site
    big = fetch_page(client, f"{base}/big", policy, 1000)
    assert (big.status, big.body, big.error) == (200, None, "页面过大")
    assert fetch_page(client, f"{base}/big", policy, 5000).body == b"x" * 5000
    loop = fetch_page(client, f"{base}/loop", policy, 1000)
    assert (loop.body, loop.error) == (None, "重定向过多")


def test_the_recheck_reads_a_refused_page_as_no_answer(site):
    base, policy, client = site
    fetch = http_fetcher(client, policy, 1000, delay=0)
    ok = fetch(f"{base}/hop")
    assert (ok.url, ok.status, ok.content_type) == (f"{base}/page", 200, "text/html; charset=gbk")
    for path in ("/away", "/big", "/loop"):
        assert fetch(base + path).status is None, path
    assert fetch(f"{base}/missing").status == 404
