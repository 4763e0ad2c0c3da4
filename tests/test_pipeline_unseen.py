"""The unseen-post fast paths: byte-built SimHash, bounded caches, precomputed key-term weights,
token offsets. Each is checked against a plain reference, including after its cache is reset."""
from __future__ import annotations

import hashlib
import random

from pipeline.fingerprint import KeywordScorer, SimHasher, simhash
from pipeline.segment import boundaries, offsets


def reference_simhash(tokens: list[str]) -> int:
    """The definition: bit i set when more than half of the tokens' blake2b hashes have it set."""
    counts = [0] * 64
    for tok in tokens:
        h = int.from_bytes(hashlib.blake2b(tok.encode("utf-8"), digest_size=8).digest(), "little")
        for i in range(64):
            counts[i] += h >> i & 1
    return sum(1 << i for i, c in enumerate(counts) if c > len(tokens) / 2)


def random_posts(n: int, seed: int) -> list[list[str]]:
    rnd = random.Random(seed)
    vocab = ["化工厂", "偷排", "青溪", "废水", "村民", "abc", "x1", "投诉", "的", "夜里", "鑫源", "🙂"]
    return [[rnd.choice(vocab) for _ in range(rnd.randint(1, 60))] for _ in range(n)]


def test_simhash_matches_the_bitwise_definition():
    for tokens in random_posts(300, seed=1):
        assert simhash(tokens) == reference_simhash(tokens)
    assert simhash([]) == 0


def test_simhasher_same_results_with_a_tiny_cache_and_any_iterable():
    hasher = SimHasher(max_cache=3)  # cleared over and over inside one call
    for tokens in random_posts(200, seed=2):
        assert hasher(iter(tokens)) == hasher(tuple(tokens)) == reference_simhash(tokens)
    assert len(hasher._cache) <= 3
    assert hasher(()) == 0


def test_keyword_weights_precomputed_for_known_and_judged_for_new_tokens():
    idf = {"化工厂": 5.0, "偷排": 7.0, "的": 9.0, "废水": 3.0}  # 的 is a stopword despite its IDF
    scorer = KeywordScorer(idf, default_idf=6.0, max_cache=0)  # the bound never drops known words
    tokens = ["的", "化工厂", "鑫源", "偷排", "鑫源", "废水", "x", "ab"]
    # TF × IDF: 鑫源 2×6 > 偷排 7 > 化工厂 5 > 废水 3; 的 (stopword), x (one char), ab (too short) out
    assert scorer.top(tokens) == ("鑫源", "偷排", "化工厂", "废水")
    assert scorer.top(tokens, k=2) == ("鑫源", "偷排")
    for _ in range(3):  # resets of the bounded part keep the table's words and the results
        assert scorer.top(["新词甲", "新词乙", "偷排"]) == ("偷排", "新词甲", "新词乙")
    assert set(idf) <= set(scorer._weight)


def test_offsets_and_boundaries():
    assert offsets(["青溪", "路", "上", ""]) == [0, 2, 3, 4, 4]
    assert boundaries(["青溪", "路", "上"]) == {0, 2, 3, 4}
    assert offsets([]) == [0] and boundaries([]) == {0}
