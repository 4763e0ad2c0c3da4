"""Normalisation: the clean stored form and the compact matching form."""
from __future__ import annotations

import pytest

from pipeline.normalize import Normalizer, compact


@pytest.fixture(scope="module")
def norm() -> Normalizer:
    return Normalizer()


@pytest.mark.parametrize("raw,clean", [
    ("宜賓化工廠", "宜宾化工厂"),  # Traditional → Simplified
    ("ＡＢＣ１２３，青溪！", "ABC123,青溪!"),  # full-width → half-width
    ("青\u200b溪\ufeff", "青溪"),  # zero-width gone
    ("<p>青溪&amp;临江</p><br/>", "青溪&临江"),  # HTML leftovers
    ("<!-- ad -->正文", "正文"),
    ("a  \t b\u3000c", "a b c"),
    ("  第一行 \n\n  第二行  ", "第一行\n第二行"),
    ("1 < 2 且 3 > 2", "1 < 2 且 3 > 2"),  # a lone < is text, not a tag
    ("", ""),
    (None, ""),
])
def test_clean(norm, raw, clean):
    assert norm.clean(raw) == clean


@pytest.mark.parametrize("text,compacted", [
    ("宜 宾 化 工 厂", "宜宾化工厂"),
    ("拆*迁", "拆迁"),
    ("偷.排 废-水", "偷排废水"),
    ("青溪,化工厂", "青溪,化工厂"),  # sentence punctuation is kept
    ("青溪。化工厂", "青溪。化工厂"),
    ("青溪\n化工厂", "青溪\n化工厂"),  # the title/text newline is kept
    ("青溪     化工厂", "青溪     化工厂"),  # a wide layout gap is not a dodge
    ("PX 项目", "PX 项目"),  # only between two CJK characters
])
def test_compact(text, compacted):
    out, index = compact(text)
    assert out == compacted
    mapping = index if index is not None else list(range(len(text)))
    assert len(mapping) == len(out)
    assert all(text[i] == ch for i, ch in zip(mapping, out))  # every kept char maps back to itself


def test_term_form(norm):
    assert norm.term(" 拆 * 迁 ") == "拆迁"
    assert norm.term("宜賓") == "宜宾"


@pytest.mark.parametrize("text,compacted", [
    ("三个月冇发工资", "三个月没发工资"),
    ("卫生院晚上冇 医生", "卫生院晚上没医生"),  # folded and compacted, one character for one
])
def test_compact_reads_dialect_s_mou_as_mei_and_keeps_spans(norm, text, compacted):
    out, index = compact(text)
    assert out == compacted
    mapping = index if index is not None else list(range(len(text)))
    assert len(mapping) == len(out)
    assert all(text[i] == ch or (text[i], ch) == ("冇", "没") for i, ch in zip(mapping, out))
    assert norm.clean(text) == text.strip()  # the stored text keeps what was written
