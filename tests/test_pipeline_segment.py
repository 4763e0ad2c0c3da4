"""pipeline/segment.py: the fast segmenter gives exactly jieba's accurate-mode HMM output."""
from __future__ import annotations

import csv
import logging
import os
import random
import tempfile

import jieba
import pytest
from jieba import finalseg

from pipeline import segment
from pipeline.segment import Segmenter, _Hmm, boundaries

USER_WORDS = ["青溪", "临江县", "东湖区", "偷排", "死鱼", "异味", "补偿款"]
CRAFTED = [
    "", " ", "\r\n", "鑫源化工厂偷排废水", "青溪市东湖区的鑫源化工厂又在偷排了!!!",
    "C++ 和 Python3.11 都行, 3.5% 的人 a-b_c #话题# 50%增长", "ｈｅｌｌｏ世界\r\n\r\n第二行\t制表",
    "张三丰和李小龙在临江县吃饭", "啊啊啊啊啊啊啊", "这是一个没有名字的村庄叫做蛤蟆屯",
    "《青溪日报》记者王晓明报道：补偿款至今未到位。", "12345", "emoji😀混排🙂文字",
]


@pytest.fixture(scope="module")
def tokenizer() -> jieba.Tokenizer:
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.tmp_dir = tempfile.gettempdir()
    tk.initialize()
    for w in USER_WORDS:
        if not tk.FREQ.get(w):
            tk.add_word(w)
    return tk


# Both paths, the C extension's and the pure-Python fallback, must give jieba's tokens.
@pytest.fixture(scope="module", params=["native", "pure"])
def pair(request, tokenizer) -> tuple[Segmenter, jieba.Tokenizer]:
    seg = Segmenter(USER_WORDS, native=request.param == "native")
    if request.param == "native" and not seg.native:
        pytest.skip("pipeline._native is not built (no C compiler at install time)")
    return seg, tokenizer


def test_native_extension_is_built_where_required():
    # CI sets YQ_REQUIRE_NATIVE=1: there the extension must have been compiled, or the speed
    # figures of bench/ would not hold for what CI installed.
    if os.environ.get("YQ_REQUIRE_NATIVE") != "1":
        pytest.skip("YQ_REQUIRE_NATIVE is not set")
    assert segment.WordTable is not None and Segmenter([]).native


def real_texts(shared_dir, n: int = 400) -> list[str]:
    with (shared_dir / "data/sentiment/weibo2018/test.csv").open(encoding="utf-8") as fh:
        rows = [r["text"] for r in csv.DictReader(fh)]
    with (shared_dir / "data/topics/gov_messages_tipdm2020/test.csv").open(encoding="utf-8") as fh:
        rows += [r["text"] for r in csv.DictReader(fh)]
    return random.Random(9).sample(rows, n)


def test_same_tokens_as_jieba_with_hmm(pair, shared_dir):
    seg, tk = pair
    texts = CRAFTED + real_texts(shared_dir)
    mismatched = [t for t in texts if seg.cut(t) != list(tk.cut(t, HMM=True))]
    assert mismatched == []
    # a second pass is served from the HMM cache and must not change anything
    assert all(seg.cut(t) == list(tk.cut(t, HMM=True)) for t in texts[:50])


def test_unknown_names_are_words_not_single_characters(pair):
    seg, _ = pair
    tokens = seg.cut("鑫源化工厂偷排废水")
    assert tokens[:2] == ["鑫源", "化工厂"] and "偷排" in tokens
    assert "".join(tokens) == "鑫源化工厂偷排废水"


def test_user_words_come_out_whole(pair):
    seg, _ = pair
    assert "临江县" in seg.cut("临江县的路")
    assert set(boundaries(seg.cut("青溪路上"))) >= {0, 4}


def test_viterbi_matches_jiebas_finalseg(shared_dir):
    hmm = _Hmm()
    rnd = random.Random(3)
    text = "".join(real_texts(shared_dir, 100))
    runs = [text[i:i + rnd.randint(2, 12)] for i in rnd.sample(range(len(text) - 12), 500)]
    assert [hmm.cut(r) for r in runs] == [list(finalseg.cut(r)) for r in runs]


def test_native_path_survives_every_kind_of_string(pair):
    # Latin-1, BMP and astral code points, long blocks, and a block longer than any word
    seg, tk = pair
    texts = ["abc" * 200, "青" * 3000, "𠀀𠀁青溪𠀂市民", "Ünïcödé青溪x", "鑫源化工厂" * 500]
    assert [seg.cut(t) for t in texts] == [list(tk.cut(t, HMM=True)) for t in texts]
