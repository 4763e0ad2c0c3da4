"""The `yqwatch` CLI contract (DESIGN §5), run as a real subprocess: exit codes, one-line errors,
and the exact JSON shapes other checks depend on."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import pytest

from conftest import REAL_FIXTURES, ROOT


def yq(*args: str, stdin: str | None = None, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scheduler", *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd, timeout=180)


@pytest.fixture
def cfg(tmp_path):
    d = tmp_path / "config"
    shutil.copytree(ROOT / "config", d, ignore=shutil.ignore_patterns("examples"))
    (d / "watch.yaml").write_text(textwrap.dedent("""\
        locality: 青溪市
        storage:
          database_url: sqlite:///yq.db
          index_path: index.sqlite
        reports:
          out_dir: reports
        """), encoding="utf-8")
    return d


def test_check_config_accepts_the_shipped_config():
    r = yq("check-config", "config")
    assert r.returncode == 0, r.stderr
    assert "配置有效" in r.stdout


@pytest.mark.parametrize("name, text, line, words", [
    ("topics.yaml", "locality:\n  name: 青溪\n  terms: [青溪]\ntopics:\n  - id: a\n    name: A\n"
                    "    severity: purple\n", 7, "severity"),
    ("sources.yaml", "sources:\n  - id: x\n    name: X\n    kind: forum\n    urls: [http://a/]\n"
                     "    intervall: 5m\n", 6, "intervall"),
    ("watch.yaml", "locality: 青溪市\nrules_every: soon\n", 2, "rules_every"),
    ("alerts.yaml", "channels:\n  mail:\n    type: email\n    host: h\n    port: 25\n    sender: a@b\n"
                    "    recipients: [c@d]\nrules:\n  - id: r\n    name: R\n    type: new_hit\n"
                    "    channels: [nosuch]\n", None, "nosuch"),
])
def test_bad_config_is_one_line_naming_file_and_line(cfg, name, text, line, words):
    (cfg / name).write_text(text, encoding="utf-8")
    r = yq("check-config", str(cfg))
    assert r.returncode == 2, r.stdout + r.stderr
    err = r.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert name in err and words in err
    if line is not None:
        assert f"{name}:{line}:" in err, err


def test_broken_yaml_names_the_line(cfg):
    (cfg / "topics.yaml").write_text("locality:\n  name: [青溪\n", encoding="utf-8")
    r = yq("check-config", str(cfg))
    assert r.returncode == 2 and "topics.yaml:" in r.stderr and "invalid YAML" in r.stderr


def test_parse_page_prints_the_contract_json_for_a_gbk_forum_page():
    page = REAL_FIXTURES / "discuz" / "discuz_thread_2015_1point3acres_gbk_p1.html"
    r = yq("parse-page", str(page), "--kind", "discuz", "--url", "http://www.1point3acres.com/bbs/thread-129405-1-1.html")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == {"page_type", "title", "posts", "items", "next_page"}
    assert out["page_type"] == "thread" and out["posts"]
    post = out["posts"][0]
    assert set(post) == {"author", "published_at", "text", "floor", "url"}
    assert post["published_at"].endswith("+08:00")
    assert "\ufffd" not in out["title"] + post["text"]  # no mojibake


def test_parse_page_bad_input_exits_2(tmp_path):
    r = yq("parse-page", str(tmp_path / "missing.html"), "--kind", "discuz")
    assert r.returncode == 2 and r.stderr.strip()
    f = tmp_path / "x.html"
    f.write_bytes(b"<html></html>")
    assert yq("parse-page", str(f), "--kind", "weibo").returncode == 2


def test_analyze_with_a_folder_holding_only_topics(tmp_path):
    d = tmp_path / "only"
    d.mkdir()
    shutil.copy(ROOT / "config" / "topics.yaml", d / "topics.yaml")
    lines = [
        {"id": "a", "title": "临江县化工厂偷排废水", "text": "河水发臭，死鱼一片，太过分了", "source": "tieba",
         "published_at": "2026-11-25T08:00:00+08:00"},
        {"id": "b", "title": "上海青溪路新开了咖啡店", "text": "味道不错", "source": "news", "published_at": None},
        {"id": "c", "title": "今天天气真好", "text": "心情愉快", "source": "forum", "published_at": None},
    ]
    r = yq("analyze", "--config", str(d), stdin="\n".join(json.dumps(x, ensure_ascii=False) for x in lines))
    assert r.returncode == 0, r.stderr
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c"]
    keys = {"id", "relevant", "topics", "locality", "sentiment", "negative", "category", "severity"}
    assert all(set(o) == keys for o in out)
    a, b, c = out
    assert a["relevant"] and "pollution" in a["topics"] and a["negative"] and a["severity"] in ("orange", "red")
    assert a["category"] == "环境保护" and "临江县" in a["locality"]
    assert not b["relevant"] and b["topics"] == [] and b["severity"] is None  # 青溪路 is elsewhere
    assert not c["relevant"] and c["sentiment"] > 0 and not c["negative"]  # scored even when irrelevant


def test_unknown_source_and_bad_date_are_input_errors(cfg):
    r = yq("crawl", "nosuch", "--config", str(cfg))
    assert r.returncode == 2 and "nosuch" in r.stderr
    r = yq("report", "daily", "--date", "2026-13-45", "--config", str(cfg))
    assert r.returncode == 2 and "YYYY-MM-DD" in r.stderr


def test_report_search_and_sources_on_an_empty_watch(cfg):
    r = yq("report", "daily", "--date", "2026-11-24", "--format", "html", "--config", str(cfg))
    assert r.returncode == 0, r.stderr
    assert "第1期" in r.stdout
    html = cfg / "reports"
    files = list(html.glob("*.html"))
    assert len(files) == 1 and "重要舆情摘报" in files[0].read_text(encoding="utf-8")
    r = yq("search", "化工厂", "--json", "--config", str(cfg))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"total": 0, "hits": []}
    r = yq("sources", "--json", "--config", str(cfg))
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert {x["source"] for x in rows} == {"demo-tieba", "demo-bbs", "demo-news", "demo-news-rss"}
    assert all(x["status"] == "never" for x in rows)
