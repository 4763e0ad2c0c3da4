"""青溪论坛: a Discuz! X3 board served in GBK, markup after the 1point3acres X3 pages."""
from __future__ import annotations

from demo.context import SiteContext, body_html, page_number, pages, user_id
from demo.responses import Response, html, not_found, redirect
from demo.timefmt import discuz_abs, discuz_relative
from demo.timeline import Post, Thread

FID = 2
THREADS_PER_PAGE = 20
POSTS_PER_PAGE = 10
_FLOOR_NAMES = {1: "楼主", 2: "沙发", 3: "板凳", 4: "地板"}


def list_url(page: int) -> str:
    return f"/bbs/forum-{FID}-{page}.html"


def thread_url(tid: int, page: int = 1) -> str:
    return f"/bbs/thread-{tid}-{page}-1.html"


def post_url(post: Post) -> str:
    page = (post.floor - 1) // POSTS_PER_PAGE + 1
    return f"{thread_url(post.thread_id, page)}#pid{post.post_id}"


def _views(thread: Thread, replies: int) -> int:
    return 20 + thread.thread_id % 97 + replies * 11


def _pager(page: int, count: int, link) -> dict | None:
    """div.pg data; Discuz prints no pager at all for a single page."""
    if count <= 1:
        return None
    return {"page": page, "pages": count, "links": [(p, link(p)) for p in range(1, count + 1)],
            "prev": link(page - 1) if page > 1 else None, "next": link(page + 1) if page < count else None}


def _time(dt, now, **fmt) -> dict:
    """Discuz shows recent times relatively, with the absolute time in a title attribute."""
    return {"rel": discuz_relative(dt, now), "abs": discuz_abs(dt, **fmt)}


def forum_list(ctx: SiteContext, fid: int, page: int) -> Response:
    if fid != FID:
        raise not_found("指定的版块不存在")
    t, now = ctx.snapshot()
    rows = ctx.timeline.listing("bbs", t)
    count = pages(len(rows), THREADS_PER_PAGE)
    if page > count:
        raise not_found()
    today = sum(1 for th, posts in rows if ctx.clock.wall_time(posts[0].offset).date() == now.date())

    def row(th: Thread, posts: tuple[Post, ...]) -> dict:
        first, last = posts[0], posts[-1]
        created = ctx.clock.wall_time(first.offset)
        return {"tid": th.thread_id, "title": th.title, "url": thread_url(th.thread_id),
                "pages": [(p, thread_url(th.thread_id, p)) for p in range(2, pages(len(posts), POSTS_PER_PAGE) + 1)],
                "author": first.author, "uid": user_id(first.author),
                "created": _time(created, now, clock=False), "new": created.date() == now.date(),
                "replies": len(posts) - 1, "views": _views(th, len(posts) - 1),
                "last_author": last.author, "last": _time(ctx.clock.wall_time(last.offset), now, seconds=False)}

    sticky = [row(*r) for r in ctx.timeline.listing("bbs", t, sticky=True)] if page == 1 else []
    start = (page - 1) * THREADS_PER_PAGE
    page_rows = [row(*r) for r in rows[start:start + THREADS_PER_PAGE]]
    text = ctx.render("bbs_list.html", sticky=sticky, rows=page_rows, total=len(rows), today=today,
                      pager_data=_pager(page, count, list_url), now=discuz_abs(now, seconds=False), fid=FID)
    return html(text, "gbk")


def view_thread(ctx: SiteContext, tid: int, page: int) -> Response:
    t, now = ctx.snapshot()
    th = ctx.timeline.thread("bbs", tid)
    posts = th.visible(t) if th else ()
    if not posts:
        raise not_found("抱歉，指定的主题不存在或已被删除或正在被审核")
    count = pages(len(posts), POSTS_PER_PAGE)
    if page > count:
        raise not_found()
    shown = posts[(page - 1) * POSTS_PER_PAGE: page * POSTS_PER_PAGE]
    items = [{"pid": p.post_id, "floor": p.floor, "floor_name": _FLOOR_NAMES.get(p.floor),
              "author": p.author, "uid": user_id(p.author), "html": body_html(p.text),
              "href": thread_url(tid) if p.floor == 1 else
              f"/bbs/forum.php?mod=redirect&goto=findpost&ptid={tid}&pid={p.post_id}",
              "time": _time(ctx.clock.wall_time(p.offset), now)} for p in shown]
    text = ctx.render("bbs_thread.html", tid=tid, title=th.title, posts=items, page=page,
                      replies=len(posts) - 1, views=_views(th, len(posts) - 1),
                      pager_data=_pager(page, count, lambda p: thread_url(tid, p)), now=discuz_abs(now, seconds=False),
                      canonical=ctx.base_url + thread_url(tid, page), fid=FID)
    return html(text, "gbk")


def forum_php(ctx: SiteContext, query: dict[str, str]) -> Response:
    """forum.php?mod=forumdisplay|viewthread|redirect, the dynamic forms of the same pages."""
    mod = query.get("mod", "")
    if mod == "forumdisplay":
        return forum_list(ctx, page_number(query.get("fid"), default=0), page_number(query.get("page")))
    if mod == "viewthread":
        return view_thread(ctx, page_number(query.get("tid"), default=0), page_number(query.get("page")))
    if mod == "redirect":
        return _redirect(ctx, query)
    if mod in ("", "index"):
        return redirect(list_url(1))
    raise not_found()


def _redirect(ctx: SiteContext, query: dict[str, str]) -> Response:
    t, _ = ctx.snapshot()
    goto = query.get("goto")
    tid = page_number(query.get("ptid") or query.get("tid"), default=0)
    th = ctx.timeline.thread("bbs", tid)
    posts = th.visible(t) if th else ()
    if not posts:
        raise not_found("抱歉，指定的主题不存在或已被删除或正在被审核")
    if goto == "lastpost":
        return redirect(post_url(posts[-1]))
    if goto == "findpost":
        pid = page_number(query.get("pid"), default=0)
        for p in posts:
            if p.post_id == pid:
                return redirect(post_url(p))
    raise not_found("抱歉，指定的帖子不存在")
