"""青溪新闻网: a local news site with list pages, articles and an RSS 2.0 feed."""
from __future__ import annotations

from datetime import timedelta

from demo.context import SiteContext, pages
from demo.responses import Response, html, not_found
from demo.timefmt import minute, rfc822
from demo.timeline import Post, Thread
from demo.wordbank import INCIDENT_NEWS_SUMMARY, NEWS_COMMENTS

PER_PAGE = 20
RSS_ITEMS = 30
RELATED = 5


def list_url(page: int) -> str:
    return f"/news/list_{page}.html"


def article_url(ctx: SiteContext, post: Post) -> str:
    return f"/news/{ctx.clock.wall_time(post.offset):%Y%m%d}/{post.post_id}.html"


def _visible(ctx: SiteContext, t: float) -> list[tuple[Thread, Post]]:
    """Published articles, newest first."""
    return [(th, posts[0]) for th, posts in ctx.timeline.listing("news", t)]


def _summary(post: Post) -> str:
    if post.incident:
        return INCIDENT_NEWS_SUMMARY
    first = post.text.split("\n", 1)[0]
    return first if len(first) <= 80 else first[:80] + "…"


def news_list(ctx: SiteContext, page: int) -> Response:
    t, _ = ctx.snapshot()
    articles = _visible(ctx, t)
    count = pages(len(articles), PER_PAGE)
    if page > count:
        raise not_found()
    items = [{"title": th.title, "url": article_url(ctx, p), "time": minute(ctx.clock.wall_time(p.offset))}
             for th, p in articles[(page - 1) * PER_PAGE: page * PER_PAGE]]
    pager = {"page": page, "pages": count, "links": [(n, list_url(n)) for n in range(1, count + 1)],
             "prev": list_url(page - 1) if page > 1 else None,
             "next": list_url(page + 1) if page < count else None}
    return html(ctx.render("news_list.html", items=items, pager=pager))


def article(ctx: SiteContext, day: str, article_id: int) -> Response:
    t, now = ctx.snapshot()
    th = ctx.timeline.thread("news", article_id)
    if th is None or not th.visible(t) or article_url(ctx, th.posts[0]) != f"/news/{day}/{article_id}.html":
        raise not_found("您访问的页面不存在或已被删除")
    post = th.posts[0]
    published = ctx.clock.wall_time(post.offset)
    # a few reader comments, shown once their (later) time has come; they are NOT the article body
    comments = []
    for k in range(article_id % 3):
        at = published + timedelta(minutes=7 * (k + 1))
        if at <= now:
            comments.append({"user": f"网友{article_id % 1000 + k * 37}", "time": minute(at),
                             "text": NEWS_COMMENTS[(article_id + k) % len(NEWS_COMMENTS)]})
    related = [{"title": other.title, "url": article_url(ctx, p)}
               for other, p in _visible(ctx, t) if other.thread_id != article_id][:RELATED]
    return html(ctx.render("news_article.html", title=th.title, source=th.source, editor=th.editor,
                           time=minute(published), paragraphs=post.text.split("\n"), summary=_summary(post),
                           comments=comments, related=related,
                           canonical=ctx.base_url + article_url(ctx, post)))


def rss(ctx: SiteContext) -> Response:
    t, now = ctx.snapshot()
    items = [{"title": th.title, "url": ctx.base_url + article_url(ctx, p), "summary": _summary(p),
              "pub": rfc822(ctx.clock.wall_time(p.offset)), "source": th.source}
             for th, p in _visible(ctx, t)[:RSS_ITEMS]]
    text = ctx.render("rss.xml", items=items, base=ctx.base_url, built=rfc822(now))
    return Response(200, text.encode("utf-8"), "application/rss+xml; charset=utf-8")
