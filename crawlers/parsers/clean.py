"""The last step of every parse: each post and item is checked and its text cleaned, one at a time.

A hostile page may carry one item whose fields are not what the parser expected (a list in a
Tieba `data-field` JSON, a lone surrogate, a NUL). That item is dropped and its reason recorded
in `ParsedPage.dropped`; its siblings go on. Text keeps what a reader sees (see pipeline.sanitize).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from crawlers.parsers.model import ParsedItem, ParsedPage, ParsedPost
from pipeline.sanitize import BadField, clean_field


def _count(field: str, value: object) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise BadField(field, value)


def _when(value: object) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    raise BadField("published_at", value)


def clean_post(p: ParsedPost) -> ParsedPost:
    return ParsedPost(author=clean_field("author", p.author), published_at=_when(p.published_at),
                      text=clean_field("text", p.text, required=True), floor=_count("floor", p.floor),
                      url=clean_field("url", p.url), html=clean_field("html", p.html) or "",
                      outlet=clean_field("outlet", p.outlet))


def clean_item(i: ParsedItem) -> ParsedItem:
    return ParsedItem(title=clean_field("title", i.title, required=True),
                      url=clean_field("url", i.url, required=True), author=clean_field("author", i.author),
                      replies=_count("replies", i.replies), views=_count("views", i.views),
                      published_at=_when(i.published_at), text=clean_field("text", i.text))


def clean_page(page: ParsedPage) -> ParsedPage:
    """`page` with every post and item cleaned; the ones that cannot be are dropped and named."""
    dropped: list[str] = list(page.dropped)
    posts, items = [], []
    for post in page.posts:
        try:
            posts.append(clean_post(post))
        except BadField as e:
            dropped.append(e.reason)
    for item in page.items:
        try:
            items.append(clean_item(item))
        except BadField as e:
            dropped.append(e.reason)
    try:
        title = clean_field("title", page.title)
    except BadField as e:
        title, dropped = None, [*dropped, e.reason]
    try:
        next_page = clean_field("next_page", page.next_page)
        replies, views = _count("replies", page.replies), _count("views", page.views)
    except BadField as e:
        next_page, replies, views, dropped = None, None, None, [*dropped, e.reason]
    return replace(page, title=title, posts=tuple(posts), items=tuple(items), next_page=next_page,
                   replies=replies, views=views, dropped=tuple(dropped))
