"""Decode a fetched body to text: HTTP charset, then the document's own declaration, then detection.

Declarations lie: many re-saved Chinese pages keep `<meta charset=gb2312>` over UTF-8 bytes. A
declared legacy charset is only trusted when the bytes decode with it strictly AND they are not
valid multi-byte UTF-8 (GB18030 accepts most UTF-8 byte runs as mojibake, so strictness alone
cannot catch the lie; valid UTF-8 with non-ASCII bytes is practically never accidental).

A declared charset is only ever a text encoding: Python's codec registry also holds bz2, zlib,
base64, rot13 ... and a 268-byte page declaring `charset="bz2"` once decompressed to 570 MB. Those
labels are treated as unknown. And one stray byte (a 0xFF in a GBK page, two at the end of a cut
one) does not make a page binary: a few undecodable bytes are replaced with U+FFFD and counted
(`Decoded.replaced`), as long as they stay rare.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

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
# Text codecs that are no page encoding: escapes that expand or reinterpret the bytes, host-name
# codecs, UTF-7 (a known way to smuggle markup), the codec that always fails.
_NOT_PAGE_ENCODINGS = frozenset({"idna", "punycode", "unicode-escape", "raw-unicode-escape", "utf-7",
                                 "undefined", "unicode-internal"})
_REPLACEMENT = "\ufffd"


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    replaced: int = 0  # undecodable bytes (runs) replaced with U+FFFD


def tolerated_bad_bytes(size: int) -> int:
    """How many undecodable spots a body of `size` bytes may have and still count as text."""
    return max(8, size // 2000)


class DecodeError(ValueError):
    """The body is not text in any encoding we can recognise (binary, garbage)."""


def normalize_encoding(name: str | None) -> str | None:
    """Map a declared charset label to the Python codec we decode it with; None if unknown."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    # `_is_text_encoding` is how str.encode itself refuses bz2/zlib/base64/rot13 codecs.
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_PAGE_ENCODINGS:
        return None
    return _ALIASES.get(info.name, info.name)


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


def _lenient(body: bytes, encoding: str) -> Decoded | None:
    """Decode with U+FFFD for bad bytes; None unless they are few (see tolerated_bad_bytes)."""
    try:
        text = codecs.getincrementaldecoder(encoding)("replace").decode(body, final=False)
    except LookupError:
        return None
    replaced = text.count(_REPLACEMENT) - _count_encoded_replacements(body, encoding)
    if replaced > tolerated_bad_bytes(len(body)):
        return None
    return Decoded(text, encoding, max(replaced, 0))


def _near_utf8(body: bytes) -> Decoded | None:
    """UTF-8 with a few stray bytes: the bad spots must be rare among real multi-byte characters
    (legacy-encoded text decoded as UTF-8 is mostly bad spots)."""
    near = _lenient(body, "utf-8")
    if near is None:
        return None
    multibyte = sum(1 for ch in near.text if ord(ch) > 0x7F) - near.replaced
    return near if multibyte >= 20 * max(near.replaced, 1) else None


def _count_encoded_replacements(body: bytes, encoding: str) -> int:
    """U+FFFD characters the page itself contains (encoded), not produced by decoding."""
    try:
        return body.count(_REPLACEMENT.encode(encoding))
    except (UnicodeError, LookupError):
        return 0


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, codec used). Raises DecodeError for binary or undecodable bodies."""
    d = decode(body, content_type)
    return d.text, d.encoding


def decode(body: bytes, content_type: str | None = None) -> Decoded:
    """Like decode_body, also telling how many bad bytes were replaced."""
    if not body:
        return Decoded("", "utf-8")
    for bom, enc in _BOMS:
        if body.startswith(bom):
            text = _strict(body, enc)
            if text is not None:
                return Decoded(text, enc)
    utf8 = _strict(body, "utf-8")
    # Mostly-UTF-8 bytes with a stray byte or two: legacy text is never this close to valid UTF-8.
    utf8_near = None if utf8 is not None or body.isascii() else _near_utf8(body)
    for enc in declared_encodings(body, content_type):
        if enc in ("utf-8", "utf-8-sig"):
            if utf8 is not None:
                return _checked(Decoded(utf8, "utf-8"))
            if utf8_near is not None:
                return _checked(utf8_near)
            continue
        if (utf8 is not None or utf8_near is not None) and not body.isascii():
            break  # declared a legacy charset over genuine UTF-8 bytes: the declaration lies
        text = _strict(body, enc)
        if text is not None:
            return _checked(Decoded(text, enc))
        near = _lenient(body, enc)
        if near is not None and not _looks_binary(near.text):
            return near
    if utf8 is not None:
        return _checked(Decoded(utf8, "utf-8"))
    if utf8_near is not None:
        return _checked(utf8_near)
    return _detect(body)


def _detect(body: bytes) -> Decoded:
    best = charset_normalizer.from_bytes(body[:1_000_000]).best()
    candidates = []
    if best is not None and best.encoding:
        enc = normalize_encoding(best.encoding)
        if enc:
            candidates.append(enc)
    candidates += ["gb18030", "big5"]  # the legacy charsets of our sources
    candidates = list(dict.fromkeys(candidates))
    # Several codecs may decode the bytes strictly (any byte is valid cp1252 or koi8-r, and the
    # detector guesses those for GBK pages that declare no charset): our sources write Chinese,
    # so the reading with the most Chinese characters wins; ties keep the detector's order.
    readings = [Decoded(text, enc) for enc in candidates
                if (text := _strict(body, enc)) is not None and not _looks_binary(text)]
    if readings:
        return max(readings, key=lambda d: _cjk_share(d.text))
    for enc in candidates:
        near = _lenient(body, enc)
        if near is not None and not _looks_binary(near.text):
            return near
    raise DecodeError("无法识别页面编码（可能是二进制内容）")


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _cjk_share(text: str) -> float:
    """Share of Chinese characters among the non-ASCII characters of the first 200k."""
    sample = text[:200_000]
    non_ascii = sum(1 for c in sample if ord(c) > 127)
    return len(_CJK.findall(sample)) / non_ascii if non_ascii else 0.0


def _checked(d: Decoded) -> Decoded:
    if _looks_binary(d.text):
        raise DecodeError("页面内容不是文本（含大量控制字符）")
    return d


def replaced_bytes(body: bytes, encoding: str | None) -> int:
    """How many bad spots decoding `body` as `encoding` replaced (0 for a clean decode)."""
    if not encoding or not body or _strict(body, encoding) is not None:
        return 0
    try:
        text = codecs.getincrementaldecoder(encoding)("replace").decode(body, final=False)
    except LookupError:
        return 0
    return max(text.count(_REPLACEMENT) - _count_encoded_replacements(body, encoding), 0)
