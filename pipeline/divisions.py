"""Administrative divisions (package data built by scripts/build_divisions.py) and the locality
terms a `divisions:` path such as "四川省/宜宾市" expands to.

A path names a division by full or short form at each level ("四川/宜宾" works too); a level may
be skipped ("上海市/浦东新区", "四川省/翠屏区"). The expansion is the division itself and every
county and township below it, each in full form (翠屏区, 李庄镇) and short form (翠屏, 李庄). The zones and
offices the data lists among the townships go by the name before their kind (盘龙城经济开发区: 盘龙城; zone_short).

Which names may place a post in the locality on their own, and which need context:
- A name is AMBIGUOUS when it is a township's short form found elsewhere too or that is a general
  dictionary word (李庄, 大年; a short form no other township has, such as 拉堡, counts alone), when more than one division in
  China bears it (和平区: 天津 and 沈阳; 城关镇: hundreds; township short forms are not counted
  here, so 浦东 stays unambiguous although some 浦东街道 may exist), or when it is a 2-character everyday
  word (和平, 合作, 解放: listed in the data by the build script from jieba's dictionary).
- An ambiguous name counts only when the same post also has context: an unambiguous locality
  term, or an ANCHOR, the full or short name of a division above the path (四川省, 四川). An
  everyday word needs that context right before it (pipeline/matcher.py). So "世界和平" never
  makes a post about 天津市/和平区, but "天津和平区停水" does.
Anchors alone never make a post relevant ("四川" is not "宜宾").
A subdistrict's (街道's) short form ending like a street, gate, temple or river (中山路, 东门外, 关帝庙)
is ambiguous too: many cities have one; its full name (中山路街道) is not. One that is a road's name
(中山路, 文化路: DivisionTerms.road_towns) counts in a post that names no other place, the watch reading our
own sources. Any other short form no other place bears and no everyday word is (墟沟 for 墟沟街道) counts
alone, as a township's does.
"""
from __future__ import annotations

import functools
import gzip
import json
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources

from pipeline.plates import plate_codes

FORMAT = "yqwatch-divisions-1"
_TOWN_SUFFIX_RE = re.compile(r"(?:街道|镇|乡|苏木)$")
# China's ethnic groups other than Han, longest first (土家 before 土): an ethnic township (岩腊苗族布依族乡)
# goes by its place name alone and its level (岩腊, 岩腊乡), never by the groups it is named for.
_ETHNIC_GROUPS = sorted((
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克",
    "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬",
    "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克",
    "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺"), key=len, reverse=True)
# ... and so does a "民族乡", its groups written with or without 族 (白银纳鄂伦春族民族乡, 禾木哈纳斯蒙古民族乡,
# 东固畲族少数民族乡: 白银纳, 禾木哈纳斯, 东固).
_ETHNIC_TOWN_RE = re.compile("(?:(?:" + "|".join(_ETHNIC_GROUPS) + ")族)+(?=(?:镇|乡|苏木)$)"
                             "|(?:(?:" + "|".join(_ETHNIC_GROUPS) + ")族?)+(?:少数)?民族(?=(?:镇|乡)$)")
# A subdistrict's short form ending so is the street, gate, bridge, temple, community or river it is
# named after, and other cities have one too (中山路, 南门外, 关帝庙, 朝阳社区, 大凌河); a unique one
# ending otherwise is a village's, a hill's, a landmark's or an old town's name (沟帮子, 大虎山, 解放碑, 墟沟).
_STREET_ENDS = ("路", "街", "巷", "道", "门", "桥", "里", "坊", "楼", "寺", "庙", "场", "园", "站", "口", "村", "城",
                "外", "前", "后", "东", "西", "南", "北", "区", "中心", "河", "江")
_ROAD_ENDS = ("路", "街", "大道", "大街", "巷")  # of _STREET_ENDS, those that make a road's name
# A township's full name (李庄镇) that at most this many townships in China bear counts on its own: a
# post that names a namesake elsewhere names that place too, and is set there (pipeline/matcher.py).
_SHARED_TOWN = 3
# District names that also name a part of any town ("冷水江老城区的街上"): no evidence of another city.
TOWN_PARTS = frozenset({"老城区", "新城区", "城东区", "城西区", "城南区", "城北区", "城中区", "城关区", "市中区",
                        "平房区"})  # 哈尔滨's 平房区, and any town's area of bungalows
_BANNER_PARTS = ("左", "右", "前", "中", "后")
_ETHNIC_ENDINGS = (("自治县", "县"), ("族区", "区"))
_MUNICIPALITIES = frozenset({"北京市", "上海市", "天津市", "重庆市"})


@dataclass(frozen=True)
class DivisionTerms:
    strong: tuple[str, ...]  # count on their own
    weak: tuple[str, ...]  # count only with context in the post
    common: tuple[str, ...]  # everyday words: count only with context right before them
    anchors: tuple[str, ...]  # context only
    # Names that a post naming another city or province places there unless it also names ours:
    # township names, and county names that townships elsewhere bear too (宜阳: a county of 洛阳
    # and a township elsewhere). Never the configured division's own names.
    minor: tuple[str, ...] = ()
    # County-level names below the configured division, full and short (钟祥市, 钟祥).
    counties: tuple[str, ...] = ()
    # Vehicle plate prefixes issued within the configured division (川E for 泸州): they place a post
    # about vehicles there (pipeline/plates.py); those of a division above it are context, as anchors.
    plates: tuple[str, ...] = ()
    plates_above: tuple[str, ...] = ()
    # Township short forms that no place outside the configured division bears but that are weak all the
    # same, being words of the general dictionary (碣石, 抽水) or named like a street (瓯北, a 街道 north of
    # the 瓯江): before a place word ("碣石一家制衣厂", "瓯北这边") ours.
    placeable_towns: tuple[str, ...] = ()
    # Township short forms that townships or counties elsewhere bear too, but no general-dictionary word and no
    # well-known place (渤海) does (观音桥, 望京, 南坪; 龙湖, also a district of 汕头): where one stands as a place
    # in a post that names no other place, ours (the matcher leaves out those a prefecture-level city bears).
    shared_towns: tuple[str, ...] = ()
    # Township short forms that are rare words of the general dictionary and no kind of place (纸坊 "paper mill",
    # 下关; not 楼下, 车站: build_divisions.py rare_words), that other townships bear too or that need context
    # anyway: before a word that only follows a place ("纸坊城区", "下关一家茶厂"), in a post naming no other place,
    # ours.
    word_towns: tuple[str, ...] = ()
    # 街道 short forms that are a road's name (花园路, 文化路 for 花园路街道, 文化路街道) and no county or city
    # bears: in a post naming no other place, the road is the one our 街道 is named after, however many
    # cities have a road so named (the watch reads our sources, where another city's road comes with its city).
    road_towns: tuple[str, ...] = ()


class _Node:
    __slots__ = ("name", "short", "children", "is_town", "spoken")

    def __init__(self, name: str, short: str, children: list[_Node], is_town: bool = False):
        self.name, self.short, self.children, self.is_town = name, short, children, is_town
        self.spoken = banner_stem(name, short)

    def names(self) -> set[str]:
        return {n for n in (self.name, self.short, self.spoken) if len(n) >= 2}


def banner_stem(name: str, short: str) -> str:
    """额济纳旗 → 额济纳: a banner goes by its name without 旗 too where the source's short form is an
    abbreviation locals use among themselves (额旗, 准旗, 伊旗); "" for a banner named by its side or
    part (阿拉善左旗, 科尔沁右翼中旗: nobody says 阿拉善左) and for an autonomous banner (its short form
    is already its name)."""
    stem = name[:-1] if name.endswith("旗") and not name.endswith("自治旗") else ""
    return stem if len(stem) >= 3 and stem != short and not stem.endswith(_BANNER_PARTS) \
        and "翼" not in stem and "联合" not in stem else ""


def town_short(name: str) -> str:
    """李庄镇 → 李庄, 岩腊苗族布依族乡 → 岩腊, 兵团八十九团 → 八十九团 (the corps' regiments and farms go by
    their own name); "" when stripping the suffix would leave fewer than 2 characters. A township the data
    names with its zone or district in front goes by the part after it, as posts write it
    ("天津经济技术开发区东区泰达街道" → 泰达, "南阳高新区张衡街道" → 张衡)."""
    if name.startswith("兵团") and len(name) > 4:
        return name[2:]
    short = _TOWN_SUFFIX_RE.sub("", _ETHNIC_TOWN_RE.sub("", name))
    if short == name or len(short) < 2:
        return ""
    head, sep, tail = short.rpartition("区")
    if sep and len(head) >= 2 and 2 <= len(tail) <= 4 and not tail.startswith(("特殊", "直属")) \
            and not tail.endswith(("会", "处")):
        return tail
    return short


# A zone or an office the data lists among the townships goes by the name before its kind ("盘龙城经济开发区",
# "东疆保税港区", "木兰山风景区管理处", "大潭办事处": 盘龙城, 东疆, 木兰山, 大潭), as posts write it.
_ZONE_RE = re.compile("(?:商贸物流枢纽区|经济技术开发区|经济开发区|高新技术产业开发区|高新技术开发区|高新区|开发区|工业园区|"
                      "产业园区|工业园|园区|保税港区|综合保税区|保税区|风景名胜区|风景区|旅游区|度假区|管理区)?"
                      "(?:管委会|管理委员会|管理处|办事处)?$")
COUNTY_LEVELS = "县区市旗"  # the levels a county-level division's name ends in
# A zone named for its trade or its kind ("临港物流园区", "现代农业园区", "高铁新区办事处"): no place name.
_ZONE_TRADE = re.compile("经济|工业|旅游|物流|科技|化工|教育|循环|综合|起重|船舶|农业|产业|中药|制造|技术|食品|生物|现代|国际|"
                         "国家|城市|森林|公园|高铁|新区|空港|临空|保税|示范|健康|海洋|云计算|转移|商务|休闲|生态")


def _without_places_in_front(stem: str, places: frozenset[str] | set[str]) -> str:
    """`stem` without the place names in front of it, as long as 2 characters are left ("安徽芜湖三山" → 三山)."""
    while head := next((stem[:k] for k in (4, 3, 2) if stem[:k] in places and len(stem) - k >= 2), ""):
        stem = stem[len(head):]
    return stem


def zone_short(name: str, places: frozenset[str] | set[str] = frozenset()) -> str:
    """盘龙城经济开发区 → 盘龙城, 大潭办事处 → 大潭, 淮北凤凰山经济开发区 → 凤凰山 (the city in front is where it
    is); "" for any other name, for a stem outside 2–4 characters and for one of the `places` (江宁开发区: 江宁's)."""
    m = _ZONE_RE.search(name)
    stem = name[:m.start()] if m.group() else ""
    if stem in places:
        return ""
    stem = _without_places_in_front(stem, places)  # "安徽芜湖三山" → 三山
    return stem if 2 <= len(stem) <= 4 and not stem.endswith(("街道", "镇", "乡")) and stem not in places \
        and not stem.startswith(("县", "市", "州", "区", "旗", "盟")) and not _ZONE_TRADE.search(stem) else ""


# The municipalities whose towns are also area offices (地区办事处) named "…地区"; scripts/build_divisions.py
# (_area_office) writes such an office as its town, and DivisionTree names the town both ways.
_AREA_OFFICES = frozenset({"北京市", "天津市"})


class DivisionTree:
    def __init__(self, provinces: list[_Node], common: set[str], words: set[str] = frozenset(),
                 county_words: set[str] = frozenset(), idioms: tuple[str, ...] = (),
                 known_places: set[str] = frozenset(), rare_words: set[str] = frozenset()):
        self._provinces = provinces
        self._known_places = known_places  # 渤海, 江南: build_divisions.py
        self._rare_words = rare_words  # 纸坊, 下关: build_divisions.py
        self.idioms = idioms  # sayings that hold a division name (才高八斗): build_divisions.py
        self._common = common
        self._words = words
        self._county_words = county_words
        self._above: dict[str, frozenset[str]] | None = None  # name → names above it, built on first use
        self._count, self._town_shorts = self._bearers(provinces)

    @classmethod
    def _bearers(cls, nodes: list[_Node]) -> tuple[Counter[str], Counter[str]]:
        """How many divisions in `nodes` bear each name, and each township short form."""
        count: Counter[str] = Counter()
        town_shorts: Counter[str] = Counter()
        for node in cls._walk(nodes):
            # A township's short form does not make other names ambiguous.
            if node.is_town:
                count[node.name] += 1
                town_shorts[node.short] += 1
            else:
                count.update(node.names())
        return count, town_shorts

    @classmethod
    def load(cls) -> DivisionTree:
        raw = resources.files("pipeline").joinpath("data/divisions.json.gz").read_bytes()
        data = json.loads(gzip.decompress(raw))
        if data.get("format") != FORMAT:
            raise ValueError(f"divisions data: unexpected format {data.get('format')!r}")

        def town(name: str) -> _Node:
            node = _Node(name, town_short(name), [], is_town=True)
            # "天津经济技术开发区东区泰达街道" is written 泰达街道
            if node.short and not name.startswith(node.short) and (level := _TOWN_SUFFIX_RE.search(name)):
                node.spoken = node.short + level.group()
            return node

        provinces = [
            _Node(p, ps, [
                _Node(c, cs, [_Node(k, ks, [town(t) for t in towns]) for k, ks, towns in counties])
                for c, cs, counties in cities])
            for p, ps, cities in data["provinces"]]
        places = {n for node in cls._walk(provinces) if not node.is_town for n in node.names()}
        for node in cls._walk(provinces):
            # A zone's stem the dictionary knows as a place of its own (无锡新加坡工业园, 皮山三峡工业园区) is that place,
            # and a word left once the places in front are gone is the zone's kind ("福建土楼旅游区": 土楼).
            if node.is_town and not node.short and (stem := zone_short(node.name, places)) \
                    and stem not in data.get("known_places", ()) \
                    and (node.name.startswith(stem) or stem not in data.get("words", ())):
                node.short = stem
            # A new area the data names with its county in front ("海门市临江新区") goes by the rest (临江新区), unless
            # the rest names a kind, not a place ("十堰工业新区", "白城市生态新区").
            elif node.is_town and not node.short and node.name.endswith("新区") \
                    and (stem := _without_places_in_front(node.name[:-2], places)) != node.name[:-2]:
                stem = stem.lstrip(COUNTY_LEVELS)  # "海门市临江": 海门 stripped, then its level
                if 2 <= len(stem) <= 3 and not _ZONE_TRADE.search(stem):
                    node.spoken = stem + "新区"
        return cls(provinces, set(data["common"]), set(data.get("words", ())),
                   set(data.get("county_words", ())), tuple(data.get("idioms", ())), set(data.get("known_places", ())),
                   set(data.get("rare_words", ())))

    @staticmethod
    def _walk(nodes: list[_Node]):
        stack = list(nodes)
        while stack:
            node = stack.pop()
            yield node
            stack.extend(node.children)

    def place_names(self) -> frozenset[str]:
        """Full and short names of every prefecture-level city and of the four municipalities:
        the names that, right before a county, district or street name, say which city it is in
        ("宁波江北", "南昌东湖区", "上海柳州路"). Provinces are left out: "广西柳州" is ours."""
        names = {n for p in self._provinces for city in p.children for n in city.names()}
        names |= {n for p in self._provinces if p.name in _MUNICIPALITIES for n in p.names()}
        return frozenset(names)

    def province_names(self) -> frozenset[str]:
        """Full and short names of every province-level division."""
        return frozenset(n for p in self._provinces for n in p.names())

    def distinct_county_names(self) -> frozenset[str]:
        """County-level names that name one place only (旺苍县, 旺苍): no other division or
        township bears them and they are not words of the general dictionary other than place
        names (大堂, 石棉: build_divisions.py's county_words); they say where a post is set."""
        return frozenset(n for p in self._provinces for city in p.children for county in city.children
                         for n in county.names()
                         if self._count[n] == 1 and not self._town_shorts[n] and n not in self._common
                         and n not in self._county_words and n not in TOWN_PARTS)

    def ancestor_names(self, name: str) -> frozenset[str]:
        """Names of every division above any division called `name` (重庆, 宁波 for 江北)."""
        if self._above is None:
            above: dict[str, set[str]] = {}
            stack = [(p, frozenset()) for p in self._provinces]
            while stack:
                node, names = stack.pop()
                for n in (node.name, node.short, node.spoken):
                    if n:
                        above.setdefault(n, set()).update(names)
                inner = names | node.names()
                stack.extend((c, inner) for c in node.children)
            self._above = {n: frozenset(v) for n, v in above.items()}
        return self._above.get(name, frozenset())

    def names_above(self, path: str) -> frozenset[str]:
        """Names of every division above the one `path` names (浙江省, 浙江, 杭州市, 杭州 for
        浙江省/杭州市/西湖区; not 南昌, whose 西湖区 is another)."""
        return frozenset(n for node in self.resolve(path)[:-1] for n in node.names())

    def resolve(self, path: str) -> list[_Node]:
        """The chain of nodes from the province down to the one `path` names.
        Raises KeyError(part) for the first part that names nothing."""
        chain: list[_Node] = []
        level = self._provinces
        for part in (p.strip() for p in path.split("/")):
            if not part:
                continue
            node = _find(level, part)
            if node is None:  # allow skipping one level (municipalities, "省/区")
                for parent in level:
                    node = _find(parent.children, part)
                    if node is not None:
                        chain.append(parent)
                        break
            if node is None:
                raise KeyError(part)
            chain.append(node)
            level = node.children
        if not chain:
            raise KeyError(path)
        return chain

    def _unique_town_short(self, short: str, own: Counter[str], own_shorts: Counter[str]) -> bool:
        """A township's short form that places a post on its own: no township outside ours has it (the
        source lists 老洲乡 under both districts it moved between), no county or city elsewhere is
        named so, and it is not a general-dictionary word (大年, 和睦)."""
        return self._town_shorts[short] == own_shorts[short] and self._count[short] == own[short] \
            and short not in self._words

    def expand(self, path: str) -> DivisionTerms:
        chain = self.resolve(path)
        below = list(self._walk([chain[-1]]))
        # Names only divisions of ours bear are not ambiguous: the source lists 澄江县 and 澄江市
        # (renamed in 2019) side by side, both in 玉溪.
        own, own_shorts = self._bearers([chain[-1]])

        def elsewhere(name: str) -> int:  # bearers outside the configured division
            return self._count[name] - own[name]

        strong: list[str] = []
        weak: list[str] = []
        common: list[str] = []
        minor: list[str] = []
        placeable_towns: list[str] = []
        shared_towns: list[str] = []
        word_towns: list[str] = []
        road_towns: list[str] = []
        for node in below:
            for name in sorted(node.names()):
                is_weak = name not in self._common and (
                    (node.is_town and name == node.short
                     and (not self._unique_town_short(name, own, own_shorts)
                          or node.name.endswith(("街道", "办事处")) and name.endswith(_STREET_ENDS)))
                    or elsewhere(name) + 1 > (_SHARED_TOWN if node.is_town and name == node.name else 1))
                (common if name in self._common else weak if is_weak else strong).append(name)
                if node is not chain[-1] and (node.is_town or self._town_shorts[name]):
                    minor.append(name)
                if is_weak and node.is_town and name == node.short and self._count[name] == own[name]:
                    if self._town_shorts[name] == own_shorts[name]:
                        placeable_towns.append(name)
                    elif name not in self._words and name not in self._common and name not in self._known_places:
                        shared_towns.append(name)
                    elif name in self._rare_words:
                        word_towns.append(name)
                elif name in self._rare_words and name in self._common and node.is_town and name == node.short \
                        and not self._count[name]:
                    word_towns.append(name)
                # ... and one a county elsewhere is named as (龙湖, also 汕头's 龙湖区; 曲江): stands as ours as a
                # county of ours another county shares a name with does ("龙湖这边一个工地")
                elif is_weak and node.is_town and name == node.short and name not in self._words \
                        and name not in self._common and name not in self._known_places:
                    shared_towns.append(name)
                if is_weak and node.is_town and name == node.short and node.name.endswith("街道") \
                        and name.endswith(_ROAD_ENDS) and self._count[name] == own[name]:
                    road_towns.append(name)
            # An autonomous county or ethnic district goes by its short form and its level (务川县 for
            # 务川仡佬族苗族自治县, 顺河区 for 顺河回族区), even when the short form alone is shared (连山县
            # for 连山壮族瑶族自治县; 连山 is also 葫芦岛's 连山区), unless another division bears that name.
            level = next((lv for end, lv in _ETHNIC_ENDINGS if node.name.endswith(end)), None)
            if not node.is_town and level and node.short and not self._count[node.short + level]:
                strong.append(node.short + level)
            # So does an ethnic township: 岩腊乡 for 岩腊苗族布依族乡 (a namesake 岩腊乡 elsewhere: weak).
            if node.is_town and node.short and _ETHNIC_TOWN_RE.search(node.name):
                usual = node.short + _TOWN_SUFFIX_RE.search(node.name).group()
                (weak if self._count[usual] else strong).append(usual)
                if node is not chain[-1]:
                    minor.append(usual)
            # A town made a 街道, or a 乡 made a town, since the data was drawn goes by its new name ("民众街道"
            # for 民众镇, whose short form 民众 is a word) where no division bears that name.
            if node.is_town and node.short and node.name.endswith(("镇", "乡")):
                shared = elsewhere(node.name) + 1 > _SHARED_TOWN
                for level in ("街道", "镇") if node.name.endswith("乡") else ("街道",):
                    if not self._count[node.short + level]:
                        (weak if shared else strong).append(node.short + level)
                        if node is not chain[-1]:
                            minor.append(node.short + level)
            # 北京 and 天津 run their towns as 地区办事处 too, and posts name them so ("高碑店地区", "平房地区").
            if node.is_town and node.short and node.name.endswith("镇") and chain[0].name in _AREA_OFFICES \
                    and not self._count[node.short + "地区"]:
                (weak if elsewhere(node.name) + 1 > _SHARED_TOWN else strong).append(node.short + "地区")
                if node is not chain[-1]:
                    minor.append(node.short + "地区")
        below_names = set(strong) | set(weak) | set(common)
        anchors = sorted({n for node in chain[:-1] for n in node.names()} - below_names)
        counties = [n for node in below if not node.is_town and node is not chain[-1] for n in sorted(node.names())]
        plates, above_plates = self._plates(below, chain[:-1])
        return DivisionTerms(*(tuple(dict.fromkeys(names)) for names in (strong, weak, common)),
                             tuple(anchors), tuple(dict.fromkeys(minor)), tuple(counties), plates, above_plates,
                             tuple(dict.fromkeys(placeable_towns)), tuple(dict.fromkeys(shared_towns)),
                             tuple(dict.fromkeys(word_towns)), tuple(dict.fromkeys(road_towns)))

    def _plates(self, below: list[_Node], above: list[_Node]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The plate prefixes issued by `below` (the configured division and what it contains), and
        those issued by a division in `above`."""
        ours, up = {id(n) for n in below}, {id(n) for n in above}
        inside, outside = [], []
        for code, path in plate_codes():
            try:
                node = self.resolve(path)[-1]
            except KeyError:  # a tree without that division (a test's)
                continue
            if id(node) in ours:
                inside.append(code)
            elif id(node) in up:
                outside.append(code)
        # A division that issues every plate of its province's character goes by "京牌", "沪牌" too.
        whole = {c for c in {code[0] for code in inside}
                 if all(code in inside for code, _ in plate_codes() if code[0] == c)}
        return tuple(inside) + tuple(sorted(c + "牌" for c in whole)), tuple(outside)


def _find(nodes: list[_Node], part: str) -> _Node | None:
    for node in nodes:
        if part == node.name or part == node.short:
            return node
    # A county renamed to another level since the data was drawn (凤翔 a 区 since 2021, 澄江 and 无为 cities since
    # 2019–2020): the operator writes today's name, the data holds the old one.
    if len(part) > 2 and part[-1] in COUNTY_LEVELS:
        found = [node for node in nodes if not node.is_town and node.name[-1:] in COUNTY_LEVELS
                 and node.short == part[:-1]]
        if len(found) == 1:
            return found[0]
    return None


@functools.lru_cache(maxsize=1)
def _shipped() -> DivisionTree:
    return DivisionTree.load()


def shipped_tree() -> DivisionTree:
    """The shipped data's tree, loaded once per process (read-only: expand and resolve do not change it)."""
    return _shipped()


def place_names() -> frozenset[str]:
    """`DivisionTree.place_names()` of the shipped data, loaded once per process."""
    return _cached_place_names()


@functools.lru_cache(maxsize=1)
def _cached_place_names() -> frozenset[str]:
    return _shipped().place_names()


@functools.lru_cache(maxsize=1)
def province_names() -> frozenset[str]:
    """`DivisionTree.province_names()` of the shipped data."""
    return _shipped().province_names()


@functools.lru_cache(maxsize=1)
def common_names() -> frozenset[str]:
    """Division names of the shipped data that are everyday words (和平, 白银)."""
    return frozenset(_shipped()._common)


@functools.lru_cache(maxsize=1)
def dictionary_names() -> frozenset[str]:
    """Township and county short forms of the shipped data that are words of the general dictionary
    (大年, 小店): a shop or a thing after a classifier ("那家小店"), not the place."""
    return frozenset(_shipped()._words) | frozenset(_shipped()._county_words)


def idioms() -> tuple[str, ...]:
    """Idioms and fixed expressions of the shipped data that hold a division name."""
    return _shipped().idioms


@functools.lru_cache(maxsize=1)
def distinct_county_names() -> frozenset[str]:
    """`DivisionTree.distinct_county_names()` of the shipped data."""
    return _shipped().distinct_county_names()


@functools.lru_cache(maxsize=4096)
def bearers(name: str) -> int:
    """How many divisions of the shipped data bear `name` (a township by its full name only)."""
    return _shipped()._count[name]


@functools.lru_cache(maxsize=4096)
def ancestor_names(name: str) -> frozenset[str]:
    """`DivisionTree.ancestor_names()` of the shipped data."""
    return _shipped().ancestor_names(name)
