"""Matched words highlighted in crawled text: everything is escaped first, then wrapped."""
from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

from pipeline.types import Document

EXCERPT_CHARS = 140
EXCERPT_LEAD = 30  # characters of context kept before the first highlighted word


def _merge(spans: Iterable[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Spans clipped to [0, size), sorted, overlaps merged."""
    out: list[tuple[int, int]] = []
    for a, b in sorted((max(0, a), min(size, b)) for a, b in spans):
        if a >= b:
            continue
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def mark(text: str, spans: Iterable[tuple[int, int]]) -> Markup:
    """`text` escaped, with each span wrapped in <mark> (escape first, then wrap)."""
    parts, pos = [], 0
    for a, b in _merge(spans, len(text)):
        parts += [escape(text[pos:a]), Markup("<mark>"), escape(text[a:b]), Markup("</mark>")]
        pos = b
    parts.append(escape(text[pos:]))
    return Markup("").join(parts)


def _term_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    terms = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    if not terms:
        return []
    pat = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    return [m.span() for m in pat.finditer(text)]


def highlighted(doc: Document, terms: Iterable[str] = ()) -> tuple[Markup, Markup]:
    """(title, excerpt) with the topic words (TopicHit.spans) and search terms marked. The
    excerpt is a window of the text starting a little before the first marked word."""
    terms = tuple(terms)
    title, text = doc.title, doc.text
    body_at = len(title) + 1  # spans index Document.match_text = title + "\n" + text
    spans = [s for h in doc.topic_hits for s in h.spans]
    title_spans = [(a, b) for a, b in spans if b <= len(title)] + _term_spans(title, terms)
    text_spans = [(a - body_at, b - body_at) for a, b in spans if a >= body_at] + _term_spans(text, terms)
    text_spans = _merge(text_spans, len(text))
    start = max(0, text_spans[0][0] - EXCERPT_LEAD) if text_spans else 0
    end = min(len(text), start + EXCERPT_CHARS)
    window = [(a - start, b - start) for a, b in text_spans if a < end]
    excerpt = mark(text[start:end], window)
    if start > 0:
        excerpt = Markup("…") + excerpt
    if end < len(text):
        excerpt += Markup("…")
    return mark(title, title_spans), excerpt
