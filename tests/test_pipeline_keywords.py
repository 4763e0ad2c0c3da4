"""Unknown names (not in jieba's dictionary) reach Document.tokens and key terms."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pipeline.fingerprint import KeywordScorer
from pipeline.process import Pipeline
from pipeline.topics import load_topics
from pipeline.types import RawPost
from pipeline_stubs import AlwaysNegative

CONFIG = Path(__file__).resolve().parents[1] / "config" / "topics.yaml"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(load_topics(CONFIG), sentiment=AlwaysNegative(-0.5), category=AlwaysNegative())


def _post(title: str, text: str) -> RawPost:
    return RawPost("bbs", "forum", "http://bbs.example/t/1", "http://bbs.example/t/1", title, text,
                   datetime(2026, 3, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai")))


@pytest.mark.parametrize("title, text, name", [
    ("青溪鑫源化工厂偷排废水", "河里全是死鱼", "鑫源"),
    ("临江县村民张卫国讨薪无果", "工地老板跑了", "张卫国"),
])
def test_unknown_name_is_a_token_and_a_key_term(pipeline, title, text, name):
    doc = pipeline.process(_post(title, text))
    assert doc.relevant
    assert name in doc.tokens
    assert name in doc.keywords


def test_irrelevant_posts_are_not_segmented(pipeline):
    doc = pipeline.process(_post("鑫源化工厂偷排废水", "外地新闻"))
    assert not doc.relevant and doc.tokens == () and doc.keywords == ()


def test_keyword_cache_gives_the_same_ranking():
    scorer = KeywordScorer({"化工厂": 3.0, "废水": 2.0}, default_idf=5.0)
    tokens = ["的", "化工厂", "废水", "化工厂", "鑫源", "a", "ok", "废水", "废水"]
    first = scorer.top(tokens, k=3)
    assert first == ("化工厂", "废水", "鑫源")  # 2×3.0 = 3×2.0 > 1×5.0: ties keep first appearance
    assert scorer.top(tokens, k=3) == first
