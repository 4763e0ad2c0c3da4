"""The crawler is no proxy into the office network (issue 10): a hostile list page's links and
redirects to other hosts, other ports of the same machine, or names that resolve to private
addresses are never requested; hosts the operator lists in `allowed_hosts` are."""
from __future__ import annotations

import pytest

from crawlers.sources import Source
from crawlers.ssrf import AddressPolicy, is_public
from test_crawl_support import Site, crawl, forum_sources, send, write_config


def redirect(to):
    return lambda h: send(h, 302, b"", headers={"Location": to})


def test_links_and_redirects_into_the_network_are_never_fetched(tmp_path):
    with Site() as site, Site() as admin:
        site.forum.add_thread(1, 2)
        admin.routes["/admin"] = lambda h: send(h, 200, b"<html><body>deleted</body></html>")
        port = admin.server.server_port
        site.routes.update({
            "/go/local": redirect(f"http://localhost:{port}/admin?action=delete"),
            "/go/same-ip": redirect(f"http://127.0.0.1:{port}/admin?action=delete&via=302"),
            "/go/metadata": redirect("http://169.254.169.254/latest/meta-data/"),
            "/go/dotted": redirect(f"http://localhost.:{port}/admin?action=delete"),
        })
        site.forum.extra_rows = [
            ("删除", f"http://localhost:{port}/admin?action=delete"),       # another host
            ("同机其他端口", f"http://127.0.0.1:{port}/admin?action=delete"),  # the source's IP, another port
            ("十进制地址", f"http://2130706433:{port}/admin?action=delete"),  # 127.0.0.1 spelled as a number
            ("跳转1", "/go/local"), ("跳转2", "/go/same-ip"), ("跳转3", "/go/metadata"), ("跳转4", "/go/dotted"),
        ]
        cfg = write_config(tmp_path, forum_sources(site.url))
        run = crawl(cfg, "bbs")

    assert admin.hits == []  # not even robots.txt
    r = run["reasons"]
    # links: localhost, the decimal spelling; redirects: localhost, metadata, "localhost."
    assert r["blocked:offsite"] == 5 and r["blocked:private_address"] == 2, r  # same IP, other port: twice
    assert run["status"] == "ok" and run["items"] == 2 and run["errors"] == 0


def test_allowed_hosts_and_checks_after_resolution(tmp_path):
    with Site() as site, Site() as mirror:
        site.forum.add_thread(1, 2)
        mirror.forum.add_thread(7, 1, title="镜像站的帖子")
        port = mirror.server.server_port
        site.forum.extra_rows = [("镜像", f"http://localhost:{port}/thread-7-1-1.html")]
        # ".localhost" admits the name but vouches only for public addresses: localhost is not one.
        cfg = write_config(tmp_path / "a", forum_sources(site.url, extra="allowed_hosts: ['.localhost']\n"))
        run = crawl(cfg, "bbs")
        assert run["reasons"]["blocked:private_address"] == 1 and mirror.paths("/thread-") == []
        # Listed by name (or name:port), the operator vouches for it: followed.
        cfg = write_config(tmp_path / "b", forum_sources(site.url, extra=f"allowed_hosts: ['localhost:{port}']\n"))
        run = crawl(cfg, "bbs")
        assert mirror.paths("/thread-") == ["/thread-7-1-1.html"] and run["items"] == 3
        assert not any(k.startswith("blocked:") for k in run["reasons"])


def _source(**kw) -> Source:
    return Source(id="s", name="s", kind="forum", urls=["https://bbs.example.cn/forum-2-1.html"], **kw)


@pytest.mark.parametrize("url,address,expected", [
    ("https://bbs.example.cn/thread-1.html", "203.0.113.9", None),
    ("https://bbs.example.cn/thread-1.html", "10.1.2.3", None),  # the source itself is configured there
    ("https://bbs.example.cn:8443/thread-1.html", "10.1.2.3", "blocked:private_address"),  # not that port
    ("https://cdn.static.cn/a.html", "10.1.2.3", "blocked:private_address"),  # a name rebound inward
    ("https://cdn.static.cn/a.html", "::ffff:127.0.0.1", "blocked:private_address"),
    ("https://cdn.static.cn/a.html", "169.254.169.254", "blocked:private_address"),
    ("https://cdn.static.cn/a.html", "fe80::1", "blocked:private_address"),
    ("https://img.example.cn/a.html", "8.8.8.8", "blocked:offsite"),
    ("https://cdn.static.cn/a.html", "8.8.8.8", None),  # allowed_hosts domain, public
    ("https://cdn.static.cn/a.html", "192.168.0.9", "blocked:private_address"),
    ("http://intra.office:8081/x", "192.168.0.9", None),  # listed by name: the operator vouches
    ("file:///etc/passwd", "", "blocked:scheme"),
])
def test_policy(url, address, expected):
    policy = AddressPolicy.for_source(_source(allowed_hosts=[".static.cn", "intra.office"]))
    got = policy.check_url(url) or (policy.check_address(url, address) if address else None)
    assert got == expected


def test_public_addresses():
    assert is_public("8.8.8.8") and is_public("2001:4860:4860::8888")
    for a in ("127.0.0.1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
              "::1", "fc00::1", "224.0.0.1", "not an ip"):
        assert not is_public(a), a
