"""pipeline.config: every config error becomes one "file:line: what is wrong" line."""
from typing import Annotated, Literal, Union

import pytest
from pydantic import BaseModel, ConfigDict, Field

from pipeline.config import ConfigError, load_yaml, parse_duration


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    size: int = 0


class A(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["a"]
    level: int


class B(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["b"]
    url: str


class Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[Item] = []


def load(tmp_path, text, model=Doc, **kw):
    p = tmp_path / "c.yaml"
    p.write_text(text, encoding="utf-8")
    return p, lambda: load_yaml(p, model, **kw)


@pytest.mark.parametrize("text, line, words", [
    ("items:\n  - name: a\n  - name: b\n    size: big\n", 4, "items.1.size"),
    ("items:\n  - name: a\n    colour: red\n", 3, "unknown key"),
    ("items:\n  - size: 1\n", 2, "items.0.name"),
    ("items: [\n", 2, "invalid YAML"),
    ("items:\n\t- name: a\n", 2, "invalid YAML"),
])
def test_errors_name_the_line(tmp_path, text, line, words):
    p, go = load(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        go()
    assert str(e.value).startswith(f"{p}:{line}: ") and words in str(e.value)
    assert "\n" not in str(e.value)  # one problem, one line


def test_error_inside_a_tagged_union_points_at_the_inner_key(tmp_path):
    Rule = Annotated[Union[A, B], Field(discriminator="type")]

    class D(BaseModel):
        rules: list[Rule] = []

    p, go = load(tmp_path, "rules:\n  - type: b\n    url: x\n  - type: a\n    level: high\n", D)
    with pytest.raises(ConfigError) as e:
        go()
    assert f"{p}:5:" in str(e.value)  # loc is rules.1.a.level: the tag "a" is skipped


def test_missing_file_and_sections(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_yaml(tmp_path / "none.yaml", Doc)
    assert load_yaml(tmp_path / "none.yaml", Doc, required=False) == Doc()
    p, go = load(tmp_path, "other: 1\nstore:\n  items:\n    - name: a\n      size: x\n", section="store")
    with pytest.raises(ConfigError) as e:
        go()
    assert f"{p}:5:" in str(e.value)


def test_not_utf8(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_bytes("items: [名]".encode("gbk"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_yaml(p, Doc)


@pytest.mark.parametrize("value, seconds", [(90, 90.0), ("90", 90.0), ("90s", 90.0), ("5m", 300.0),
                                            ("1.5h", 5400.0), ("1d", 86400.0)])
def test_durations(value, seconds):
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["soon", "5 minutes", "-5m", ""])
def test_bad_durations(value):
    with pytest.raises(ValueError):
        parse_duration(value)


class Times(BaseModel):
    model_config = ConfigDict(extra="forbid")
    daily_at: str
    shifts: list[str]
    every: float = 0


def test_times_stay_strings(tmp_path):
    """YAML 1.1 reads 20:00 as the base-60 integer 1200; every time in our files is a string."""
    _, go = load(tmp_path, "daily_at: 08:00\nshifts: [20:00, 8:30, 23:59]\nevery: 1.5\n", Times)
    t = go()
    assert (t.daily_at, t.shifts, t.every) == ("08:00", ["20:00", "8:30", "23:59"], 1.5)


@pytest.mark.parametrize("text, first, second", [
    ("items:\n  - name: a\n    size: 1\n    size: 2\n", 3, 4),
    ("items: []\nother: 1\nitems:\n  - name: b\n", 1, 3),
])
def test_duplicate_keys_name_both_lines(tmp_path, text, first, second):
    p, go = load(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        go()
    assert str(e.value).startswith(f"{p}:{second}: ")
    assert f"第 {first} 行" in str(e.value) and f"第 {second} 行" in str(e.value) and "重复" in str(e.value)


def test_all_errors_are_listed_each_with_its_line(tmp_path):
    p, go = load(tmp_path, "items:\n  - name: a\n    size: big\n  - size: 2\n    colour: red\n")
    with pytest.raises(ConfigError) as e:
        go()
    lines = str(e.value).splitlines()
    assert lines[0].startswith(f"{p}:3: items.0.size")
    assert any(x.startswith(f"{p}:4: items.1.name") for x in lines[1:])
    assert any(x.startswith(f"{p}:5: ") and "未知的键" in x for x in lines[1:])
