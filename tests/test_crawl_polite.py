"""Polite by default, checked on the wire: robots.txt (and the opt-out), the configured User-Agent,
the login cookie from an environment variable, per-domain concurrency, and backoff that really waits
(Retry-After honoured, exponential otherwise, the whole site slowed after a 429)."""
from __future__ import annotations

from crawlers.settings import scrapy_settings
from crawlers.sources import Crawling, Source
from test_crawl_support import Site, crawl, forum_sources, send, write_config

UA = "yqwatch-test/1.0 (+mailto:duty@example.org)"


def test_robots_user_agent_and_login_cookie(tmp_path):
    with Site() as site:
        for tid in (1, 2):
            site.forum.add_thread(tid, 2)
        site.forum.add_thread(9, 2, title="只给会员看的帖子")
        site.forum.unlisted.add(9)
        site.forum.extra_rows.append(("只给会员看的帖子", "/private/thread-9-1-1.html"))
        site.forum.add_thread(8, 1, title="外站转帖")  # the same server under another host name
        site.forum.unlisted.add(8)
        site.forum.extra_rows.append(("外站转帖", site.url.replace("127.0.0.1", "localhost") + "/thread-8-1-1.html"))
        # The other host name is followed only because the operator lists it (crawlers.ssrf).
        sources = forum_sources(site.url, defaults=f"user_agent: '{UA}'\n",
                                extra="cookies_env: BBS_COOKIE\nallowed_hosts: [localhost]\n")
        sources += (f"  - id: open\n    name: 不守规矩\n    kind: forum\n    urls: [{site.url}/forum-2-1.html]\n"
                    "    crawling: {obey_robots: false}\n")
        cfg = write_config(tmp_path, sources)

        run = crawl(cfg, "bbs", env={"BBS_COOKIE": "auth=s3cret; sid=42"})
        assert site.hits[0].path == "/robots.txt"
        assert not site.paths("/private/")  # disallowed: never fetched ...
        assert run["reasons"].get("robots") == 1  # ... and counted
        assert run["items"] == 5 and run["status"] == "ok"
        assert {h.headers.get("user-agent") for h in site.hits} == {UA}
        own = [h for h in site.hits if h.path != "/robots.txt" and h.headers["host"].startswith("127.0.0.1")]
        assert len(own) == 3 and all(h.headers.get("cookie") == "auth=s3cret; sid=42" for h in own)
        foreign = [h for h in site.hits if h.headers["host"].startswith("localhost")]
        assert foreign and not any("cookie" in h.headers for h in foreign)  # the login stays home

        site.clear()
        run = crawl(cfg, "open")  # a source that opts out of robots.txt, without a login
        assert "/private/thread-9-1-1.html" in site.paths() and "/robots.txt" not in [h.path for h in site.hits]
        assert run["items"] == 6 and "robots" not in run["reasons"]  # the other host is not listed:
        assert run["reasons"]["blocked:offsite"] == 1 and not site.paths("/thread-8-")  # never fetched
        assert not any("cookie" in h.headers for h in site.hits)


def test_per_domain_concurrency_is_bounded(tmp_path):
    with Site(delay=0.15) as site:
        for tid in range(1, 7):
            site.forum.add_thread(tid, 1)
        for n in (1, 2):
            site.max_inflight = 0
            cfg = write_config(tmp_path / str(n), forum_sources(site.url, defaults=f"concurrency_per_domain: {n}\n"))
            assert crawl(cfg, "bbs")["items"] == 6
            assert site.max_inflight == n  # reached, never exceeded


def test_backoff_waits_honours_retry_after_and_slows_the_site(tmp_path):
    with Site() as site:
        for tid in range(1, 5):
            site.forum.add_thread(tid, 1)
        calls = {"t1": 0, "t4": 0}

        def too_many(h):  # the first request of thread 1 is told to come back in 1 s
            calls["t1"] += 1
            if calls["t1"] == 1:
                send(h, 429, b"slow down", headers={"Retry-After": "1"})
            else:
                site._forum(h, "/thread-1-1-1.html")

        def unavailable(h):  # thread 4 fails twice with 503 and no Retry-After
            calls["t4"] += 1
            if calls["t4"] <= 2:
                send(h, 503, b"busy")
            else:
                site._forum(h, "/thread-4-1-1.html")

        site.routes["/thread-1-1-1.html"] = too_many
        site.routes["/thread-4-1-1.html"] = unavailable
        cfg = write_config(tmp_path, forum_sources(site.url, defaults="retries: 3\nconcurrency_per_domain: 2\n"))
        run = crawl(cfg, "bbs")
        assert run["items"] == 4 and run["errors"] == 0, run  # every post arrived after the retries

        t1 = [h.at for h in site.hits if h.path == "/thread-1-1-1.html"]
        assert len(t1) == 2 and t1[1] - t1[0] >= 1.0  # Retry-After: 1 honoured
        t4 = [h.at for h in site.hits if h.path == "/thread-4-1-1.html"]
        # Exponential from 0.5 s (download_delay 0 → base 0.5): 0.5 s, then 1 s.
        assert len(t4) == 3 and t4[1] - t4[0] >= 0.5 and t4[2] - t4[1] >= 1.0
        # Requests sent after the 429 arrived (not the one already under way beside it) are spaced
        # by the delay the whole site now gets: 1 s ± 50 % jitter.
        later = [h.at for h in site.hits if h.at > t1[0] + 0.1]
        assert len(later) >= 3 and all(b - a >= 0.45 for a, b in zip(later, later[1:])), later


def test_polite_defaults_for_a_real_site():
    source = Source(id="bbs", name="论坛", kind="forum", urls=["https://bbs.example.org/forum-2-1.html"],
                    cookies_env="BBS_COOKIE")
    s = scrapy_settings(source, Crawling())
    assert s["ROBOTSTXT_OBEY"] is True and s["CONCURRENT_REQUESTS_PER_DOMAIN"] == 2
    assert s["DOWNLOAD_DELAY"] == 1.0 and s["AUTOTHROTTLE_ENABLED"] is True
    assert s["DOWNLOAD_MAXSIZE"] == 10 * 1024 * 1024 and s["RETRY_TIMES"] == 3
    assert 429 in s["RETRY_HTTP_CODES"] and 503 in s["RETRY_HTTP_CODES"]
    assert "yqwatch" in s["USER_AGENT"]
    # The login cookie never goes into headers sent to every host (the spider adds it per request).
    assert s["COOKIES_ENABLED"] is False and "Cookie" not in s["DEFAULT_REQUEST_HEADERS"]
