"""Word segmentation with a private jieba dictionary.

Each Segmenter owns a `jieba.Tokenizer` (never jieba's global one): the watch's own words
(locality, divisions, topic terms, exclusions) are added to it, so they come out as tokens and a
term inside a longer word ("青溪" in "青溪路") can be told apart from a term on its own.

jieba's HMM (guessing words missing from the dictionary) is off by default: the words that matter
for matching are all in the dictionary, and without it segmentation is about 1.5× faster. The
cost is that unknown names come out as single characters, which key terms skip.
"""
from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable

import jieba


class Segmenter:
    def __init__(self, user_words: Iterable[str] = (), *, hmm: bool = False) -> None:
        # jieba logs its dictionary loading at DEBUG on its own stderr handler.
        logging.getLogger("jieba").setLevel(logging.WARNING)
        self._tk = jieba.Tokenizer()
        # The prefix-dictionary cache goes to the system temp dir, never into the repository.
        self._tk.tmp_dir = tempfile.gettempdir()
        self._tk.initialize()
        self._hmm = hmm
        freq = self._tk.FREQ
        for word in user_words:
            # Words jieba already knows keep their frequency; new ones get just enough to be cut out.
            if len(word) > 1 and not freq.get(word):
                self._tk.add_word(word)

    def cut(self, text: str) -> list[str]:
        """Tokens whose concatenation is `text` (whitespace and punctuation included)."""
        return list(self._tk.cut(text, HMM=self._hmm))

    def word_frequency(self, word: str) -> int:
        """jieba's dictionary count for `word` (0 when unknown): how common a word is."""
        return self._tk.FREQ.get(word, 0)


def boundaries(tokens: Iterable[str]) -> set[int]:
    """Character offsets where a token starts or ends."""
    out = {0}
    pos = 0
    for tok in tokens:
        pos += len(tok)
        out.add(pos)
    return out
