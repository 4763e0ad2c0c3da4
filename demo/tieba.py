"""青溪吧: a Tieba-style post bar, markup after the 2017-2020 PC pages."""
from __future__ import annotations

import json
from urllib.parse import quote

from demo.context import SiteContext, body_html, pages, user_id
from demo.responses import Response, html, not_found
from demo.timefmt import minute, tieba_short
from demo.timeline import Post, Thread

KW = "青溪"
FORUM_ID = 52013
THREADS_PER_PAGE = 50
FLOORS_PER_PAGE = 30


def list_url(pn: int = 0, kw: str = KW) -> str:
    return f"/tieba/f?kw={quote(kw)}&ie=utf-8&pn={pn}"


def thread_url(tid: int, pn: int = 1) -> str:
    return f"/tieba/p/{tid}" + (f"?pn={pn}" if pn > 1 else "")


def post_url(post: Post) -> str:
    return f"/tieba/p/{post.thread_id}?pid={post.post_id}#{post.post_id}"


def _user_link(name: str, fr: str) -> str:
    return f"/tieba/home/main?un={quote(name)}&ie=utf-8&fr={fr}"


def _compact(value) -> str:
    """JSON as Tieba prints it in data-field attributes: compact, non-ASCII as \\uXXXX."""
    return json.dumps(value, separators=(",", ":"))


def _abstract(text: str) -> str:
    flat = text.replace("\n", " ")
    return flat if len(flat) <= 60 else flat[:60] + "..."


def forum_list(ctx: SiteContext, kw: str, pn: int, *, bar: str = KW) -> Response:
    """The thread list of bar `bar` (青溪吧, or one of the bench's boards, demo.boards)."""
    if kw.strip().removesuffix("吧") != bar:
        raise not_found("抱歉，根据相关法律法规和政策，本吧暂不开放。")

    def page_url(pn: int) -> str:
        return list_url(pn, bar)

    t, now = ctx.snapshot()
    rows = ctx.timeline.listing("tieba", t)
    if pn and pn >= len(rows):
        raise not_found()

    def row(th: Thread, posts: tuple[Post, ...], top: bool = False) -> dict:
        first, last = posts[0], posts[-1]
        field = {"id": th.thread_id, "author_name": first.author, "author_nickname": first.author,
                 "first_post_id": first.post_id, "reply_num": len(posts) - 1, "is_bakan": None, "vid": "",
                 "is_good": None, "is_top": True if top else None, "is_protal": None}
        return {"tid": th.thread_id, "title": th.title, "url": thread_url(th.thread_id), "top": top,
                "data_field": _compact(field), "replies": len(posts) - 1,
                "author": first.author, "author_field": _compact({"un": first.author}),
                "author_uid": _compact({"user_id": user_id(first.author)}),
                "author_link": _user_link(first.author, "frs"),
                "created": tieba_short(ctx.clock.wall_time(first.offset), now),
                "abstract": _abstract(first.text), "last_author": last.author,
                "last_field": _compact({"un": last.author}), "last_link": _user_link(last.author, "frs"),
                "last": tieba_short(ctx.clock.wall_time(last.offset), now)}

    page = pn // THREADS_PER_PAGE + 1
    count = pages(len(rows), THREADS_PER_PAGE)
    numbers = range(max(1, page - 4), min(count, page + 5) + 1)
    pager = {"page": page, "links": [(p, page_url((p - 1) * THREADS_PER_PAGE)) for p in numbers],
             "first": page_url(0) if page > 1 else None,
             "prev": page_url((page - 2) * THREADS_PER_PAGE) if page > 1 else None,
             "next": page_url(page * THREADS_PER_PAGE) if page < count else None,
             "last": page_url((count - 1) * THREADS_PER_PAGE) if page < count else None}
    sticky = [row(*r, top=True) for r in ctx.timeline.listing("tieba", t, sticky=True)] if pn == 0 else []
    text = ctx.render("tieba_list.html", kw=bar, home=page_url(0), sticky=sticky,
                      rows=[row(*r) for r in rows[pn:pn + THREADS_PER_PAGE]], pager=pager,
                      threads=len(rows), posts=sum(len(p) for _, p in rows))
    return html(text)


def view_thread(ctx: SiteContext, tid: int, pn: int, *, bar: str = KW) -> Response:
    t, now = ctx.snapshot()
    th = ctx.timeline.thread("tieba", tid)
    posts = th.visible(t) if th else ()
    if not posts:
        raise not_found("很抱歉，该贴已被删除。")
    count = pages(len(posts), FLOORS_PER_PAGE)
    pn = max(pn, 1)
    if pn > count:
        raise not_found()
    shown = posts[(pn - 1) * FLOORS_PER_PAGE: pn * FLOORS_PER_PAGE]

    def floor(i: int, p: Post) -> dict:
        body = body_html(p.text)
        field = {"author": {"user_id": user_id(p.author), "user_name": p.author, "props": None},
                 "content": {"post_id": p.post_id, "is_anonym": False, "forum_id": FORUM_ID, "thread_id": tid,
                             "content": str(body), "post_no": p.floor, "type": "0", "comment_num": 0,
                             "props": None, "post_index": i, "pb_tpoint": None}}
        return {"pid": p.post_id, "floor": p.floor, "author": p.author, "html": body, "client": p.client,
                "data_field": _compact(field), "name_field": _compact({"un": p.author}),
                "uid_field": _compact({"user_id": user_id(p.author)}), "link": _user_link(p.author, "pb"),
                "time": minute(ctx.clock.wall_time(p.offset))}

    heading = th.title if pn == 1 else f"回复：{th.title}"
    numbers = range(max(1, pn - 4), min(count, pn + 5) + 1)
    pager = {"page": pn, "links": [(p, thread_url(tid, p)) for p in numbers],
             "first": thread_url(tid) if pn > 1 else None,
             "prev": thread_url(tid, pn - 1) if pn > 1 else None,
             "next": thread_url(tid, pn + 1) if pn < count else None,
             "last": thread_url(tid, count) if pn < count else None}
    text = ctx.render("tieba_thread.html", kw=bar, home=list_url(0, bar), tid=tid, heading=heading,
                      floors=[floor(i, p) for i, p in enumerate(shown)], replies=len(posts) - 1, pages=count,
                      pager=pager, canonical=ctx.base_url + thread_url(tid, pn),
                      see_lz=f"/tieba/p/{tid}?see_lz=1")
    return html(text)
