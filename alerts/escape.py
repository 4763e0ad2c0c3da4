"""Neutralise crawled (hostile) text for each place it is rendered.

Markdown renderers of DingTalk and WeCom differ and honour backslash escapes unreliably, so
markup characters are replaced by their full-width look-alikes instead: the text still reads
naturally in Chinese and cannot open a link, an image, a `<font>` tag or an @-mention."""
from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

_MD_MAP = str.maketrans({
    "\\": "＼", "`": "｀", "*": "＊", "_": "＿", "[": "［", "]": "］", "(": "（", ")": "）",
    "<": "＜", ">": "＞", "!": "！", "|": "｜", "~": "～", "#": "＃", "&": "＆", "{": "｛",
    "}": "｝", "@": "＠",
})
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and kin) let a crawled title display
# reversed ("gpj.exe" shown as "exe.jpg") or reorder the words around it: never output them.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Characters left unescaped in a URL: everything else (quotes, brackets, spaces) is %-encoded
# so the URL cannot close the Markdown link or the HTML attribute it sits in.
_URL_SAFE = ":/?#&=%+,;@$*~.-_!"


def no_bidi(text: str) -> str:
    """`text` without bidirectional control characters."""
    return _BIDI.sub("", text)


def one_line(text: str | None) -> str:
    """Collapse whitespace and drop control and bidi characters (also guards mail headers)."""
    return _SPACE.sub(" ", _BIDI.sub("", _CONTROL.sub("", text or ""))).strip()


def md(text: str | None) -> str:
    """Crawled text as inert Markdown on one line; also defuses autolinks (`://`)."""
    return one_line(text).translate(_MD_MAP).replace("://", "：//")


def html_text(text: str | None) -> str:
    return html.escape(no_bidi(text or ""), quote=True)


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit for a Markdown link target or an href, or None."""
    if not url:
        return None
    url = one_line(url)
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme not in ("http", "https"):
        return None
    return quote(url, safe=_URL_SAFE)


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def truncate_utf8(text: str, max_bytes: int) -> str:
    """Cut `text` so its UTF-8 form fits `max_bytes` (robot APIs limit bytes, not chars)."""
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[: max_bytes - 3].decode("utf-8", errors="ignore") + "…"
