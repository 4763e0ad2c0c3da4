"""Government work-area classifier (the first-level categories of city message boards).

Two stages, both jieba-free:
1. 安全生产 (work safety) has no training data, so keyword rules decide it: a text is 安全生产
   when its headline (first `HEADLINE_CHARS` chars) names a safety incident or hazard
   (`SAFETY_WORDS`) or says 事故 outside a traffic or medical context (`ACCIDENT_CONTEXT_EXCLUDE`),
   or when the whole text names two different safety words. A passing mention deep in a long
   complaint ("…也有安全隐患") does not make it a safety case; on the gov_messages train split the
   rule fires on 13 of 393 messages, nearly all hazard reports filed under other areas.
2. Otherwise a linear model over L2-normalised character 1-2-gram presence picks one of the other
   categories. Its n-grams are the ones the negativity model already built for the same text
   (`pipeline.sentiment.Featurizer`: one probe of one merged table per n-gram); each n-gram's
   class weights are packed into one integer, so the class sums are one C-level sum().
   It is trained by `scripts/train_category.py` on the gov_messages (TipDM 2020) train split, the
   official taxonomy terms as seed documents, and news titles of unrelated areas as 其他; the
   per-class weights ship as gzip JSON package data.
"""
from __future__ import annotations

import gzip
import json
import math
from importlib import resources
from pathlib import Path

import ahocorasick

from pipeline.incidents import FIGURATIVE
from pipeline.sentiment import NGRAM_MAX, Featurizer, column_sum, normalise, pack, unpack

CATEGORIES = ("城乡建设", "环境保护", "交通运输", "教育文体", "劳动和社会保障", "商贸旅游", "卫生计生",
              "安全生产", "其他")
MODEL_FORMAT = "yqwatch-category-1"

# Words that by themselves name a work-safety incident or hazard.
SAFETY_WORDS = ("爆炸", "爆燃", "燃爆", "火灾", "失火", "起火", "着火", "坍塌", "倒塌", "塌方", "垮塌",
                "泄漏", "泄露", "安全隐患", "安全生产", "透水", "矿难", "冒顶", "危化品", "危险化学品",
                "中毒窒息", "触电身亡", "高空坠落", "坠亡")
# 事故 counts as a safety word unless it is one of these (traffic and medical accidents have
# their own categories).
ACCIDENT_CONTEXT_EXCLUDE = ("交通事故", "医疗事故", "车祸", "事故车", "事故多发", "事故频发")
ACCIDENT = "事故"
HEADLINE_CHARS = 40


class CategoryClassifier:
    """Maps a text to one of CATEGORIES. Build with `load()`."""

    def __init__(self, model: dict, featurizer: Featurizer | None = None):
        if model.get("format") != MODEL_FORMAT:
            raise ValueError(f"not a {MODEL_FORMAT} model: {model.get('format')!r}")
        if model.get("ngram_max", NGRAM_MAX) != NGRAM_MAX:
            raise ValueError(f"model has {model['ngram_max']}-grams, this code reads {NGRAM_MAX}-grams")
        self.classes: list[str] = model["classes"]
        if not set(self.classes) <= set(CATEGORIES):
            raise ValueError(f"unknown classes in model: {self.classes}")
        self.bias: list[float] = model["bias"]
        self._features = featurizer or Featurizer()
        self._slot = self._features.register({g: pack(w) for g, w in model["ngrams"].items()})
        rules = ahocorasick.Automaton()
        for w in SAFETY_WORDS:
            rules.add_word(w, ("safety", w))
        for w in ACCIDENT_CONTEXT_EXCLUDE:
            rules.add_word(w, ("exclude", w))
        rules.add_word(ACCIDENT, ("accident", ACCIDENT))
        for w in FIGURATIVE:  # 人气爆炸, 防火门: a safety word inside one is not a safety case
            if any(s in w for s in SAFETY_WORDS):
                rules.add_word(normalise(w), ("figurative", w))
        rules.make_automaton()
        self._rules = rules

    @classmethod
    def load(cls, path: Path | None = None, *,
             featurizer: Featurizer | None = None) -> "CategoryClassifier":
        """Load a model file; None loads the shipped package data."""
        if path is None:
            raw = resources.files("pipeline").joinpath("data/category_model.json.gz").read_bytes()
        else:
            raw = Path(path).read_bytes()
        return cls(json.loads(gzip.decompress(raw)), featurizer)

    def is_safety(self, text: str) -> bool:
        """The 安全生产 keyword rule (see module docstring)."""
        return self._is_safety(normalise(text))

    def _is_safety(self, t: str) -> bool:
        safety: set[str] = set()
        accidents = excluded = 0
        found = list(self._rules.iter(t))
        figurative = [(end - len(word) + 1, end) for end, (kind, word) in found if kind == "figurative"]
        for end, (kind, word) in found:
            if kind == "figurative" or any(s <= end - len(word) + 1 and end <= e for s, e in figurative):
                continue
            if kind == "safety":
                if end < HEADLINE_CHARS:
                    return True
                safety.add(word)
            elif end < HEADLINE_CHARS:
                if kind == "accident":
                    accidents += 1
                elif ACCIDENT in word:
                    excluded += 1
        return accidents > excluded or len(safety) >= 2

    def scores(self, text: str) -> dict[str, float]:
        """Linear scores of the learned classes (安全生产 is rule-based and not among them)."""
        count, sums = unpack(column_sum(self._features(text), self._slot), len(self.classes))
        # the model was trained on L2-normalised n-gram presence vectors
        norm = math.sqrt(count) or 1.0
        return {c: b + s / norm for c, b, s in zip(self.classes, self.bias, sums)}

    def predict(self, text: str) -> str:
        if self._is_safety(self._features(text).text):
            return "安全生产"
        s = self.scores(text)
        return max(self.classes, key=lambda c: (s[c], -self.classes.index(c)))
