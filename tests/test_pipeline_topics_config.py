"""topics.yaml errors name the file and the line."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import ConfigError
from pipeline.topics import load_topics

HEAD = "locality:\n  name: 青溪市\n  terms: [青溪]\ntopics:\n"

# (topics.yaml text, line of the error, words the message must contain)
BAD = [
    (HEAD + "  - id: a\n    name: A\n    severity: purple\n", 7, "purple"),
    (HEAD + "  - id: a\n    name: A\n  - id: b\n    name: B\n  - id: a\n    name: C\n", 9, "重复"),
    (HEAD + "  - id: a\n    name: A\n    any:\n      - 偷排\n      - '  '\n", 9, "为空"),
    (HEAD + "  - id: a\n    name: A\n    any: [偷排]\n    all: [[工厂], ['*']]\n", 8, "all[1][0]"),
    (HEAD + "  - id: a\n    name: A\n    all: [[工厂], []]\n", 7, "all[1]"),
    (HEAD + "  - id: a\n    name: A\n    exlude: [演练]\n", 7, "unknown key"),
    (HEAD + "  - id: a\n    name: A\n    locality: sometimes\n", 7, "locality"),
    ("locality:\n  name: 青溪市\n  terms: [青溪]\n  exclude: [青溪路, '']\n", 4, "locality.exclude[1]"),
    ("locality:\n  name: 青溪市\n  terms: [青溪]\n  aliases:\n    - 青溪湖\n    - ' '\n", 6, "locality.aliases[1]"),
    ("locality:\n  name: 青溪市\n  divisions:\n    - 四川省/宜宾市\n    - 某省/青溪市\n", 5, "某省"),
    ("locality:\n  name: 青溪市\ntopics: []\n", 1, "terms"),
    (HEAD + "  - id: a\n    name: A\n    category: 星际旅行\n    any: [飞船]\n    standard_terms: true\n", 9,
     "星际旅行"),  # no shipped vocabulary for this category
    (HEAD + "  - id: a\n    name: A\n    category: 环境保护\n    standard_terms: true\n", 8,
     "需要 any"),  # a catch-all cannot take standard words
    ("locality:\n  name: 青溪市\n  terms: [青溪\n", 4, "invalid YAML"),
]


@pytest.mark.parametrize("text,line,words", BAD, ids=[b[2] for b in BAD])
def test_errors_name_file_and_line(tmp_path, text, line, words):
    path = tmp_path / "topics.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_topics(path)
    assert str(exc.value).startswith(f"{path}:{line}: "), str(exc.value)
    assert words in str(exc.value)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="topics.yaml"):
        load_topics(tmp_path / "topics.yaml")


def test_shipped_config_loads():
    cfg = load_topics(Path(__file__).resolve().parents[1] / "config" / "topics.yaml")
    assert cfg.locality.name == "青溪市"
    ids = [t.id for t in cfg.topics]
    assert {"pollution", "safety", "demolition", "wages", "local"} <= set(ids)
    assert [t.id for t in cfg.topics if t.catch_all] == ["local"]


def test_defaults(tmp_path):
    path = tmp_path / "topics.yaml"
    path.write_text(HEAD + "  - {id: a, name: A, any: [x]}\n", encoding="utf-8")
    topic = load_topics(path).topics[0]
    assert (topic.severity, topic.locality, topic.all_, topic.exclude, topic.catch_all) == (
        "blue", "required", [], [], False)
