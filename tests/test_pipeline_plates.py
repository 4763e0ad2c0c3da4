"""Vehicle plate prefixes as locality terms: the shipped table, its expansion for a configured
division, and the matcher reading a plate as ours only in a post about vehicles and not as one car's."""
from __future__ import annotations

from collections import Counter

import pytest

from pipeline.divisions import DivisionTree
from pipeline.plates import plate_codes
from test_pipeline_generalise import locality_match


def test_every_prefix_is_one_divisions_and_every_division_resolves():
    rows = plate_codes()
    assert len(rows) > 350  # every province's prefectures
    assert [code for code, n in Counter(code for code, _ in rows).items() if n > 1] == []
    tree = DivisionTree.load()
    for code, path in rows:
        assert len(code) == 2 and code[1].isascii() and code[1].isupper(), code
        tree.resolve(path)  # raises KeyError for a path that names nothing
    by_code = dict(rows)
    assert (by_code["川E"], by_code["鲁C"], by_code["粤D"]) == ("四川省/泸州市", "山东省/淄博市", "广东省/汕头市")


def test_a_prefecture_has_its_own_prefixes_a_county_has_them_as_context_a_province_has_all():
    tree = DivisionTree.load()
    assert set(tree.expand("四川省/成都市").plates) == {"川A", "川G"}
    luzhou_county = tree.expand("四川省/泸州市/江阳区")
    assert luzhou_county.plates == () and "川E" in luzhou_county.plates_above
    assert "川A" not in luzhou_county.plates_above  # not a division above it
    sichuan = tree.expand("四川省").plates
    assert {"川A", "川E", "川Z"} <= set(sichuan) and "渝A" not in sichuan


@pytest.fixture(scope="module")
def luzhou():
    return locality_match("泸州市", "四川省/泸州市")


@pytest.mark.parametrize("text,relevant", [
    ("川E的车牌现在选号还能选到吉利号吗\n准备提车了，想问下川E现在网上选号还能选到好点的号不？", True),
    ("川e牌照的车越来越多换新能源了", True),  # any case
    ("成都一辆川E车高速追尾\n成都绕城高速一辆川E牌照小车与货车追尾。", False),  # one car, and in 成都
    ("鄂B越野车在西湖边违停被拖", False),  # not our plate
    ("川E越野车在西湖边违停被拖", False),  # one car, somewhere
    ("京藏高速一辆川E车追尾", False),
    ("川E小程序上线了", False),  # no vehicle: no plate
    ("川A牌照的车今天限行", False),  # 成都's
])
def test_our_plate_places_a_post_about_plates_not_one_car_elsewhere(luzhou, text, relevant):
    assert luzhou(text).relevant is relevant


def test_a_plate_above_a_county_is_context_only():
    match = locality_match("江阳区", "四川省/泸州市/江阳区")
    assert not match("川E的车牌现在选号还能选到吉利号吗").relevant
