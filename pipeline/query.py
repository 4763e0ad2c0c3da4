"""Search-box text → index terms with only what that needs: the normaliser and a tokenizer that
knows the topic and locality words. Building the whole Pipeline (sentiment and category models,
key-term scorer) for a one-off `yqwatch search` cost seconds of CPU; this is the same cut."""
from __future__ import annotations

from pathlib import Path

from pipeline.matcher import Matcher
from pipeline.normalize import Normalizer
from pipeline.segment import Segmenter
from pipeline.topics import TopicsConfig, load_topics


class QueryTerms:
    def __init__(self, topics: TopicsConfig) -> None:
        self._normalizer = Normalizer()
        self._segmenter = Segmenter(Matcher(topics, self._normalizer).user_words())

    @classmethod
    def from_config_dir(cls, config_dir: Path) -> QueryTerms:
        return cls(load_topics(Path(config_dir) / "topics.yaml"))

    def __call__(self, query: str) -> list[str]:
        """Cleaned like documents (繁→简, full-width) and cut by the same tokenizer as
        Pipeline.query_terms, so a query matches the tokens the index holds."""
        cleaned = self._normalizer.clean(query)
        return [t for t in self._segmenter.cut(cleaned) if t.strip() and t.isalnum()]
