"""Text as stored: crawled strings cleaned of what no reader sees but every later stage trips on.

Removed: C0/C1 control characters (except tab and newline; CR becomes a newline), lone surrogates
(they cannot be encoded to UTF-8, so one of them fails a whole database batch), Unicode
noncharacters, and the bidi embedding/override/isolate controls U+202A–U+202E and U+2066–U+2069
(they make a title read backwards in alerts and the console). Pure functions, no I/O.

A field holding something other than a string (a list from a hostile JSON attribute, a number)
is not guessed at: `clean_field` raises `BadField` naming the field, so the caller drops that one
item and counts it.
"""
from __future__ import annotations

import re

_STRIP = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 (but \t \n \r) and C1 controls, DEL
    "\ud800-\udfff"                          # surrogates (never valid in text)
    "\u202a-\u202e\u2066-\u2069"             # bidi embeddings, overrides, isolates
    "\ufdd0-\ufdef\ufffe\uffff]"             # noncharacters of the BMP
)
_CR = re.compile("\r\n?")


class BadField(ValueError):
    """A crawled field that is not text (a list, a dict, bytes ...) where text is expected."""

    def __init__(self, field: str, value: object):
        super().__init__(f"{field}: expected text, got {type(value).__name__}")
        self.field = field
        self.kind = type(value).__name__

    @property
    def reason(self) -> str:
        """Stable reason key for crawl counters: `bad_field:<field>:<type>`."""
        return f"bad_field:{self.field}:{self.kind}"


def clean_text(s: str) -> str:
    """`s` without control characters, surrogates, noncharacters and bidi controls."""
    if s.isascii() and s.isprintable():
        return s  # the common case, one C-level scan
    return _STRIP.sub("", _CR.sub("\n", s))


def clean_field(field: str, value: object, *, required: bool = False) -> str | None:
    """A text field made safe to store. None stays None (unless `required`); non-text raises."""
    if value is None:
        if required:
            raise BadField(field, value)
        return None
    if not isinstance(value, str):
        raise BadField(field, value)
    return clean_text(value)


def needs_cleaning(s: str) -> bool:
    return bool(_STRIP.search(s)) or "\r" in s
