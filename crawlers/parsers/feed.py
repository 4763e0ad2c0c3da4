"""RSS 0.9x / 2.0 and Atom feeds via feedparser; entry summaries become plain text."""
from __future__ import annotations

import calendar
import re
from datetime import datetime

import feedparser

from crawlers.encoding import DecodeError, decode_body
from crawlers.parsers.charrefs import defuse_char_refs
from crawlers.parsers.chrome import body_text
from crawlers.parsers.dom import absolute, html_selector, one_line
from crawlers.parsers.model import ParsedItem, ParsedPage, ParseError
from crawlers.timeparse import SHANGHAI, parse_cn_time

_XML_DECL_END = "?>"
# feedparser's loose parser is slow on large non-feed markup: check the root element first.
_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF|channel)\b", re.I)
_SNIFF_CHARS = 65536


def _html_text(fragment: str | None) -> str | None:
    if not fragment or not fragment.strip():
        return None
    if "<" not in fragment and "&" not in fragment:
        return one_line(fragment) or None
    return body_text(html_selector(f"<div>{fragment}</div>").root) or None


def _when(entry, now: datetime) -> datetime | None:
    """Our own parser first (it knows the Chinese non-RFC forms feeds use), then feedparser's."""
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if raw:
            found = parse_cn_time(raw, now)
            if found:
                return found
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), SHANGHAI)
    return None


def _summary(entry) -> str | None:
    text = _html_text(entry.get("summary"))
    if text:
        return text
    for content in entry.get("content") or ():
        text = _html_text(content.get("value"))
        if text:
            return text
    return None


def _strip_declaration(text: str) -> str:
    """The body is already decoded: drop the XML declaration so its encoding label cannot make
    feedparser re-decode (or reject) a str."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<?xml"):
        end = stripped.find(_XML_DECL_END)
        if end != -1:
            return stripped[end + len(_XML_DECL_END):]
    return stripped


def parse(body: bytes, url: str | None, *, content_type: str | None = None, now: datetime) -> ParsedPage:
    if not body or not body.strip():
        raise ParseError("订阅源内容为空")
    try:
        text, encoding = decode_body(body, content_type)
    except DecodeError as e:
        raise ParseError(str(e)) from None
    if not _FEED_ROOT.search(text[:_SNIFF_CHARS]):
        raise ParseError("不是可识别的 RSS/Atom 订阅源")
    text = defuse_char_refs(text)  # feedparser raises on references that name no character
    parsed = feedparser.parse(_strip_declaration(text), sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries and not parsed.feed.get("title"):
        raise ParseError("不是可识别的 RSS/Atom 订阅源")
    base = url or parsed.feed.get("link")
    items = []
    for entry in parsed.entries:
        link = absolute(base, entry.get("link") or entry.get("id"))
        title = one_line(entry.get("title")) or (_summary(entry) or "")[:60]
        if not link or not title:
            continue
        author = one_line(entry.get("author")) or None
        items.append(ParsedItem(title=title, url=link, author=author, replies=None, views=None,
                                published_at=_when(entry, now), text=_summary(entry)))
    next_link = next((link.get("href") for link in parsed.feed.get("links", ()) if link.get("rel") == "next"), None)
    return ParsedPage(page_type="feed", title=one_line(parsed.feed.get("title")) or None, posts=(),
                      items=tuple(items), next_page=absolute(base, next_link), encoding=encoding)
