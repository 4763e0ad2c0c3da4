"""Shared DOM helpers: decode + parse a body, turn an element into clean text, resolve URLs, numbers."""
from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector

from crawlers.encoding import DecodeError, decode_body
from crawlers.parsers.model import ParseError

# Subtrees that never hold post text.
SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "object", "embed", "select", "option",
    "textarea", "button", "head", "title", "svg", "canvas", "map", "input",
})
BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "tbody", "thead", "tfoot",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "article", "header", "footer",
    "pre", "hr", "form", "fieldset", "center", "address", "figure", "figcaption", "aside", "nav",
})
_CELL_TAGS = frozenset({"td", "th"})
_HSPACE = re.compile(r"[ \t\r\f\v\xa0\u3000\u200b\ufeff]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A line break in the page source in the middle of a text run is white space, not a line: a browser
# shows a space ("关于 5G↵    手机" reads "关于 5G 手机"), or nothing between two CJK characters.
# Breaks at a text's edge (beside a tag) stay: inline labels such as a gallery's "1/10" or a
# video's "时长：01:45" are told from the story by them.
_SOURCE_BREAK = re.compile(r"[ \t\r\f\v\xa0\u3000]*[\r\n][\s\xa0\u3000]*")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_PRE_TAGS = frozenset({"pre", "xmp", "plaintext", "listing"})
# Bigpipe pages (Tieba) emit content after the first </html>; lxml would make it a sibling
# document root that selectors never reach. Without end tags lxml keeps it all in <body>.
_DOC_END_TAGS = re.compile(r"</\s*(?:html|body)\s*>", re.I)
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(万|w|W|k|K|千)?")
_MULTIPLIER = {"万": 10000, "w": 10000, "W": 10000, "k": 1000, "K": 1000, "千": 1000}


def load(body: bytes, content_type: str | None = None) -> tuple[Selector, str]:
    """Decode and parse an HTML body. Raises ParseError for empty, binary or undecodable bodies."""
    if not body or not body.strip():
        raise ParseError("页面为空")
    try:
        text, encoding = decode_body(body, content_type)
    except DecodeError as e:
        raise ParseError(str(e)) from None
    return html_selector(text), encoding


def html_selector(text: str) -> Selector:
    # lxml refuses control characters in text input; they carry nothing for us.
    text = _DOC_END_TAGS.sub("", _CONTROL.sub("", text))
    if not text.strip():
        raise ParseError("页面为空")
    sel = Selector(text=text, type="html")
    if sel.root is None:
        raise ParseError("无法解析 HTML")
    return sel


def _element(node) -> etree._Element | None:
    if isinstance(node, Selector):
        return node.root if isinstance(node.root, etree._Element) else None
    return node


def text_of(node, skip: Iterable = ()) -> str:
    """Readable text of an element: scripts/styles/comments dropped, `<br>` and block boundaries as
    newlines, whitespace collapsed, blank lines removed. `skip` holds elements (or Selectors) whose
    subtrees are left out. Iterative, so arbitrarily deep nesting is safe."""
    root = _element(node)
    if root is None:
        return clean_text(node.get() if isinstance(node, Selector) else str(node or ""))
    skipped = {id(e) for e in (_element(s) for s in skip) if e is not None}
    parts: list[str] = []
    pre = sum(1 for a in root.iterancestors() if isinstance(a.tag, str) and a.tag.lower() in _PRE_TAGS)
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, el in walker:
        if event in ("comment", "pi"):
            if el.tail:
                parts.append(el.tail if pre else _flow(el.tail))
            continue
        name = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if name in SKIP_TAGS or id(el) in skipped:
                walker.skip_subtree()  # its "end" event still comes and adds the tail
                continue
            pre += name in _PRE_TAGS
            if name == "br" or name in BLOCK_TAGS:
                parts.append("\n")
            elif name in _CELL_TAGS:
                parts.append(" ")
            if el.text:
                parts.append(el.text if pre else _flow(el.text))
        else:
            if name in BLOCK_TAGS:
                parts.append("\n")
            if name in _PRE_TAGS and id(el) not in skipped:
                pre -= 1
            if el is not root and el.tail:
                parts.append(el.tail if pre else _flow(el.tail))
    return clean_text("".join(parts))


def _flow(s: str) -> str:
    """Source line breaks in running text as a browser shows them (see _SOURCE_BREAK)."""
    if "\n" not in s and "\r" not in s:
        return s

    def join(m: re.Match) -> str:
        if m.start() == 0 or m.end() == len(s):
            return "\n"  # a break beside a tag: kept, the line heuristics read those as separators
        before, after = s[m.start() - 1], s[m.end()]
        return "" if _CJK.match(before) and _CJK.match(after) else " "
    return _SOURCE_BREAK.sub(join, s)


def clean_text(s: str) -> str:
    lines = (_HSPACE.sub(" ", line).strip() for line in s.split("\n"))
    return "\n".join(line for line in lines if line)


def one_line(s: str | None) -> str:
    return " ".join(clean_text(s or "").split())


def first(sel: Selector, *queries: str) -> str | None:
    """The first non-blank single-line text any of the CSS queries yields. A query without a
    `::text` / `::attr()` pseudo-element yields the whole text of the matched elements."""
    for q in queries:
        found = sel.css(q)
        values = found.getall() if "::" in q else found.xpath("string()").getall()
        for value in values:
            value = one_line(value)
            if value:
                return value
    return None


def absolute(base: str | None, href: str | None) -> str | None:
    """`href` resolved against `base`. Without any base a relative link is returned as it is (the
    caller gave no URL to resolve against); non-web links (javascript:, mailto:, #) give None."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith(("javascript:", "#", "mailto:", "tel:", "data:")):
        return None
    if base:
        href = urljoin(base, href)
    if href.startswith("//"):
        href = "https:" + href
    scheme = urlsplit(href).scheme
    if scheme in ("http", "https"):
        return href
    return None if scheme else href


def page_base(sel: Selector, url: str | None) -> str | None:
    """The URL relative links resolve against: `<base href>`, else the fetched URL, else canonical."""
    base = sel.css("base::attr(href)").get()
    canonical = sel.css('link[rel="canonical"]::attr(href)').get()
    for candidate in (url, canonical):
        if candidate:
            start = absolute(None, candidate) or candidate
            return absolute(start, base) if base else start
    return absolute(None, base) if base else None


def page_url(sel: Selector, url: str | None) -> str | None:
    """The page's own address: the fetched URL, else its canonical link or og:url (no fragment)."""
    found = absolute(None, url) or absolute(None, sel.css('link[rel="canonical"]::attr(href)').get()) \
        or absolute(None, sel.css('meta[property="og:url"]::attr(content)').get())
    return found.split("#")[0] if found else None


def to_int(s: str | None) -> int | None:
    """'1,234' -> 1234, '1.2万' -> 12000; None when there is no number."""
    if not s:
        return None
    m = _NUMBER.search(s.replace(",", ""))
    if not m:
        return None
    return int(float(m[1]) * _MULTIPLIER.get(m[2] or "", 1))


VIDEO_PLACEHOLDER, PICTURE_PLACEHOLDER = "[视频]", "[图片]"


def media_placeholder(node) -> str:
    """What a post body without any text shows: "[视频]" for a video (a video wrapper, an embed, a
    Flash <object> or a <video>), "[图片]" for pictures only, "" for nothing at all. Forums of every
    family have such floors; keeping a placeholder keeps the floor."""
    if node.xpath(".//video | .//embed | .//object | .//*[contains(@class,'video')] | .//*[@data-video]"):
        return VIDEO_PLACEHOLDER
    if node.xpath(".//img"):
        return PICTURE_PLACEHOLDER
    return ""
