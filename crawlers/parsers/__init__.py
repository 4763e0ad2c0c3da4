"""Page parsers: bytes in, `ParsedPage` out, one module per site family.

`parse_page` is the single entry the spiders and `python -m crawlers.parse_page` use; generic
sources configured with selectors go through `generic.parse_generic`.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from lxml import etree

from crawlers.parsers import discuz, feed, news, tieba
from crawlers.parsers.generic import GenericSelectors, parse_generic
from crawlers.parsers.model import ParsedItem, ParsedPage, ParsedPost, ParseError
from crawlers.timeparse import SHANGHAI

PARSERS: dict[str, Callable[..., ParsedPage]] = {
    "tieba": tieba.parse,
    "discuz": discuz.parse,
    "forum": discuz.parse,
    "news": news.parse,
    "feed": feed.parse,
}

__all__ = ["PARSERS", "GenericSelectors", "ParseError", "ParsedItem", "ParsedPage", "ParsedPost",
           "parse_generic", "parse_page"]


def parse_page(body: bytes, kind: str, url: str | None = None, *, content_type: str | None = None,
               now: datetime | None = None) -> ParsedPage:
    """Parse one fetched page of a source family. Raises ParseError for anything unparseable."""
    parser = PARSERS.get(kind)
    if parser is None:
        raise ParseError(f"未知的页面类型：{kind}（可选：{'、'.join(PARSERS)}）")
    if now is None:
        now = datetime.now(SHANGHAI)
    try:
        return parser(body, url, content_type=content_type, now=now)
    except ParseError:
        raise
    except (ValueError, TypeError, LookupError, etree.LxmlError, RecursionError) as e:
        # Crawled pages are hostile: a parser tripping over one must not take the crawl down.
        raise ParseError(f"页面无法解析（{type(e).__name__}: {e}）") from e
