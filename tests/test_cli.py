"""The `yqwatch` CLI contract (DESIGN §5), run as a real subprocess: exit codes, one-line errors,
and the exact JSON shapes other checks depend on."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import pytest

from conftest import REAL_FIXTURES, ROOT, free_port


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
    assert err.count(name) == 1, err  # the path once, not "sources.yaml: …/sources.yaml:6: …"
    assert err.startswith("错误: ") and "Traceback" not in err
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



def test_every_config_error_is_listed(cfg):
    (cfg / "watch.yaml").write_text("locality: 青溪市\nrules_every: soon\nshifts: [8点]\n", encoding="utf-8")
    (cfg / "topics.yaml").write_text("locality:\n  name: 青溪\n  terms: [青溪]\n  terms: [x]\n", encoding="utf-8")
    r = yq("check-config", str(cfg))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert any("watch.yaml:2: rules_every" in x for x in lines), lines
    assert any("watch.yaml:3: shifts" in x for x in lines), lines
    assert any("topics.yaml:4:" in x and "重复" in x for x in lines), lines


# --- the README's forms, as written there ------------------------------------------------------
def _readme_line(prefix: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return next(line for line in text.splitlines() if f"`yqwatch {prefix}" in line)


def test_readme_demo_sites_form_serves(tmp_path):
    assert "yqwatch demo-sites [--port 8765]" in _readme_line("demo-sites")
    import time
    import urllib.request

    port = free_port()
    p = subprocess.Popen([sys.executable, "-m", "scheduler", "demo-sites", "--port", str(port)], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/news/", timeout=2) as resp:
                    assert resp.status == 200
                    break
            except OSError:
                assert p.poll() is None, p.communicate()[1]
                time.sleep(0.2)
        else:
            pytest.fail("demo sites never answered")
    finally:
        p.terminate()
        p.communicate(timeout=30)


def test_readme_parse_page_form_with_options_first():
    assert "yqwatch parse-page FILE --kind" in _readme_line("parse-page")
    page = REAL_FIXTURES / "discuz" / "discuz_thread_2015_1point3acres_gbk_p1.html"
    r = yq("parse-page", "--kind", "discuz", str(page))  # the form: options before FILE
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["page_type"] == "thread"


@pytest.mark.parametrize("args, words", [
    (("source", "--help"), "source test"),
    (("source", "test", "--help"), "source_id"),
    (("parse-page", "--help"), "--kind"),
    (("demo-sites", "--help"), "--port"),
    (("-v", "demo-sites", "--help"), "--port"),
    (("search", "--help"), "--source"),
])
def test_help_works_on_every_command(args, words):
    r = yq(*args)
    assert r.returncode == 0, r.stderr
    assert words in r.stdout and r.stderr == ""


def test_unknown_filter_values_are_errors_not_empty_results(cfg):
    for flag, value in (("--source", "nosuch-src"), ("--topic", "nosuch-topic")):
        r = yq("search", "停水", flag, value, "--config", str(cfg))
        assert r.returncode == 2, r.stdout + r.stderr
        assert value in r.stderr and "共 0 条" not in r.stdout and len(r.stderr.strip().splitlines()) == 1


def _with_secret_channel(cfg):
    """alerts.yaml with a webhook whose URL comes from an environment variable nobody exported."""
    (cfg / "alerts.yaml").write_text(textwrap.dedent("""\
        channels:
          hook:
            type: webhook
            url_env: YQ_TEST_UNSET_WEBHOOK_URL
        rules:
          - id: r
            name: R
            type: new_hit
            channels: [hook]
        """), encoding="utf-8")


def _seed_thread(cfg):
    """One thread (opening post + two replies) and a second thread, saved and queued for the index."""
    from dataclasses import replace

    from storage.factory import create_schema, make_engine
    from storage.store import Store
    from storage_docs import T0, make_doc

    engine = make_engine(f"sqlite:///{cfg / 'yq.db'}")
    create_schema(engine)
    head = make_doc(1, title="青溪自来水又停了", tokens=("青溪", "停水"))
    thread = head.thread_url
    docs = [head,
            replace(make_doc(2, title="回复: 青溪自来水又停了", tokens=("停水", "停水", "停水")), thread_url=thread,
                    floor=2, published_at=T0.replace(minute=5)),
            replace(make_doc(3, title="回复: 青溪自来水又停了", tokens=("停水",)), thread_url=thread, floor=3,
                    published_at=T0.replace(minute=9)),
            make_doc(4, title="另一处停水", tokens=("停水",), published_at=T0.replace(minute=7))]
    Store(engine).save_documents(docs)
    engine.dispose()


def test_search_groups_replies_under_their_thread_with_scores_and_needs_no_channel_secret(cfg):
    _with_secret_channel(cfg)
    _seed_thread(cfg)
    env_has = subprocess.run([sys.executable, "-c", "import os; print('YQ_TEST_UNSET_WEBHOOK_URL' in os.environ)"],
                             capture_output=True, text=True).stdout.strip()
    assert env_has == "False"
    r = yq("search", "停水", "--sort", "score", "--config", str(cfg))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "共 4 条"
    titles = [x for x in lines[1:] if x.startswith(("[", "    └ "))]
    # the thread's opening post, its replies indented beneath it by floor, then the other thread
    i = next(k for k, x in enumerate(titles) if "青溪自来水又停了" in x and "└" not in x)
    assert "#2" in titles[i + 1] and "└" in titles[i + 1] and "#3" in titles[i + 2] and "└" in titles[i + 2]
    assert sum("另一处停水" in x for x in titles) == 1
    assert all("相关度 " in x for x in titles)
    scores = [x.split("相关度 ")[1].split()[0] for x in titles]
    assert all(float(s) > 0 for s in scores), scores  # sorted by score: real BM25 numbers, not "-"
    for cmd in ("sources", "gc"):  # nothing that sends needs the channel's secret
        r = yq(cmd, "--config", str(cfg))
        assert r.returncode == 0, (cmd, r.stderr)
    # the watch, which does send, refuses to start without it: one line naming the variable
    r = yq("run", "--duration", "1", "--config", str(cfg))
    assert r.returncode == 2 and "YQ_TEST_UNSET_WEBHOOK_URL" in r.stderr, r.stdout + r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_search_with_the_index_down_is_one_line_exit_2(cfg):
    port = free_port()  # nothing listens there
    (cfg / "watch.yaml").write_text(textwrap.dedent(f"""\
        locality: 青溪市
        storage:
          database_url: sqlite:///yq.db
          search_backend: elasticsearch
          elasticsearch:
            url: http://127.0.0.1:{port}
            request_timeout: 2
        """), encoding="utf-8")
    r = yq("search", "停水", "--config", str(cfg))
    assert r.returncode == 2, r.stdout + r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "搜索索引不可用" in r.stderr, r.stderr


def test_a_closed_pipe_is_silent(cfg):
    _seed_thread(cfg)
    p = subprocess.Popen([sys.executable, "-m", "scheduler", "search", "停水", "--limit", "500", "--config", str(cfg)],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()  # like `| head -0`: the reader is gone before anything is written
    with p.stderr:
        err = p.stderr.read().decode("utf-8")
    p.wait(timeout=120)
    assert err == "" and p.returncode == 0
