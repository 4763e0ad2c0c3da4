"""A negated topic term ("未造成伤亡") does not count as a hit; negation is a whole token."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pipeline.process import Pipeline
from pipeline.topics import TopicsConfig
from pipeline.types import RawPost
from pipeline_stubs import AlwaysNegative


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    topics = TopicsConfig.model_validate({
        "locality": {"name": "青溪市", "terms": ["青溪", "临江县"]},
        "topics": [
            {"id": "safety", "name": "安全事故", "category": "安全生产", "severity": "red",
             "any": ["爆炸", "起火", "泄漏", "伤亡", "遇难"], "exclude": ["演练"]},
            {"id": "pollution", "name": "环境污染", "category": "环境保护", "severity": "orange",
             "any": ["异味", "偷排", "污染", "死鱼"]},
        ],
    })
    return Pipeline(topics, sentiment=AlwaysNegative(-0.9), category=AlwaysNegative())


@pytest.mark.parametrize("text, topics, negated", [
    # negation right before the term, or with up to two bridge words between
    ("青溪一小区车库着火，未造成伤亡", (), ["伤亡"]),
    ("临江县仓库未发生泄漏", (), ["泄漏"]),
    ("青溪化工厂周边没有发现异味", (), ["异味"]),
    ("青溪化工厂无明显异味", (), ["异味"]),
    ("青溪河段未见死鱼", (), ["死鱼"]),
    ("青溪某厂不存在偷排", (), ["偷排"]),
    ("临江县一车间起火，暂未接到伤亡报告", ("safety",), ["伤亡"]),  # 起火 still counts
    # not negations: 不断/不明/不停 are words of their own; a plain verb is no bridge
    ("临江县化工厂近日不断爆炸", ("safety",), []),
    ("青溪不明气体泄漏", ("safety",), []),
    ("青溪工厂不停偷排", ("pollution",), []),
    ("青溪化工厂爆炸致3人伤亡", ("safety",), []),
    ("青溪化工厂没人管偷排", ("pollution",), []),
    ("没有办法，青溪化工厂又偷排了", ("pollution",), []),  # the negation is in another clause
])
def test_negated_topic_terms(pipeline, text, topics, negated):
    a = pipeline.analyze({"id": "x", "title": text, "text": ""})
    assert a.topics == topics
    raw_doc = pipeline.process(_raw(text))
    assert [e.split(":", 1)[1] for e in raw_doc.exclusions if e.startswith("negated:")] == negated
    if not topics:
        assert a.severity is None or a.severity == "blue"


def test_negated_and_plain_occurrence_of_one_term(pipeline):
    doc = pipeline.process(_raw("青溪化工厂说没有偷排，可是昨晚又偷排了"))
    assert [h.topic_id for h in doc.topic_hits] == ["pollution"]
    assert doc.topic_hits[0].words == ("偷排",)


def _raw(text: str) -> RawPost:
    return RawPost("t", "forum", "http://x.example/1", "http://x.example/1", text, "",
                   datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")))
