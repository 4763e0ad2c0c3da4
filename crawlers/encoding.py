"""Decode a fetched body to text: HTTP charset, then the document's own declaration, then detection.

Declarations lie: many re-saved Chinese pages keep `<meta charset=gb2312>` over UTF-8 bytes. A
declared legacy charset is only trusted when the bytes decode with it strictly AND they are not
valid multi-byte UTF-8 (GB18030 accepts most UTF-8 byte runs as mojibake, so strictness alone
cannot catch the lie; valid UTF-8 with non-ASCII bytes is practically never accidental).
"""
from __future__ import annotations

import codecs
import re

import charset_normalizer

# GBK and GB2312 are subsets of GB18030; decoding as the superset recovers characters that
# real pages use beyond the declared set.
_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
    "gb_2312-80": "gb18030", "euc-cn": "gb18030", "hz-gb-2312": "gb18030",
    "big5": "big5hkscs", "x-x-big5": "big5hkscs", "cp950": "big5hkscs",
    "ascii": "utf-8", "us-ascii": "utf-8", "iso-8859-1": "cp1252", "latin-1": "cp1252",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
# Both patterns are anchored on short literal prefixes with bounded repeats: linear on any input.
_META_CHARSET = re.compile(rb"<meta[^>]{0,500}?charset\s*=\s*[\"']?\s*([\w.:-]{1,40})", re.I)
_XML_DECL = re.compile(rb"<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([\w.:-]{1,40})", re.I)
_SNIFF_BYTES = 16384


class DecodeError(ValueError):
    """The body is not text in any encoding we can recognise (binary, garbage)."""


def normalize_encoding(name: str | None) -> str | None:
    """Map a declared charset label to the Python codec we decode it with; None if unknown."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    return _ALIASES.get(codec, codec)


def declared_encodings(body: bytes, content_type: str | None = None) -> list[str]:
    """Declared charsets in trust order: HTTP header, then `<meta>` / XML declaration."""
    found: list[str] = []
    if content_type:
        m = _HTTP_CHARSET.search(content_type)
        if m:
            found.append(m.group(1))
    head = body[:_SNIFF_BYTES]
    for pattern in (_XML_DECL, _META_CHARSET):
        m = pattern.search(head)
        if m:
            found.append(m.group(1).decode("ascii", "replace"))
    out: list[str] = []
    for label in found:
        enc = normalize_encoding(label)
        if enc and enc not in out:
            out.append(enc)
    return out


def _strict(body: bytes, encoding: str) -> str | None:
    """Strict decode that tolerates one incomplete character at the very end (size-capped bodies)."""
    try:
        return codecs.getincrementaldecoder(encoding)("strict").decode(body, final=False)
    except (UnicodeDecodeError, LookupError):
        return None


# Exactly the characters of Unicode categories Cc, Co and Cs except \t \n \r \f, plus U+FFFD: one
# regex scan instead of a unicodedata.category() call per character (a hot spot of every crawl).
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff"
                        "\U000f0000-\U000ffffd\U00100000-\U0010fffd\ufffd]")


def _looks_binary(text: str) -> bool:
    """Control characters, NULs or replacement characters in more than 1% of a sample."""
    sample = text[:20000]
    if not sample:
        return False
    return len(_BAD_CHARS.findall(sample)) > max(2, len(sample) // 100)


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, codec used). Raises DecodeError for binary or undecodable bodies."""
    if not body:
        return "", "utf-8"
    for bom, enc in _BOMS:
        if body.startswith(bom):
            text = _strict(body, enc)
            if text is not None:
                return text, enc
    utf8 = _strict(body, "utf-8")
    for enc in declared_encodings(body, content_type):
        if enc in ("utf-8", "utf-8-sig"):
            if utf8 is not None:
                return _checked(utf8, "utf-8")
            continue
        if utf8 is not None and not body.isascii():
            break  # declared a legacy charset over genuine UTF-8 bytes: the declaration lies
        text = _strict(body, enc)
        if text is not None:
            return _checked(text, enc)
    if utf8 is not None:
        return _checked(utf8, "utf-8")
    return _detect(body)


def _detect(body: bytes) -> tuple[str, str]:
    best = charset_normalizer.from_bytes(body[:1_000_000]).best()
    candidates = []
    if best is not None and best.encoding:
        candidates.append(normalize_encoding(best.encoding) or best.encoding)
    candidates.append("gb18030")  # the most common legacy charset of our sources
    for enc in candidates:
        text = _strict(body, enc)
        if text is not None and not _looks_binary(text):
            return text, enc
    raise DecodeError("无法识别页面编码（可能是二进制内容）")


def _checked(text: str, enc: str) -> tuple[str, str]:
    if _looks_binary(text):
        raise DecodeError("页面内容不是文本（含大量控制字符）")
    return text, enc
