"""What both index implementations store for a document, and the highlight both render."""
from __future__ import annotations

import html
import re
from collections.abc import Sequence

from pipeline.types import Document

from .rows import doc_time

_WORD = re.compile(r"\w+")
FRAGMENT = 100  # highlight fragment length in characters


def seg_tokens(doc: Document) -> list[str]:
    """Index tokens: jieba tokens without whitespace/punctuation-only ones; for a document
    without tokens, character bigrams of title and text."""
    if doc.tokens:
        return ["".join(t.split()) for t in doc.tokens if _WORD.search(t)]
    out: list[str] = []
    for run in _WORD.findall(f"{doc.title}\n{doc.text}"):
        out.extend([run] if len(run) < 2 else [run[i:i + 2] for i in range(len(run) - 1)])
    return out


def content_seg(doc: Document) -> str:
    return " ".join(seg_tokens(doc))


def epoch_ms(doc: Document) -> int:
    return int(doc_time(doc).timestamp() * 1000)


def highlight(title: str, text: str, terms: Sequence[str]) -> str | None:
    """An HTML-escaped fragment of the text (else the title) around the first term found,
    each term occurrence wrapped in <em>…</em>; None when no term occurs."""
    terms = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    if not terms:
        return None
    pat = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    for field in (text, title):
        m = pat.search(field)
        if m is None:
            continue
        start = max(0, min(m.start() - FRAGMENT // 4, len(field) - FRAGMENT))
        frag = field[start:start + FRAGMENT]
        out, pos = [], 0
        for hit in pat.finditer(frag):
            out += [html.escape(frag[pos:hit.start()]), "<em>", html.escape(hit.group()), "</em>"]
            pos = hit.end()
        out.append(html.escape(frag[pos:]))
        return "".join(out)
    return None
