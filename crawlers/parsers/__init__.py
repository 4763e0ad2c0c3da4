"""Page parsers: bytes in, `ParsedPage` out, one module per site family.

`parse_page` is the single entry the spiders and `python -m crawlers.parse_page` use; generic
sources configured with selectors go through `generic.parse_generic` (wrapped by `parse_bounded`
too). Every parse is bounded (crawlers.parsers.bounds) and its posts and items cleaned one by one
(crawlers.parsers.clean), so one hostile item or tag never costs the rest of the page.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from lxml import etree

from crawlers.encoding import replaced_bytes
from crawlers.parsers import discuz, feed, news, tieba
from crawlers.parsers.bounds import MAX_PARSE_BYTES, bound_body
from crawlers.parsers.clean import clean_page
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
           "parse_bounded", "parse_generic", "parse_page"]

# What a hostile page can make a parser raise besides ParseError (AttributeError: a list where the
# parser expected a dict; OverflowError: a character reference beyond any integer).
_PARSER_ERRORS = (ValueError, TypeError, LookupError, AttributeError, ArithmeticError, etree.LxmlError,
                  RecursionError)


def parse_page(body: bytes, kind: str, url: str | None = None, *, content_type: str | None = None,
               now: datetime | None = None, max_bytes: int = MAX_PARSE_BYTES) -> ParsedPage:
    """Parse one fetched page of a source family. Raises ParseError for anything unparseable."""
    parser = PARSERS.get(kind)
    if parser is None:
        raise ParseError(f"未知的页面类型：{kind}（可选：{'、'.join(PARSERS)}）")
    if now is None:
        now = datetime.now(SHANGHAI)
    return parse_bounded(lambda b: parser(b, url, content_type=content_type, now=now), body, max_bytes=max_bytes)


def parse_bounded(parse: Callable[[bytes], ParsedPage], body: bytes, *,
                  max_bytes: int = MAX_PARSE_BYTES) -> ParsedPage:
    """`parse(body)` on the bounded body, its result cleaned; cuts and drops in `page.dropped`."""
    body, cuts = bound_body(body, max_bytes=max_bytes)
    try:
        page = parse(body)
    except ParseError:
        raise
    except _PARSER_ERRORS as e:
        # Crawled pages are hostile: a parser tripping over one must not take the crawl down.
        raise ParseError(f"页面无法解析（{type(e).__name__}: {str(e)[:200]}）") from e
    page = clean_page(page)
    # A few undecodable bytes are tolerated (crawlers.encoding) but counted, one key per spot.
    cuts += ("decode:replaced_bytes",) * replaced_bytes(body, page.encoding)
    return replace(page, dropped=cuts + page.dropped) if cuts else page
