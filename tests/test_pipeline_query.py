"""The search box's tokenizer (pipeline.query.QueryTerms) cuts every query exactly as the pipeline
does (Pipeline.query_terms: the full jieba dictionary plus the watch's words) while reading only
the dictionary entries the query touches."""
from __future__ import annotations

import random

import jieba
import pytest

from demo.timeline import build_timeline
from pipeline.matcher import Matcher
from pipeline.normalize import Normalizer
from pipeline.process import Pipeline
from pipeline.query import QueryTerms
from pipeline.query_dict import SortedWords, encode
from pipeline.segment import Segmenter
from pipeline.topics import load_topics
from conftest import ROOT

TRICKY = ["化工厂", "東湖區化工廠偷排", "ＰＸ项目 青溪", "青溪路不是青溪", "123abc停水了！！", "停", "",
          "   ", "东湖区东湖区东湖区", "临江县城关镇自来水公司", "青溪市第一人民医院急诊科", "a.b_c%-d#e+f&g",
          "鑫源化工厂夜里偷排，河水发臭", "网友：“青溪二中食堂饭菜发霉”", "马拉松 美食节 书画展"]


def _queries(seed: int = 3) -> list[str]:
    """Demo posts cut into query-sized pieces at random, plus the tricky ones."""
    rng = random.Random(seed)
    out = list(TRICKY)
    for post in build_timeline(7).posts[:400]:
        text = f"{post.title} {post.text}"
        for _ in range(3):
            i = rng.randrange(max(len(text), 1))
            out.append(text[i:i + rng.randint(1, 24)])
    return out


@pytest.fixture(scope="module")
def demo_topics():
    return load_topics(ROOT / "config" / "topics.yaml")


def test_query_terms_equal_the_pipelines_on_the_demo_config(demo_topics):
    pipeline = Pipeline.from_config_dir(ROOT / "config")
    terms = QueryTerms(demo_topics)
    queries = _queries()
    assert [terms(q) for q in queries] == [pipeline.query_terms(q) for q in queries]


def test_query_terms_equal_the_segmenter_with_hundreds_of_division_words(tmp_path):
    """A real deployment's `divisions:` adds hundreds of names to the dictionary, in order, each
    changing the total the next one's frequency is worked out from."""
    path = tmp_path / "topics.yaml"
    path.write_text("locality:\n  name: 杭州市\n  divisions: [浙江省/杭州市]\n  exclude: [杭州路]\n"
                    "topics:\n  - id: water\n    name: 停水\n    any: [停水, 断水, 自来水]\n", encoding="utf-8")
    topics = load_topics(path)
    normalizer = Normalizer()
    words = Matcher(topics, normalizer).user_words()
    assert len(words) > 200
    full = Segmenter(words)
    terms = QueryTerms(topics)
    queries = _queries(5) + [f"{w}停水了" for w in words] + ["".join(words[i:i + 3]) for i in range(0, len(words), 3)]
    expected = [[t for t in full.cut(normalizer.clean(q)) if t.strip() and t.isalnum()] for q in queries]
    assert [terms(q) for q in queries] == expected


def test_query_terms_never_load_the_whole_dictionary(demo_topics, monkeypatch):
    QueryTerms(demo_topics)  # builds the sorted copy once, if this machine has none yet

    def whole_dictionary(*_a, **_k):
        raise AssertionError("the whole jieba dictionary was loaded")

    monkeypatch.setattr(jieba.Tokenizer, "initialize", whole_dictionary)
    monkeypatch.setattr(jieba.Tokenizer, "gen_pfdict", whole_dictionary)
    assert QueryTerms(demo_topics)("东湖区化工厂偷排污水") == ["东湖区", "化工厂", "偷排", "污水"]


def test_sorted_words_find_every_entry_and_nothing_else():
    freq = {"东": 0, "东湖": 12, "东湖区": 0, "a": 3, "ab": 0, "abc": 7, "湖": 40, "𠀀字": 2}
    words = SortedWords(encode(freq, 64))
    assert words.total == 64
    assert {k: words.get(k) for k in freq} == freq
    for missing in ("", "东湖区x", "b", "abcd", "湖东", "字"):
        assert words.get(missing) is None and missing not in words
    with pytest.raises(ValueError):
        SortedWords(b"not a word list\n")
