"""`yqwatch analyze` through run(): JSON lines in, one line out per input, with the shipped models."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from pipeline.analyze import run

CONFIG = Path(__file__).resolve().parents[1] / "config"
KEYS = ["id", "relevant", "topics", "locality", "sentiment", "negative", "category", "severity"]


def call(lines: list[str], config_dir: Path = CONFIG) -> tuple[int, list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    rc = run(config_dir, io.StringIO("".join(line + "\n" for line in lines)), out, err)
    return rc, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


@pytest.fixture(scope="module")
def results():
    items = [
        {"id": "a", "title": "临江县化工厂偷排废水", "text": "河里全是死鱼，太过分了没人管", "source": "bbs",
         "published_at": "2026-11-20T09:00:00+08:00"},
        {"id": "b", "title": "上海青溪路一家店开业", "text": "欢迎光临", "source": "news", "published_at": None},
        {"id": "c", "title": "青溪市图书馆周末开放", "text": "", "source": "news", "published_at": None},
        {"id": "d", "text": "青溪化工厂消防演练，模拟起火"},
    ]
    return call([json.dumps(i, ensure_ascii=False) for i in items])


def test_exact_keys_and_order(results):
    rc, rows, err = results
    assert rc == 0 and err == ""
    assert [r["id"] for r in rows] == ["a", "b", "c", "d"]
    assert all(list(r) == KEYS for r in rows)
    assert all(isinstance(r["sentiment"], float) and -1 <= r["sentiment"] <= 1 for r in rows)


def test_values(results):
    a, b, c, d = results[1]
    assert a["relevant"] and a["locality"] == ["临江县"] and a["topics"][0] == "pollution"
    assert a["negative"] and a["category"] == "环境保护" and a["severity"] == "orange"
    assert (b["relevant"], b["topics"], b["locality"], b["category"], b["severity"]) == (
        False, [], [], None, None)
    assert c["relevant"] and c["topics"] == ["local"] and c["severity"] == "blue"
    assert c["category"] is not None  # from the classifier
    assert "safety" not in d["topics"] and "local" in d["topics"]


def test_malformed_lines_are_reported_and_skipped():
    rc, rows, err = call(['{"id": "1", "title": "青溪"}', "not json", "", '["list"]', '{"title": "no id"}',
                          '{"id": "2", "text": 5}', '{"id": 3, "title": "青溪停水"}'])
    assert rc == 2
    assert [r["id"] for r in rows] == ["1", 3]
    lines = err.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == ["第 2 行", "第 4 行", "第 5 行", "第 6 行"]
    assert lines[-1] == "共跳过 4 行"


def test_hostile_lines_are_skipped_and_later_lines_still_analysed():
    """A lone surrogate (in the id or the text) and 100k-deep JSON each cost one line, not the run."""
    deep = "[" * 100_000 + "]" * 100_000
    rc, rows, err = call(['{"id": "\\ud800", "title": "青溪"}', deep, '{"id": "t", "text": "青溪\\udc00停水"}',
                          '{"id": "ok", "title": "青溪停水"}'])
    assert rc == 2
    assert [r["id"] for r in rows] == ["ok"]
    assert [line.split(":")[0] for line in err.splitlines()] == ["第 1 行", "第 2 行", "第 3 行", "共跳过 3 行"]


def test_hostile_lines_through_the_real_command():
    import subprocess
    import sys

    deep = "{\"a\": " * 100_000 + "1" + "}" * 100_000
    stdin = "\n".join(['{"id": "\\ud800"}', deep, '{"id": "after", "title": "青溪停水"}']) + "\n"
    r = subprocess.run([sys.executable, "-m", "scheduler", "analyze", "--config", str(CONFIG)], input=stdin,
                       capture_output=True, text=True, encoding="utf-8", timeout=180)
    assert r.returncode == 2, r.stderr
    assert [json.loads(line)["id"] for line in r.stdout.splitlines()] == ["after"]
    assert "Traceback" not in r.stderr and r.stderr.strip().endswith("共跳过 2 行")


def test_config_folder_with_only_topics_yaml(tmp_path):
    (tmp_path / "topics.yaml").write_text("locality: {name: 某地, terms: [某地]}\n", encoding="utf-8")
    rc, rows, _ = call(['{"id": "x", "title": "某地停水"}'], tmp_path)
    assert rc == 0 and rows[0]["relevant"] and rows[0]["topics"] == []


def test_bad_config_exits_2(tmp_path):
    (tmp_path / "topics.yaml").write_text("locality: {name: 某地, terms: [某地]}\ntopics: [{id: a}]\n",
                                          encoding="utf-8")
    rc, rows, err = call(['{"id": "x"}'], tmp_path)
    assert rc == 2 and rows == []
    assert str(tmp_path / "topics.yaml") + ":2:" in err and "\n" == err[-1] and err.count("\n") == 1
