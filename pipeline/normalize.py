"""Text normalisation: one clean form for display and storage, one compact form for matching.

`Normalizer.clean` gives the stored text of a Document: HTML leftovers stripped and unescaped,
NFKC (full-width → half-width), Traditional → Simplified, zero-width characters dropped and
whitespace collapsed. Converting to Simplified means a search for 宜宾 also finds 宜賓 posts.

`Normalizer.compact` removes, between two CJK characters, the separators people insert to dodge
keyword filters ("宜 宾", "拆*迁", "偷.排"), folds dialect (冇 → 没), and returns a map from each compact
character back to its position in the clean text, so match spans can point at what the reader sees. Sentence punctuation
(，。！？、…) is kept: removing it would glue neighbouring sentences into false terms.
"""
from __future__ import annotations

import html
import os
import re
import unicodedata

import opencc

# Characters that render as nothing; bots and dodgers sprinkle them into text.
_ZERO_WIDTH = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u180e"
_ZW_RE = re.compile(f"[{_ZERO_WIDTH}]")
_TAG_RE = re.compile(r"<(?:/?[a-zA-Z][^<>]{0,500}|!--.*?--)>", re.S)
_WS_RE = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
_NL_RE = re.compile(r"\s*\n\s*")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Filler between two CJK characters: spaces and symbols that carry no meaning in Chinese prose
# (after clean(): NFKC made full-width ＊ into *, whitespace is single spaces; the title/text
# newline is never filler). At most 4 in a row, so a wide layout gap is not read as a dodge.
_FILLER_RE = re.compile(rf"(?<=[{_CJK}])[ *·•.\-_~|/\\#@^+=`'\"●×]{{1,4}}(?=[{_CJK}])")


class Normalizer:
    """Owns the Traditional→Simplified converter (its dictionaries load once, here)."""

    def __init__(self) -> None:
        self._t2s = opencc.OpenCC("t2s")
        # The pure-Python converter is slow; run it only on text holding a Traditional-only character.
        self._traditional = frozenset(_traditional_chars())

    def clean(self, text: str | None) -> str:
        if not text:
            return ""
        if "<" in text:
            text = _TAG_RE.sub(" ", text)
        if "&" in text:
            text = html.unescape(text)
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        text = _ZW_RE.sub("", text)
        if not self._traditional.isdisjoint(text):
            text = self._t2s.convert(text)
        text = _WS_RE.sub(" ", text)
        return (_NL_RE.sub("\n", text) if "\n" in text else text).strip()

    def term(self, term: str) -> str:
        """A configured term in the form it is matched in (clean, then compact)."""
        return compact(self.clean(term))[0]


def fold_dialect(text: str) -> str:
    """Southern dialect's 冇 (湖南, 江西, 两广: "三个月冇发工资") read as 没, one character for one, so
    spans stay put; for matching only, the stored text keeps what was written."""
    return text.replace("冇", "没") if "冇" in text else text


def compact(text: str) -> tuple[str, list[int] | None]:
    """Drop filler between CJK characters and fold dialect (fold_dialect). Returns the compact text
    and, when anything was dropped, the clean-text index of every compact character (None means
    identity)."""
    text = fold_dialect(text)
    gaps = [(m.start(), m.end()) for m in _FILLER_RE.finditer(text)]
    if not gaps:
        return text, None
    parts: list[str] = []
    index: list[int] = []
    pos = 0
    for start, end in gaps:
        parts.append(text[pos:start])
        index.extend(range(pos, start))
        pos = end
    parts.append(text[pos:])
    index.extend(range(pos, len(text)))
    return "".join(parts), index


def _traditional_chars() -> set[str]:
    """Characters OpenCC's t2s table changes (a Traditional form with a different Simplified one)."""
    path = os.path.join(os.path.dirname(opencc.__file__), "dictionary", "TSCharacters.txt")
    chars: set[str] = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, _, values = line.rstrip("\n").partition("\t")
            if key and key not in values.split(" "):
                chars.add(key)
    return chars
