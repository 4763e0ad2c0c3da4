"""Per-page bounds applied to the raw bytes before any parser sees them.

libxml2 checks each new attribute against the tag's earlier ones, so one tag with a few hundred
thousand attributes costs minutes of CPU (40,000 took 11 s, growing quadratically) and no signal
can interrupt it. Tags longer than MAX_TAG_BYTES therefore lose their attributes (real pages
stay far below: their longest tags, Tieba's `data-field` JSON, are a few KB), and a body beyond
MAX_PARSE_BYTES is cut (lxml keeps what came before, like a truncated download). Both are byte
scans, linear on any input; what they cut is reported so the crawl counts it.
"""
from __future__ import annotations

import re

MAX_PARSE_BYTES = 6 * 1024 * 1024
MAX_TAG_BYTES = 16 * 1024
# `<` and `>` never occur inside a multi-byte GBK/Big5/UTF-8 character, so a byte scan is safe.
_LONG_TAG = re.compile(rb"<([A-Za-z][A-Za-z0-9:._-]{0,40})[^<>]{%d,}>" % MAX_TAG_BYTES)


def bound_body(body: bytes, *, max_bytes: int = MAX_PARSE_BYTES) -> tuple[bytes, tuple[str, ...]]:
    """(the body a parser may see, reason keys of what was cut: parse_bound:bytes|long_tag)."""
    cuts: list[str] = []
    if len(body) > max_bytes:
        body = body[:max_bytes]
        cuts.append("parse_bound:bytes")
    body, n = _LONG_TAG.subn(rb"<\1>", body)
    cuts += ["parse_bound:long_tag"] * n
    return body, tuple(cuts)
