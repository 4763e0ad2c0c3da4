"""Marked words in crawled text, each saying why it is marked: everything is escaped first, then
wrapped. Every occurrence is marked (not only the first the matcher recorded):

- topic words: <mark class="hit" title="话题「环境污染」命中词…">, the reason the post is in the feed;
- search-box terms: <mark class="q">;
- locality terms: <mark class="loc" title="属地词">, the reason the post counts as local.
Where marks overlap, a topic word wins over a search term, and both over a locality term."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from pipeline.types import Document

from .explain import GRADE_SHORT

EXCERPT_CHARS = 140
EXCERPT_LEAD = 30  # characters of context kept before the first highlighted word
_PRIORITY = {"loc": 0, "q": 1, "hit": 2}


@dataclass(frozen=True, slots=True)
class Label:
    kind: str  # hit | q | loc (the <mark> class)
    title: str  # the tooltip: why this word is marked


Span = tuple[int, int, Label]


def _pattern(words: Iterable[str]) -> re.Pattern | None:
    words = sorted({w for w in words if w.strip()}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None


def _find(text: str, labels: dict[str, Label]) -> list[Span]:
    """Every occurrence of each word in `labels` (word -> its label), longest words first."""
    pat = _pattern(labels)
    if pat is None:
        return []
    folded = {w.lower(): lab for w, lab in labels.items()}
    return [(m.start(), m.end(), folded[m.group(0).lower()]) for m in pat.finditer(text)]


def mark(text: str, spans: Sequence[Span]) -> Markup:
    """`text` escaped, with each labelled span wrapped in <mark class title> (escape, then wrap)."""
    owner: list[Label | None] = [None] * len(text)
    for a, b, label in sorted(spans, key=lambda s: _PRIORITY[s[2].kind]):
        for i in range(max(0, a), min(len(text), b)):
            owner[i] = label
    parts, start = [], 0
    for i in range(1, len(text) + 1):
        if i == len(text) or owner[i] is not owner[start]:
            piece, label = escape(text[start:i]), owner[start]
            parts.append(piece if label is None else
                         Markup('<mark class="{}" title="{}">{}</mark>').format(label.kind, label.title, piece))
            start = i
    return Markup("").join(parts)


def word_labels(doc: Document, terms: Iterable[str] = ()) -> dict[str, Label]:
    """Each marked word of `doc` and why: its topics (with their configured grade), the search
    terms, the locality terms."""
    labels: dict[str, Label] = {t: Label("loc", f"属地词「{t}」：据此判定为本地舆情") for t in doc.locality_terms}
    labels.update((t, Label("q", f"搜索词「{t}」")) for t in terms if t.strip())
    topics: dict[str, list[str]] = {}
    for h in doc.topic_hits:
        grade = f"，话题定级{GRADE_SHORT[h.severity]}" if h.severity in GRADE_SHORT else ""
        for w in h.words:
            topics.setdefault(w, []).append(f"话题「{h.name}」{grade}")
    labels.update((w, Label("hit", f"命中词「{w}」：" + "；".join(why))) for w, why in topics.items())
    return labels


def highlighted(doc: Document, terms: Iterable[str] = ()) -> tuple[Markup, Markup]:
    """(title, excerpt) with every topic word, search term and locality term marked. The excerpt
    is a window of the text starting a little before the first topic word or search term."""
    labels = word_labels(doc, tuple(terms))
    title, text = doc.title, doc.text
    text_spans = _find(text, labels)
    first = min((a for a, _b, lab in text_spans if lab.kind != "loc"), default=None)
    # a little context before the first word, yet a text that fits is shown whole
    start = max(0, min(first - EXCERPT_LEAD, len(text) - EXCERPT_CHARS)) if first is not None else 0
    end = min(len(text), start + EXCERPT_CHARS)
    window = [(a - start, b - start, lab) for a, b, lab in text_spans if a < end and b > start]
    excerpt = mark(text[start:end], window)
    if start > 0:
        excerpt = Markup("…") + excerpt
    if end < len(text):
        excerpt += Markup("…")
    return mark(title, _find(title, labels)), excerpt
