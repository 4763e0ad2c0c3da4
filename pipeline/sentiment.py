"""Negativity model: a linear model over character 1-3-grams plus two lexicon-count features.

Runs on every relevant post (and every `analyze` input), so it avoids jieba and Python loops over
characters: the text is normalised once and its distinct 1-3-grams are built as a set (C-level
slicing); known n-grams and lexicon words are found by set intersection with the model's keys.
`Features` (normalised text + n-grams) are shared with the category classifier through a
`Featurizer`, which remembers the last text, so a post is normalised and cut into n-grams once.
Weights are trained by `scripts/train_sentiment.py` and shipped as gzip JSON package data (no
numpy/sklearn at run time).

    z = bias + sum(weight of each distinct n-gram) + w_pos*log1p(#pos words) + w_neg*log1p(#neg words)

Lexicon words (2-4 characters) count once per occurrence; one preceded by a negation word ending
at most `NEGATION_REACH` characters before it counts for the opposite polarity ("不太满意": 太).
The score is 2*sigmoid(z) - 1 = tanh(z/2), shrunk towards 0 when the text carries little evidence
(sum of |weights| met), so short neutral texts do not score strongly either way.
"""
from __future__ import annotations

import gzip
import json
import math
import re
import unicodedata
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import NamedTuple

MODEL_FORMAT = "yqwatch-sentiment-1"
NGRAM_MAX = 3
LEXICON_MAX = 4  # longer lexicon words (rare idioms) are not looked for
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
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    t = text.lower()
    # The substitutions below are skipped when their trigger cannot occur (most posts).
    if "http" in t or "www." in t:
        t = _URL.sub(" ", t)
    if "@" in t:
        t = _MENTION.sub(" ", t)
    if "%" in t:
        t = _WEIBO_TAG.sub(" ", t)
    t = _DIGITS.sub("0", t)
    t = _REPEAT.sub(r"\1\1\1", t)
    return _SPACE.sub(" ", t).strip()


def char_ngrams(t: str) -> set[str]:
    """The distinct character 1..NGRAM_MAX-grams of `t`."""
    return {*t, *map("".join, zip(t, t[1:])), *map("".join, zip(t, t[1:], t[2:]))}


class Features(NamedTuple):
    text: str  # normalise(original)
    grams: set[str]  # char_ngrams(text)


def features(text: str) -> Features:
    t = normalise(text)
    return Features(t, char_ngrams(t))


class Featurizer:
    """`features` of the last text seen, for models that score the same text one after another."""

    def __init__(self) -> None:
        self._last: tuple[str, Features] | None = None

    def __call__(self, text: str) -> Features:
        last = self._last
        if last is not None and (last[0] is text or last[0] == text):
            return last[1]
        f = features(text)
        self._last = (text, f)
        return f


class Lexicon:
    """Counts positive and negative lexicon words in a normalised text, with negation flipping."""

    def __init__(self, polarity: dict[str, int], negations: Iterable[str]) -> None:
        self._polarity = {w: p for w, p in polarity.items() if 2 <= len(w) <= LEXICON_MAX and p}
        self._short = frozenset(w for w in self._polarity if len(w) <= NGRAM_MAX)
        self._long = frozenset(w for w in self._polarity if len(w) > NGRAM_MAX)
        # Negation words are found among the n-grams, so longer ones cannot be used.
        self._negations = frozenset(w for w in negations if len(w) <= NGRAM_MAX)

    def counts(self, t: str, grams: set[str]) -> tuple[int, int]:
        """(#positive, #negative) occurrences; `grams` is `char_ngrams(t)`."""
        found = grams & self._short
        if self._long and len(t) > NGRAM_MAX:
            found |= {*map("".join, zip(t, t[1:], t[2:], t[3:]))} & self._long
        if not found:
            return 0, 0
        # Where negation words end; a word starting 0..NEGATION_REACH chars later is flipped.
        negation_ends = {end for w in grams & self._negations for end in _ends(t, w)}
        pos = neg = 0
        for word in found:
            p = self._polarity[word]
            for end in _ends(t, word):
                start = end - len(word)
                flip = negation_ends and not negation_ends.isdisjoint(range(start - NEGATION_REACH, start + 1))
                if (-p if flip else p) > 0:
                    pos += 1
                else:
                    neg += 1
        return pos, neg


def _ends(t: str, word: str):
    """End offsets of every (possibly overlapping) occurrence of `word` in `t`."""
    at = t.find(word)
    while at >= 0:
        yield at + len(word)
        at = t.find(word, at + 1)


def lexicon_features(pos: int, neg: int) -> tuple[float, float]:
    return math.log1p(pos), math.log1p(neg)


class SentimentModel:
    """Scores Chinese text in -1..1 (negative tone < 0). Build with `load()`."""

    def __init__(self, model: dict, featurizer: Featurizer | None = None):
        if model.get("format") != MODEL_FORMAT:
            raise ValueError(f"not a {MODEL_FORMAT} model: {model.get('format')!r}")
        self.bias: float = model["bias"]
        self.lex_weights: tuple[float, float] = tuple(model["lex_weights"])
        self.threshold: float = model["threshold"]
        self.evidence_k: float = model["evidence_k"]
        self.meta: dict = model.get("meta", {})
        self._weights: dict[str, float] = {g: w for g, w in model["ngrams"].items() if w}
        self._keys = frozenset(self._weights)
        self.lexicon = Lexicon(model["lexicon"], model["negations"])
        self._features = featurizer or Featurizer()

    @classmethod
    def load(cls, path: Path | None = None, *, featurizer: Featurizer | None = None) -> "SentimentModel":
        """Load a model file; None loads the shipped package data."""
        if path is None:
            raw = resources.files("pipeline").joinpath("data/sentiment_model.json.gz").read_bytes()
        else:
            raw = Path(path).read_bytes()
        return cls(json.loads(gzip.decompress(raw)), featurizer)

    def _margin(self, text: str):
        """(z, evidence, {known n-gram: weight}, (#pos, #neg), lexicon term of z).
        Each distinct n-gram counts once (the model was trained on n-gram presence)."""
        f = self._features(text)
        known = f.grams & self._keys
        weights = dict(zip(known, map(self._weights.__getitem__, known)))
        pos, neg = self.lexicon.counts(f.text, f.grams)
        fp, fn = lexicon_features(pos, neg)
        lex = self.lex_weights[0] * fp + self.lex_weights[1] * fn
        # fsum: exact, so the score does not depend on set order (which varies per process)
        z = self.bias + math.fsum(weights.values()) + lex
        evidence = math.fsum(map(abs, weights.values())) + abs(lex)
        return z, evidence, weights, (pos, neg), lex

    def score(self, text: str) -> float:
        """-1..1; below 0 leans negative. Shrunk towards 0 when evidence is thin."""
        z, evidence, *_ = self._margin(text)
        return math.tanh(z / 2) * evidence / (evidence + self.evidence_k)

    def is_negative(self, score: float) -> bool:
        return score < self.threshold

    def explain(self, text: str, top: int = 5) -> list[tuple[str, float]]:
        """The `top` n-grams / lexicon evidence that moved the score most, strongest first
        (negative weights push towards negative)."""
        _, _, contrib, (pos, neg), lex = self._margin(text)
        if pos or neg:
            contrib[f"<词典 正{pos}/负{neg}>"] = lex
        ranked = sorted(contrib.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
        return [(k, round(v, 4)) for k, v in ranked[:top]]
