"""`divisions:` paths expand to real division names; ambiguous short names need context."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pipeline.divisions import DivisionTree, town_short, zone_short
from pipeline.process import Pipeline
from pipeline.topics import load_topics
from pipeline.types import RawPost


class Neutral:
    def score(self, text: str) -> float:
        return 0.0

    def is_negative(self, score: float) -> bool:
        return False

    def predict(self, text: str) -> str:
        return "其他"


def make_pipeline(tmp_path_factory, divisions: str) -> Pipeline:
    path = tmp_path_factory.mktemp("div") / "topics.yaml"
    path.write_text(f"locality:\n  name: 测试\n  divisions: [{divisions}]\ntopics: []\n", encoding="utf-8")
    return Pipeline(load_topics(path), sentiment=Neutral(), category=Neutral())


@pytest.fixture(scope="module")
def yibin(tmp_path_factory) -> Pipeline:
    return make_pipeline(tmp_path_factory, "四川省/宜宾市")


@pytest.fixture(scope="module")
def heping(tmp_path_factory) -> Pipeline:
    return make_pipeline(tmp_path_factory, "天津市/和平区")


def doc(pipe: Pipeline, text: str):
    return pipe.process(RawPost("s", "forum", "http://a/1", "http://a/1", "", text,
                                datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))))


@pytest.mark.parametrize("text,locality,exclusions", [
    ("翠屏区一家化工厂冒黑烟", ("翠屏区",), ()),
    ("叙州区今天停电", ("叙州区",), ()),
    ("宜賓化工廠偷排", ("宜宾",), ()),  # Traditional
    ("宜 宾 化 工 厂 偷 排", ("宜宾",), ()),  # spaced
    ("宜宾路况良好", ("宜宾",), ()),  # 路况 is a word, not a road
    ("上海宜宾路发生车祸", (), ("locality:宜宾路",)),
    ("去李庄古镇玩", ("李庄",), ()),  # a short form others bear too, where a place stands, no other place named
    ("李庄这个名字很多地方都有", (), ()),  # a township's short form alone: could be anywhere
    ("四川李庄古镇游客爆满", ("李庄",), ()),  # with the province as context
    ("宜宾李庄古镇游客爆满", ("宜宾", "李庄"), ()),
    ("四川今天下雨", (), ()),  # the province alone is context, not the locality
    ("福建大田县屏山乡茶园采茶忙", (), ("locality:屏山乡",)),  # not our 屏山县
    ("屏山县茶园采茶忙", ("屏山县",), ()),
    ("宜宾市区堵车", ("宜宾", "宜宾市"), ()),  # 宜宾|市区: the city's urban area, no other division
])
def test_yibin(yibin, text, locality, exclusions):
    d = doc(yibin, text)
    assert d.locality_terms == locality
    assert d.relevant is bool(locality)
    assert d.exclusions == exclusions


@pytest.mark.parametrize("text,relevant", [
    ("祝愿世界和平", False),
    ("和平区停水通知", True),  # two cities have a 和平区, but the post names no other place
    ("和平区停水通知，沈阳也停", False),
    ("沈阳和平区停水", False),
    ("天津和平区停水", True),
    ("天津市和平区五大道游人如织", True),
    ("世界和平 #天津·静海#", False),  # context elsewhere in the post is not enough for 和平
    ("天津和平的小白楼", True),  # right after 天津
    ("天津的和平那边", True),
])
def test_common_word_short_forms_need_context(heping, text, relevant):
    assert doc(heping, text).relevant is relevant


def test_expansion_kinds():
    tree = DivisionTree.load()
    terms = tree.expand("四川/宜宾")  # short forms work in paths too
    assert {"宜宾", "宜宾市", "翠屏区", "叙州区", "南溪区"} <= set(terms.strong)
    assert {"李庄", "李庄镇"} <= set(terms.weak)  # a short form, and a name found elsewhere too
    assert set(terms.anchors) == {"四川", "四川省"}
    heping = tree.expand("天津市/和平区")
    assert "和平区" in heping.weak  # two cities have one
    assert "和平" in heping.common  # an everyday word
    assert not {"和平", "和平区"} & set(heping.strong)
    # Municipalities skip the repeated city level.
    assert "浦东" in tree.expand("上海市/浦东新区").strong
    with pytest.raises(KeyError):
        tree.resolve("四川省/青溪市")


def test_package_data_is_small():
    from importlib import resources
    assert len(resources.files("pipeline").joinpath("data/divisions.json.gz").read_bytes()) < 1_000_000


def test_township_short_forms_alone_only_when_unique_and_not_everyday():
    tree = DivisionTree.load()
    liuzhou = tree.expand("广西/柳州市")
    assert "拉堡" in liuzhou.strong  # 拉堡镇: no other township, county or word is called so
    assert "大年" in liuzhou.weak  # 大年乡: an everyday word ("大年三十")
    assert "长安" in liuzhou.weak  # 长安镇: 东莞 has one too


def test_township_words_only_we_bear_are_listed_apart():
    shanwei = DivisionTree.load().expand("广东/汕尾市")
    assert "碣石" in shanwei.weak and "碣石" in shanwei.placeable_towns  # a word (东临碣石), 陆丰's 碣石镇 alone
    assert "甲子" in shanwei.weak and "甲子" not in shanwei.placeable_towns  # a word, and a township elsewhere too
    assert "碣石镇" not in shanwei.placeable_towns
    # a 街道 named after its road: the road's name, whether a word (文化路) or not (花园路), and however many
    # 街道 elsewhere share it; not a short form ending otherwise (凤凰台), nor the 街道's full name
    jinshui = DivisionTree.load().expand("河南省/郑州市/金水区")
    assert {"文化路", "花园路", "南阳路"} <= set(jinshui.road_towns)
    assert "凤凰台" not in jinshui.road_towns and "文化路街道" not in jinshui.road_towns


def test_county_short_forms_that_are_person_names_need_context():
    yueyang = DivisionTree.load().expand("湖南/岳阳市")
    assert "华容" in yueyang.common and "华容县" in yueyang.strong


def test_minor_names_and_the_names_that_place_a_post_elsewhere():
    tree = DivisionTree.load()
    luoyang = tree.expand("河南/洛阳市")
    assert "王城路" in luoyang.weak and "王城路" in luoyang.minor  # a subdistrict's short form
    assert "寇店" in luoyang.strong and "寇店" in luoyang.minor  # a township: strong, yet minor
    assert "宜阳" in luoyang.minor and "宜阳县" not in luoyang.minor  # 宜阳 is a township elsewhere too
    assert "洛阳" not in luoyang.minor
    distinct = tree.distinct_county_names()
    assert "平遥县" in distinct and "和平区" not in distinct  # 和平区: 天津 and 沈阳
    assert "大堂" not in distinct and "石棉" not in distinct  # county short forms, everyday words first
    assert "老城区" not in distinct and "城北区" not in distinct  # a part of any town ("冷水江老城区")
    assert {"河南", "河南省", "江苏"} <= tree.province_names()


def test_a_rare_three_character_name_jieba_tags_as_a_person_is_a_place():
    nanyang = DivisionTree.load().expand("河南/南阳市")
    assert "荆紫关" in nanyang.strong  # 荆紫关镇: jieba's 20 nr is noise on a place
    assert "仓房" in nanyang.weak  # 仓房镇: an everyday word (a storehouse)


def test_unique_subdistrict_short_forms_that_name_no_street_count_alone():
    tree = DivisionTree.load()
    jinzhou = tree.expand("辽宁/锦州市")
    assert {"沟帮子", "大虎山"} <= set(jinzhou.strong)  # a village's and a hill's name, one of each in China
    assert "大凌河" in jinzhou.weak  # a river that flows through other cities too
    assert "王城路" in tree.expand("河南/洛阳市").weak  # a street many cities have
    # two characters, no other place's and no everyday word (靳岗天主教堂, 墟沟海鲜市场): as sure as three
    assert "靳岗" in tree.expand("河南/南阳市").strong
    lianyungang = tree.expand("江苏/连云港市")
    assert "墟沟" in lianyungang.strong
    assert "宁海" in lianyungang.weak  # 宁波's 宁海县 and 烟台's 宁海街道 too
    assert "路南" in lianyungang.weak  # named after where it lies (…南): other cities have one


def test_an_autonomous_county_also_goes_by_its_short_form_and_county():
    tree = DivisionTree.load()
    assert {"务川", "务川县", "务川仡佬族苗族自治县"} <= set(tree.expand("贵州/遵义市").strong)
    assert {"顺河", "顺河区"} <= set(tree.expand("河南/开封市").strong)  # 顺河回族区: an ethnic district


def test_an_ethnic_township_goes_by_its_place_name_and_level(tmp_path_factory):
    assert town_short("岩腊苗族布依族乡") == "岩腊"
    assert town_short("金江白族乡") == "金江" and town_short("李庄镇") == "李庄"
    # a 民族乡, its groups written with or without 族
    assert town_short("白银纳鄂伦春族民族乡") == "白银纳" and town_short("东固畲族少数民族乡") == "东固"
    assert town_short("禾木哈纳斯蒙古民族乡") == "禾木哈纳斯" and town_short("勒门巴民族乡") == ""
    terms = DivisionTree.load().expand("贵州/安顺市")
    assert "岩腊乡" in terms.strong + terms.weak and "岩腊乡" in terms.minor
    assert doc(make_pipeline(tmp_path_factory, "贵州省/安顺市"), "岩腊乡卫生院就剩一个医生").relevant


def test_county_level_names_are_listed():
    jingmen = DivisionTree.load().expand("湖北/荆门市")
    assert {"钟祥", "钟祥市", "京山", "京山市", "东宝区"} <= set(jingmen.counties)
    assert "钟祥" in jingmen.common and "郢中街道" not in jingmen.counties  # a township is no county


def test_names_only_our_own_divisions_bear_are_not_ambiguous():
    tree = DivisionTree.load()
    assert "澄江" in tree.expand("云南/玉溪市").strong  # the source lists 澄江县 and 澄江市, both ours
    assert "澄江" in tree.expand("云南").strong
    assert "永定" in tree.expand("福建/龙岩市").weak  # 张家界 has a 永定区 too
    # 老洲乡 listed under both districts it moved between, and nowhere else: ours alone
    assert "老洲" in tree.expand("安徽/铜陵市").strong and "老洲" in tree.expand("安徽").strong


def test_a_township_full_name_few_others_bear_counts_alone():
    tree = DivisionTree.load()
    siping = tree.expand("吉林/四平市")
    assert "郭家店镇" in siping.strong and "郭家店镇" in siping.minor  # one namesake elsewhere: ours unless set there
    assert "郭家店" in siping.weak  # the short form still needs context
    assert "城关镇" in tree.expand("河南/洛阳市").weak  # hundreds of 城关镇


def test_a_county_jieba_mistags_as_a_rare_name_is_a_place_not_a_word():
    from pipeline.divisions import distinct_county_names
    names = distinct_county_names()
    assert {"义乌", "凯里", "侯马"} <= names  # nz 92, nr 46, nr 48 in jieba's dictionary: its noise on places
    assert not {"石棉", "大堂", "凤凰"} & names  # everyday words (and 凤凰, a frequent given name)


def test_a_township_written_with_its_county_in_front_goes_by_its_own_name():
    tree = DivisionTree.load()
    zhaoqing = tree.expand("广东/肇庆市")  # the source writes 端州区黄岗街道 and 端州区睦岗街道
    assert {"黄岗街道", "睦岗街道", "睦岗"} <= set(zhaoqing.strong)  # as posts write them
    assert "黄岗" in zhaoqing.weak  # 黄岗镇 in five other counties
    assert not any(name.startswith("端州区") and name != "端州区" for name in zhaoqing.strong + zhaoqing.weak)


def test_a_zone_or_office_listed_among_townships_goes_by_its_stem():
    assert zone_short("盘龙城经济开发区") == "盘龙城" and zone_short("木兰山风景区管理处") == "木兰山"
    assert zone_short("东疆保税港区") == "东疆" and zone_short("李庄镇") == "" and zone_short("开发区") == ""
    assert zone_short("安徽芜湖三山经济开发区", {"安徽", "芜湖"}) == "三山"  # the places in front say where it is
    assert zone_short("乌兰浩特经济技术开发区", {"乌兰浩特", "乌兰"}) == ""  # the city's own zone
    assert zone_short("临港物流园区") == "" and zone_short("高铁新区办事处") == ""  # named for a trade or a kind
    # a township written with its zone in front goes by the part after it, and by that part and its level
    assert town_short("天津经济技术开发区东区泰达街道") == "泰达" and town_short("城区街道") == "城区"
    tree = DivisionTree.load()
    huangpi = tree.expand("湖北省/武汉市/黄陂区")
    assert {"盘龙城", "汉口北"} <= set(huangpi.strong) and "盘龙城" in huangpi.minor
    binhai = tree.expand("天津市/滨海新区")
    assert "泰达街道" in binhai.strong and "泰达" in binhai.weak  # a rare word: context needed
    assert "满江街道" in tree.expand("云南省/大理白族自治州/大理市").strong
    # a zone named after its county or city is that place's: no township short form of that name
    assert "赣州" not in tree.expand("江西省/赣州市").minor  # 赣州经济技术开发区, in 章贡区
    assert "汽车" in tree.expand("江苏省/扬州市/仪征市").common  # 汽车工业园: an everyday word, context needed


def test_a_county_renamed_to_another_level_resolves_by_today_s_name():
    tree = DivisionTree.load()
    # The data holds 凤翔 and 无为 under their older levels; operators write 凤翔区 (2021) and 无为市 (2020).
    assert tree.resolve("陕西省/宝鸡市/凤翔区")[-1].short == "凤翔"
    assert tree.resolve("安徽省/芜湖市/无为市")[-1].short == "无为"
    assert tree.expand("陕西省/宝鸡市/凤翔区").strong == tree.expand("陕西省/宝鸡市/凤翔县").strong
    assert [n.name for n in tree.resolve("吉林省/吉林市")] == ["吉林省", "吉林市"]  # a province is no county
    with pytest.raises(KeyError):
        tree.resolve("陕西省/宝鸡市/凤凰区")  # no county of that short form


def test_a_new_area_named_with_its_county_in_front_goes_by_the_rest():
    tree = DivisionTree.load()
    haimen = tree.expand("江苏省/南通市/海门区")  # the data's 海门市临江新区
    assert "临江新区" in {*haimen.strong, *haimen.weak}
    assert "三星镇" in {*haimen.strong, *haimen.weak}  # modood's 三星镇（叠石桥家纺产业园区）, under 海门's new code
    baicheng = tree.expand("吉林省/白城市")  # 白城市生态新区: a kind, not a place
    assert "生态新区" not in {*baicheng.strong, *baicheng.weak, *baicheng.common}
