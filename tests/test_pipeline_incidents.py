"""Negativity of incident reports told in a flat voice, and of drills (issue 13)."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.incidents import DRILL, INCIDENT, incident_verdict
from pipeline.process import Pipeline
from pipeline.sentiment import SentimentModel
from pipeline.topics import load_topics


@pytest.mark.parametrize("text", [
    "柳江区拉堡镇附近河段今早漂着一片死鱼。",
    "13日凌晨，鱼峰区一处老旧民房发生坍塌，一人被困，消防救援人员将其救出。",
    "城中区一小区多栋楼墙体出现裂缝，业主要求开发商给说法。",
    "产妇分娩后大出血，家属质疑医院处置不当，双方发生医疗纠纷。",
    "一工厂锅炉爆炸，未造成人员伤亡，厂房部分受损。",  # the accident happened; only casualties are denied
])
def test_flat_incident_reports_are_negative(text):
    model = SentimentModel.load()
    assert incident_verdict(text) == INCIDENT
    assert model.is_negative(model.score(text))


@pytest.mark.parametrize("text", [
    "市消防救援支队在一栋高层住宅开展灭火演练，模拟火灾情况下的人员疏散。",
    "化工园区今天开展危化品泄漏应急演练，模拟储罐泄漏后的处置流程。",
])
def test_drills_are_not_negative(text):
    model = SentimentModel.load()
    assert incident_verdict(text) == DRILL
    assert not model.is_negative(model.score(text))


@pytest.mark.parametrize("text", [
    "市人社局开展根治欠薪冬季专项行动，设立举报电话。",  # prevention, not an incident
    "这家店最近人气爆炸，排长队。",  # a metaphor
    "本次事故未造成人员伤亡。",  # denied, nothing else happened
    "周末和朋友一起火锅。",
])
def test_notices_metaphors_and_denials_are_not_incidents(text):
    assert incident_verdict(text) is None


@pytest.mark.parametrize("text", ["青溪这家早餐店人气爆炸，每天早上排长队。", "青溪新楼盘全屋用的防火门和阻燃板，质量怎么样？"])
def test_metaphors_and_materials_do_not_grade_a_post_as_a_safety_case(text):
    config = Path(__file__).resolve().parents[1] / "config" / "topics.yaml"
    got = Pipeline(load_topics(config)).analyze({"id": "x", "title": "", "text": text})
    assert got.relevant and got.topics == ("local",)
    assert got.category != "安全生产" and got.severity == "blue"
