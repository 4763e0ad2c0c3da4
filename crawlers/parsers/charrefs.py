"""Numeric character references that name no character (`&#xD800;`, `&#x110000;`,
`&#99999999999;`, `&#0;`) become U+FFFD before a parser sees them.

lxml already does this for HTML; feedparser does not: it raises on the surrogate, ValueError on
the out-of-range value and OverflowError on the huge one, so one such entity in one entry lost
the whole feed. Linear regex scan; text without `&#` is returned as is.
"""
from __future__ import annotations

import re

_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,40})|([0-9]{1,40}));?")
_KEEP_CONTROLS = (0x09, 0x0A, 0x0D)


def _valid(cp: int) -> bool:
    if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
        return False
    return cp >= 0x20 or cp in _KEEP_CONTROLS


def _replace(m: re.Match) -> str:
    cp = int(m[1], 16) if m[1] is not None else int(m[2])
    return m[0] if _valid(cp) else "\ufffd"


def defuse_char_refs(text: str) -> str:
    if "&#" not in text:
        return text
    return _REF.sub(_replace, text)
