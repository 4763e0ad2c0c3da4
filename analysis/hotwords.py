"""Hot words (热词) of a period, optionally against a baseline period.

Counts are document frequencies (how many posts use a word), so one post repeating a word
cannot make it hot, while a story reposted across sites can.

Without a baseline: score = df · ln(1 + N / df), document frequency damped (TF-IDF-like) for
words that nearly every post carries, such as the locality's own name.
With a baseline: score = df · ln((df + 1) / (E + 1)), where E = N · (df_base + 0.5) / (N_base + 1)
is how many of the N posts would use the word at its baseline rate. Only words used at least
MIN_LIFT times as often as usual are kept (a word at its usual rate is not hot); a new word in
many posts scores highest. The +1 and +0.5 keep a word seen once, in a period with no baseline
use, from topping the list.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from pipeline.types import Document

from analysis._docs import unique
from analysis.stopwords import content_word

MIN_LIFT = 1.5


def _words(doc: Document) -> set[str]:
    return {w for w in (doc.tokens or doc.keywords) if content_word(w)}


def _doc_freq(docs: Sequence[Document]) -> tuple[Counter[str], int]:
    distinct = unique(docs)
    df: Counter[str] = Counter()
    for doc in distinct:
        df.update(_words(doc))
    return df, len(distinct)


def hot_words(
    docs: Sequence[Document], *, top: int = 20, baseline: Sequence[Document] = ()
) -> list[tuple[str, float]]:
    """The `top` hottest words of `docs` with their scores, highest first (ties by word)."""
    df, n = _doc_freq(docs)
    if baseline:
        base_df, base_n = _doc_freq(baseline)
        scores = {}
        for word, count in df.items():
            expected = n * (base_df[word] + 0.5) / (base_n + 1)
            lift = (count + 1) / (expected + 1)
            if lift >= MIN_LIFT:
                scores[word] = count * math.log(lift)
    else:
        scores = {word: count * math.log(1 + n / count) for word, count in df.items()}
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked[:top]
