"""Vehicle plate prefixes (川E, 鲁C) as locality terms: a post about "川E的车牌选号" is about 泸州 though it
names no place. The table (data/plate_codes.tsv) maps each prefix to the division that issues it.

A division's own prefixes (its own, or those of any division below it) place a post as its name does;
those of the prefecture or province above a configured county are context only: they say the
prefecture, not which county. The matcher counts a prefix only in a post about vehicles
(`VEHICLE_WORDS`: "全新A4纸" is no 新A plate), and not as the plate of one car (`one_car`): a car
from here goes anywhere ("一辆川E小车在成都追尾", "鄂B越野车在西湖边违停"), while the plates
themselves are news of here ("川E现在选号还能选到好号吗", "粤D牌照的车一半换了新能源")."""
from __future__ import annotations

import functools
import re
from importlib import resources

# A plate is read as one only where the post speaks of a vehicle, a plate or driving.
VEHICLE_WORDS = re.compile("车|牌照|号牌|选号|驾|司机")
_ONE_CAR_AFTER = re.compile(r"[^，。！？!?,;；\n]{0,6}?车[^，。！？!?,;；\n]{0,2}?在")  # "越野车在西湖边"
_CLASSIFIERS = frozenset("辆台部")  # "一辆川E车", "两辆鲁C小车"


def one_car(text: str, start: int, end: int) -> bool:
    """Whether the plate at text[start:end] is the plate of one car: after a classifier, or on a car
    placed somewhere in the same clause."""
    return start > 0 and text[start - 1] in _CLASSIFIERS or _ONE_CAR_AFTER.match(text, end) is not None


@functools.lru_cache(maxsize=1)
def plate_codes() -> tuple[tuple[str, str], ...]:
    """(prefix, division path) for every row of the shipped table."""
    text = resources.files("pipeline").joinpath("data/plate_codes.tsv").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, path = line.split("\t")
            rows.append((code, path))
    return tuple(rows)
