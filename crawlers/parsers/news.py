"""News sites: articles (headline, time, source/editor, body) and list pages, by generic heuristics.

Headline: the h1/h2/"title"-classed element whose text the browser `<title>` contains. Time: the
first full date after the headline. Body: the block holding the most non-link paragraph text.
trafilatura is the fallback when the heuristics find no body (unknown layouts).
"""
from __future__ import annotations

import re
from datetime import datetime

from lxml import etree
from parsel import Selector

from crawlers.parsers.dom import (
    BLOCK_TAGS, SKIP_TAGS, absolute, first, load, one_line, page_base, page_url, text_of,
)
from crawlers.parsers.model import ParsedItem, ParsedPage, ParsedPost, ParseError
from crawlers.timeparse import parse_cn_time

_TITLEISH = re.compile(r"title|tit\b|headline|ArticleTit", re.I)
_SPACES = re.compile(r"\s+")
_DATE = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?!\d)")
_ANY_TIME = re.compile(_DATE.pattern + r"|\d+\s*(?:分钟|小时|天)前|刚刚|昨天|(?<!\d)\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}")
_BYLINE = {
    "author": re.compile(r"(?:作者|记者|文)\s*[:：/]\s*([^\s|｜,，。;；()（）\[\]【】]{2,30})"),
    "source": re.compile(r"来源于?\s*[:：]\s*([^\s|｜,，。;；()（）\[\]【】]{2,30})"),
    "editor": re.compile(r"(?:责任编辑|责编|编辑)\s*[:：]\s*([^\s|｜,，。;；()（）\[\]【】]{2,20})"),
}
# Site markup that names the source where no label does (新浪 2009, 人民网, 澎湃 byline, 长江网).
_SOURCE_SELECTORS = ("span#media_name", "#ArtFrom a.lblack", "span#p_origin a", "span#p_origin", ".source a", ".source",
                     ".news_about p:first-child", "span.sour")
# Subtrees of the body block that are not article text.
_JUNK_NAME = re.compile(
    r"comment|share|related|recommend|footer|copyright|advert|\bad\b|[-_]ad\b|\bad[-_]|sidebar|"
    r"pager|page_?nav|keyword|nav\b|toolbar|print|fenxiang", re.I)
# Trailing editor stamps and correction links closing a body.
_TRAILER_LINE = re.compile(r"^[\[【(（]?\s*(?:(?:责任编辑|责编|编辑)\s*[:：].{0,30}|纠错)\s*[\]】)）]?$")
_NEXT_TEXTS = ("下一页", "下页", "下一頁", "下一页>", "下一页 >")
_FOLLOW_CHARS = 2000
_CONTAINERS = BLOCK_TAGS | {"td", "body"}
_PARAGRAPHS = frozenset({"p", "li", "dd", "dt", "pre", "blockquote", "figcaption"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_MIN_BODY = 40


def _squash(s: str) -> str:
    return _SPACES.sub("", s)


# ---------------------------------------------------------------- headline

def _headline(sel: Selector) -> tuple[Selector | None, str | None]:
    """(element, text) of the headline; the text is what `<title>` / og:title contain."""
    page_titles = [t for t in (first(sel, "title::text"),
                               sel.css('meta[property="og:title"]::attr(content)').get()) if t]
    squashed = [_squash(t) for t in page_titles]
    best: tuple[int, int, Selector, str] | None = None
    candidates = sel.xpath("//h1 | //h2 | //h3 | //*[self::div or self::span or self::td or self::b or "
                           "self::strong or self::p][@class or @id]")
    for order, node in enumerate(candidates):
        tag = node.root.tag
        if tag not in ("h1", "h2", "h3") and not _TITLEISH.search(
                f"{node.attrib.get('class', '')} {node.attrib.get('id', '')}"):
            continue
        text = one_line(text_of(node))
        if not 4 <= len(text) <= 120:
            continue
        key = _squash(text)
        if any(key in t for t in squashed):
            score = len(key) * 10 + (3 if tag == "h1" else 2 if tag == "h2" else 1)
            if best is None or score > best[0]:
                best = (score, order, node, text)
    if best:
        return best[2], best[3]
    if page_titles:
        return None, re.split(r"\s*(?:_|--|\s-\s|\||｜)\s*", page_titles[-1])[0] or page_titles[-1]
    return None, None


def _following_text(node: Selector | None, sel: Selector, skip: etree._Element | None) -> str:
    """Visible text after the headline (or from the top of the page), the body block left out
    (dates inside the story are not its publication time), up to _FOLLOW_CHARS characters."""
    texts = sel.root.itertext() if node is None else _iter_following_text(node.root, skip)
    parts: list[str] = []
    size = 0
    for text in texts:
        parts.append(text)
        size += len(text)
        if size >= _FOLLOW_CHARS:
            break
    return " ".join(" ".join(parts).split())


def _iter_following_text(el: etree._Element, skip: etree._Element | None):
    """Text after `el` in document order, without scripts, styles and the `skip` subtree. Iterative."""
    current = el
    while current is not None:
        if current.tail:
            yield current.tail
        sibling = current.getnext()
        while sibling is None:
            current = current.getparent()
            if current is None:
                return
            if current.tail:
                yield current.tail
            sibling = current.getnext()
        current = sibling
        yield from _subtree_text(current, skip)


def _subtree_text(root: etree._Element, skip: etree._Element | None):
    """Text inside `root` (not its tail), without scripts, styles and the `skip` subtree."""
    if not isinstance(root.tag, str):
        return
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, el in walker:
        if event in ("comment", "pi"):
            if el.tail:
                yield el.tail
        elif event == "start":
            if el.tag.lower() in SKIP_TAGS or el is skip:
                walker.skip_subtree()
            elif el.text:
                yield el.text
        elif el is not root and el.tail:
            yield el.tail


def _published(after: str, sel: Selector, now: datetime) -> datetime | None:
    m = _DATE.search(after)
    if m:
        found = parse_cn_time(after[m.start():m.start() + 40], now)
        if found:
            return found
    meta = sel.css('meta[property="article:published_time"]::attr(content), meta[name="publishdate"]::attr(content), '
                   'meta[name="pubdate"]::attr(content), meta[itemprop="datePublished"]::attr(content)').get()
    return parse_cn_time(meta, now) if meta else None


def _author(after: str, sel: Selector, body: str) -> str | None:
    m = _BYLINE["author"].search(after)
    if m:
        return m[1]
    for css in _SOURCE_SELECTORS:
        value = first(sel, css)
        if value:
            labelled = _BYLINE["source"].search(value)
            value = labelled[1] if labelled else value
            if 2 <= len(value) <= 30:
                return value
    for key in ("source", "editor"):
        m = _BYLINE[key].search(after) or _BYLINE[key].search(body[-300:])
        if m:
            return m[1]
    meta = sel.css('meta[name="author"]::attr(content)').get()
    return meta.strip() if meta and not meta.strip().isdigit() else None


# ---------------------------------------------------------------- body

def _visible_len(s: str | None) -> int:
    return len(_squash(s)) if s else 0


def _densest_block(root: etree._Element) -> etree._Element | None:
    """The element whose own and children's non-link text is largest. Every text node counts for
    its nearest block ancestor, fully for that block's parent and half for the grandparent, so a
    run of paragraphs (or of <br>-separated lines) lifts their common container."""
    scores: dict[etree._Element, float] = {}
    walker = etree.iterwalk(root, events=("start",))
    for _event, el in walker:
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag in SKIP_TAGS or tag == "a" or tag in _HEADINGS or _JUNK_NAME.search(f"{el.get('class', '')} {el.get('id', '')}"):
            walker.skip_subtree()  # links, headings, comments, share bars and sidebars are not the story
            continue
        own = _visible_len(el.text) + sum(_visible_len(c.tail) for c in el if not (
            isinstance(c.tag, str) and c.tag.lower() in SKIP_TAGS))
        if not own:
            continue
        block = el
        while block is not None and block.tag.lower() not in _CONTAINERS:
            block = block.getparent()
        if block is None:
            continue
        # Paragraph text lifts its container; text written straight into a container (<br>
        # layouts) lifts the container itself. The next level up gets half, so a container
        # never outscores its own content merely by enclosing it.
        if block.tag.lower() in _PARAGRAPHS and block.getparent() is not None:
            block = block.getparent()
        parent = block.getparent()
        for target, weight in ((block, 1.0), (parent, 0.5)):
            if target is not None:
                scores[target] = scores.get(target, 0) + own * weight
    if not scores:
        return None
    return max(scores.items(), key=lambda kv: kv[1])[0]


def _link_heavy(el: etree._Element) -> bool:
    total = _visible_len("".join(el.itertext()))
    if not total:
        return False
    linked = sum(_visible_len("".join(a.itertext())) for a in el.iter("a"))
    return linked / total > 0.5


def _body(sel: Selector, block: etree._Element | None, url: str | None) -> tuple[str, str]:
    text = html = ""
    if block is not None:
        skip = [c for c in block if isinstance(c.tag, str) and _link_heavy(c)]
        skip += [e for e in block.iter() if isinstance(e.tag, str) and e is not block and _JUNK_NAME.search(
            f"{e.get('class', '')} {e.get('id', '')}")]
        text = text_of(block, skip=skip)
        html = etree.tostring(block, encoding="unicode", method="html")
    if len(text) < _MIN_BODY:
        text = _trafilatura(sel, url) or text
    lines = text.split("\n")
    tail = next((i for i in range(max(0, len(lines) - 4), len(lines)) if _TRAILER_LINE.match(lines[i])), None)
    return "\n".join(lines[:tail]), html


def _trafilatura(sel: Selector, url: str | None) -> str:
    import trafilatura  # heavy import, only for pages the heuristics cannot read

    try:
        extracted = trafilatura.extract(sel.get(), url=url, include_comments=False, include_tables=False,
                                        favor_precision=True)
    except Exception:  # trafilatura raises assorted errors on hostile markup; heuristics already failed
        return ""
    return text_of(Selector(text=f"<div>{extracted}</div>")) if extracted else ""


# ---------------------------------------------------------------- lists

def _link_title(a: Selector) -> str:
    """Link text without short leading labels such as "专题" or "[社会]"."""
    labels = [s for s in a.css("span, em, i") if len(one_line(s.xpath("string()").get())) <= 4]
    return one_line(text_of(a, skip=labels))


def _list_items(sel: Selector, base: str | None, now: datetime) -> list[ParsedItem]:
    """Items of the link lists whose rows mostly carry a time (news lists), in page order."""
    items: list[ParsedItem] = []
    seen: set[str] = set()
    for ul in sel.xpath("//ul | //ol"):
        rows = ul.xpath("./li")
        if len(rows) < 3:
            continue
        parsed = [row_item for li in rows if (row_item := _row_item(li, base, now))]
        dated = [i for i in parsed if i.published_at]
        if len(dated) < max(3, len(rows) // 2):
            continue
        for item in parsed:
            if item.url not in seen:
                seen.add(item.url)
                items.append(item)
    return items


def _row_item(li: Selector, base: str | None, now: datetime) -> ParsedItem | None:
    best = None
    for a in li.css("a[href]"):
        title = _link_title(a)
        if len(title) >= 6 and (best is None or len(title) > len(best[0])):
            best = (title, a)
    if best is None:
        return None
    url = absolute(base, best[1].attrib.get("href"))
    if not url:
        return None
    stamp = first(li, "[class*=time]::text", "[class*=date]::text")
    if not stamp:
        outside = text_of(li, skip=[best[1]])
        m = _ANY_TIME.search(outside)
        stamp = outside[m.start():m.start() + 30] if m else None
    author = first(li, "[class*=source]::text", "[class*=author]::text")
    return ParsedItem(title=best[0], url=url, author=author, replies=None, views=None,
                      published_at=parse_cn_time(stamp, now) if stamp else None)


# ---------------------------------------------------------------- page

def _next_page(sel: Selector, base: str | None) -> str | None:
    for a in sel.css("a[href]"):
        if one_line(a.xpath("string()").get()) in _NEXT_TEXTS:
            found = absolute(base, a.attrib.get("href"))
            if found:
                return found
    return None


def parse(body: bytes, url: str | None, *, content_type: str | None = None, now: datetime) -> ParsedPage:
    sel, encoding = load(body, content_type)
    base = page_base(sel, url)
    node, headline = _headline(sel)
    items = _list_items(sel, base, now)
    block = _densest_block(sel.root)
    body_chars = 0 if block is None else _visible_len(" ".join(block.itertext()))
    if len(items) >= 8 and (node is None or body_chars < 300):
        raw = first(sel, "title::text")
        return ParsedPage(page_type="list", title=raw, posts=(), items=tuple(items),
                          next_page=_next_page(sel, base), encoding=encoding)
    text, html = _body(sel, block, url)
    if not text and not headline:
        raise ParseError("页面中找不到新闻正文或列表")
    after = _following_text(node, sel, block)
    post = ParsedPost(author=_author(after, sel, text), published_at=_published(after, sel, now), text=text,
                      floor=1, url=page_url(sel, url), html=html)
    return ParsedPage(page_type="article", title=headline, posts=(post,), items=(),
                      next_page=_next_page(sel, base), encoding=encoding)
