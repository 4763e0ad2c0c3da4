"""Discuz! forums: X2/X3 and 7.2 thread lists, X viewthread pages (both URL styles), and the
touch (mobile=2) template's lists and threads."""
from __future__ import annotations

import re
from datetime import datetime

from parsel import Selector

from crawlers.parsers.chrome import strip_chrome
from crawlers.parsers.dom import (absolute, first, load, media_placeholder, one_line, page_base, page_url, text_of,
                                  to_int)
from crawlers.parsers.model import ParsedItem, ParsedPage, ParsedPost, ParseError
from crawlers.timeparse import parse_cn_time

# Identifiable non-post content inside a post body: site promo slots (`a_pr`), login prompts,
# quoted earlier posts, edit stamps, anti-scraping "jammer" text and hidden spans.
JUNK = (
    "div.a_pr, div.attach_nopermission, div.attach_tips, div.quote, blockquote, i.pstatus, "
    ".jammer, div.tip, div.aimg_tip, div.xs0, [style*='display:none'], [style*='display: none']"
)
_POST_ID = re.compile(r"^post_(\d+)$")
_MOBILE_POST_ID = re.compile(r"^pid(\d+)$")
_FLOOR_NUMBER = re.compile(r"^(\d+)\s*(?:楼|#|垅|F|f|层)?$")
_PAGE_IN_URL = re.compile(r"thread-\d+-(\d+)-\d+\.html|[?&]page=(\d+)")
_TITLE_TAIL = re.compile(r"\s+-\s+.*$")
# Thread-type filter words forums commonly define; `#thread_types` gives the site's own list.
_TYPE_WORD = re.compile(r"求助|讨论|分享|原创|转载|提问|投诉|建议|爆料|曝光|闲聊|灌水|活动|公告|问答|交流|吐槽|求职|招聘|出租|出售|"
                        r"求购|转让|房产|二手|美食|情感|新闻|资讯|图片|视频|其他|其它|全部|热门|最新|精华|推荐")
_CLOCK = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
# Discuz! 7 prints the edit stamp as plain text in the body: "[ 本帖最后由 X 于 2010-6-11 17:11 编辑 ]"
# (X templates wrap it in i.pstatus, which JUNK removes).
_EDIT_STAMP = re.compile(r"\[?\s*本帖最后由\s*\S.{0,40}?\s*于\s*[\d\-/: ]{8,20}\s*编辑\s*\]?")
_POSTED = re.compile(r"(?:发表于|發表於|开始时间)\s*(.+)")
_NEXT_TEXTS = ("下一页", "下一頁", "››", "下页")
# Where a post's author name is, most specific first: the author column's bold link, then profile
# links, then any link of an author line.
_AUTHOR_XPATHS = (
    ".//*[contains(concat(' ', normalize-space(@class), ' '), ' pls ')]//a[contains(concat(' ', @class, ' '), ' xw1 ')]",
    ".//a[contains(concat(' ', @class, ' '), ' xw1 ')]",
    ".//*[contains(concat(' ', normalize-space(@class), ' '), ' authi ')]"
    "//a[contains(@href, 'space-uid-') or contains(@href, 'mod=space')]",
    ".//*[contains(concat(' ', normalize-space(@class), ' '), ' authi ')]//a",
)
# Link texts of author lines that are actions, not names.
_NOT_AUTHORS = frozenset({
    "只看该作者", "只看他", "只看她", "只看楼主", "倒序浏览", "正序浏览", "阅读模式", "电梯直达", "打印", "上一主题",
    "下一主题", "发消息", "加好友", "楼主", "回复", "举报", "使用道具", "显示全部楼层", "查看完整版本",
})


def post_time(node: Selector | None, now: datetime) -> datetime | None:
    """A Discuz time cell. Relative forms ("3 天前", "昨天 05:10") carry the absolute time, or only
    the date, in `span[title]`: prefer that, completing a bare date with the visible clock."""
    if node is None:
        return None
    text = one_line(node.xpath("string()").get())
    titled = node.css("span[title]::attr(title)").get()
    absolute_time = parse_cn_time(titled, now) if titled else None
    if absolute_time is None:
        return parse_cn_time(text, now)
    if ":" not in titled and (clock := _CLOCK.search(text)):
        return parse_cn_time(f"{titled} {clock[0]}", now) or absolute_time
    return absolute_time


def _next_page(sel: Selector, base: str | None) -> str | None:
    href = sel.css("a.nxt::attr(href), div.pages a.next::attr(href)").get()
    if not href:
        # Only anchors whose text could be one of _NEXT_TEXTS (one XPath pass, not a Python loop over
        # every link of the page: this was a hot spot of every crawl).
        for a in sel.xpath("descendant-or-self::a[contains(., '下') or contains(., '›')]"):
            if one_line(a.xpath("string()").get()) in _NEXT_TEXTS and absolute(base, a.attrib.get("href")):
                href = a.attrib.get("href")
                break
    return absolute(base, href)


def _site_title(sel: Selector) -> str | None:
    raw = first(sel, "title::text")
    return _TITLE_TAIL.sub("", raw) or None if raw else None


# ---------------------------------------------------------------- lists

def _list_title(sel: Selector) -> str | None:
    """The forum's name. A list filtered by thread type (求助, 讨论, ...) has `<title>` "求助 - 版块名
    - 站名": segments naming a thread type, or the type the URL filters on, are not the forum."""
    raw = first(sel, "title::text")
    if not raw:
        return None
    segments = [one_line(x) for x in re.split(r"\s+-\s+", raw) if one_line(x)]
    forum = first(sel, "div.bm_h h1.xs2 a::text", "h1.xs2 a::text", "div#pt div.z a:last-of-type::text")
    if forum and forum in segments:
        return forum
    types = {one_line(t) for t in sel.xpath("//*[@id='thread_types']//a/text()[1] | //*[@id='thread_types']//a/text()").getall()}
    types |= {one_line(re.sub(r"\s*\d+\s*$", "", t)) for t in sel.css("#thread_types a").xpath("string()").getall()}
    while len(segments) > 1 and (segments[0] in types or _TYPE_WORD.fullmatch(segments[0])):
        segments.pop(0)
    return segments[0] if segments else None


def _x_item(row: Selector, base: str | None, now: datetime) -> ParsedItem | None:
    link = row.css("a.xst, a.s.xst, th.subject span[id^=thread_] a, th span[id^=thread_] a")
    if not link:
        return None
    title, url = one_line(link[0].xpath("string()").get()), absolute(base, link[0].attrib.get("href"))
    if not title or not url:
        return None
    by = row.css("td.by, td.author")
    author = first(by[0], "cite a::text", "cite::text") if by else None
    num = row.css("td.num, td.nums")
    replies = to_int(first(num[0], "a::text", "strong::text")) if num else None
    views = to_int(first(num[0], "em::text")) if num else None
    stamp = by[0].css("em") if by else None
    return ParsedItem(title=title, url=url, author=author, replies=replies, views=views,
                      published_at=post_time(stamp[0], now) if stamp else None)


def _mobile_item(li: Selector, base: str | None, now: datetime) -> ParsedItem | None:
    link = li.xpath(".//a[contains(@href,'viewthread') or contains(@href,'thread-')]")
    if not link:
        return None  # announcements and ads
    title_node = li.css("div.threadlist_tit") or link[0].css("em") or link[0:1]
    label = "".join(title_node[0].css("span.micon").xpath("string()").getall())
    title = one_line(title_node[0].xpath("string()").get())
    title = one_line(title[len(label.strip()):]) if label.strip() and title.startswith(label.strip()) else title
    views = replies = None
    for cell in li.css("div.threadlist_foot li"):
        icon = cell.css("i::attr(class)").get() or ""
        if "eye" in icon:
            views = to_int(one_line(cell.xpath("string()").get()))
        elif "chat" in icon:
            replies = to_int(one_line(cell.xpath("string()").get()))
    stamp = li.css("span.mtime")
    return ParsedItem(title=title, url=absolute(base, link[0].attrib.get("href")) or "",
                      author=first(li, "a.mmc::text", ".muser h3 a::text"), replies=replies, views=views,
                      published_at=post_time(stamp[0], now) if stamp else None)


def _parse_list(sel: Selector, base: str | None, now: datetime, encoding: str) -> ParsedPage:
    rows = sel.xpath("//tbody[starts-with(@id,'stickthread_') or starts-with(@id,'normalthread_')]")
    items = [_x_item(row, base, now) for row in rows]
    items += [_mobile_item(li, base, now) for li in sel.css("li.list_top, li.list")]
    seen: set[str] = set()
    unique = []
    for item in items:
        if item and item.url and item.url not in seen:
            seen.add(item.url)
            unique.append(item)
    return ParsedPage(page_type="list", title=_list_title(sel), posts=(), items=tuple(unique),
                      next_page=_next_page(sel, base), encoding=encoding)


# ---------------------------------------------------------------- threads

def _floors(labels: list[str], page: int) -> list[int]:
    """Numeric labels ("21垅", "3#", "5楼") are kept; custom ones (楼主/沙发/板凳/垅头, ...) are derived
    from their position, anchored on any numeric label of the page, else on the page number."""
    numbers = [int(m[1]) if (m := _FLOOR_NUMBER.match(label)) else None for label in labels]
    anchor = next(((n - i) for i, n in enumerate(numbers) if n is not None), None)
    if anchor is None:
        anchor = (page - 1) * len(labels) + 1
    return [n if n is not None else i + anchor for i, n in enumerate(numbers)]


def _page_number(sel: Selector, url: str | None) -> int:
    m = _PAGE_IN_URL.search(url or "")
    if m:
        return int(m[1] or m[2])
    return to_int(first(sel, "div.pg strong::text")) or 1


def _thread_title(sel: Selector) -> str | None:
    title = first(sel, "#thread_subject::text", "#thread_subject", "h1.ts a::text", "h1.ts")
    if title:
        return title
    tit = sel.css("div.view_tit")
    if tit:
        label = "".join(tit[0].css("em").xpath("string()").getall()).strip()
        text = one_line(tit[0].xpath("string()").get())
        return one_line(text[len(label):]) if label and text.startswith(label) else text
    return _site_title(sel)


def _body(node: Selector) -> tuple[str, str]:
    text = strip_chrome(_EDIT_STAMP.sub(" ", text_of(node, skip=node.css(JUNK))).strip())
    return text or media_placeholder(node), node.get()


def _by_id(node: Selector, element_id: str):
    """`node.css("#id")` without translating a new CSS string for every post (a crawl hot spot)."""
    return node.xpath("descendant-or-self::*[@id=$id]", id=element_id)


def _post_author(div: Selector) -> str | None:
    """The poster's name. X3.4 templates put it in the left column's `a.xw1`, with or without a
    `div.authi` around it, while the post's own `div.authi` holds "只看该作者"-style links: those
    are never the author."""
    for query in _AUTHOR_XPATHS:
        for link in div.xpath(query):
            value = one_line(link.xpath("string()").get())
            if value and value not in _NOT_AUTHORS:
                return value
    return None


def _x_posts(sel: Selector, now: datetime) -> list[tuple[str, str | None, datetime | None, str, str, str]]:
    out = []
    for div in sel.xpath("//div[starts-with(@id,'post_')]"):
        m = _POST_ID.match(div.attrib.get("id", ""))
        message = _by_id(div, f"postmessage_{m[1]}") if m else None
        if not message:
            continue
        pid = m[1]
        author = _post_author(div)
        stamp = _by_id(div, f"authorposton{pid}")
        label = one_line(_by_id(div, f"postnum{pid}").xpath("string()").get()) or \
            one_line(div.css("div.pi strong").xpath("string()").get())
        text, html = _body(message[0])
        out.append((pid, author, post_time(stamp[0], now) if stamp else None, label, text, html))
    return out


def _d7_posts(sel: Selector, now: datetime) -> list[tuple[str, str | None, datetime | None, str, str, str]]:
    """Discuz! 7.x: one `table#pidN` per floor, the name in the author column's `cite`, "N楼" and
    "发表于 T" in `div.postinfo`. A poll or other special thread puts its first post in a table of
    its own, the name under "发起人" and the time under "开始时间"."""
    out = []
    for message in sel.xpath("//div[starts-with(@id,'postmessage_')]"):
        pid = message.attrib["id"].removeprefix("postmessage_")
        table = message.xpath("ancestor::table[.//td[contains(@class,'postauthor')]][1]")
        if not pid.isdigit() or not table:
            continue
        column = table[0].xpath(".//td[contains(@class,'postauthor')]")
        author = first(column[0], "cite a::text", "cite::text", "dd a::text") if column else None
        info = one_line(table[0].css("div.postinfo").xpath("string()").get())
        started = table[0].xpath(".//dt[contains(., '开始时间')]/following-sibling::dd[1]")
        stamp = _POSTED.search(info) or _POSTED.search("开始时间 " + one_line(started[0].xpath("string()").get())
                                                      if started else "")
        label = one_line(_by_id(table[0], f"postnum{pid}").xpath("string()").get())
        text, html = _body(message)
        out.append((pid, author, parse_cn_time(stamp[1], now) if stamp else None, label, text, html))
    return out


def _mobile_posts(sel: Selector, now: datetime) -> list[tuple[str, str | None, datetime | None, str, str, str]]:
    out = []
    for div in sel.css("div.plc"):
        m = _MOBILE_POST_ID.match(div.attrib.get("id", ""))
        message = div.css("div.message")
        if not m or not message:
            continue
        mtime = div.css("li.mtime")
        # The time is li.mtime's own text; its span.y holds the view/reply counters.
        stamp = one_line(" ".join(mtime[0].xpath("text()").getall())) if mtime else ""
        text, html = _body(message[0])
        out.append((m[1], first(div, "li.mtit span.z a::text", "ul.authi a::text"),
                    parse_cn_time(stamp, now) if stamp else None,
                    one_line(div.css("li.mtit span.y").xpath("string()").get()), text, html))
    return out


def _thread_counts(sel: Selector) -> tuple[int | None, int | None]:
    """(replies, views): X shows "查看: V | 回复: R" in div.hm; the touch template puts the two
    counters in the first post's li.mtime."""
    numbers = [to_int(x) for x in sel.css("div.hm span.xi1::text").getall()]
    numbers = [n for n in numbers if n is not None]
    if len(numbers) >= 2:
        return numbers[1], numbers[0]
    counters = [to_int(x) for x in sel.css("div.plc li.mtime span.y em::text").getall()[:2]]
    if len(counters) == 2:
        return counters[1], counters[0]
    return None, None


def _parse_thread(sel: Selector, base: str | None, url: str | None, now: datetime,
                  encoding: str) -> ParsedPage:
    raw = _x_posts(sel, now) or _mobile_posts(sel, now) or _d7_posts(sel, now)
    floors = _floors([r[3] for r in raw], _page_number(sel, url))
    here = page_url(sel, url)
    posts = tuple(
        ParsedPost(author=author, published_at=when, text=text, floor=floor,
                   url=f"{here}#pid{pid}" if here else None, html=html)
        for (pid, author, when, _label, text, html), floor in zip(raw, floors)
    )
    replies, views = _thread_counts(sel)
    return ParsedPage(page_type="thread", title=_thread_title(sel), posts=posts, items=(),
                      next_page=_next_page(sel, base), encoding=encoding, replies=replies, views=views)


def is_thread(sel: Selector) -> bool:
    return bool(sel.xpath("//*[starts-with(@id,'postmessage_')]") or sel.css("div.plc div.message"))


def parse(body: bytes, url: str | None, *, content_type: str | None = None, now: datetime) -> ParsedPage:
    sel, encoding = load(body, content_type)
    base = page_base(sel, url)
    if is_thread(sel):
        return _parse_thread(sel, base, url, now, encoding)
    page = _parse_list(sel, base, now, encoding)
    if not page.items:
        raise ParseError("不是可识别的 Discuz! 帖子页或列表页")
    return page
