"""Locality and topic matching through the whole Pipeline: the traps of the issue, table-driven."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pipeline.process import Pipeline
from pipeline.topics import load_topics
from pipeline.types import RawPost

TZ = ZoneInfo("Asia/Shanghai")

TOPICS_YAML = """\
locality:
  name: 青溪市
  terms: [青溪, 青溪市, 东湖区, 临江县, 临江]
  exclude: [青溪路]
topics:
  - id: pollution
    name: 环境污染
    category: 环境保护
    any: [偷排, 污染, 异味]
    all: [[工厂, 化工厂, 企业]]
    exclude: [演练]
    severity: orange
  - id: demolition
    name: 征地拆迁
    category: 城乡建设
    any: [拆迁, 强拆]
    severity: orange
  - id: px
    name: PX项目
    category: 环境保护
    any: [PX项目]
    severity: red
    locality: optional
  - id: local
    name: 本地动态
    category: 其他
    severity: blue
"""


class StubSentiment:
    """Negative when the text says so in one of a few words: keeps grades predictable."""

    def score(self, text: str) -> float:
        return -0.9 if any(w in text for w in ("死鱼", "太过分", "发臭")) else 0.3

    def is_negative(self, score: float) -> bool:
        return score < -0.5


class StubCategory:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def predict(self, text: str) -> str:
        self.calls.append(text)
        return "商贸旅游"


@pytest.fixture(scope="module")
def category() -> StubCategory:
    return StubCategory()


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory, category) -> Pipeline:
    path = tmp_path_factory.mktemp("cfg") / "topics.yaml"
    path.write_text(TOPICS_YAML, encoding="utf-8")
    return Pipeline(load_topics(path), sentiment=StubSentiment(), category=category)


def post(title: str, text: str = "", **kw) -> RawPost:
    return RawPost(source_id="bbs", kind="forum", url="http://bbs.example.cn/t/1",
                   thread_url="http://bbs.example.cn/t/1", title=title, text=text,
                   fetched_at=datetime(2026, 11, 20, 9, 0, tzinfo=TZ), **kw)


# (title, text, relevant, locality terms, topic ids, exclusions)
CASES = [
    ("青溪化工厂偷排", "", True, ("青溪",), ("pollution", "local"), ()),
    ("traditional", "青溪化工廠偷排廢水", True, ("青溪",), ("pollution", "local"), ()),
    ("spaced", "青 溪 化 工 厂 偷 排", True, ("青溪",), ("pollution", "local"), ()),
    ("zero-width", "青\u200b溪工厂偷\u200b排", True, ("青溪",), ("pollution", "local"), ()),
    ("symbol", "青溪要拆*迁了", True, ("青溪",), ("demolition", "local"), ()),
    ("full-width latin", "ＰＸ项目又要来了", True, (), ("px",), ()),
    ("lower-case latin", "听说px项目要落地临江县", True, ("临江县",), ("px", "local"), ()),
    ("html leftovers", "<p>青溪&amp;化工厂<br/>偷排</p>", True, ("青溪",), ("pollution", "local"), ()),
    ("look-alike street", "上海青溪路有家工厂有异味", False, (), (), ("locality:青溪路",)),
    ("street and the real place", "上海青溪路那家店没事，青溪工厂偷排", True, ("青溪",), ("pollution", "local"),
     ("locality:青溪路",)),
    # Denied once, denied throughout: "不在青溪" and then "从青溪" on the way there.
    ("denied place", "黄果树瀑布在安顺，不在青溪，别再问我从青溪怎么过去", False, (), (), ("locality:不在青溪",)),
    ("term inside a longer word", "东湖区域规划", False, (), (), ()),
    ("locality term inside a work's title", "《临江仙》词一首", False, (), (), ("locality:《临江》",)),
    ("any without all", "青溪有人偷排", True, ("青溪",), ("local",), ()),
    ("topic exclusion", "青溪化工厂偷排演练", True, ("青溪",), ("local",), ("pollution:演练",)),
    ("catch-all only", "青溪市今天天气不错", True, ("青溪市",), ("local",), ()),
    ("nothing", "今天天气不错，出去走走", False, (), (), ()),
    ("topic words without locality", "化工厂偷排废水", False, (), (), ()),
]


@pytest.mark.parametrize("title,text,relevant,locality,topics,exclusions", CASES, ids=[c[0] for c in CASES])
def test_matching_traps(pipeline, title, text, relevant, locality, topics, exclusions):
    doc = pipeline.process(post(title, text))
    assert doc.relevant is relevant
    assert doc.locality_terms == locality
    assert doc.topic_ids == topics
    assert doc.exclusions == exclusions
    assert bool(doc.tokens) is relevant


def test_spans_point_at_the_characters_the_reader_sees(pipeline):
    doc = pipeline.process(post("青 溪 化 工 廠", "有人偷*排，太过分"))
    hit = doc.topic_hits[0]
    assert hit.topic_id == "pollution"
    assert hit.words == ("化工厂", "偷排")
    assert len(hit.spans) == len(hit.words)
    assert [doc.match_text[a:b] for a, b in hit.spans] == ["化 工 厂", "偷*排"]
    assert doc.title == "青 溪 化 工 厂"  # stored text is Simplified, spacing kept


def test_spans_with_two_sentences(pipeline):
    doc = pipeline.process(post("标题", "青溪的工厂。又在偷排！"))
    spans = dict(zip(doc.topic_hits[0].words, doc.topic_hits[0].spans))
    assert doc.match_text[slice(*spans["偷排"])] == "偷排"
    assert doc.match_text[slice(*spans["工厂"])] == "工厂"


def test_title_and_text_are_not_glued(pipeline):
    # "青" ends the title and "溪" starts the text: the newline between them is not filler.
    doc = pipeline.process(post("我在青", "溪水边"))
    assert not doc.relevant


def test_grade_category_and_fingerprint(pipeline, category):
    doc = pipeline.process(post("临江县化工厂偷排废水", "河里全是死鱼，太过分了", replies=60))
    assert doc.negative and doc.sentiment < 0
    assert doc.category == "环境保护"  # first matched topic's
    assert doc.severity == "red"  # orange topic, negative, hot thread
    assert doc.simhash != 0 and "化工厂" in doc.keywords
    assert "临江县" in doc.tokens


def test_catch_all_does_not_decide_category(pipeline, category):
    before = len(category.calls)
    doc = pipeline.process(post("青溪新开了一家商场", ""))
    assert doc.topic_ids == ("local",)
    assert doc.category == "商贸旅游"  # from the classifier
    assert len(category.calls) == before + 1
    assert doc.severity == "blue"


def test_irrelevant_post_is_cheap_and_bare(pipeline, category):
    before = len(category.calls)
    doc = pipeline.process(post("今天天气不错", "出去走走"))
    assert (doc.relevant, doc.category, doc.severity, doc.tokens, doc.simhash, doc.keywords) == (
        False, None, None, (), 0, ())
    assert len(category.calls) == before


def test_document_identity(pipeline):
    def floor_post(url: str, floor: int) -> RawPost:
        return RawPost("bbs", "forum", url, "http://bbs.example.cn/t/1", "t", "x",
                       datetime(2026, 1, 1, tzinfo=TZ), floor=floor)

    a = pipeline.process(floor_post("HTTP://BBS.Example.cn/t/1?utm_source=x#pid5", 5))
    b = pipeline.process(floor_post("http://bbs.example.cn/t/1", 5))
    c = pipeline.process(floor_post("http://bbs.example.cn/t/1", 6))
    assert a.url == "http://bbs.example.cn/t/1"
    assert a.id == b.id != c.id and len(a.id) == 24


def test_analyze_always_scores_sentiment(pipeline):
    res = pipeline.analyze({"id": "7", "title": "今天天气不错", "text": "河里全是死鱼"})
    assert (res.relevant, res.negative, res.topics, res.category, res.severity) == (
        False, True, (), None, None)
    res = pipeline.analyze({"id": "8", "title": "青溪化工厂偷排", "text": None})
    assert res.to_json()["topics"] == ["pollution", "local"] and res.severity == "yellow"


def test_cost_does_not_depend_on_topic_count_for_unrelated_posts(tmp_path):
    """Many topics share one automaton: a post with no locality term is never segmented."""
    topics = "\n".join(f"  - {{id: t{i}, name: 主题{i}, any: [词{i}甲, 词{i}乙]}}" for i in range(300))
    path = tmp_path / "topics.yaml"
    path.write_text(f"locality: {{name: 青溪市, terms: [青溪]}}\ntopics:\n{topics}\n", encoding="utf-8")
    pipe = Pipeline(load_topics(path), sentiment=StubSentiment(), category=StubCategory())
    calls = []
    real_cut = pipe._segmenter.cut
    pipe._segmenter.cut = lambda text: calls.append(text) or real_cut(text)
    assert not pipe.process(post("词7甲", "词250乙")).relevant
    assert calls == []
    doc = pipe.process(post("青溪", "词7甲，词250乙"))
    assert doc.topic_ids == ("t7", "t250") and len(calls) == 1


def test_terms_spanning_several_tokens_and_inside_one(pipeline):
    matcher = pipeline._matcher
    # Every character its own token: multi-token terms still match, boundaries are everywhere.
    res = matcher.match("青溪化工厂偷排", list)
    assert [h.topic_id for h in res.topic_hits] == ["pollution", "local"]
    assert res.topic_hits[0].words == ("化工厂", "工厂", "偷排")  # 工厂 now sits on boundaries too
    assert res.topic_hits[0].spans == ((2, 5), (3, 5), (5, 7))
    # One token holding the whole phrase: nothing inside it is on a boundary.
    res = matcher.match("青溪化工厂偷排", lambda text: [text])
    assert not res.relevant and res.topic_hits == ()
