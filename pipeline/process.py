"""The per-document pipeline: RawPost → Document (and the `yqwatch analyze` view of a post).

normalise → match locality and topics (one automaton pass; jieba only on candidates) →
negativity → category → grade → fingerprint (id, SimHash, key terms).

`process` scores negativity, and computes SimHash and key terms, only for relevant posts: the
others are never graded, grouped into events or alerted on, and skipping that work keeps the
irrelevant majority cheap (their sentiment is 0.0, simhash 0, keywords empty). `analyze` always
scores negativity.
Category: the category of the first matched topic that is not a catch-all; else, for a relevant
post, the classifier's; None for an irrelevant post.
"""
from __future__ import annotations

import functools
from pathlib import Path

from pipeline.category import CategoryClassifier
from pipeline.fingerprint import KeywordScorer, SimHasher, canonical_url, document_id
from pipeline.matcher import Matcher, MatchResult
from pipeline.normalize import Normalizer
from pipeline.periods import Periods, load_periods
from pipeline.segment import Segmenter
from pipeline.sentiment import Featurizer, SentimentModel
from pipeline.severity import grade
from pipeline.topics import TopicsConfig, load_topics
from pipeline.types import Analysis, Document, RawPost


class Pipeline:
    def __init__(self, topics: TopicsConfig, *, sentiment: SentimentModel | None = None,
                 category: CategoryClassifier | None = None, native: bool = True,
                 periods: Periods = Periods()) -> None:
        """`native=False` runs the pure-Python twins of the C extension's loops (same results).
        `periods`: 重大活动 / 敏感期 (watch.yaml), during which relevant posts grade one level up."""
        self._periods = periods
        # The shipped models share one Featurizer: a post is normalised and cut into n-grams once.
        features = Featurizer(native=native)
        self._sentiment = sentiment if sentiment is not None else SentimentModel.load(featurizer=features)
        self._category = category if category is not None else CategoryClassifier.load(featurizer=features)
        self._topics = {t.id: t for t in topics.topics}
        self._normalizer = Normalizer()
        self._matcher = Matcher(topics, self._normalizer)
        self._segmenter = Segmenter(self._matcher.user_words(), native=native)
        self._simhash = SimHasher()
        self._keywords = KeywordScorer.load()
        # Every floor of a thread repeats its thread URL.
        self._canonical = functools.lru_cache(maxsize=4096)(canonical_url)

    @classmethod
    def from_config_dir(cls, config_dir: Path) -> Pipeline:
        return cls(load_topics(Path(config_dir) / "topics.yaml"), periods=load_periods(config_dir))

    def process(self, raw: RawPost) -> Document:
        title = self._normalizer.clean(raw.title)
        text = self._normalizer.clean(raw.text)
        body = f"{title}\n{text}"
        match = self._matcher.match(body, self._segmenter.cut)
        score, negative = self._negativity(body) if match.relevant else (0.0, False)
        tokens = tuple(filter(str.isalnum, match.tokens)) if match.relevant else ()
        url = self._canonical(raw.url)
        return Document(
            id=document_id(url, raw.floor),
            source_id=raw.source_id,
            kind=raw.kind,
            url=url,
            thread_url=self._canonical(raw.thread_url),
            title=title,
            text=text,
            fetched_at=raw.fetched_at,
            author=raw.author,
            outlet=raw.outlet,
            published_at=raw.published_at,
            floor=raw.floor,
            replies=raw.replies,
            views=raw.views,
            tokens=tokens,
            locality_terms=match.locality_terms,
            topic_hits=match.topic_hits,
            exclusions=match.exclusions,
            relevant=match.relevant,
            sentiment=score,
            negative=negative,
            category=self._category_of(match, body),
            severity=self._grade(match, body, raw, negative),
            simhash=self._simhash(tokens) if tokens else 0,
            keywords=self._keywords.top(tokens) if tokens else (),
            source_weight=raw.source_weight,
        )

    def query_terms(self, query: str) -> list[str]:
        """A search-box query as index terms: cleaned like documents (繁→简, full-width) and cut by
        the same tokenizer, so a query matches the tokens the index holds."""
        cleaned = self._normalizer.clean(query)
        return [t for t in self._segmenter.cut(cleaned) if t.strip() and t.isalnum()]

    def analyze(self, item: dict) -> Analysis:
        """`item`: {"id", "title", "text", "source", "published_at"}; only title and text are read."""
        body = f"{self._normalizer.clean(item.get('title'))}\n{self._normalizer.clean(item.get('text'))}"
        match = self._matcher.match(body, self._segmenter.cut)
        score, negative = self._negativity(body)
        return Analysis(
            id=item["id"],
            relevant=match.relevant,
            topics=tuple(h.topic_id for h in match.topic_hits),
            locality=match.locality_terms,
            sentiment=score,
            negative=negative,
            category=self._category_of(match, body),
            severity=grade(match.topic_hits, negative=negative),
        )

    def _grade(self, match: MatchResult, body: str, raw: RawPost, negative: bool) -> str | None:
        severity = grade(match.topic_hits, negative=negative, replies=raw.replies, views=raw.views,
                         source_weight=raw.source_weight)
        return self._periods.grade(severity, body, raw.fetched_at) if match.relevant else severity

    def _negativity(self, body: str) -> tuple[float, bool]:
        score = float(self._sentiment.score(body))
        return score, bool(self._sentiment.is_negative(score))

    def _category_of(self, match: MatchResult, body: str) -> str | None:
        for hit in match.topic_hits:
            if hit.category and not self._topics[hit.topic_id].catch_all:
                return hit.category
        return self._category.predict(body) if match.relevant else None
