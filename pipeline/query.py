"""Search-box text → index terms with only what that needs: the normaliser, the watch's own words
(topics and locality) and the entries of jieba's dictionary the query touches. The tokens are
those of the pipeline's Segmenter (Pipeline.query_terms), which loads all of jieba's ~500k entries
and builds the analysis models: seconds of CPU for a one-off `yqwatch search`. Here the dictionary
is a sorted copy on disk (pipeline/query_dict.py) read a few entries per query, and the watch's
words are added to it as Segmenter adds them (jieba's own add_word over that copy)."""
from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

from pipeline.matcher import segmenter_words
from pipeline.normalize import Normalizer
from pipeline.query_dict import Lookup, SortedWords, cached, load
from pipeline.segment import _PREFIX, Segmenter
from pipeline.topics import TopicsConfig, load_topics


class _Overlay(Lookup):
    """jieba's FREQ as a Segmenter's Tokenizer holds it: the sorted copy plus the words added."""

    def __init__(self, base: SortedWords) -> None:
        self.base, self.added = base, {}

    def get(self, key: str, default=None):
        v = self.added.get(key)
        return v if v is not None else self.base.get(key, default)

    def __setitem__(self, key: str, value: int) -> None:
        self.added[key] = value


class _LogP:
    """Segmenter's table, entry by entry: log(freq) - log(total), _PREFIX for a prefix only."""

    def __init__(self, freq: _Overlay, logtotal: float) -> None:
        self._freq, self._logtotal, self._memo = freq, logtotal, {}

    def get(self, key: str):
        if key in self._memo:
            return self._memo[key]
        if len(self._memo) >= 100_000:  # the console's search box lives for months
            self._memo.clear()
        f = self._freq.get(key)
        v = self._memo[key] = None if f is None else (math.log(f) - self._logtotal if f else _PREFIX)
        return v


def _with_user_words(base: SortedWords, user_words: list[str]) -> tuple[_Overlay, int]:
    """The copy plus the watch's words, exactly as Segmenter.__init__ adds them (same order, same
    frequencies from jieba's suggest_freq, same growing total). What that adds depends only on the
    dictionary and the words, so it is cached too (jieba is imported only to work it out)."""
    freq = _Overlay(base)
    key = hashlib.sha256("\n".join(user_words).encode("utf-8")).hexdigest()[:20]
    try:
        added, total = json.loads(bytes(cached(f"query-words-added-{key}.json",
                                               lambda: _added(base, user_words))))
    except (ValueError, TypeError):  # a torn copy: worked out again
        added, total = json.loads(_added(base, user_words))
    freq.added.update(added)
    return freq, total


def _added(base: SortedWords, user_words: list[str]) -> bytes:
    freq = _Overlay(base)
    new = [w for w in user_words if len(w) > 1 and not freq.get(w)]
    total = base.total
    if new:
        import jieba

        tk = jieba.Tokenizer()
        tk.FREQ, tk.total, tk.initialized = freq, base.total, True
        for word in new:
            if not freq.get(word):  # a word can be a prefix of one added before it: still added
                tk.add_word(word)
        total = tk.total
    return json.dumps([freq.added, total], ensure_ascii=False).encode("utf-8")


class QueryTerms:
    def __init__(self, topics: TopicsConfig) -> None:
        self._normalizer = Normalizer()
        words, hmm_tables = load()
        freq, total = _with_user_words(words, segmenter_words(topics, self._normalizer))
        self._segmenter = Segmenter.from_lookup(_LogP(freq, math.log(total)), math.log(total), hmm_tables)

    @classmethod
    def from_config_dir(cls, config_dir: Path) -> QueryTerms:
        return cls(load_topics(Path(config_dir) / "topics.yaml"))

    def __call__(self, query: str) -> list[str]:
        """Cleaned like documents (繁→简, full-width) and cut by the same tokenizer as
        Pipeline.query_terms, so a query matches the tokens the index holds."""
        cleaned = self._normalizer.clean(query)
        return [t for t in self._segmenter.cut(cleaned) if t.strip() and t.isalnum()]
