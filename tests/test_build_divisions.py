"""scripts/build_divisions.py's merge of the second division source (no ../shared needed: a small CSV)."""
from __future__ import annotations

import importlib.util

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("build_divisions", ROOT / "scripts" / "build_divisions.py")
build_divisions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_divisions)


def test_streets_a_placeholder_or_an_office_name_hides_come_from_modood(tmp_path):
    streets = tmp_path / "modood_streets.csv"
    streets.write_text("code,name,areaCode,provinceCode,cityCode\n"
                       '1,"仙城街道",220403,22,2204\n'
                       '2,"灯塔镇",220403,22,2204\n'  # already listed
                       '3,"辽源经济开发区特殊街道",220403,22,2204\n'  # a zone, not a name people write
                       '4,"五松社区街道",220403,22,2204\n'  # a community-level unit
                       '5,"兴安街道",230902,23,2309\n'
                       '6,"东城街道",110101,11,1101\n', encoding="utf-8")  # jionlp lists this county in full
    towns = {"220403": ["区直辖行政区划", "灯塔镇"], "230902": ["兴安社区公共服务站街道"], "110101": ["东华门街道"]}
    build_divisions._fill_placeholders(towns, build_divisions._modood_names(streets))
    assert towns == {"220403": ["区直辖行政区划", "灯塔镇", "仙城街道"],
                     "230902": ["兴安社区公共服务站街道", "兴安街道"], "110101": ["东华门街道"]}


def test_streets_the_first_source_lacks_under_any_form_come_from_modood(tmp_path):
    streets = tmp_path / "modood_streets.csv"
    streets.write_text("code,name,areaCode,provinceCode,cityCode\n"
                       '1,"孔目江街道",360502,36,3605\n'  # set up after the first source's list
                       '2,"刁镇街道",370114,37,3701\n'  # 刁镇 renamed a street: already there
                       '3,"高新技术产业开发区",360502,36,3605\n'  # a zone
                       '4,"新城街道",999999,99,9999\n'  # a county the first source lacks
                       '5,"渝水区城北街道",360502,36,3605\n'  # its county's name in front
                       '6,"玉堂街道",510181,51,5101\n', encoding="utf-8")  # 玉堂镇 renamed, to a name 巴州 bears too
    towns = {"360502": ["城南街道"], "370114": ["刁镇"], "510181": ["玉堂镇"], "511902": ["玉堂街道"]}
    counties = {"360502": "渝水区", "370114": "章丘区", "510181": "都江堰市", "511902": "巴州区"}
    build_divisions._add_current_names(towns, build_divisions._modood_names(streets), counties)
    assert towns == {"360502": ["城南街道", "孔目江街道", "城北街道"], "370114": ["刁镇"],
                     "510181": ["玉堂镇", "玉堂街道"], "511902": ["玉堂街道"]}


def test_a_street_named_by_its_office_is_written_as_the_street(tmp_path):
    streets = tmp_path / "modood_streets.csv"
    streets.write_text("code,name,areaCode,provinceCode,cityCode\n"
                       '1,"王府街道办事处",152921,15,1529\n'
                       '2,"长青办事处",120112,12,1201\n', encoding="utf-8")  # no 街道 in it: not a street's office
    assert build_divisions._modood_names(streets) == [("152921", "王府街道")]
    assert build_divisions._street_office("巴彦浩特新华街道办事处") == "巴彦浩特新华街道"


def test_idioms_that_hold_a_division_name_are_listed():
    found = build_divisions.idioms({"八斗", "东拉", "合肥"})
    assert {"才高八斗", "东拉西扯"} <= set(found)
    assert "合肥" not in found and all(len(w) >= 4 for w in found)


def test_a_city_without_counties_gets_its_streets_under_its_placeholder_county():
    modood = [("620201", "雄关街道"), ("620201", "峪泉镇"), ("442000", "石岐街道")]
    counties = {"620200": "市直辖行政区划", "442000": "市直辖行政区划"}  # 中山's codes agree: nothing to move
    assert build_divisions._under_placeholders(modood, counties) == [("620200", "雄关街道"), ("620200", "峪泉镇")]


def test_a_township_name_of_one_character_said_twice_is_a_word():
    found = build_divisions.dictionary_words({"麻麻", "波波", "朝东", "泽当"})
    assert {"麻麻", "波波", "朝东"} <= set(found) and "泽当" not in found


def test_a_beijing_area_office_is_written_as_its_town(tmp_path):
    streets = tmp_path / "modood_streets.csv"
    streets.write_text("code,name,areaCode,provinceCode,cityCode\n"
                       '1,"良乡地区",110111,11,1101\n'  # 良乡地区办事处 shares one office with 良乡镇
                       '2,"长青地区",120112,12,1201\n'
                       '3,"东方红水库地区",231283,23,2312\n', encoding="utf-8")  # a reservoir, not a town
    assert build_divisions._modood_names(streets) == [("110111", "良乡镇"), ("120112", "长青镇")]
    assert build_divisions._area_office("周口店地区", "110111") == "周口店镇"
    assert build_divisions._area_office("兆麟街道地区", "120101") == "兆麟街道"
    assert build_divisions._area_office("拆分地区", "230717") == "拆分地区"  # outside 北京 and 天津: as it is


def test_township_names_the_dictionary_knows_well_as_other_places_are_listed():
    found = build_divisions.known_places({"渤海", "江南", "观音桥", "望京"})
    assert {"渤海", "江南"} <= set(found)  # a sea, a region: far better known than any township so named
    assert "观音桥" not in found and "望京" not in found


def test_a_rare_town_word_may_stand_as_the_town_and_a_kind_of_place_never_does():
    # 纸坊 ("paper mill", 776 in jieba's dictionary) and 下关 (122) are rare words; 楼下 and 马路 are places of any
    # town, 车站 a kind of building, 电力 too common, 渤海 a place of its own: none may stand as a town of ours.
    assert build_divisions.rare_words({"纸坊", "下关", "楼下", "马路", "车站", "电力", "渤海"}) == ["下关", "纸坊"]


def test_a_county_recoded_when_it_changed_level_gets_modood_s_towns_under_its_old_code(tmp_path):
    streets = tmp_path / "modood_streets.csv"
    streets.write_text("code,name,areaCode,provinceCode,cityCode\n"
                       '1,"常乐镇",320614,32,3206\n'
                       '2,"三星镇（叠石桥家纺产业园区）",320614,32,3206\n'  # a town glossed with the zone it runs
                       '3,"狼山镇街道",320613,32,3206\n', encoding="utf-8")
    areas = tmp_path / "modood_areas.csv"
    areas.write_text('code,name,cityCode,provinceCode\n320614,"海门区",3206,32\n320613,"崇川区",3206,32\n'
                     '320699,"新城区",3206,32\n', encoding="utf-8")  # no county of ours is 新城
    counties = {"320684": "海门区", "320613": "崇川区"}  # 海门 keeps its code from when it was 海门市
    moved = build_divisions._recoded(build_divisions._modood_names(streets), areas, counties,
                                     {"320684": "海门", "320613": "崇川"})
    assert moved == [("320684", "常乐镇"), ("320684", "三星镇"), ("320613", "狼山镇街道")]
