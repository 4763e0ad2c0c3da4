"""Baidu Tieba: thread pages (2014/15 `ul.p_tail`, 2017+ `span.tail-info`, browser-rendered 2022+)
and forum lists (PC raw with bigpipe `<code><!-- --></code>` wrapping, PC plain, rendered, mobile)."""
from __future__ import annotations

import json
import re
from datetime import datetime
from urllib.parse import urlsplit

from parsel import Selector

from crawlers.parsers.chrome import strip_chrome
from crawlers.parsers.dom import (PICTURE_PLACEHOLDER, absolute, first, html_selector, load, media_placeholder, one_line,
                                  page_base, text_of, to_int)
from crawlers.parsers.model import ParsedItem, ParsedPage, ParsedPost, ParseError
from crawlers.timeparse import parse_cn_time

SITE = "https://tieba.baidu.com/"
_FLOOR = re.compile(r"^(\d+)\s*楼$")
_THREAD_ID = re.compile(r"/p/(\d+)")
_TITLE_SUFFIX = re.compile(r"(?:_[^_]*吧)?_百度贴吧$|【[^】]*吧】_百度贴吧$")
_REPLY_PREFIX = re.compile(r"^(?:回复|回覆)[：:]\s*")
_PIC_PREFIX = re.compile(r"^【图片】")
_PICTURE = PICTURE_PLACEHOLDER
_TITLE_FROM_TEXT = 30
# Bigpipe pagelets hidden in HTML comments, wherever the template put them.
_HIDDEN_PAGELETS = ("//code/comment() | //comment()[contains(., 'j_thread_list') or contains(., 'pagination') "
                    "or contains(., '下一页')]")


def _json(value: str | None) -> dict:
    try:
        data = json.loads(value or "")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _sub(data: dict, key: str) -> dict:
    """A nested object of a data-field JSON; a hostile page may put a list or string there."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _site_root(base: str | None) -> str:
    """The Tieba root the page was served from: https://tieba.baidu.com/ normally, or the prefix
    of a mirror (the demo serves Tieba under /tieba/)."""
    parts = urlsplit(base or "")
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.netloc.endswith("tieba.baidu.com"):
        return SITE
    path = parts.path
    cut = min((i for i in (path.find("/p/"), path.find("/f")) if i >= 0), default=-1)
    return f"{parts.scheme}://{parts.netloc}{path[:cut + 1] if cut >= 0 else '/'}"


def _thread_url(base: str | None, href: str | None) -> str | None:
    """Canonical thread URL: tracking parameters (`lp`, `mo_device`, ...) dropped."""
    url = absolute(base or SITE, href)
    m = _THREAD_ID.search(url or "")
    return f"{_site_root(url)}p/{m[1]}" if m else url


def _page_title(sel: Selector) -> str | None:
    title = first(sel, "h1.core_title_txt::attr(title)", "h3.core_title_txt::attr(title)",
                  "h1.core_title_txt", "h3.core_title_txt", ".core_title_txt")
    if not title:
        raw = first(sel, "title::text")
        title = _PIC_PREFIX.sub("", _TITLE_SUFFIX.sub("", raw)) if raw else None
    return _REPLY_PREFIX.sub("", title) if title else None


def _title_from_posts(posts: list[ParsedPost]) -> str | None:
    """A thread whose title is a picture only: the starter's first line, else a placeholder."""
    starter = next((p for p in posts if p.floor == 1), None)
    if starter is None:
        return None
    line = starter.text.split("\n")[0][:_TITLE_FROM_TEXT]
    return line or _PICTURE


def _next_page(sel: Selector, base: str | None) -> str | None:
    # Widgets reuse the words for in-page carousels ("下一页" with href="#"): only a link that leads
    # somewhere is the pager.
    for a in sel.xpath("descendant-or-self::a[contains(., '下一页')]"):  # not a Python loop over every link
        if one_line(a.xpath("string()").get()) in ("下一页", "下一页>", "下一页 >"):
            if found := absolute(base or SITE, a.attrib.get("href")):
                return found
    return absolute(base or SITE, sel.css("a.next::attr(href)").get())


def _post_content(post: Selector) -> tuple[str, str]:
    """(text, html) of a floor body. The 2022+ hidden "该楼层疑似违规已被系统折叠" overlay is a
    sibling `div.p_forbidden_tip`, not part of `div.d_post_content`, so it is never selected.
    A floor holding only a video or pictures keeps a placeholder, so the floor is not lost."""
    body = post.css("div.d_post_content")
    if body:
        text = strip_chrome(text_of(body[0]))
        if not text:  # some templates keep the body inside an HTML comment
            hidden = "".join(body[0].xpath(".//comment()").getall()).replace("<!--", "").replace("-->", "")
            if hidden.strip():
                text = text_of(html_selector(hidden))
        if text:
            return text, body[0].get()
        media = media_placeholder(post.css("div.d_post_content, div.video_src_wrapper, div.d_post_content_main") or body)
        if media:
            return media, body[0].get()
    data = _sub(_json(post.attrib.get("data-field")), "content")
    html = data.get("content") if isinstance(data.get("content"), str) else ""
    if not html.strip():
        return "", html
    fragment = html_selector(html)
    return (strip_chrome(text_of(fragment)) or media_placeholder(fragment)), html


def _thread_id(sel: Selector, base: str | None) -> str | None:
    for raw in sel.css("div.l_post::attr(data-field)").getall():
        tid = _sub(_json(raw), "content").get("thread_id")
        if tid:
            return str(tid)
    m = _THREAD_ID.search(base or "")
    return m[1] if m else None


def _parse_thread(sel: Selector, base: str | None, now: datetime, encoding: str) -> ParsedPage:
    thread_id = _thread_id(sel, base)
    thread_url = f"{_site_root(base)}p/{thread_id}" if thread_id else base
    posts: list[ParsedPost] = []
    seen: set[str] = set()
    for post in sel.css("div.l_post"):
        field = _json(post.attrib.get("data-field"))
        content, author_info = _sub(field, "content"), _sub(field, "author")
        pid = str(content.get("post_id") or post.attrib.get("data-pid") or "")
        if not pid or pid in seen:
            continue  # ads and duplicated floors carry no post id
        seen.add(pid)
        tails = [one_line(t) for t in post.css("span.tail-info, ul.p_tail li span").xpath("string()").getall()]
        floor = next((int(m[1]) for t in tails if (m := _FLOOR.match(t))), None)
        if floor is None and isinstance(content.get("post_no"), int):
            floor = content["post_no"]
        stamp = next((t for t in tails if not _FLOOR.match(t) and parse_cn_time(t, now)), None)
        stamp = stamp or first(post, "span.j_reply_data::text")
        author = one_line(post.css(".p_author_name").xpath("string()").get()) or \
            author_info.get("user_name") or author_info.get("user_nickname")
        text, html = _post_content(post)
        posts.append(ParsedPost(author=author or None, published_at=parse_cn_time(stamp, now), text=text,
                                floor=floor, url=f"{thread_url}?pid={pid}#{pid}" if thread_url else None,
                                html=html))
    replies = to_int(first(sel, "li.l_reply_num span.red::text", ".l_reply_num span::text"))
    title = _page_title(sel) or _title_from_posts(posts)
    return ParsedPage(page_type="thread", title=title, posts=tuple(posts), items=(),
                      next_page=_next_page(sel, base or thread_url), encoding=encoding, replies=replies)


def _pagelets(sel: Selector) -> Selector | None:
    """Raw bigpipe pages hide the thread list inside `<code class="pagelet_html"><!-- ... --></code>`,
    and some templates the pager in a commented-out block of its own."""
    hidden = [c.root.text for c in sel.xpath(_HIDDEN_PAGELETS)]
    html = "".join(h for h in hidden if h and "<" in h)
    return html_selector(html) if html.strip() else None


def _pc_item(li: Selector, base: str | None, now: datetime) -> ParsedItem | None:
    field = _json(li.attrib.get("data-field"))
    link = li.css("a.j_th_tit")
    href = link.attrib.get("href") if link else None
    if not href and field.get("id"):
        href = f"/p/{field['id']}"
    url = _thread_url(base, href)
    title = (link.attrib.get("title") or one_line(link[0].xpath("string()").get())) if link else ""
    title = _PIC_PREFIX.sub("", one_line(title))
    if not title and url:  # a thread titled with a picture only: its abstract, else a placeholder
        title = first(li, "div.threadlist_abs::text", ".threadlist_abs") or (
            _PICTURE if li.css("img, .threadlist_media, .small_list_gallery") else "")
    if not url or not title:
        return None
    author = li.css("span.tb_icon_author::attr(title)").get() or ""
    author = re.sub(r"^主题作者[:：]\s*", "", author.strip()) or field.get("author_nickname") or field.get("author_name")
    replies = to_int(first(li, "span.threadlist_rep_num::text"))
    if replies is None and isinstance(field.get("reply_num"), int):
        replies = field["reply_num"]
    stamp = first(li, "span.is_show_create_time::text", "span.threadlist_reply_date::text")
    return ParsedItem(title=one_line(title), url=url, author=author or None, replies=replies, views=None,
                      published_at=parse_cn_time(stamp, now) if stamp else None)


def _mobile_item(li: Selector, base: str | None, now: datetime) -> ParsedItem | None:
    link = li.css("a[tid]")
    if not link:
        return None  # ad rows have no thread id
    spans = [one_line(s) for s in link.css("div.ti_title > span").xpath("string()").getall()]
    icons = {one_line(s) for s in link.css("div.ti_title > span.ti_title_icon").xpath("string()").getall()}
    title = next((s for s in spans if s and s not in icons), None)
    if not title and link.css("img"):
        title = _PICTURE  # a picture-only title
    if not title:
        return None
    author = one_line(li.css("span.ti_author").xpath("string()").get())
    stamp = first(li, "span.ti_time::text")
    return ParsedItem(title=title, url=_thread_url(base, f"/p/{link.attrib['tid']}"), author=author or None,
                      replies=to_int(first(li, "div.btn_reply span.btn_icon::text", "span.btn_icon::text")),
                      views=None, published_at=parse_cn_time(stamp, now) if stamp else None)


def _parse_list(sel: Selector, base: str | None, now: datetime, encoding: str) -> ParsedPage:
    scopes = [sel] + [s for s in (_pagelets(sel),) if s is not None]
    items: list[ParsedItem] = []
    seen: set[str] = set()
    next_page = None
    for scope in scopes:
        candidates = [_pc_item(li, base, now) for li in scope.css("li.j_thread_list")]
        candidates += [_mobile_item(li, base, now) for li in scope.css("li.tl_top, li.tl_shadow")]
        for item in candidates:
            if item and item.url not in seen:
                seen.add(item.url)
                items.append(item)
        next_page = next_page or _next_page(scope, base)
    raw = first(sel, "title::text")
    title = re.sub(r"[-_]百度贴吧.*$", "", raw) if raw else None
    return ParsedPage(page_type="list", title=title, posts=(), items=tuple(items), next_page=next_page,
                      encoding=encoding)


def is_thread(sel: Selector) -> bool:
    return bool(sel.css("div.l_post"))


def parse(body: bytes, url: str | None, *, content_type: str | None = None, now: datetime) -> ParsedPage:
    sel, encoding = load(body, content_type)
    base = page_base(sel, url)
    if is_thread(sel):
        return _parse_thread(sel, base, now, encoding)
    page = _parse_list(sel, base, now, encoding)
    if not page.items:
        raise ParseError("不是可识别的贴吧帖子页或列表页")
    return page
