"""Negativity model: a linear model over character 1-3-grams plus two lexicon-count features.

Runs on every crawled post, so it avoids jieba: one Aho-Corasick pass over the normalised text
finds every known n-gram, lexicon word and negation word at once. Weights are trained by
`scripts/train_sentiment.py` and shipped as gzip JSON package data (no numpy/sklearn at run time).

    z = bias + sum(weight of each distinct n-gram) + w_pos*log1p(#pos words) + w_neg*log1p(#neg words)

A lexicon word preceded (within `NEGATION_REACH` chars) by a negation word counts for the opposite
polarity. The score is 2*sigmoid(z) - 1 = tanh(z/2), shrunk towards 0 when the text carries little
evidence (few known n-grams), so short neutral texts do not score strongly either way.
"""
from __future__ import annotations

import gzip
import json
import math
import re
import unicodedata
from importlib import resources
from pathlib import Path

import ahocorasick

MODEL_FORMAT = "yqwatch-sentiment-1"
NGRAM_MAX = 3
# Chars allowed between a negation word and the lexicon word it flips ("不太满意": 太).
NEGATION_REACH = 2

_URL = re.compile(r"(?:https?://|www\.)[\x21-\x7e]+", re.IGNORECASE)
_MENTION = re.compile(r"@[\w\-·]{1,30}")
_WEIBO_TAG = re.compile(r"\{%|%\}")  # weibo2018 wraps topics/places in {% %}
_DIGITS = re.compile(r"\d+")
_REPEAT = re.compile(r"(.)\1{3,}")  # "!!!!!!" -> "!!!"
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The exact text form the model was trained on (training imports this function)."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = _URL.sub(" ", t)
    t = _MENTION.sub(" ", t)
    t = _WEIBO_TAG.sub(" ", t)
    t = _DIGITS.sub("0", t)
    t = _REPEAT.sub(r"\1\1\1", t)
    return _SPACE.sub(" ", t).strip()


def lexicon_counts(matches, polarity: dict[str, int], negations: set[str]) -> tuple[int, int]:
    """Count positive and negative lexicon words among `matches` ((end, word) pairs in order of
    end position), flipping a word that follows a negation word closely."""
    pos = neg = 0
    last_negation_end = -100
    for end, word in matches:
        if word in negations:
            last_negation_end = end
        p = polarity.get(word, 0)
        if not p:
            continue
        start = end - len(word) + 1
        if 0 < start - last_negation_end <= NEGATION_REACH + 1:
            p = -p
        if p > 0:
            pos += 1
        else:
            neg += 1
    return pos, neg


def lexicon_features(pos: int, neg: int) -> tuple[float, float]:
    return math.log1p(pos), math.log1p(neg)


class SentimentModel:
    """Scores Chinese text in -1..1 (negative tone < 0). Build with `load()`."""

    def __init__(self, model: dict):
        if model.get("format") != MODEL_FORMAT:
            raise ValueError(f"not a {MODEL_FORMAT} model: {model.get('format')!r}")
        self.bias: float = model["bias"]
        self.lex_weights: tuple[float, float] = tuple(model["lex_weights"])
        self.threshold: float = model["threshold"]
        self.evidence_k: float = model["evidence_k"]
        self.meta: dict = model.get("meta", {})
        ngrams: dict[str, float] = model["ngrams"]
        self._polarity: dict[str, int] = model["lexicon"]
        self._negations: set[str] = set(model["negations"])
        # One automaton over every key; the value says what the key is:
        # (n-gram weight, lexicon polarity, is negation).
        auto = ahocorasick.Automaton()
        for key in ngrams.keys() | self._polarity.keys() | self._negations:
            auto.add_word(key, (key, ngrams.get(key, 0.0), self._polarity.get(key, 0),
                                key in self._negations))
        auto.make_automaton()
        self._auto = auto

    @classmethod
    def load(cls, path: Path | None = None) -> "SentimentModel":
        """Load a model file; None loads the shipped package data."""
        if path is None:
            ref = resources.files("pipeline") / "data" / "sentiment_model.json.gz"
            with ref.open("rb") as fh:
                raw = fh.read()
        else:
            raw = Path(path).read_bytes()
        return cls(json.loads(gzip.decompress(raw)))

    def _margin(self, text: str, explain: bool = False):
        """Return (z, evidence, contributions) for `text`; contributions only when explaining.
        Each distinct n-gram counts once (the model was trained on n-gram presence)."""
        t = normalise(text)
        z = self.bias
        evidence = 0.0
        seen: set[str] = set()
        lex_matches = []
        contrib: dict[str, float] = {}
        if t:
            for end, (key, w, pol, is_neg) in self._auto.iter(t):
                if w and key not in seen:
                    seen.add(key)
                    z += w
                    evidence += abs(w)
                    if explain:
                        contrib[key] = w
                if pol or is_neg:
                    lex_matches.append((end, key))
        pos, neg = lexicon_counts(lex_matches, self._polarity, self._negations)
        fp, fn = lexicon_features(pos, neg)
        lex = self.lex_weights[0] * fp + self.lex_weights[1] * fn
        z += lex
        evidence += abs(lex)
        if explain and (pos or neg):
            contrib[f"<词典 正{pos}/负{neg}>"] = lex
        return z, evidence, contrib

    def score(self, text: str) -> float:
        """-1..1; below 0 leans negative. Shrunk towards 0 when evidence is thin."""
        z, evidence, _ = self._margin(text)
        return math.tanh(z / 2) * evidence / (evidence + self.evidence_k)

    def is_negative(self, score: float) -> bool:
        return score < self.threshold

    def explain(self, text: str, top: int = 5) -> list[tuple[str, float]]:
        """The `top` n-grams / lexicon evidence that moved the score most, strongest first
        (negative weights push towards negative)."""
        _, _, contrib = self._margin(text, explain=True)
        ranked = sorted(contrib.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
        return [(k, round(v, 4)) for k, v in ranked[:top]]
