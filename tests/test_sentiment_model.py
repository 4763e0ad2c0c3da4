"""Behaviour of the shipped negativity model (pipeline/sentiment.py)."""
from __future__ import annotations

import csv
import gzip
import json
import random

import pytest

from pipeline.category import CategoryClassifier
from pipeline.sentiment import Featurizer, Lexicon, SentimentModel, char_ngrams, normalise


@pytest.fixture(scope="module")
def model() -> SentimentModel:
    return SentimentModel.load()


NEGATIVE = [
    "临江县化工厂偷排废水，河里全是死鱼，太过分了没人管",
    "医院服务态度太差了，排队三小时，气死我了",
    "小区物业乱收费，投诉了半年也没人理，真是垃圾",
    "这家饭店太恶心了，吃完全家拉肚子",
]
POSITIVE = [
    "今天天气真好，和朋友去公园玩得很开心",
    "感谢交警同志帮忙，太暖心了，点赞",
    "新修的公园很漂亮，周末带孩子去玩，非常喜欢",
    "这次活动组织得很好，大家都很满意",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_clearly_negative_posts_score_negative(model, text):
    s = model.score(text)
    assert -1.0 <= s < -0.2
    assert model.is_negative(s)


@pytest.mark.parametrize("text", POSITIVE)
def test_clearly_positive_posts_score_positive(model, text):
    s = model.score(text)
    assert 0.1 < s <= 1.0  # scores are shrunk by evidence (evidence_k), positives a bit more
    assert not model.is_negative(s)


@pytest.mark.parametrize("pos, neg", [("满意", "不满意"), ("对处理结果很满意", "对处理结果很不满意"),
                                      ("服务很好", "服务很不好"), ("喜欢", "不喜欢"),
                                      ("值得信任", "不值得信任")])
def test_negation_flips_polarity(model, pos, neg):
    assert model.score(pos) > 0 > model.score(neg)
    assert model.is_negative(model.score(neg)) and not model.is_negative(model.score(pos))


@pytest.mark.parametrize("text, counts", [
    ("满意", (1, 0)),
    ("不满意", (0, 1)),
    ("不太满意", (0, 1)),  # one char between
    ("不是很满意", (0, 1)),  # two chars between
    ("不是说很满意", (1, 0)),  # too far away
    ("不垃圾", (1, 0)),
    ("满意，满意，不满意", (2, 1)),  # every occurrence counts
    ("一塌糊涂", (0, 1)),  # a 4-character word
    ("非常满意", (1, 0)),  # 非常 is "very", not a negation
    ("非满意", (0, 1)),
])
@pytest.mark.parametrize("native", [True, False])
def test_lexicon_counts_with_negation(text, counts, native):
    lex = Lexicon({"满意": 1, "垃圾": -1, "一塌糊涂": -1, "一塌糊涂的烂": -1}, ["不", "非"],
                  Featurizer(native=native))
    assert lex.counts(text) == counts


def test_native_and_python_lookups_agree(shared_dir):
    """The C n-gram lookup (when built) finds exactly the rows of the pure-Python path."""
    native, python = Featurizer(), Featurizer(native=False)
    if not native.native:
        pytest.skip("pipeline._native is not built (no C compiler at install time)")
    models = [(SentimentModel.load(featurizer=f), CategoryClassifier.load(featurizer=f))
              for f in (native, python)]
    with (shared_dir / "data/sentiment/weibo2018/test.csv").open(encoding="utf-8") as fh:
        texts = [r["text"] for r in csv.DictReader(fh)][:400]
    texts += ["", "好", "好好好好", "𠀀𠀁差评𠀀", "Ünïcödé 满意", "差" * 5000]
    for text in texts:
        assert sorted(native(text).rows) == sorted(python(text).rows)
        (s1, c1), (s2, c2) = models
        assert (s1.score(text), s1.explain(text), c1.predict(text)) == \
            (s2.score(text), s2.explain(text), c2.predict(text))


def test_featurizer_shares_work_and_changes_nothing(model):
    shared = Featurizer()
    a = SentimentModel.load(featurizer=shared)
    text = "医院服务态度太差了"
    assert a.score(text) == model.score(text)
    first = shared(text)
    assert shared(text) is first  # the second model scoring the same text reuses the features
    assert shared("别的") is not first
    assert char_ngrams("abcb") == {"a", "b", "c", "ab", "bc", "cb"}


def test_empty_and_evidence_free_text_is_neutral(model):
    assert model.score("") == 0.0
    assert model.score("   ") == 0.0
    assert model.explain("") == []


def test_deterministic_and_bounded(model):
    rng = random.Random(7)
    chars = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会"
    texts = ["".join(rng.choice(chars) for _ in range(rng.randint(1, 300))) for _ in range(50)]
    first = [model.score(t) for t in texts]
    again = SentimentModel.load()
    assert first == [again.score(t) for t in texts]
    assert all(-1.0 <= s <= 1.0 for s in first)


def test_normalisation_ignores_width_case_urls_and_mentions(model):
    assert normalise("ＡＢＣ１２３ http://t.cn/A6Pqi0hO @张三 好！！！！！！") == "abc0 好!!!"
    assert model.score("服务太差了 http://t.cn/xyz") == model.score("服务太差了")


def test_explain_names_the_evidence(model):
    top = model.explain("医院服务态度太差了", top=3)
    assert len(top) == 3
    assert all(isinstance(k, str) and isinstance(v, float) for k, v in top)
    assert abs(top[0][1]) >= abs(top[1][1]) >= abs(top[2][1])
    assert any("差" in k and v < 0 for k, v in top)


def test_model_file_round_trips(model, tmp_path):
    raw = {"format": "yqwatch-sentiment-1", "bias": 0.0, "lex_weights": [0.0, 0.0],
           "threshold": 0.1, "evidence_k": 0.0, "ngrams": {"好": 2.0, "坏": -2.0},
           "lexicon": {}, "negations": []}
    path = tmp_path / "m.json.gz"
    path.write_bytes(gzip.compress(json.dumps(raw).encode()))
    tiny = SentimentModel.load(path)
    assert tiny.score("好") == pytest.approx(0.7615941559557649)  # tanh(1)
    assert tiny.score("好好好") == tiny.score("好")  # n-gram presence, not count
    assert tiny.score("坏") == -tiny.score("好")
    assert tiny.is_negative(0.05) and not tiny.is_negative(0.2)
    path.write_bytes(gzip.compress(json.dumps({**raw, "format": "other"}).encode()))
    with pytest.raises(ValueError):
        SentimentModel.load(path)


def test_regression_guard_on_weibo2018_test_sample(model, shared_dir):
    """Measurement only: the shipped model must keep >= 0.80 on a fixed 300-row sample."""
    with (shared_dir / "data/sentiment/weibo2018/test.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    sample = random.Random(300).sample(rows, 300)
    correct = sum(model.is_negative(model.score(r["text"])) == (r["label"] == "0") for r in sample)
    assert correct / len(sample) >= 0.80
