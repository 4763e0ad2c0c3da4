"""Sources added in sources.yaml with selectors and no code.

A selector starting with "/", "./" or "(" is XPath, anything else CSS (with parsel's `::text` and
`::attr(name)`). Selectors are checked when the configuration is loaded, so a typo is reported as
"sources.yaml:LINE: ..." instead of an empty crawl.
"""
from __future__ import annotations

from datetime import datetime

from cssselect import SelectorError
from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import HTMLTranslator
from pydantic import BaseModel, ConfigDict, field_validator

from crawlers.parsers.chrome import body_text
from crawlers.parsers.dom import absolute, load, one_line, page_base, page_url, text_of, to_int
from crawlers.parsers.model import ParsedItem, ParsedPage, ParsedPost, ParseError
from crawlers.timeparse import parse_cn_time

_XPATH_STARTS = ("/", "./", "(")


def is_xpath(expr: str) -> bool:
    return expr.startswith(_XPATH_STARTS)


class GenericSelectors(BaseModel):
    """Selectors for one generic source. List fields apply inside each `list_item`, post fields
    inside each `post`; `title` and `next_page` apply to the whole page."""

    model_config = ConfigDict(extra="forbid")

    list_item: str | None = None
    item_title: str | None = None
    item_url: str | None = None
    item_time: str | None = None
    item_author: str | None = None
    item_replies: str | None = None
    title: str | None = None
    post: str | None = None
    post_author: str | None = None
    post_time: str | None = None
    post_text: str | None = None
    next_page: str | None = None

    @field_validator("*")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not value:
            raise ValueError("empty selector")
        try:
            if is_xpath(value):
                etree.XPath(value)
            else:
                HTMLTranslator().css_to_xpath(value)
        except (etree.XPathSyntaxError, SelectorError) as e:
            raise ValueError(f"invalid {'XPath' if is_xpath(value) else 'CSS'} selector {value!r}: {e}") from None
        return value


def select(node: Selector, expr: str) -> SelectorList:
    return node.xpath(expr) if is_xpath(expr) else node.css(expr)


def _is_element(found: Selector) -> bool:
    return isinstance(found.root, etree._Element)


def _string(node: Selector, expr: str | None) -> str | None:
    """First non-blank text the selector yields (an element's whole text, or a text/attribute value)."""
    if not expr:
        return None
    for found in select(node, expr):
        value = one_line(found.xpath("string()").get() if _is_element(found) else str(found.root))
        if value:
            return value
    return None


def _href(node: Selector, expr: str | None, base: str | None) -> str | None:
    if not expr:
        return None
    for found in select(node, expr):
        raw = (found.attrib.get("href") or found.css("a::attr(href)").get()) if _is_element(found) else str(found.root)
        url = absolute(base, raw)
        if url:
            return url
    return None


def _text(node: Selector, expr: str | None) -> str:
    if not expr:
        return body_text(node.root) if _is_element(node) else text_of(node)
    parts = [body_text(found.root) if _is_element(found) else one_line(str(found.root)) for found in select(node, expr)]
    return "\n".join(p for p in parts if p)


def _items(sel: Selector, s: GenericSelectors, base: str | None, now: datetime) -> list[ParsedItem]:
    items = []
    for row in select(sel, s.list_item or ""):
        url = _href(row, s.item_url or "a", base)
        title = _string(row, s.item_title or "a")
        if not url or not title:
            continue
        stamp = _string(row, s.item_time)
        items.append(ParsedItem(title=title, url=url, author=_string(row, s.item_author),
                                replies=to_int(_string(row, s.item_replies)), views=None,
                                published_at=parse_cn_time(stamp, now) if stamp else None))
    return items


def _posts(sel: Selector, s: GenericSelectors, here: str | None, now: datetime) -> list[ParsedPost]:
    posts = []
    for floor, node in enumerate(select(sel, s.post or ""), start=1):
        if not _is_element(node):
            continue
        stamp = _string(node, s.post_time)
        anchor = node.attrib.get("id") or f"floor-{floor}"
        posts.append(ParsedPost(author=_string(node, s.post_author),
                                published_at=parse_cn_time(stamp, now) if stamp else None,
                                text=_text(node, s.post_text), floor=floor,
                                url=f"{here}#{anchor}" if here else None, html=node.get()))
    return posts


def parse_generic(body: bytes, url: str | None, selectors: GenericSelectors, *,
                  content_type: str | None = None, now: datetime) -> ParsedPage:
    """A thread/article page when `post` matches, else a list page when `list_item` matches.
    One matched post makes an "article", several a "thread"."""
    sel, encoding = load(body, content_type)
    base = page_base(sel, url)
    next_page = _href(sel, selectors.next_page, base)
    title = _string(sel, selectors.title)
    posts = _posts(sel, selectors, page_url(sel, url), now) if selectors.post else []
    if posts:
        return ParsedPage(page_type="thread" if len(posts) > 1 else "article", title=title, posts=tuple(posts),
                          items=(), next_page=next_page, encoding=encoding)
    items = _items(sel, selectors, base, now) if selectors.list_item else []
    if items:
        return ParsedPage(page_type="list", title=title, posts=(), items=tuple(items), next_page=next_page,
                          encoding=encoding)
    raise ParseError("配置的选择器在页面上没有匹配到帖子或列表项")
