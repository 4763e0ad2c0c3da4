"""The shipped standard words of each topic category (package data built by
scripts/build_topic_vocabulary.py).

An operator lists the words they thought of; posts name the same subject in many more (倒塌 and
垮塌 for 坍塌, 诊所 and 卫生院 for 医院). A topic that says `standard_terms: true` (the example
topics do) matches the standard words of its `category` too, added to its `any` terms (topics.py
checks that it has both); the topic's own `exclude` still applies to every word. Opt-in, because a
narrow topic of a broad category (PX项目, 环境保护) must not match the whole category.
"""
from __future__ import annotations

import functools
import json
from importlib import resources

FORMAT = "yqwatch-topic-vocabulary-1"


@functools.cache
def standard_vocabulary() -> dict[str, tuple[str, ...]]:
    """Category → its standard words."""
    data = json.loads(resources.files("pipeline").joinpath("data/topic_vocabulary.json").read_text("utf-8"))
    if data.get("format") != FORMAT:
        raise ValueError(f"topic vocabulary data: unexpected format {data.get('format')!r}")
    return {category: tuple(words) for category, words in data["vocabulary"].items()}


def topic_any_terms(topic) -> tuple[str, ...]:
    """The topic's `any` terms, extended by its category's standard words when it takes them."""
    own = tuple(topic.any_)
    if not own or not topic.standard_terms or topic.category is None:
        return own
    excluded = set(topic.exclude)
    extra = [w for w in standard_vocabulary().get(topic.category, ()) if w not in excluded]
    return tuple(dict.fromkeys((*own, *extra)))
