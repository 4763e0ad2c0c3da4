"""Negativity model: a linear model over character 1-2-grams plus two lexicon-count features.

Runs on every relevant post (and every `analyze` input), so it avoids jieba and Python loops over
characters: the text is normalised once, its distinct 1-2-grams are built as a set (C-level
joins), and a `Featurizer` looks them up once in one merged table shared with the lexicon and
the category classifier (see there); n-gram weights are summed by one C-level sum().
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
from itertools import compress
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from pipeline.incidents import DENIED, DRILL, INCIDENT, NOTICE, QUESTION, incident_verdict, without_figures

try:
    from pipeline._native import NgramTable
except ImportError:  # not built (no C compiler at install time): the pure-Python path runs
    NgramTable = None

MODEL_FORMAT = "yqwatch-sentiment-1"
# Character 1-2-grams: trigrams cost a third more table probes per post (cache misses, with
# jieba's dictionary in the same process) for no gain on weibo2018 (bench/RESULTS_sentiment.md).
NGRAM_MAX = 2
LEXICON_MAX = 4  # longer lexicon words (rare idioms) are not looked for
# How far below the negativity threshold a reported incident's score is put at least.
INCIDENT_MARGIN = 0.2
# A notice, story or figurative use scoring at most this far below the threshold is lifted to it:
# the model's faint negativity there comes from words like 暴雨 or 爆炸, not from a grievance.
NOTICE_REACH = 0.2
# Chars allowed between a negation word and the lexicon word it flips ("不太满意": 太).
NEGATION_REACH = 2

_URL = re.compile(r"(?:https?://|www\.)[\x21-\x7e]+", re.IGNORECASE)
_MENTION = re.compile(r"@[\w\-·]{1,30}")
_WEIBO_TAG = re.compile(r"\{%|%\}")  # weibo2018 wraps topics/places in {% %}
_DIGITS = re.compile(r"\d+")
_REPEAT = re.compile(r"(.)\1\1\1+")  # "!!!!!!" -> "!!!" (same as (.)\1{3,}, 2.5x faster in `re`)
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
    return {*t, *map("".join, zip(t, t[1:]))}


# Weights are summed as fixed-point integers packed into lanes of one big integer: the sum over
# a text's known n-grams is then one C-level sum(), exact, and independent of set order (which
# varies per process). Lane 0 counts the n-grams summed; weights are used to 4 decimals (the
# shipped models are rounded so).
_SCALE = 10_000
_LANE = 64
_LANE_MASK = (1 << _LANE) - 1
_OFFSET = 1 << 40  # added to every weight lane so no lane goes negative (|weight| < 10^8)


def pack(values: Iterable[float]) -> int:
    return 1 + sum((round(v * _SCALE) + _OFFSET) << (_LANE * i) for i, v in enumerate(values, 1))


def unpack(total: int, lanes: int) -> tuple[int, list[float]]:
    """(how many vectors were summed, their per-lane sums) of a sum of `pack`ed vectors."""
    count = total & _LANE_MASK
    return count, [(((total >> (_LANE * i)) & _LANE_MASK) - count * _OFFSET) / _SCALE
                   for i in range(1, lanes + 1)]


class Features(NamedTuple):
    text: str  # normalise(original)
    # One row per distinct 1..NGRAM_MAX-gram of text that a registered table holds:
    # (n-gram, its value in table 0, in table 1, ...), 0 where a table does not hold it.
    rows: tuple[tuple, ...]


class Featurizer:
    """Normalises a text and looks its n-grams up, once, in the tables that models register.

    The tables are merged into one dict (n-gram → one value per table), so each n-gram of a post
    costs one probe however many models read it: with jieba's large dictionary in the same
    process, every probe of a separate table is a likely cache miss. The last text's features are
    kept, so models scoring the same text one after another share them.
    With the optional C extension (`pipeline._native.NgramTable`) the n-grams are looked up
    without building them as strings first; `native=False` forces the pure-Python path. The rows
    are the same; only their order differs, and no model reads the order."""

    def __init__(self, *, native: bool = True) -> None:
        self._tables: list[dict[str, int]] = []
        self._rows: dict[str, tuple[int, ...]] = {}
        self._last: tuple[str, Features] | None = None
        self.native = native and NgramTable is not None
        self._lookup = self._lookup_python

    def register(self, values: dict[str, int]) -> int:
        """Add a table of non-zero int values; returns its slot in `Features.rows`."""
        self._tables.append(values)
        width = len(self._tables)
        merged: dict[str, list] = {}
        for slot, table in enumerate(self._tables, 1):
            for gram, value in table.items():
                merged.setdefault(gram, [gram] + [0] * width)[slot] = value
        self._rows = {gram: tuple(row) for gram, row in merged.items()}
        if self.native:
            self._lookup = NgramTable(self._rows).rows
        self._last = None
        return width

    def _lookup_python(self, t: str) -> tuple:
        return tuple(filter(None, map(self._rows.get, char_ngrams(t))))

    def __call__(self, text: str) -> Features:
        last = self._last
        if last is not None and (last[0] is text or last[0] == text):
            return last[1]
        t = normalise(text)
        f = Features(t, tuple(self._lookup(t)))
        self._last = (text, f)
        return f


def column_sum(f: Features, slot: int) -> int:
    return sum(map(itemgetter(slot), f.rows))


# Lexicon flags of an n-gram (one n-gram may be several of these).
_POSITIVE, _NEGATIVE, _HEAD, _NEGATION, _NOT_NEGATING = 1, 2, 4, 8, 16
# Words that begin with a negation character but negate nothing ("非常喜欢" is "like very much").
NOT_NEGATING = frozenset({"非常", "非凡", "无比", "无限", "无数", "无论", "无疑", "不断", "不少", "不错",
                          "不过", "不禁", "不仅", "不管", "不久", "未来", "没准", "别人", "别的", "休息",
                          "休闲", "莫名"})


class Lexicon:
    """Counts positive and negative lexicon words in a normalised text, with negation flipping."""

    def __init__(self, polarity: dict[str, int], negations: Iterable[str],
                 featurizer: Featurizer) -> None:
        self._polarity = {w: p for w, p in polarity.items() if 2 <= len(w) <= LEXICON_MAX and p}
        # Longer words are looked for only where their first two characters occur.
        self._long = frozenset(w for w in self._polarity if len(w) > NGRAM_MAX)
        flags: dict[str, int] = {}
        for w, p in self._polarity.items():
            if len(w) <= NGRAM_MAX:
                flags[w] = flags.get(w, 0) | (_POSITIVE if p > 0 else _NEGATIVE)
            else:
                flags[w[:2]] = flags.get(w[:2], 0) | _HEAD
        for w in negations:  # found among the n-grams, so longer ones cannot be used
            if len(w) <= NGRAM_MAX:
                flags[w] = flags.get(w, 0) | _NEGATION
        for w in NOT_NEGATING:
            flags[w] = flags.get(w, 0) | _NOT_NEGATING
        self._features = featurizer
        self._slot = featurizer.register(flags)

    def counts(self, text: str) -> tuple[int, int]:
        """(#positive, #negative) word occurrences in `text`."""
        f = self._features(text)
        t, slot = f.text, self._slot
        words: list[tuple[str, int]] = []
        negation_ends: set[int] = set()
        not_negating: list[str] = []
        for row in compress(f.rows, map(itemgetter(slot), f.rows)):  # the few lexicon rows
            flag, gram = row[slot], row[0]
            if flag & (_POSITIVE | _NEGATIVE):
                words.append((gram, 1 if flag & _POSITIVE else -1))
            if flag & _NEGATION:
                negation_ends.update(_ends(t, gram))
            if flag & _NOT_NEGATING:
                not_negating.append(gram)
            if flag & _HEAD:
                for end in _ends(t, gram):
                    for n in range(NGRAM_MAX + 1, LEXICON_MAX + 1):
                        if (w := t[end - 2:end - 2 + n]) in self._long:
                            words.append((w, self._polarity[w]))
        for word in not_negating:  # a negation ending inside 非常 & co. is none
            for end in _ends(t, word):
                negation_ends.difference_update(range(end - len(word) + 1, end))
        pos = neg = 0
        for word, p in dict(words).items():  # a long word found at two heads counts once
            for end in _ends(t, word):
                # A negation ending 0..NEGATION_REACH chars before the word flips it.
                start = end - len(word)
                if negation_ends and not negation_ends.isdisjoint(range(start - NEGATION_REACH, start + 1)):
                    p_here = -p
                else:
                    p_here = p
                if p_here > 0:
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
        if model.get("ngram_max", NGRAM_MAX) != NGRAM_MAX:
            raise ValueError(f"model has {model['ngram_max']}-grams, this code reads {NGRAM_MAX}-grams")
        self.bias: float = model["bias"]
        self.lex_weights: tuple[float, float] = tuple(model["lex_weights"])
        self.threshold: float = model["threshold"]
        self.evidence_k: float = model["evidence_k"]
        self.meta: dict = model.get("meta", {})
        self._weights: dict[str, float] = {g: w for g, w in model["ngrams"].items() if w}
        self._features = featurizer or Featurizer()
        self._slot = self._features.register({g: pack((w, abs(w))) for g, w in self._weights.items()})
        self.lexicon = Lexicon(model["lexicon"], model["negations"], self._features)

    @classmethod
    def load(cls, path: Path | None = None, *, featurizer: Featurizer | None = None) -> "SentimentModel":
        """Load a model file; None loads the shipped package data."""
        if path is None:
            raw = resources.files("pipeline").joinpath("data/sentiment_model.json.gz").read_bytes()
        else:
            raw = Path(path).read_bytes()
        return cls(json.loads(gzip.decompress(raw)), featurizer)

    def _margin(self, text: str) -> tuple[float, float, tuple[int, int], float]:
        """(z, evidence, (#pos, #neg), lexicon term of z).
        Each distinct n-gram counts once (the model was trained on n-gram presence)."""
        _, (total, evidence) = unpack(column_sum(self._features(text), self._slot), 2)
        pos, neg = self.lexicon.counts(text)
        fp, fn = lexicon_features(pos, neg)
        lex = self.lex_weights[0] * fp + self.lex_weights[1] * fn
        return self.bias + total + lex, evidence + abs(lex), (pos, neg), lex

    def score(self, text: str) -> float:
        """-1..1; below 0 leans negative. Shrunk towards 0 when evidence is thin. A reported
        incident is negative whatever its tone, a drill, a question or a denied rumour is not, and a notice only
        when the model finds it clearly negative (pipeline/incidents.py)."""
        z, evidence, *_ = self._margin(without_figures(text))
        s = math.tanh(z / 2) * evidence / (evidence + self.evidence_k)
        verdict = incident_verdict(text)
        if verdict == INCIDENT:
            return min(s, self.threshold - INCIDENT_MARGIN)
        if verdict in (DRILL, QUESTION, DENIED) or verdict == NOTICE and s >= self.threshold - NOTICE_REACH:
            return max(s, self.threshold)
        return s

    def is_negative(self, score: float) -> bool:
        return score < self.threshold

    def explain(self, text: str, top: int = 5) -> list[tuple[str, float]]:
        """The `top` n-grams / lexicon evidence that moved the score most, strongest first
        (negative weights push towards negative)."""
        _, _, (pos, neg), lex = self._margin(text)
        contrib = {row[0]: self._weights[row[0]] for row in self._features(text).rows if row[self._slot]}
        if pos or neg:
            contrib[f"<词典 正{pos}/负{neg}>"] = lex
        ranked = sorted(contrib.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
        return [(k, round(v, 4)) for k, v in ranked[:top]]
