"""Canonical URLs, document ids, SimHash, key terms."""
from __future__ import annotations

import hashlib
import random

import pytest

from pipeline.fingerprint import KeywordScorer, SimHasher, canonical_url, document_id, hamming, simhash


@pytest.mark.parametrize("url,canonical", [
    ("HTTP://BBS.Example.COM/Thread-1.html", "http://bbs.example.com/Thread-1.html"),  # path case kept
    ("https://news.example.cn:443/a?b=2&a=1#comments", "https://news.example.cn/a?a=1&b=2"),
    ("http://x.cn:8080/a", "http://x.cn:8080/a"),
    ("http://x.cn", "http://x.cn/"),
    ("http://x.cn/p?utm_source=wx&utm_medium=share&id=9", "http://x.cn/p?id=9"),
    ("http://x.cn/p?spm=a.b.c&from=timeline&share_token=zz&fbclid=1&gclid=2&tid=5", "http://x.cn/p?tid=5"),
    ("http://x.cn/p?tid=5&_t=abc", "http://x.cn/p?tid=5"),
    ("http://x.cn/p?tid=5&t=1732500000", "http://x.cn/p?tid=5"),  # epoch seconds
    ("http://x.cn/p?tid=5&_=1732500000123", "http://x.cn/p?tid=5"),  # epoch ms (jQuery)
    ("http://x.cn/p?tid=5&t=2", "http://x.cn/p?t=2&tid=5"),  # a short t is not a timestamp
    ("http://tieba.baidu.com/p/123?pn=2&see_lz=1", "http://tieba.baidu.com/p/123?pn=2&see_lz=1"),
    ("http://x.cn/forum.php?mod=viewthread&tid=7&extra=page%3D1",
     "http://x.cn/forum.php?extra=page%3D1&mod=viewthread&tid=7"),  # encoding kept as written
    ("  http://x.cn/a?empty=  ", "http://x.cn/a?empty="),
    ("http://x.cn/a?&&b=1&", "http://x.cn/a?b=1"),
    ("http://User@X.cn:80/a", "http://User@x.cn/a"),
    ("/forum.php?tid=2&mod=viewthread&utm_medium=x#pid9", "/forum.php?mod=viewthread&tid=2"),  # relative
])
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical
    assert canonical_url(canonical) == canonical  # idempotent


def test_document_id():
    a = document_id("http://x.cn/t/1", 3)
    assert len(a) == 24 and int(a, 16) >= 0
    assert a == document_id("http://x.cn/t/1", 3)
    assert len({a, document_id("http://x.cn/t/1", 4), document_id("http://x.cn/t/1", None),
                document_id("http://x.cn/t/2", 3)}) == 4
    # Known value: ids must stay stable across releases (they are database keys).
    assert document_id("http://x.cn/t/1", None) == "3bf88e4535cdcc728c477a6f"


TEXT = ("临江县 化工厂 昨晚 又 偷排 废水 河里 全是 死鱼 附近 居民 反映 多次 没人 管 环保局 电话 打不通 "
        "村民 拍下 视频 排污口 黑水 直流 进 青溪河 下游 水厂 取水口 就 在 三公里 外 希望 有关 部门 尽快 调查").split()


def test_simhash_near_duplicates_are_close_unrelated_far():
    rnd = random.Random(7)
    base = simhash(TEXT)
    assert 0 < base < 2 ** 64
    edited = list(TEXT)
    edited[3] = "今早"  # a repost with one word changed
    edited.append("转发")
    assert hamming(base, simhash(edited)) <= 6
    vocab = [f"词{i}" for i in range(500)]
    unrelated = [simhash(rnd.sample(vocab, len(TEXT))) for _ in range(20)]
    assert min(hamming(base, u) for u in unrelated) >= 14
    assert simhash([]) == 0


def test_simhash_is_order_free_and_stable():
    assert simhash(TEXT) == simhash(list(reversed(TEXT)))
    assert simhash(["青溪"]) == simhash(["青溪"])  # blake2b, not the salted built-in hash()


def reference_simhash(tokens: list[str]) -> int:
    """The textbook bit-by-bit SimHash (+1/-1 per bit), to check the packed-counter version."""
    votes = [0] * 64
    for tok in tokens:
        h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=8).digest(), "little")
        for i in range(64):
            votes[i] += 1 if h >> i & 1 else -1
    return sum(1 << i for i in range(64) if votes[i] > 0)


@pytest.mark.parametrize("tokens", [["a"], ["a", "b"], ["a", "b", "c"], TEXT, TEXT * 3 + ["x"]])
def test_simhash_equals_reference(tokens):
    assert simhash(tokens) == reference_simhash(tokens)


def test_simhasher_matches_simhash():
    hasher = SimHasher(max_cache=10)  # small cache: exercises eviction
    for n in (1, 2, 17, len(TEXT)):
        assert hasher(TEXT[:n]) == simhash(TEXT[:n])
        assert hasher(TEXT[:n]) == simhash(TEXT[:n])


def test_hamming():
    assert hamming(0, 0) == 0
    assert hamming(0b1011, 0b0010) == 2
    assert hamming(2 ** 64 - 1, 0) == 64


def test_keywords():
    scorer = KeywordScorer.load()
    top = scorer.top(TEXT + ["偷排", "偷排", "的", "了", "我们", "2024", "!!"], k=5)
    assert top[0] == "偷排"  # most frequent and distinctive
    assert not {"的", "了", "我们", "2024", "!!", "管"} & set(top)
    assert len(top) == 5
    # A rare word outranks a common one at the same frequency.
    assert scorer.top(["中国", "偷排"], k=1) == ("偷排",)
