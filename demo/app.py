"""Routing of the demo sites: (method, request target) in, Response out. No sockets here."""
from __future__ import annotations

import json
import math
import re
from urllib.parse import parse_qs, quote_from_bytes, unquote, urlsplit

from demo import bbs, boards, news, tieba
from demo.context import SiteContext, page_number
from demo.responses import HttpError, Response, bad_request, not_found, redirect

ROBOTS = "User-agent: *\nDisallow: /bbs/admin/\n"
_BBS_LIST = re.compile(r"^/bbs/forum-(\d{1,9})-(\d{1,9})\.html$")
_BBS_THREAD = re.compile(r"^/bbs/thread-(\d{1,9})-(\d{1,9})-(\d{1,9})\.html$")
_TIEBA_THREAD = re.compile(r"^/tieba/p/(\d{1,12})$")
_NEWS_LIST = re.compile(r"^/news/list_(\d{1,9})\.html$")
_NEWS_ARTICLE = re.compile(r"^/news/(\d{8})/(\d{1,9})\.html$")
_MAX_TARGET = 4096


def parse_query(raw: str) -> dict[str, str]:
    """First value of each parameter. Percent-escapes may be UTF-8 or GBK (Tieba's ie=gbk)."""
    raw_bytes = raw.encode("latin-1", "replace")  # http.server hands us the target as latin-1
    escaped = quote_from_bytes(raw_bytes, safe="&=%+;:/,@!$'()*?")
    for encoding in ("utf-8", "gbk"):
        try:
            parsed = parse_qs(escaped, keep_blank_values=True, encoding=encoding, errors="strict")
        except (UnicodeDecodeError, ValueError):
            continue
        return {k: v[0] for k, v in parsed.items()}
    raise bad_request("查询参数编码无法识别")


class DemoApp:
    def __init__(self, ctx: SiteContext, extra_boards: boards.Boards | None = None):
        self.ctx = ctx
        self.boards = extra_boards  # the benchmark's many bars (demo.boards), if any

    def _board(self, board: int | None) -> tuple[SiteContext, str] | None:
        tl = self.boards.timeline(board) if self.boards is not None and board is not None else None
        if tl is None:
            return None
        return SiteContext(tl, self.ctx.clock, self.ctx.env, self.ctx.base_url), boards.bar_name(board)

    def handle(self, method: str, target: str) -> Response:
        try:
            if len(target) > _MAX_TARGET:
                raise HttpError(414, "请求地址过长")
            parts = urlsplit(target)
            path = unquote(parts.path, errors="strict")
            query = parse_query(parts.query)
            if method in ("GET", "HEAD"):
                return self._get(path, query)
            if method == "POST" and path == "/__demo/advance":
                return self._advance(query)
            raise HttpError(405, "不支持的请求方法")
        except HttpError as e:
            return self._error(e.status, e.reason)
        except UnicodeDecodeError:
            return self._error(400, "请求地址编码无法识别")

    def _error(self, status: int, reason: str) -> Response:
        body = self.ctx.render("error.html", status=status, reason=reason).encode("utf-8")
        headers = (("Allow", "GET, HEAD, POST"),) if status == 405 else ()
        return Response(status, body, headers=headers)

    def _get(self, path: str, q: dict[str, str]) -> Response:
        ctx = self.ctx
        if path in ("/", "/index.html"):
            return Response(200, ctx.render("index.html").encode("utf-8"))
        if path == "/robots.txt":
            return Response(200, ROBOTS.encode("ascii"), "text/plain; charset=utf-8")
        if path.startswith("/__demo/"):
            return self._control(path)
        # --- 青溪论坛 (Discuz!) ---
        if path.startswith("/bbs/admin"):
            raise HttpError(403, "您无权进行当前操作")
        if path in ("/bbs", "/bbs/", "/bbs/index.php"):
            return redirect(bbs.list_url(1))
        if path == "/bbs/forum.php":
            return bbs.forum_php(ctx, q)
        if m := _BBS_LIST.match(path):
            return bbs.forum_list(ctx, int(m[1]), page_number(m[2]))
        if m := _BBS_THREAD.match(path):
            return bbs.view_thread(ctx, int(m[1]), page_number(m[2]))
        # --- 青溪吧 (Tieba) ---
        if path in ("/tieba", "/tieba/"):
            return redirect(tieba.list_url(0))
        if path == "/tieba/f":
            kw, pn = q.get("kw", ""), page_number(q.get("pn"), default=0, minimum=0)
            if board := self._board(boards.board_of_bar(kw)):
                return tieba.forum_list(board[0], kw, pn, bar=board[1])
            return tieba.forum_list(ctx, kw, pn)
        if m := _TIEBA_THREAD.match(path):
            tid, pn = int(m[1]), page_number(q.get("pn"), default=1, minimum=0)
            if board := self._board(boards.board_of_tid(tid)):
                return tieba.view_thread(board[0], tid, pn, bar=board[1])
            return tieba.view_thread(ctx, tid, pn)
        # --- 青溪新闻网 ---
        if path in ("/news", "/news/", "/news/index.html"):
            return redirect(news.list_url(1))
        if path == "/news/rss.xml":
            return news.rss(ctx)
        if m := _NEWS_LIST.match(path):
            return news.news_list(ctx, page_number(m[1]))
        if m := _NEWS_ARTICLE.match(path):
            return news.article(ctx, m[1], int(m[2]))
        raise not_found()

    # --- control endpoints for tests and benchmarks ---

    def _control(self, path: str) -> Response:
        if path == "/__demo/state":
            t, now = self.ctx.snapshot()
            return _json({"demo_seconds": t, "speed": self.ctx.clock.speed, "clock": self.ctx.clock.mode,
                          "now": now.isoformat(), "start": self.ctx.clock.start.isoformat(),
                          "seed": self.ctx.timeline.seed,
                          "visible_posts": len(self.ctx.timeline.posts_until(t))})
        if path == "/__demo/timeline":
            return _json(self.timeline_json())
        raise not_found()

    def timeline_json(self) -> list[dict]:
        t, _ = self.ctx.snapshot()
        base, clock = self.ctx.base_url, self.ctx.clock
        out = []
        for p in self.ctx.timeline.posts_until(t):
            if p.site == "bbs":
                url, thread = bbs.post_url(p), bbs.thread_url(p.thread_id)
            elif p.site == "tieba":
                url, thread = tieba.post_url(p), tieba.thread_url(p.thread_id)
            else:
                url = thread = news.article_url(self.ctx, p)
            out.append({"site": p.site, "url": base + url, "thread_url": base + thread, "floor": p.floor,
                        "title": p.title, "author": p.author, "text": p.text,
                        "published_at": clock.wall_time(p.offset).isoformat(), "incident": p.incident})
        return out

    def _advance(self, q: dict[str, str]) -> Response:
        if self.ctx.clock.mode != "manual":
            raise HttpError(409, "只有手动时钟（--clock manual）可以快进")
        try:
            seconds = float(q.get("seconds", ""))
        except ValueError:
            raise bad_request("seconds 必须是数字") from None
        if not math.isfinite(seconds) or seconds < 0:
            raise bad_request("seconds 必须是非负数")
        self.ctx.clock.advance(seconds)
        return self._control("/__demo/state")


def _json(value) -> Response:
    return Response(200, json.dumps(value, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")
