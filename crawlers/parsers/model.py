"""What parsers return: plain frozen dataclasses, serialised exactly as DESIGN §5 prescribes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

PAGE_TYPES = ("thread", "list", "article", "feed")


class ParseError(ValueError):
    """The page cannot be parsed at all (binary body, not the expected kind of page, ...)."""


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt is not None else None


@dataclass(frozen=True, slots=True)
class ParsedPost:
    """One floor of a thread, or the body of an article."""

    author: str | None
    published_at: datetime | None
    text: str
    floor: int | None
    url: str | None
    html: str = ""  # raw HTML of the body, kept as evidence
    outlet: str | None = None  # the publishing outlet of an article (来源), apart from its author

    def to_json(self) -> dict:
        out = {"author": self.author, "published_at": _iso(self.published_at), "text": self.text,
               "floor": self.floor, "url": self.url}
        if self.outlet is not None:  # an extra key beside the DESIGN §5 fields, articles only
            out["outlet"] = self.outlet
        return out


@dataclass(frozen=True, slots=True)
class ParsedItem:
    """One entry of a thread list, news list or feed."""

    title: str
    url: str
    author: str | None
    replies: int | None
    views: int | None
    published_at: datetime | None
    text: str | None = None  # feed entry summary

    def to_json(self, *, with_text: bool = False) -> dict:
        out = {"title": self.title, "url": self.url, "author": self.author, "replies": self.replies,
               "views": self.views, "published_at": _iso(self.published_at)}
        if with_text:
            out["text"] = self.text
        return out


@dataclass(frozen=True, slots=True)
class ParsedPage:
    page_type: str  # thread | list | article | feed
    title: str | None
    posts: tuple[ParsedPost, ...]
    items: tuple[ParsedItem, ...]
    next_page: str | None
    encoding: str | None = None
    # Thread-level counts seen on a thread page (not part of the DESIGN §5 JSON).
    replies: int | None = None
    views: int | None = None
    # Reason keys of the posts/items dropped as malformed (crawlers.parsers.clean); not in the JSON.
    dropped: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.page_type not in PAGE_TYPES:
            raise ValueError(f"unknown page_type {self.page_type!r}")

    def to_json(self) -> dict:
        feed = self.page_type == "feed"
        return {
            "page_type": self.page_type,
            "title": self.title,
            "posts": [p.to_json() for p in self.posts],
            "items": [i.to_json(with_text=feed) for i in self.items],
            "next_page": self.next_page,
        }
