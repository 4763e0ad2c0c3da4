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

from crawlers.parsers.chrome import body_text, strip_chrome
from crawlers.parsers.dom import (
    BLOCK_TAGS, SKIP_TAGS, absolute, first, load, one_line, page_base, page_url, text_of,
)
from crawlers.parsers.model import ParsedItem, ParsedPage, ParsedPost, ParseError
from crawlers.timeparse import parse_cn_time

# Class/id names of headline elements; "bt" is 标题's pinyin initials (div.news_bt), "subject" the
# forum-style name some CMSs use (#thread_subject).
_TITLEISH = re.compile(r"title|tit\b|headline|ArticleTit|subject|biaoti|(?:^|[\s_-])bt(?:$|[\s_-])", re.I)
_SPACES = re.compile(r"\s+")
# "中华人民共和国监察法-纪检": a column name after a bare hyphen (no digits: "1-10月" stays whole).
_BARE_SUFFIX = re.compile(r"(?<=[^\d\s-]{4})-[^\d\-]{1,8}$")
_DATE_CLOCK_PATTERN = (r"(?<!\d)(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*\d{1,2}[:：]\d{2}"
                       r"(?:[:：]\d{2})?")
_DATE = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?!\d)")
_ANY_TIME = re.compile(_DATE.pattern + r"|\d+\s*(?:分钟|小时|天)前|刚刚|昨天|(?<!\d)\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}")
_BYLINE = {
    # "原创：39健康网": the original publisher, person or outlet (an organisation goes to outlet).
    "author": re.compile(r"(?:作者|记者|撰文|文|通讯员|原创)\s*[:：/]\s*([^\s|｜,，。;；()（）\[\]【】]{2,30})"),
    "source": re.compile(r"(?:来源于?|稿源|出处)\s*[:：]\s*([^\s|｜,，。;；()（）\[\]【】]{2,30})"),
    "editor": re.compile(r"(?:责任编辑|责编|编辑)\s*[:：]\s*([^\s|｜,，。;；()（）\[\]【】]{2,20})"),
}
# A byline value that names an organisation (the outlet: 人民日报, 省发改委, 无锡交警) rather than a person.
_ORG = re.compile(
    r"[《》\-—·]|(?:报|社|网|台|局|委|厅|办|处|署|院|部|会|所|站|中心|政府|集团|公司|频道|新闻|杂志|客户端|号|传媒|"
    r"媒体|电视|广播|交警|公安|发布|在线|周刊|之声|头条|资讯|观察|财经|科技|音乐|娱乐|体育|视频|APP|app)$|"
    r"^(?:新华|人民|央视|中新|中国|澎湃|环球|新浪|腾讯|网易|搜狐|凤凰|今日)")
# A person's byline: one or more 2–4-character Chinese names (or a Latin name).
_PERSON = re.compile(r"[\u4e00-\u9fff·]{2,5}(?:[ 、,，][\u4e00-\u9fff·]{2,5}){0,4}|[A-Za-z][A-Za-z .'-]{1,30}")
# A meta bar of pipe-separated cells whose labels have no colon: "来源CSDN| 0 条评论| 作者魏星".
_PIPE_CELL = {
    "author": re.compile(r"(?:^|[|｜])\s*(?:作者|记者)\s*([^\s|｜:：]{2,20})\s*(?=[|｜]|\s|$)"),
    "source": re.compile(r"(?:^|[|｜])\s*(?:来源|出处)\s*([^\s|｜:：]{2,20})\s*(?=[|｜]|\s|$)"),
}
# An outlet printed without a label right after the byline's time: "2021-01-20 04:29:44 39健康网".
_OUTLET_AFTER_TIME = re.compile(_DATE_CLOCK_PATTERN + r"\s+([^\s|｜:：]{2,15})(?=\s)")
# An outlet printed without a label right before the time, first on the byline line:
# "香港電台-財經 2024年5月22日週三 上午8:21", "法新社 2024年5月20日…".
_OUTLET_BEFORE_TIME = re.compile(r"^([^\s|｜:：]{2,15})\s+" + _DATE.pattern)
# A site name as `<meta name=author>` content ("CSDN.NET"): a domain is never a person.
_DOMAIN = re.compile(r"\.(?:com|net|org|cn|cc|tv)(?:\.cn)?$", re.I)
_LABEL_INSIDE = re.compile(r"[:：]|来源|时间|日期|编辑|发布|字号|分享|打印")
# "石佳/中国青年报": a person and their outlet in one byline.
_PERSON_SLASH_OUTLET = re.compile(r"^([\u4e00-\u9fff·]{2,5}(?:[ 、][\u4e00-\u9fff·]{2,5}){0,3})\s*/\s*(\S{2,30})$")
# "新华社巴黎12月9日电（记者唐霁）", "（记者陈智 整合）": the reporter named in the dateline.
_DATELINE_REPORTER = re.compile(
    r"[（(]\s*(?:本报|本台|本网)?(?:记者|通讯员)\s*([\u4e00-\u9fff·]{2,4}(?:[ 、][\u4e00-\u9fff·]{2,4}){0,3}?)"
    r"(?:\s*(?:整合|报道|摄影?|实习生.{0,10}|通讯员.{0,10}))?\s*[）)]")
# Times a label announces: preferred over the first bare date after the headline (a date-only
# header line or a dateline must not hide "发稿时间：2024-05-13 06:03:00"). A bare 时间/日期 is a
# label only with a colon and not inside a word: "午餐时间 2019年…" ends a sidebar headline.
_LABELLED_TIME = re.compile(
    r"(?:(?:发稿|发布|发表|更新|刊发|出版|上线)(?:时间|日期)\s*[:：]?|(?<![\u4e00-\u9fff])(?:时间|日期)\s*[:：])"
    r"\s*((?:(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|\d{2}-\d{2}-\d{2})"
    r"[^\n]{0,30})")
_DATE_CLOCK = re.compile(_DATE_CLOCK_PATTERN)
_SCRIPT_EPOCH = re.compile(r"\bvar\s+ct\s*=\s*[\"']?(\d{10})\b")
# Site markup that names the source where no label does (新浪 2009, 人民网, 澎湃 byline, 长江网).
_SOURCE_SELECTORS = ("span#media_name", "#ArtFrom a.lblack", "span#p_origin a", "span#p_origin", ".source a", ".source",
                     ".news_about p:first-child", "span.sour")
# Subtrees of the body block that are not article text.
_JUNK_NAME = re.compile(
    r"comment|share|related|recommend|footer|copyright|advert|\bad\b|[-_]ad\b|\bad[-_]|sidebar|"
    r"pager|page_?nav|keyword|nav\b|toolbar|print|fenxiang", re.I)
# Of those, the tool-bar words some CMSs also put on the story's own container ("js_img_share_area",
# "print_area"): such an element holding paragraphs of prose is the story, not a share or print bar.
_TOOL_NAME = re.compile(r"share|print|fenxiang|toolbar", re.I)
_TOOL_BAR_PROSE = 100
# Navigation, menu and login bars around a portal's headlines.
_NAV_NAME = re.compile(r"(?:^|[\s_-])(?:nav|navi|navbar|menu|login|topbar)(?:$|[\s_-])", re.I)
# The page footer: copyright lines and disclaimers.
_FOOTER_NAME = re.compile(r"footer|copyright|(?:^|[\s_-])foot(?:$|[\s_-])", re.I)
# Trailing editor stamps and correction links closing a body.
_TRAILER_LINE = re.compile(r"^[\[【(（]?\s*(?:(?:责任编辑|责编|编辑)\s*[:：].{0,30}|纠错)\s*[\]】)）]?$")
_NEXT_TEXTS = ("下一页", "下页", "下一頁", "下一页>", "下一页 >")
_FOLLOW_CHARS = 2000
_CONTAINERS = BLOCK_TAGS | {"td", "body"}
_PARAGRAPHS = frozenset({"p", "li", "dd", "dt", "pre", "blockquote", "figcaption"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_MIN_BODY = 40
_CLAUSE = re.compile(r"[，。；！？]")
_ARTICLE_PROSE = 60  # sentence characters outside link lists that make a page an article
_HEADLINE_LEN = (8, 60)
_PORTAL_LINKS = 15
_BEFORE_CHARS = 600
_ROW_CHARS = 120  # a list row: a title, a date, perhaps a source; never a paragraph
_ABOVE_LEVELS = 5  # the block and its ancestors up to here may hold the headline's parent
_AFTER_BODY_CHARS = 80  # headline links on a page without a story: a portal front page
# A front page whose teasers carry a sentence each: its prose is scattered over many small blocks,
# none of them a story, among a hundred or more headline links.
_TEASER_PORTAL_LINKS = 100
_TEASER_BLOCK = 200


def _squash(s: str) -> str:
    return _SPACES.sub("", s)


_LEADING_SEPARATOR = re.compile(r"^\s*[-_|｜—–]+\s*")
# Dashes a `<title>` may print differently from the headline ("增强——前4个月" titled "增强-前4个月").
_DASHES = re.compile(r"[—–－―-]+")


def _title_key(s: str) -> str:
    """`s` as headline and `<title>` are compared: no spaces, any run of dashes one hyphen."""
    return _DASHES.sub("-", _squash(s))


# ---------------------------------------------------------------- headline

def _headline(sel: Selector, block: etree._Element | None = None) -> tuple[Selector | None, str | None]:
    """(element, text) of the headline; the text is what `<title>` / og:title contain. Where the
    `<title>` names only the site or column ("科普中国-辟谣文章": shorter than any headline), the
    headline element standing just above the story block."""
    page_titles = [t for t in (first(sel, "title::text"),
                               sel.css('meta[property="og:title"]::attr(content)').get()) if t]
    squashed = [_title_key(t) for t in page_titles]
    best: tuple[int, int, Selector, str] | None = None
    candidates = sel.xpath("//h1 | //h2 | //h3 | //h4 | //*[self::div or self::span or self::td or self::b or "
                           "self::strong or self::p][@class or @id]")
    for order, node in enumerate(candidates):
        tag = node.root.tag
        if tag not in ("h1", "h2", "h3", "h4") and not _TITLEISH.search(
                f"{node.attrib.get('class', '')} {node.attrib.get('id', '')}"):
            continue
        text = one_line(text_of(node))
        if not 4 <= len(text) <= 120:
            continue
        key = _title_key(text)
        if any(key in t for t in squashed):
            score = len(key) * 10 + (3 if tag == "h1" else 2 if tag == "h2" else 1)
            if best is None or score > best[0]:
                best = (score, order, node, text)
    if best:
        return best[2], best[3]
    head = None
    site_only = False
    if page_titles:
        head = re.split(r"\s*(?:_|--|\s-\s|\||｜)\s*", page_titles[-1])[0] or page_titles[-1]
        head = _BARE_SUFFIX.sub("", head)
        # "-铜雀历史网": the CMS printed an empty headline before the site's name.
        site_only = bool(_LEADING_SEPARATOR.match(head))
        head = _LEADING_SEPARATOR.sub("", head)
    if block is not None and (site_only or len(_squash(head or "")) < _HEADLINE_LEN[0]):
        above = _headline_above(candidates, block)
        if above is not None:
            return above, one_line(text_of(above))
    return None, head


def _headline_above(candidates: list[Selector], block: etree._Element) -> Selector | None:
    """The last headline-like element (h1–h4 or a title-classed one) before the story block whose
    parent encloses the block within a few levels: the story's own heading, not a sidebar's."""
    enclosing = [block]
    while len(enclosing) < _ABOVE_LEVELS and enclosing[-1].getparent() is not None:
        enclosing.append(enclosing[-1].getparent())
    found = None
    for node in candidates:
        el = node.root
        if el is block or el.getparent() not in enclosing or any(a is el for a in block.iterancestors()):
            continue
        tag = el.tag
        if tag not in ("h1", "h2", "h3", "h4") and not _TITLEISH.search(f"{el.get('class', '')} {el.get('id', '')}"):
            continue
        if not _HEADLINE_LEN[0] <= len(_squash(text_of(node))) <= _HEADLINE_LEN[1]:
            continue
        if _precedes(el, block):
            found = node
    if found is not None and found.root.tag not in _HEADINGS:
        # A title-classed wrapper around the heading and its byline line ("<div class=lct_tit>
        # <h1>…</h1><p>时间：…</p></div>"): the heading is the headline, the rest follows it.
        for heading in found.xpath(".//h1 | .//h2 | .//h3 | .//h4"):
            if _HEADLINE_LEN[0] <= len(_squash(text_of(heading))) <= _HEADLINE_LEN[1]:
                return heading
    return found


def _precedes(el: etree._Element, block: etree._Element) -> bool:
    for node in el.getroottree().iter():
        if node is el:
            return True
        if node is block:
            return False
    return False


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


def _text_before(root: etree._Element, block: etree._Element, limit: int = _BEFORE_CHARS) -> str:
    """The last `limit` characters of visible text before `block`: where the byline sits when no
    headline element was found (pages titled with their column's name)."""
    parts: list[str] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        if event == "start":
            if el is block:
                break
            if not isinstance(el.tag, str) or el.tag.lower() in SKIP_TAGS or _hidden(el):
                walker.skip_subtree()
                continue
            if el.text:
                parts.append(el.text)
        elif el.tail and el is not root:
            parts.append(el.tail)
    return " ".join(" ".join(parts).split())[-limit:]


def _text_after(block: etree._Element, limit: int = _AFTER_BODY_CHARS) -> str:
    """The first characters of visible text after `block` (a time printed under the story)."""
    return " ".join(" ".join(_iter_following_text(block, None)).split())[:limit] if block is not None else ""


def _published(after: str, block_head: str, below: str, sel: Selector, now: datetime) -> datetime | None:
    """The article's time: a labelled time after the headline, else the first date there
    (completed by a clock printed with the same date nearby), else a labelled time or a date with
    clock at the top of the body block (bylines inside the story container), else page metadata."""
    for text in (after, block_head, below):
        labelled = _LABELLED_TIME.search(text)
        if labelled and (found := parse_cn_time(labelled[1], now)):
            return found
        if text is after and (m := _DATE.search(text)):
            found = parse_cn_time(text[m.start():m.start() + 40], now)
            if found and found.hour == found.minute == 0:
                for clocked in _DATE_CLOCK.finditer(text, m.start(), m.start() + 400):
                    better = parse_cn_time(clocked[0], now)
                    if better and better.date() == found.date():
                        return better
            if found:
                return found
        if text is not after and (m := _DATE_CLOCK.search(text)):
            if found := parse_cn_time(m[0], now):
                return found
    meta = sel.css('meta[property="article:published_time"]::attr(content), meta[name="publishdate"]::attr(content), '
                   'meta[name="pubdate"]::attr(content), meta[itemprop="datePublished"]::attr(content), '
                   'meta[name="PubDate"]::attr(content), meta[name="publishtime"]::attr(content)').get()
    if meta:
        return parse_cn_time(meta, now)
    # WeChat 公众号 articles print only "昨天"-style times, filled in by script from `var ct` (epoch).
    for script in sel.xpath("//script[contains(., 'var ct')]/text()").getall():
        if m := _SCRIPT_EPOCH.search(script):
            return parse_cn_time(int(m[1]), now)
    return None


def _is_org(value: str) -> bool:
    return bool(_ORG.search(value) or _DOMAIN.search(value)) or not _PERSON.fullmatch(value)


def _labelled(kind: str, *texts: str) -> list[str]:
    """Values of a byline label, in order, without empty labels that swallowed the next one; then
    the colon-less cells of a pipe-separated meta bar."""
    found = [m[1] for text in texts for m in _BYLINE[kind].finditer(text) if not _LABEL_INSIDE.search(m[1])]
    if kind in _PIPE_CELL:
        found += [m[1] for text in texts if "|" in text or "｜" in text for m in _PIPE_CELL[kind].finditer(text)
                  if not _LABEL_INSIDE.search(m[1])]
    return found


def _byline(after: str, sel: Selector, body: str) -> tuple[str | None, str | None]:
    """(author, outlet): the person who wrote the article and the outlet that published it. A
    labelled 作者 naming an organisation is an outlet; "记者/报社" bylines are split; a dateline
    "（记者钱伟）" names the author when no label does."""
    people: list[str] = []
    outlets: list[str] = []  # in order of trust
    org_authors: list[str] = []
    for value in _labelled("author", after):
        if (m := _PERSON_SLASH_OUTLET.match(value)) and _is_org(m[2]):
            people.append(m[1])
            org_authors.append(m[2])
        elif _is_org(value):
            org_authors.append(value)
        else:
            people.append(value)
    head = after[:60].split(" ")[0] if after else ""
    if (m := _PERSON_SLASH_OUTLET.match(head)) and _is_org(m[2]):
        people.append(m[1])
        org_authors.append(m[2])
    people += [m[1] for m in _DATELINE_REPORTER.finditer(body[:200])]
    people += [v for v in _labelled("author", body[:200], body[-300:]) if not _is_org(v)]
    outlets += _labelled("source", after)
    for css in _SOURCE_SELECTORS:
        value = first(sel, css)
        if value:
            labelled = _BYLINE["source"].search(value)
            value = labelled[1] if labelled else value
            if (split := _PERSON_SLASH_OUTLET.match(value)) and _is_org(split[2]):
                value = split[2]
            if 2 <= len(value) <= 30 and not _LABEL_INSIDE.search(value):
                outlets.append(value)
                break
    outlets += org_authors + _labelled("source", body[-300:])
    if (m := _OUTLET_AFTER_TIME.search(after[:300])) and _ORG.search(m[1]) and not _LABEL_INSIDE.search(m[1]):
        outlets.append(m[1])
    meta = (sel.css('meta[name="author"]::attr(content)').get() or "").strip()
    if meta and not meta.isdigit() and len(meta) <= 30:
        (outlets if _is_org(meta) else people).append(meta)
    if (m := _OUTLET_BEFORE_TIME.match(after)) and _ORG.search(m[1]) and not _LABEL_INSIDE.search(m[1]):
        outlets.append(m[1])
    return (people[0] if people else None), (outlets[0] if outlets else None)


# ---------------------------------------------------------------- body

def _visible_len(s: str | None) -> int:
    return len(_squash(s)) if s else 0


def _hidden(el: etree._Element) -> bool:
    """Hidden by inline style or attribute: SEO keyword dumps and "原标题" stamps nobody sees."""
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style or el.get("hidden") is not None


def _prose_weight(s: str | None) -> float:
    """Visible length, a third of it for short runs without clause punctuation (dates, sources,
    counters of a related-links block are not story text)."""
    n = _visible_len(s)
    return n if n >= 30 or _CLAUSE.search(s or "") else n / 3


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
        if tag in SKIP_TAGS or tag == "a" or tag in _HEADINGS or _hidden(el) or _junk(el):
            walker.skip_subtree()  # links, headings, comments, share bars and sidebars are not the story
            continue
        own = _prose_weight(el.text) + sum(_prose_weight(c.tail) for c in el if not (
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


def _junk(el: etree._Element) -> bool:
    """Comment, share, related-links, footer… subtrees (by class/id), but not an element named only
    by a tool-bar word that holds the story's prose."""
    name = f"{el.get('class', '')} {el.get('id', '')}"
    if not _JUNK_NAME.search(name):
        return False
    if _JUNK_NAME.search(_TOOL_NAME.sub(" ", name)):
        return True
    prose = text_of(el, skip=list(el.iter("a")))
    return sum(len(line) for line in prose.split("\n") if _CLAUSE.search(line)) < _TOOL_BAR_PROSE


def _story_in_headline_article(node: Selector | None, block: etree._Element | None) -> etree._Element | None:
    """The story block inside the headline's own `<article>` element when the page's densest block
    lies outside it: a one-paragraph story loses on length to a stream of teasers beside it."""
    if node is None or block is None:
        return block
    article = next((a for a in node.root.iterancestors() if a.tag == "article"), None)
    if article is None or any(a is article for a in block.iterancestors()):
        return block
    inner = _densest_block(article)
    return inner if inner is not None and _visible_len(text_of(inner)) >= _MIN_BODY else block


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
        skip += [e for e in block.iter() if isinstance(e.tag, str) and e is not block and (_hidden(e) or _junk(e))]
        html = etree.tostring(block, encoding="unicode", method="html")
        text = body_text(block, skip=skip)
    if len(text) < _MIN_BODY:
        text = strip_chrome(_trafilatura(sel, url)) or text
    lines = text.split("\n")
    tail = next((i for i in range(max(0, len(lines) - 4), len(lines)) if _TRAILER_LINE.match(lines[i])), None)
    return "\n".join(lines[:tail]), html


def _prose_chars(root: etree._Element, lists: list[etree._Element]) -> int:
    """Characters of sentence-like lines (with Chinese clause punctuation) on the page, links,
    the dated link lists (with any summaries in their rows) and the footer (a site's disclaimer
    is a sentence on every page) left out: what an article has and a page of headlines, dates and
    sources has not."""
    hidden = [e for e in root.iter() if isinstance(e.tag, str) and (_hidden(e) or _FOOTER_NAME.search(
        f"{e.get('class', '')} {e.get('id', '')}"))]
    lines = text_of(root, skip=list(root.iter("a")) + lists + hidden).split("\n")
    return sum(len(line) for line in lines if len(line) >= 20 and _CLAUSE.search(line))


def _headline_links(sel: Selector, base: str | None) -> list[ParsedItem]:
    """A portal front page's headline links (no times): anchors whose text reads like a headline,
    outside the site's navigation and login bars (their "注册VIP邮箱（特权邮箱，付费）" menus)."""
    items: list[ParsedItem] = []
    seen: set[str] = set()
    for a in sel.xpath("//a[@href]"):
        title = _link_title(a)
        if not _HEADLINE_LEN[0] <= len(title) <= _HEADLINE_LEN[1]:
            continue
        if any(_NAV_NAME.search(f"{e.get('class', '')} {e.get('id', '')}") for e in a.root.iterancestors()):
            continue
        url = absolute(base, a.attrib.get("href"))
        if url and url not in seen and url != base:
            seen.add(url)
            items.append(ParsedItem(title=title, url=url, author=None, replies=None, views=None, published_at=None))
    return items


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


def _list_items(sel: Selector, base: str | None, now: datetime,
                groups=None) -> tuple[list[ParsedItem], list[etree._Element]]:
    """Items of the link lists whose rows mostly carry a time (news lists), in page order, and
    those lists' elements. `groups` are (elements covered, rows) pairs; the page's ul/ol by default."""
    items: list[ParsedItem] = []
    lists: list[etree._Element] = []
    seen: set[str] = set()
    for covers, rows in (_ul_rows(sel) if groups is None else groups):
        parsed = [row_item for li in rows if (row_item := _row_item(li, base, now))]
        dated = [i for i in parsed if i.published_at]
        if len(dated) < max(3, len(rows) // 2):
            continue
        lists += covers
        for item in parsed:
            if item.url not in seen:
                seen.add(item.url)
                items.append(item)
    return items, lists


def _ul_rows(sel: Selector):
    for ul in sel.xpath("//ul | //ol"):
        rows = ul.xpath("./li")
        if len(rows) >= 3:
            yield [ul.root], rows


def _div_rows(sel: Selector):
    """Runs of three or more short sibling div/p/dd rows holding a link: disclosure columns that
    print "<div><a>公告</a><span>2020-07-01</span></div>" without a list element. Short, so that
    an article's paragraphs never pass for rows."""
    for parent in sel.xpath("//*[count(div) >= 3 or count(p) >= 3 or count(dd) >= 3]"):
        for tag in ("div", "p", "dd"):
            rows = parent.xpath(f"./{tag}[a[@href]]")
            if len(rows) >= 3 and all(len(one_line(text_of(r))) <= _ROW_CHARS for r in rows):
                yield [r.root for r in rows], rows


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
    items, lists = _list_items(sel, base, now)
    rows, row_lists = _list_items(sel, base, now, _div_rows(sel))
    block = _densest_block(sel.root)
    node, headline = _headline(sel, block)
    block = _story_in_headline_article(node, block)
    prose = _prose_chars(sel.root, lists + row_lists)
    article_like = prose >= _ARTICLE_PROSE
    links = None
    if article_like:
        story = _visible_len(text_of(block)) if block is not None else 0
        if story < _TEASER_BLOCK and 2 * story < prose:
            links = _headline_links(sel, base)
            article_like = len(links) < _TEASER_PORTAL_LINKS
    if not article_like and len(items) < 8:
        # No dated ul/ol list: dated div rows, unless they are only a corner of a front page's
        # headlines (a news centre's rolling block beside its undated top stories).
        links = links if links is not None else _headline_links(sel, base)
        if len(rows) >= 8 and len(links) < 2 * len(rows):
            items = rows
        elif len(links) >= _PORTAL_LINKS:
            items = links
    if len(items) >= 8 and not article_like:
        raw = first(sel, "title::text")
        return ParsedPage(page_type="list", title=raw, posts=(), items=tuple(items),
                          next_page=_next_page(sel, base), encoding=encoding)
    text, html = _body(sel, block, url)
    if not text and not headline:
        raise ParseError("页面中找不到新闻正文或列表")
    after = _following_text(node, sel, block)
    if node is None and block is not None:
        after = f"{_text_before(sel.root, block)} {after}"
    block_head = "" if block is None else " ".join(" ".join(block.itertext()).split())[:300]
    author, outlet = _byline(after, sel, text)
    post = ParsedPost(author=author, published_at=_published(after, block_head, _text_after(block), sel, now), text=text,
                      floor=1, url=page_url(sel, url), html=html, outlet=outlet)
    return ParsedPage(page_type="article", title=headline, posts=(post,), items=(),
                      next_page=_next_page(sel, base), encoding=encoding)
