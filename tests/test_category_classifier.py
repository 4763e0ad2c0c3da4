"""Behaviour of the shipped category classifier (pipeline/category.py)."""
from __future__ import annotations

import csv
import gzip
import json

import pytest

from pipeline.category import CATEGORIES, CategoryClassifier


@pytest.fixture(scope="module")
def clf() -> CategoryClassifier:
    return CategoryClassifier.load()


@pytest.mark.parametrize("text, expected", [
    ("临江县化工厂偷排废水，河里全是死鱼，空气里有刺鼻异味，环保部门不管", "环境保护"),
    ("公交车改线以后站点太远，早高峰等车半小时，希望恢复原来的公交线路", "交通运输"),
    ("孩子所在小学乱收费，补课费每学期两千元，请教育局查处", "教育文体"),
    ("公司拖欠工资半年，社保也没有缴纳，劳动仲裁迟迟不受理", "劳动和社会保障"),
    ("县人民医院看病难，医生态度差，挂号排队三小时", "卫生计生"),
    ("小区旁边的工地夜间施工噪音扰民，拆迁补偿也没落实", "城乡建设"),
    ("东湖区化工厂发生爆炸，多人受伤", "安全生产"),
    ("昨晚的篮球比赛湖人队加时赛险胜勇士", "其他"),
])
def test_obvious_texts(clf, text, expected):
    assert clf.predict(text) == expected


def test_safety_rule_needs_headline_or_two_words(clf):
    assert clf.is_safety("临江县一厂房起火，消防到场")
    assert clf.is_safety("矿区事故致两人被困")
    assert not clf.is_safety("路口发生交通事故，车辆拥堵")
    long_complaint = "小区物业不作为，" * 10 + "楼道里也有安全隐患"
    assert not clf.is_safety(long_complaint)
    assert clf.is_safety(long_complaint + "，上个月还发生了火灾")


def test_always_returns_a_known_category(clf):
    for text in ["", "   ", "！！！", "a" * 500, "的的的"]:
        assert clf.predict(text) in CATEGORIES
    assert set(clf.classes) == set(CATEGORIES) - {"安全生产"}


def test_model_round_trips_and_rejects_foreign_files(tmp_path):
    classes = [c for c in CATEGORIES if c != "安全生产"]
    raw = {"format": "yqwatch-category-1", "classes": classes, "bias": [0.0] * len(classes),
           "ngrams": {"学校": [1.0 if c == "教育文体" else 0.0 for c in classes]}}
    path = tmp_path / "c.json.gz"
    path.write_bytes(gzip.compress(json.dumps(raw, ensure_ascii=False).encode()))
    tiny = CategoryClassifier.load(path)
    assert tiny.predict("学校门口") == "教育文体"
    assert tiny.predict("门口") == classes[0]  # ties go to the first class, deterministically
    path.write_bytes(gzip.compress(json.dumps({**raw, "classes": ["体育"]}).encode()))
    with pytest.raises(ValueError):
        CategoryClassifier.load(path)


def test_accuracy_on_gov_messages_test(clf, shared_dir):
    """Measurement only (never fitted on): guards against a broken model file."""
    with (shared_dir / "data/topics/gov_messages_tipdm2020/test.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    acc = sum(clf.predict(r["text"]) == r["label"] for r in rows) / len(rows)
    assert acc >= 0.65
