"""`yqwatch source test ID` (python -m crawlers.source_test): fetch a source's first list page and
first thread once, print what the selectors extract, store nothing."""
from __future__ import annotations

import json

from crawlers.source_test import main as source_test
from test_crawl_generic import GENERIC, MESSAGES, gov_site
from test_crawl_support import Site, forum_sources, write_config


def test_yqwatch_source_test_prints_what_a_generic_source_extracts(tmp_path, capfd):
    from scheduler import main

    with Site() as site:
        gov_site(site, MESSAGES)
        cfg = write_config(tmp_path, GENERIC.format(base=site.url))
        assert main(["source", "test", "gov", "--config", str(cfg)]) == 0  # via a subprocess, as operators run it
        out = capfd.readouterr().out
        assert f"== {site.url}/gov/list.html  (list)" in out
        assert "- 东湖区小区停水三天没人管 | None | 回复 1 | 2024-05-01T10:00:00+08:00" in out
        assert "共 2 条目, 0 帖" in out
        assert f"== {site.url}/gov/msg-1.html?from=list  (thread) 标题: 东湖区小区停水三天没人管" in out
        assert "#1 张三 2024-05-01T10:00:00+08:00: 青溪市东湖区幸福小区停水三天了" in out
        assert "#2 物业" in out and "共 0 条目, 2 帖" in out
        assert not (tmp_path / "var").exists()  # nothing stored

        assert source_test(["gov", "--config", str(cfg), "--json"]) == 0
        pages = json.loads(capfd.readouterr().out)
        assert [p["page_type"] for p in pages] == ["list", "thread"]
        assert [i["title"] for i in pages[0]["items"]] == [t for t, _ in MESSAGES.values()]


def test_source_test_sends_the_login_cookie_and_reports_failures(tmp_path, capfd, monkeypatch):
    with Site() as site:
        site.forum.add_thread(1, 2)
        cfg = write_config(tmp_path, forum_sources(site.url, extra="cookies_env: BBS_COOKIE\n"))
        monkeypatch.setenv("BBS_COOKIE", "auth=s3cret")
        assert source_test(["bbs", "--config", str(cfg)]) == 0
        assert "#2 用户1" in capfd.readouterr().out
        assert [h.headers.get("cookie") for h in site.hits] == ["auth=s3cret"] * 2

        site.forum.layout = "redesigned"
        assert source_test(["bbs", "--config", str(cfg)]) == 1
        assert "抓取或解析失败: ParseError" in capfd.readouterr().err
    assert source_test(["nope", "--config", str(cfg)]) == 2
    assert "未知的信息源: nope" in capfd.readouterr().err


def test_source_test_never_fetches_into_the_network(tmp_path, capfd):
    from test_crawl_support import send

    with Site() as site, Site() as admin:
        admin.routes["/admin"] = lambda h: send(h, 200, b"<html><body>deleted</body></html>")
        target = f"http://127.0.0.1:{admin.server.server_port}/admin?action=delete"
        site.routes["/go"] = lambda h: send(h, 302, b"", headers={"Location": target})
        cfg = write_config(tmp_path, forum_sources(site.url))
        site.forum.extra_rows = [("跳转", "/go")]
        site.forum.link_suffix = ""
        assert source_test(["bbs", "--config", str(cfg)]) == 1  # the first item redirects inward
        err = capfd.readouterr().err
        assert "已拒绝访问 blocked:private_address" in err and len(err.strip().splitlines()) == 1
        site.forum.extra_rows = [("外站", f"http://localhost:{admin.server.server_port}/admin")]
        assert source_test(["bbs", "--config", str(cfg)]) == 1
        assert "blocked:offsite" in capfd.readouterr().err
    assert admin.hits == []
