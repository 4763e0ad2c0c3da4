"""Identity and likeness of documents: canonical URL, document id, SimHash, key terms.

- `canonical_url`: lower-case scheme and host, no default port, no fragment, no tracking
  parameters (utm_*, spm, from, share_*, fbclid, gclid, _t, and timestamp-like t/ts/timestamp/_
  values), remaining query parameters sorted. Two crawls of one post give one id.
- `document_id(canonical, floor)`: sha1 hex of "canonical\\x00floor", first 24 characters.
- `simhash`: 64-bit SimHash, each feature (token) weighted by its count, features hashed with
  blake2b (stable across processes, unlike hash()). Bit i is set when more than half of the
  feature occurrences have bit i set. Near-duplicates differ in a few bits (`hamming`).
- `KeywordScorer`: TF × IDF over tokens, IDF from news titles (scripts/build_idf.py).
"""
from __future__ import annotations

import gzip
import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from importlib import resources
from operator import itemgetter

_TRACKING_KEYS = {"spm", "from", "fbclid", "gclid", "_t", "utm", "share", "scene", "srcid"}
_TRACKING_PREFIXES = ("utm_", "share_")
_TIMESTAMP_KEYS = {"t", "ts", "_", "timestamp", "time", "_ts", "rnd", "r"}
_TIMESTAMP_VALUE = re.compile(r"\d{10,13}(?:\.\d+)?|0\.\d{6,}")  # epoch s/ms, Math.random()
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def canonical_url(url: str) -> str:
    """Query parameters keep their original encoding (no decode/re-encode round trip)."""
    base = url.strip().partition("#")[0]
    base, _, query = base.partition("?")
    scheme, sep, rest = base.partition("://")
    if not sep:  # not an absolute URL: only the fragment and tracking parameters go
        scheme, rest = "", base
    netloc, slash, path = rest.partition("/")
    user, at, hostport = netloc.rpartition("@")
    hostport = hostport.lower()
    scheme = scheme.lower()
    default = _DEFAULT_PORTS.get(scheme)
    if default and hostport.endswith(f":{default}"):
        hostport = hostport[: -len(default) - 1]
    params = sorted(p for p in query.split("&") if p and not _is_tracking(*p.partition("=")[::2]))
    head = f"{scheme}://{user}{at}{hostport}/{path}" if sep else f"{netloc}{slash}{path}"
    return f"{head}?{'&'.join(params)}" if params else head


def _is_tracking(key: str, value: str) -> bool:
    k = key.lower()  # keys are compared as written (tracking keys are plain ASCII)
    if k in _TRACKING_KEYS or k.startswith(_TRACKING_PREFIXES):
        return True
    return k in _TIMESTAMP_KEYS and bool(_TIMESTAMP_VALUE.fullmatch(value))


def document_id(canonical: str, floor: int | None) -> str:
    key = f"{canonical}\x00{'' if floor is None else floor}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:24]


# SimHash accumulates all 64 bit-counters in one big integer, LANE bits per counter, so adding a
# feature is one integer addition instead of 64. Up to 2^(LANE-1) - 1 features per document.
# LANE is a whole number of bytes, so a feature's spread (bit i of its hash → 1 in lane i) is
# built from bytes: each hash byte selects the little-endian bytes of its 8 lanes, and one
# int.from_bytes of the 8 pieces joined is the spread (C-level, no per-bit or per-byte shifts).
_LANE = 24
_LANE_BYTES = _LANE // 8
_BYTE_LANES = [b"".join((b >> j & 1).to_bytes(_LANE_BYTES, "little") for j in range(8))
               for b in range(256)]


def _feature_spread(feature: str) -> int:
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()  # byte k = bits 8k..8k+7
    return int.from_bytes(b"".join(map(_BYTE_LANES.__getitem__, digest)), "little")


_LANE_ONES = sum(1 << (i * _LANE) for i in range(64))
_LANE_TOPS = _LANE_ONES << (_LANE - 1)
# A lane's top byte (its last, little-endian) is 0x80 or 0 once masked to the top bit: as '1' / '0'.
_TOP_DIGIT = bytes.maketrans(b"\x00\x80", b"01")


def _collapse(acc: int, n: int) -> int:
    """Bit i is set when counter i > n/2. Adding 2^(LANE-1) - (n//2 + 1) to every counter sets a
    counter's top bit exactly then (no carry leaves a lane: counts stay below 2^(LANE-1)); the
    top bytes of the lanes, read as binary digits, are the result."""
    tops = (acc + (_LANE_ONES * ((1 << (_LANE - 1)) - (n // 2 + 1)))) & _LANE_TOPS
    digits = tops.to_bytes(64 * _LANE_BYTES, "little")[_LANE_BYTES - 1::_LANE_BYTES]  # digits[i] = lane i
    return int(digits.translate(_TOP_DIGIT)[::-1], 2)


def simhash(tokens: Iterable[str]) -> int:
    """Unsigned 64-bit SimHash of `tokens` (0 for no tokens)."""
    acc = n = 0
    for tok in tokens:
        acc += _feature_spread(tok)
        n += 1
    return _collapse(acc, n) if n else 0


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


class SimHasher:
    """`simhash` with a bounded per-instance cache of feature spreads (same results, faster)."""

    def __init__(self, max_cache: int = 200_000) -> None:
        self._cache: dict[str, int] = {}
        self._max = max_cache

    def __call__(self, tokens: Iterable[str]) -> int:
        tokens = tuple(tokens)  # read twice below (a tuple is not copied)
        spreads = list(map(self._cache.get, tokens))
        if None in spreads:
            spreads = [self._add(tok) if v is None else v for tok, v in zip(tokens, spreads)]
        return _collapse(sum(spreads), len(spreads)) if spreads else 0  # one C-level sum

    def _add(self, token: str) -> int:
        if len(self._cache) >= self._max:
            self._cache.clear()
        spread = self._cache[token] = _feature_spread(token)
        return spread


# Function words and chatter that say nothing about what a post is about.
STOPWORDS = frozenset("""
的 了 是 在 和 有 我 你 他 她 它 我们 你们 他们 这 那 这个 那个 这些 那些 就 都 也 还 又 很 太 非常 一个 一些
没有 不是 什么 怎么 为什么 如何 可以 已经 因为 所以 但是 而且 如果 还是 或者 以及 这样 那样 这里 那里 现在
今天 昨天 明天 时候 自己 大家 真的 一下 一样 知道 觉得 看到 出来 起来 进行 没 不 吗 呢 吧 啊 呀 哦 嗯 哈哈
哈哈哈 微博 转发 回复 楼主 网页 链接 视频 图片 秒拍 评论 发布 记者 报道 消息 通过 目前 表示 相关 情况 工作
""".split())
_WORDLIKE = re.compile(r"[\u4e00-\u9fff]{2,}|[a-z][a-z0-9]{2,}")


class KeywordScorer:
    def __init__(self, idf: dict[str, float], default_idf: float, max_cache: int = 200_000) -> None:
        self._default = default_idf
        # token → its IDF, or 0.0 when it cannot be a key term (stopword, one char, not word-like).
        # The IDF table's tokens are judged once here, so a known token costs one lookup even in
        # a post never seen; other tokens are judged when first seen and kept, up to max_cache.
        self._known = {w: self._judge(w, v) for w, v in idf.items()}
        self._weight = dict(self._known)
        self._max = max(max_cache, len(self._known) + 1)

    @classmethod
    def load(cls) -> KeywordScorer:
        raw = resources.files("pipeline").joinpath("data/idf.json.gz").read_bytes()
        data = json.loads(gzip.decompress(raw))
        return cls(data["idf"], data["default_idf"])

    @staticmethod
    def _judge(word: str, idf: float) -> float:
        eligible = len(word) > 1 and word not in STOPWORDS and _WORDLIKE.fullmatch(word)
        return idf if eligible else 0.0

    def top(self, tokens: Iterable[str], k: int = 8) -> tuple[str, ...]:
        """The `k` tokens with the highest TF × IDF; ties keep the order of first appearance."""
        weight = self._weight
        scored = []
        for w, c in Counter(tokens).items():
            idf = weight.get(w)
            if idf is None:
                if len(weight) >= self._max:
                    weight = self._weight = dict(self._known)
                idf = weight[w] = self._judge(w, self._default)
            if idf:
                scored.append((-c * idf, w))
        scored.sort(key=itemgetter(0))  # stable: ties keep the order of first appearance
        return tuple(word for _, word in scored[:k])


def idf_table(documents: Iterable[set[str]]) -> tuple[dict[str, float], float]:
    """Smoothed IDF (log((N+1)/(df+1)) + 1) of every term in ≥ 2 documents, and the IDF of a
    term seen once, used for unknown terms. Used by scripts/build_idf.py."""
    df: Counter[str] = Counter()
    n = 0
    for terms in documents:
        df.update(terms)
        n += 1
    idf = {t: round(math.log((n + 1) / (c + 1)) + 1, 3) for t, c in df.items() if c >= 2}
    return idf, round(math.log((n + 1) / 2) + 1, 3)
