"""Site kinds: what differs between a forum, a 贴吧, a news site, a feed and a generic site, in one
table instead of string tests on `source.kind` spread over the spider (issue 9).

- `parse`: bytes → ParsedPage (bounded and cleaned, crawlers.parsers.parse_bounded).
- `threads_grow`: known threads/articles are re-fetched when their reply count rises and revisited
  while hot; articles and feed entries never change, so a known one is never fetched again.
- `single_post_articles`: an "article" page is one post (stored without a floor number).
- `html_pages`: pages are HTML (a missing `</html>` means a cut page); feeds are XML.
A new kind is one entry here plus its parser module.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from crawlers.parsers import parse_bounded, parse_page
from crawlers.parsers.model import ParsedPage
from crawlers.sources import Source


@dataclass(frozen=True)
class SiteKind:
    name: str
    parser: str | None  # family in crawlers.parsers.PARSERS; None: configured selectors (generic)
    threads_grow: bool
    single_post_articles: bool
    html_pages: bool = True

    def parser_for(self, source: Source) -> Callable[..., ParsedPage]:
        """`parse(body, url, *, content_type, now)` for pages of `source`."""
        if self.parser is not None:
            family = self.parser
            return lambda body, url, *, content_type=None, now=None: parse_page(
                body, family, url, content_type=content_type, now=now)
        from crawlers.parsers.generic import GenericSelectors, parse_generic

        selectors = GenericSelectors.model_validate(source.selectors)

        def parse(body: bytes, url: str | None, *, content_type: str | None = None,
                  now: datetime | None = None) -> ParsedPage:
            return parse_bounded(lambda b: parse_generic(b, url, selectors, content_type=content_type, now=now),
                                 body)

        return parse


KINDS: dict[str, SiteKind] = {k.name: k for k in (
    SiteKind("forum", parser="discuz", threads_grow=True, single_post_articles=False),
    SiteKind("tieba", parser="tieba", threads_grow=True, single_post_articles=False),
    SiteKind("news", parser="news", threads_grow=False, single_post_articles=True),
    SiteKind("feed", parser="feed", threads_grow=False, single_post_articles=False, html_pages=False),
    SiteKind("generic", parser=None, threads_grow=True, single_post_articles=True),
)}


def site_kind(source: Source) -> SiteKind:
    return KINDS[source.kind]
