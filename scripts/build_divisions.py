"""Build pipeline/data/divisions.json.gz: China's administrative divisions down to township level.

Reads ../shared/data/divisions/jionlp_counties.csv (province → city → county, with the short forms
people write, e.g. 嘉定区 → 嘉定) and jionlp_townships.csv (township / street names under a county
code). Villages (650k rows) are left out: they would multiply the size by 15 for names that are
mostly common words. Where jionlp folds a district's streets into a placeholder ("区直辖行政区划":
辽源 西安区, 蚌埠 禹会区) or names them by their office ("兴安社区公共服务站街道": 七台河), the names people
write come from modood_streets.csv (国家统计局 2023, same county code); so do the streets, towns and
townships modood lists under a county and jionlp's older list lacks under any form (孔目江街道). A county
that changed level got a new code in modood (海门市 320684 → 海门区 320614): modood_areas.csv names it,
and its towns go under the code jionlp keeps.

Output (gzip JSON, compact nested lists, names in source order):
    {"format": "yqwatch-divisions-1", "source": ...,
     "provinces": [[name, short, [[city, short, [[county, short, [township, ...]], ...]], ...]], ...],
     "common": [...], "words": [...], "county_words": [...], "idioms": [...], "known_places": [...],
     "rare_words": [...]}
`common` lists the division names that are everyday words: 2-character words jieba's dictionary
counts at least COMMON_WORD_FREQ times and does not tag as place names (ns): 和平, 合作, 解放; and
names jieba tags as a person's name or an idiom. 杭州 (ns) is not one. pipeline/divisions.py makes
such names need context. `words` lists township short forms that are general-dictionary words
(not ns): they never count alone, even when no other township bears them. `county_words` lists the
county-level short forms that the general dictionary knows as anything but a place (大堂, 石棉,
海盐, 天涯: any frequency): such a word in a post is no evidence that the post is set in that county.
`idioms` lists the general dictionary's idioms and fixed expressions that hold a division name (才高八斗,
东拉西扯): a name inside one in a post is the saying's, not the place.

Usage: .venv/bin/python scripts/build_divisions.py [--shared DIR] [--out FILE]
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

import jieba

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from pipeline.divisions import COUNTY_LEVELS, FORMAT, town_short, zone_short  # noqa: E402

COMMON_WORD_FREQ = 500


# jieba tags of person names (nr, nrt, nrfg), idioms (i) and fixed expressions (l): a county short
# form tagged so (a name that is also a person's name or a saying) must not place a post alone.
NAME_OR_IDIOM_TAGS = ("nr", "i", "l")
# jieba's person-name tags are noisy on rare words (鹿寨 3 nr): only names seen this often count.
NAME_OR_IDIOM_FREQ = 100
# A township short form jieba's dictionary counts this often (and not as a place) is an everyday
# word (大年, 东方): it needs context even when no other township bears it.
EVERYDAY_FREQ = 20
# A place-tagged word seen this often is known for a place of its own (渤海 635, 江南 4986), not a township.
KNOWN_PLACE_FREQ = 100
# A township short form that is a word seen fewer times than this, tagged as neither a place, direction, number,
# time nor manner word, nor ending in a kind of place or building, is rare enough as a word (纸坊 776, 下关 122)
# to stand as the town before a word that follows only a place ("纸坊城区", "下关一家茶厂"); 楼下, 车站, 马路 never do.
RARE_WORD_FREQ = 1000
_NOT_A_NAME_TAGS = ("s", "f", "m", "t", "d", "a", "b", "r", "p", "c", "u", "q")
_KIND_OF_PLACE_ENDS = tuple("站楼店场厂馆路街巷院园口边头下里上矿滩塘池岸堤桥门村城湾沟坡岭山河江湖海")
_DIVISION_SUFFIXES = ("省", "市", "区", "县", "旗", "镇", "乡", "街道", "苏木")
# A township short form that says which way something faces ("大门朝东的房子", 贺州's 朝东镇), or one character
# said twice (麻麻门巴民族乡: 麻麻 is "mum"; 哈哈, 波波): a word however rarely jieba's dictionary counts it.
_WORDLIKE_SHORT = re.compile("[朝向面坐][东南西北]|(.)\\1")


def common_words(names: set[str]) -> list[str]:
    """Division names that are everyday words (frequent, not place-tagged 2-character words) or
    person names and idioms (any frequency): they count only with context right before them."""
    common = []
    for word, freq, tag in _jieba_dict():
        if word not in names or tag.startswith("ns"):
            continue
        if len(word) == 2 and freq >= COMMON_WORD_FREQ:
            common.append(word)
        elif (tag.startswith(NAME_OR_IDIOM_TAGS) and freq >= NAME_OR_IDIOM_FREQ
              and not word.endswith(_DIVISION_SUFFIXES)):
            common.append(word)
    return sorted(set(common))


def dictionary_words(names: set[str]) -> list[str]:
    """Township short forms that are everyday words of the general dictionary (大年, 东方: seen at
    least EVERYDAY_FREQ times, not tagged as places): never count alone, even when unique. A rare
    three-character word tagged as a person's name is jieba's noise on a place (荆紫关 20 nr), not a word."""
    return sorted({word for word, freq, tag in _jieba_dict()
                   if word in names and freq >= EVERYDAY_FREQ and not tag.startswith("ns")
                   and not (len(word) > 2 and tag.startswith("nr") and freq < NAME_OR_IDIOM_FREQ)}
                  | {name for name in names if _WORDLIKE_SHORT.fullmatch(name)})


def rare_words(names: set[str]) -> list[str]:
    """Township short forms that are words of the general dictionary, but rare ones and no kind of place
    (RARE_WORD_FREQ): before a word that follows only a place, the town (pipeline/divisions.py word_towns)."""
    return sorted(word for word, freq, tag in _jieba_dict()
                  if word in names and freq < RARE_WORD_FREQ and not tag.startswith(("ns", *_NOT_A_NAME_TAGS))
                  and not word.endswith(_KIND_OF_PLACE_ENDS))


def known_places(names: set[str]) -> list[str]:
    """Township short forms the general dictionary knows well as places (渤海, 江南, 南口: tagged ns and seen at
    least KNOWN_PLACE_FREQ times): a sea, a region or a better-known namesake, never read as one of our towns
    on its own."""
    return sorted(word for word, freq, tag in _jieba_dict()
                  if word in names and tag.startswith("ns") and freq >= KNOWN_PLACE_FREQ)


def county_words(county_shorts: set[str]) -> list[str]:
    """County-level short forms that are general-dictionary words not tagged as places. A rare one
    tagged as a person's name or another proper noun is jieba's noise on the place (余杭 56 nr, 义乌 92 nz),
    not a word."""
    return sorted({word for word, freq, tag in _jieba_dict() if word in county_shorts and not tag.startswith("ns")
                   and not (tag.startswith(("nr", "nz")) and freq < NAME_OR_IDIOM_FREQ)})


def idioms(names: set[str]) -> list[str]:
    """Idioms and fixed expressions of the general dictionary (jieba's i and l tags, 才高八斗, 东拉西扯) that
    hold a division name inside them: there the name is part of the saying, wherever the segmenter cuts."""
    found = set()
    for word, _, tag in _jieba_dict():
        if tag in ("i", "l") and len(word) >= 4 and word not in names \
                and any(word[i:j] in names for i in range(len(word)) for j in range(i + 2, len(word) + 1)
                        if j - i < len(word)):
            found.add(word)
    return sorted(found)


def _jieba_dict():
    dict_path = Path(jieba.__file__).parent / "dict.txt"
    with open(dict_path, encoding="utf-8") as f:
        for line in f:
            word, freq, tag = line.split()
            yield word, int(freq), tag


def _without_county(township: str, county: str) -> str:
    """The source writes 422 townships with their county's name in front ("端州区黄岗街道", "化德县七号镇");
    posts write the township alone (黄岗街道), and so does every other township in the data."""
    rest = township.removeprefix(county)
    return rest if rest != township and len(rest) >= 3 and rest.endswith(("镇", "乡", "街道", "苏木")) else township


def _street_office(name: str) -> str:
    """Both sources name a few 街道 by their office (巴彦浩特王府街道办事处, 王府街道办事处); posts write the
    街道 (王府街道)."""
    return name.removesuffix("办事处") if name.endswith("街道办事处") else name


def _area_office(name: str, code: str) -> str:
    """北京 and 天津 (codes 11, 12) run some townships as a 地区办事处 that shares one office with the town
    (良乡地区 is 良乡镇): the data keeps the town's name, and pipeline.divisions (its _AREA_OFFICES) adds the
    "…地区" form back for every town of those two as another name posts write. Elsewhere "…地区" marks farms,
    reservoirs and zones, left as they are."""
    rest = name.removesuffix("地区")
    if rest == name or not code.startswith(("11", "12")):
        return name
    # 良乡 ends in 乡 and is still a place name: only a 街道 left in front needs no level added ("兆麟街道地区").
    return rest if rest.endswith("街道") else rest + "镇" if 2 <= len(rest) <= 3 else name


# A parenthesised gloss after a modood name: the zone a town runs, or its former name.
_GLOSS = re.compile(r"[（(][^）)]*[）)]$")
# In a modood name, these mark a development zone, a community-level unit or a placeholder: no name people write.
_NOT_WRITTEN = ("直辖", "开发区", "园区", "特殊", "社区")


def _modood_names(streets_csv: Path) -> list[tuple[str, str]]:
    """(county code, name) of every street, town and township modood (国家统计局 2023) lists, read once;
    development zones, community-level units (…社区街道) and modood's own placeholders (直辖村级区划) left out.
    A town glossed with the zone it runs ("三星镇（叠石桥家纺产业园区）") is the town."""
    with open(streets_csv, encoding="utf-8", newline="") as f:
        names = [(row["areaCode"], _area_office(_street_office(_GLOSS.sub("", row["name"])), row["areaCode"]))
                 for row in csv.DictReader(f)]
    return [(code, name) for code, name in names
            if name.endswith(("街道", "镇", "乡")) and not any(w in name for w in _NOT_WRITTEN)]


def _fill_placeholders(towns: dict[str, list[str]], modood: list[tuple[str, str]]) -> None:
    """Add modood's names under a county whose jionlp list holds a placeholder for its directly administered
    part (区直辖行政区划) or names its streets by their office (兴安社区公共服务站街道, 东郊办事处街道: people
    write 兴安街道), not already listed."""
    folded = {code for code, names in towns.items()
              if any(w in n for n in names for w in ("直辖", "公共服务站", "办事处", "服务中心", "管理处"))}
    for code, name in modood:
        if code in folded and name not in towns[code]:
            towns[code].append(name)


def _add_current_names(towns: dict[str, list[str]], modood: list[tuple[str, str]], counties: dict[str, str]) -> None:
    """Add modood's names under a county that jionlp's older list lacks under any form (孔目江街道, set up in
    新余 渝水区 after jionlp's list). A township renamed to another level keeps one entry (刁镇 is not added
    again as 刁镇街道: the matcher reads a renamed town by its new level where no division bears that name),
    unless a township elsewhere bears the new name (都江堰's 玉堂镇, now 玉堂街道, like 巴中's): then only the
    entry gives it."""
    elsewhere = Counter(name for names in towns.values() for name in names)
    for code, name in modood:
        if code not in towns:
            continue
        name = _without_county(name, counties.get(code, ""))  # "端州区城东街道" as 城东街道
        known = {n for t in towns[code] for n in (t, town_short(t))}
        if name not in known and ((town_short(name) or name) not in known or elsewhere[name]):
            towns[code].append(name)


def _recoded(modood: list[tuple[str, str]], areas_csv: Path, counties: dict[str, str],
             shorts: dict[str, str]) -> list[tuple[str, str]]:
    """modood's names under the code a county got when it changed level (海门市 320684 → 海门区 320614, 凤翔县 →
    凤翔区, 龙海市 → 龙海区), moved to the code jionlp's older list keeps for it: the county in the same city
    whose short form is the new name without its level."""
    with open(areas_csv, encoding="utf-8", newline="") as f:
        areas = {row["code"]: row["name"] for row in csv.DictReader(f)}
    by_short: dict[tuple[str, str], list[str]] = {}
    for code, short in shorts.items():
        by_short.setdefault((code[:4], short), []).append(code)
    moved = {}
    for code, name in areas.items():
        if code in counties or len(name) < 3 or name[-1] not in COUNTY_LEVELS:
            continue
        found = by_short.get((code[:4], name[:-1]), [])
        if len(found) == 1:
            moved[code] = found[0]
    return [(moved.get(code, code), name) for code, name in modood]


def _under_placeholders(modood: list[tuple[str, str]], counties: dict[str, str]) -> list[tuple[str, str]]:
    """A city without counties (嘉峪关) is one placeholder county in jionlp (市直辖行政区划, 620200) and one area
    of its own code in modood (620201): modood's streets there (雄关街道) belong under the placeholder."""
    placeholders = {code[:4]: code for code, name in counties.items() if "直辖" in name}
    return [(placeholders[code[:4]], name) for code, name in modood
            if code not in counties and code[:4] in placeholders]


def build(shared: Path) -> dict:
    src = shared / "data" / "divisions"
    towns: dict[str, list[str]] = {}
    with open(src / "jionlp_townships.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            towns.setdefault(row["county_code"], []).append(
                _area_office(_without_county(_street_office(row["township"]), row["county"]), row["county_code"]))
    with open(src / "jionlp_counties.csv", encoding="utf-8", newline="") as f:
        rows = [row for row in csv.DictReader(f) if row["county_code"]]
    counties = {row["county_code"]: row["county"] for row in rows}
    modood = _recoded(_modood_names(src / "modood_streets.csv"), src / "modood_areas.csv", counties,
                      {row["county_code"]: row["county_short"] for row in rows})
    _fill_placeholders(towns, modood)
    _add_current_names(towns, _under_placeholders(modood, counties), counties)
    _add_current_names(towns, modood, counties)
    provinces: dict[str, list] = {}
    cities: dict[tuple[str, str], list] = {}
    with open(src / "jionlp_counties.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            prov = provinces.setdefault(row["province"], [row["province"], row["province_short"], []])
            key = (row["province"], row["city"])
            if key not in cities:
                cities[key] = [row["city"], row["city_short"], []]
                prov[2].append(cities[key])
            county_towns = towns.get(row["county_code"], []) if row["county_code"] else []
            short = row["county_short"]
            if row["county"].endswith("特区") and short == row["county"][:-1]:
                short = row["county"][:-2]  # 六枝特区 is 六枝 (the source keeps 六枝特: "六枝特价" matched)
            cities[key][2].append([row["county"], short, county_towns])
    places = {n for prov in provinces.values() for n in (*prov[:2], *(m for city in prov[2] for m in (
        *city[:2], *(k for county in city[2] for k in county[:2]))))}
    town_shorts = {town_short(t) or zone_short(t, places) for ts in towns.values() for t in ts} - {""}
    names = town_shorts | places
    county_shorts = {county[1] for prov in provinces.values() for city in prov[2] for county in city[2]}
    return {
        "format": FORMAT,
        "source": "jionlp 1.5.31 china_location (Apache-2.0), folded streets from modood/Administrative-divisions-"
                  "of-China 57a0aa9 (国家统计局 2023, WTFPL), via ../shared/data/divisions",
        "provinces": list(provinces.values()),
        "common": common_words(names),
        "words": dictionary_words(town_shorts),
        "county_words": county_words(county_shorts - {""}),
        "idioms": idioms(names),
        "known_places": known_places(town_shorts),
        "rare_words": rare_words(town_shorts),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "pipeline" / "data" / "divisions.json.gz")
    args = ap.parse_args()
    data = build(args.shared)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # mtime=0 keeps the file byte-identical across rebuilds, so git sees no change.
    with gzip.GzipFile(args.out, "wb", compresslevel=9, mtime=0) as f:
        f.write(raw)
    n_counties = sum(len(c[2]) for p in data["provinces"] for c in p[2])
    n_towns = sum(len(k[2]) for p in data["provinces"] for c in p[2] for k in c[2])
    print(f"{args.out}: {len(data['provinces'])} provinces, {n_counties} counties, "
          f"{n_towns} townships, {len(data['common'])} common words, {args.out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
