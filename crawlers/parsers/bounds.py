"""Per-page bounds applied to the raw bytes before any parser sees them.

libxml2 checks each new attribute of a tag against the tag's earlier ones, so parse time grows
with the square of the attributes per tag: one tag with 40,000 took 11 s, 300,000 take many
minutes, and no signal interrupts it. Real pages stay far below MAX_ATTRIBUTES (the most in our
real fixtures is 23; a 6 MB page of tags at the cap still parses in about 1.5 s), so a tag above
it loses its attributes. A body beyond MAX_PARSE_BYTES is cut (lxml keeps what came before, like
a truncated download). Both are byte scans, linear on any input, and what they cut is reported
so the crawl counts it.
"""
from __future__ import annotations

import re

MAX_PARSE_BYTES = 6 * 1024 * 1024
MAX_ATTRIBUTES = 200
# Only a tag this long can hold more than MAX_ATTRIBUTES attributes (each takes ≥ 4 bytes: " a=x").
_MIN_SUSPECT = 4 * MAX_ATTRIBUTES
# `<` and `>` never occur inside a multi-byte GBK/Big5/UTF-8 character, so a byte scan is safe.
_LONG_TAG = re.compile(rb"<([A-Za-z][A-Za-z0-9:._-]{0,40})[^<>]{%d,}>" % _MIN_SUSPECT)
_ATTRIBUTE = re.compile(rb"""[\s"'/][^\s=<>"'/]+\s*=""")


def bound_body(body: bytes, *, max_bytes: int = MAX_PARSE_BYTES) -> tuple[bytes, tuple[str, ...]]:
    """(the body a parser may see, reason keys of what was cut: parse_bound:bytes|attributes)."""
    cuts: list[str] = []
    if len(body) > max_bytes:
        body = body[:max_bytes]
        cuts.append("parse_bound:bytes")

    def strip(m: re.Match) -> bytes:
        if len(_ATTRIBUTE.findall(m[0])) <= MAX_ATTRIBUTES:
            return m[0]
        if "parse_bound:attributes" not in cuts:  # counted once per page
            cuts.append("parse_bound:attributes")
        return b"<" + m[1] + b">"

    return _LONG_TAG.sub(strip, body), tuple(cuts)
