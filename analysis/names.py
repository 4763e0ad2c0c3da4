"""Names that tell one local story from another of the same kind: which school, which hospital,
which road, which festival or exhibition, which town.

Two canteen complaints in one district share every word but the school's name (滨湖小学 /
第三小学); a 书画展, a 马拉松比赛 and a 美食节 share the whole news boilerplate (举办, 开幕, 市民).
Event grouping (analysis.events) keeps two posts apart when both name a thing of one class and
no name of that class is shared, and lets a shared name count as a specific shared term.

Names are read from the text, not from jieba's tokens: without HMM jieba splits unseen names
badly (妇幼保健 院排, 菊花 展开 幕). A naming suffix (小学, 医院, 路, 展, 节, 比赛 …) takes the two
characters before it, after the last boundary (a locality term, punctuation, or a function
character such as 的/在/和), plus an ordinal right before them (第二人民医院): a short core that
several wordings of one name share (农民丰收节 / 丰收节 → 丰收节). A locality term below the city
(…区, …县, …镇, …乡, …村, …街道) names the place; 第二届 / 第五届 name an edition. Each name is
"class:name", e.g. "school:滨湖小学".
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.types import Document

# Longest first, so 保健院 is not read as …院 and 中医院 is read as a hospital.
SUFFIXES = (
    ("妇幼保健院", "hospital"), ("保健院", "hospital"), ("卫生院", "hospital"), ("医院", "hospital"),
    ("幼儿园", "school"), ("小学", "school"), ("中学", "school"), ("初中", "school"), ("高中", "school"),
    ("大赛", "activity"), ("比赛", "activity"), ("展", "activity"), ("节", "activity"),
    ("大道", "road"), ("路", "road"), ("街", "road"), ("站", "road"),
)
# Common words that end like a name: 发展, 春节, 道路, 一路 … (the character before the suffix).
_NUMERALS = "一二三四五六七八九十几每两半"
NOT_BEFORE = {"展": set("发开进拓扩施"), "节": set("春季环细关调情章过" + _NUMERALS),
              "路": set("道马一上走网线思远小"), "街": set("上逛满"), "站": set("网" + _NUMERALS)}
PLACE_SUFFIXES = ("区", "县", "镇", "乡", "村", "街道")
BOUNDARY = set("的在说是了和与及去到从把被对向给为就都也还又很太让前后里边上下个家所座这那该本")
CORE = 2
_SUFFIX = re.compile("|".join(re.escape(s) for s, _ in SUFFIXES))
_CLASS = dict(SUFFIXES)
_ORDINAL = re.compile(r"第[一二三四五六七八九十\d]{1,2}$")
_EDITION = re.compile(r"第[一二三四五六七八九十百\d]{1,4}[届期]")


def _core(before: str, locality: Iterable[str]) -> str:
    """The name part in front of a suffix: after the last boundary, at most CORE characters, with
    an ordinal (第二) in front when there is one."""
    cut = 0
    for term in locality:
        at = before.rfind(term)
        if at >= 0:
            cut = max(cut, at + len(term))
    for i in range(len(before) - 1, cut - 1, -1):
        ch = before[i]
        if ch in BOUNDARY or not ("\u4e00" <= ch <= "\u9fff" or ch.isalnum()):
            cut = i + 1
            break
    part = before[cut:]
    core = part[-CORE:]
    ordinal = _ORDINAL.search(part[:-CORE]) if len(part) > CORE else None
    return (ordinal.group(0) if ordinal else "") + core


def text_names(text: str, locality_terms: Iterable[str] = ()) -> frozenset[str]:
    """The "class:name" names in `text` (see the module docstring)."""
    locality = tuple(locality_terms)
    names: set[str] = set()
    for m in _SUFFIX.finditer(text):
        suffix = m.group(0)
        before = text[max(0, m.start() - 12):m.start()]
        if before and before[-1] in NOT_BEFORE.get(suffix, ()):
            continue
        core = _core(before, locality) if before else ""
        if core or len(suffix) >= 3:  # 妇幼保健院 is a name by itself
            names.add(f"{_CLASS[suffix]}:{core}{suffix}")
    for term in locality:
        if term.endswith(PLACE_SUFFIXES) and len(term) >= 2:
            names.add(f"place:{term}")
    names.update(f"edition:{m.group(0)}" for m in _EDITION.finditer(text))
    return frozenset(names)


def story_names(doc: Document) -> frozenset[str]:
    """The names `doc` gives in its title and text."""
    return text_names(doc.match_text, doc.locality_terms)


def _by_class(names: Iterable[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for n in names:
        cls, _, _ = n.partition(":")
        out.setdefault(cls, set()).add(n)
    return out


def conflict(a: Iterable[str], b: Iterable[str]) -> bool:
    """True when, for some class, both name something and share no name of that class."""
    ca, cb = _by_class(a), _by_class(b)
    return any(not ca[c] & cb[c] for c in ca.keys() & cb.keys())
