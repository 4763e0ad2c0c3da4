"""`topics.yaml`: the locality and the topics the watch matches (DESIGN §4), with semantic checks
that name the file and line: unknown severity, duplicate topic id, empty term, unknown division.

Topic semantics (pipeline/matcher.py applies them):
- `any`: at least one term; `all`: every inner list has at least one term; `exclude`: none.
- A topic with neither `any` nor `all` is a catch-all: it matches every post about the locality
  (whatever its `locality` setting), and it never decides a post's category.
- `standard_terms: true`: a topic with `any` terms also matches the words of the standard
  vocabulary the watch ships for its `category` (pipeline/vocabulary.py; the example topics say it).
- `locality: required` (default) topics match only posts about the locality; `optional` ones match
  anywhere, and such a match makes the post relevant.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from pipeline.config import ConfigError, _node_line, parse_yaml_text, validate
from pipeline.divisions import DivisionTree
from pipeline.types import SEVERITIES
from pipeline.vocabulary import standard_vocabulary

# Symbols the normaliser treats as filler: a term made only of these and spaces matches nothing.
_FILLER_CHARS = "*·•.-_~|/\\#@^+=`'\"●×"


class Locality(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    terms: list[str] = Field(default_factory=list)
    divisions: list[str] = Field(default_factory=list)
    # Landmarks and institutions that place a post in the locality on their own (景区, 医院简称,
    # 学校简称): matched like `terms`, listed apart so the operator's intent stays readable.
    aliases: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)


class Topic(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str
    name: str
    category: str | None = None
    any_: list[str] = Field(default_factory=list, alias="any")
    all_: list[list[str]] = Field(default_factory=list, alias="all")
    exclude: list[str] = Field(default_factory=list)
    severity: str = "blue"
    locality: Literal["required", "optional"] = "required"
    # Add the shipped standard words of `category` to `any` (pipeline/vocabulary.py). Opt-in: a
    # narrow topic (PX项目) of a broad category must not match the whole category's words.
    standard_terms: bool = False

    @field_validator("severity")
    @classmethod
    def _known_severity(cls, v: str) -> str:
        if v not in SEVERITIES:
            raise ValueError(f"未知的等级 {v!r}，应为 red、orange、yellow 或 blue")
        return v

    @property
    def catch_all(self) -> bool:
        return not self.any_ and not self.all_


class TopicsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    locality: Locality
    topics: list[Topic] = Field(default_factory=list)


def load_topics(path: Path) -> TopicsConfig:
    """Load and check `topics.yaml`; raises ConfigError("file:line: what is wrong")."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(path, None, "文件不存在")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise ConfigError(path, None, f"不是 UTF-8 文本 ({e.reason})") from None
    data, node = parse_yaml_text(text, path)
    config = validate(TopicsConfig, data, node, path)
    _check(config, node, path)
    return config


def _check(config: TopicsConfig, node: yaml.Node | None, path: Path) -> None:
    def fail(loc: tuple, message: str) -> None:
        raise ConfigError(path, _node_line(node, loc), message)

    loc_cfg = config.locality
    for key in ("terms", "aliases", "exclude"):
        for i, term in enumerate(getattr(loc_cfg, key)):
            if _is_empty_term(term):
                fail(("locality", key, i), f"locality.{key}[{i}]: 词语为空")
    if not loc_cfg.terms and not loc_cfg.divisions:
        fail(("locality",), "locality: 至少需要 terms 或 divisions 之一")
    if loc_cfg.divisions:
        tree = DivisionTree.load()
        for i, div in enumerate(loc_cfg.divisions):
            try:
                tree.resolve(div)
            except KeyError as e:
                fail(("locality", "divisions", i), f"locality.divisions[{i}]: 找不到行政区划 {e.args[0]!r}（{div}）")
    seen: dict[str, int] = {}
    for t, topic in enumerate(config.topics):
        if topic.id in seen:
            fail(("topics", t, "id"),
                 f"topics[{t}].id: 主题 id 重复: {topic.id}（第一次出现在 topics[{seen[topic.id]}]）")
        seen[topic.id] = t
        if topic.standard_terms:
            if topic.category not in standard_vocabulary():
                fail(("topics", t, "standard_terms"),
                     f"topics[{t}].standard_terms: 没有类别 {topic.category!r} 的标准词表，可用的类别: "
                     + "、".join(standard_vocabulary()))
            if not topic.any_:
                fail(("topics", t, "standard_terms"), f"topics[{t}].standard_terms: 需要 any 词语（标准词表补充 any）")
        for key, terms in (("any", topic.any_), ("exclude", topic.exclude)):
            for i, term in enumerate(terms):
                if _is_empty_term(term):
                    fail(("topics", t, key, i), f"topics[{t}].{key}[{i}]: 词语为空")
        for g, group in enumerate(topic.all_):
            if not group:
                fail(("topics", t, "all", g), f"topics[{t}].all[{g}]: 词组为空")
            for i, term in enumerate(group):
                if _is_empty_term(term):
                    fail(("topics", t, "all", g, i), f"topics[{t}].all[{g}][{i}]: 词语为空")


def _is_empty_term(term: str) -> bool:
    """True when nothing matchable is left once spaces and filler symbols are dropped."""
    return not "".join(term.split()).strip(_FILLER_CHARS)
