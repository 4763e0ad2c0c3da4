"""Support for the crawl tests (no tests here): a small scriptable forum on 127.0.0.1 with Discuz-like
markup and hostile pages, config directories, and crawls through the real spider, each in its own
process as in production (a Twisted reactor cannot restart): `crawl` forks a child that runs
`crawlers.run.crawl(...)` with imports and the jieba pipeline already loaded (fast), `crawl_cli`
and `start_crawl` run `python -m crawlers.run` exactly as the scheduler does."""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from conftest import ROOT

POSTS_PER_PAGE = 5
LIST_SIZE = 20  # threads per list page


@dataclass
class Hit:
    path: str
    at: float
    headers: dict


@dataclass
class Thread:
    tid: int
    title: str
    posts: list[str]


@dataclass
class Forum:
    """What the site shows. Tests mutate it between crawls (new replies, a new layout, ...)."""

    threads: dict[int, Thread] = field(default_factory=dict)
    layout: str = "discuz"  # "discuz", or "redesigned": the markup the parser knows is gone
    thread_layout: str = "discuz"
    extra_rows: list[tuple[str, str]] = field(default_factory=list)  # (title, href) of hostile links
    link_suffix: str = "?from=list&utm_source=feed#top"  # tracking noise on list links
    list_next: str | None = None  # href of the list's "next page" link; "{next}" makes it endless
    unlisted: set[int] = field(default_factory=set)  # threads pushed off the pages a crawl reads

    def add_thread(self, tid: int, n_posts: int, title: str | None = None) -> Thread:
        posts = [f"第{tid}帖第{i}楼 青溪 东湖区 今天的情况" for i in range(1, n_posts + 1)]
        t = Thread(tid, title or f"青溪路口积水第{tid}帖", posts)
        self.threads[tid] = t
        return t

    def order(self) -> list[Thread]:
        """Most replies first, then newest, like a forum list sorted by activity."""
        listed = (t for t in self.threads.values() if t.tid not in self.unlisted)
        return sorted(listed, key=lambda t: (-len(t.posts), -t.tid))


def list_page(forum: Forum, page: int) -> str:
    endless = forum.list_next is not None and "{next}" in forum.list_next
    first = 0 if endless else (page - 1) * LIST_SIZE  # an endless list repeats its first page
    threads = forum.order()[first:first + LIST_SIZE]
    rows = [(t.title, f"thread-{t.tid}-1-1.html{forum.link_suffix}", len(t.posts) - 1) for t in threads]
    rows += [(title, href, 0) for title, href in (forum.extra_rows if page == 1 else [])]
    if forum.layout == "discuz":
        body = "".join(
            f'<tbody id="normalthread_{i}"><tr><th><a href="{escape(href)}" class="s xst">{escape(title)}</a></th>'
            f'<td class="by"><cite><a>作者{i}</a></cite><em><span>2024-5-1 10:00</span></em></td>'
            f'<td class="num"><a>{replies}</a><em>{replies * 10}</em></td></tr></tbody>'
            for i, (title, href, replies) in enumerate(rows))
        body = f"<table id='threadlisttableid'>{body}</table>"
    else:  # a redesign: no tbody ids, no a.xst
        body = "".join(f'<div class="card"><h3><span data-href="{escape(href)}">{escape(title)}</span></h3></div>'
                       for title, href, _ in rows)
    href = forum.list_next.format(next=page + 1) if forum.list_next else None
    nxt = f'<div class="pg"><a class="nxt" href="{escape(href)}">下一页</a></div>' if href else ""
    return (f"<html><head><meta charset='utf-8'><title>青溪论坛 - Powered by Discuz!</title></head>"
            f"<body>{body}{nxt}</body></html>")


def thread_page(forum: Forum, tid: int, page: int, *, endless: bool = False) -> str | None:
    t = forum.threads.get(tid)
    if t is None:
        return None
    start = (page - 1) * POSTS_PER_PAGE
    if endless and start >= len(t.posts):  # a pagination trap: the last page again, "next" forever
        start = max(0, (len(t.posts) - 1) // POSTS_PER_PAGE * POSTS_PER_PAGE)
    chunk = t.posts[start:start + POSTS_PER_PAGE]
    if not chunk:
        return None
    if forum.thread_layout != "discuz":
        posts = "".join(f"<section class='reply'>{escape(p)}</section>" for p in chunk)
    else:
        posts = "".join(
            f'<div id="post_{tid * 1000 + start + i}"><div class="authi"><a class="xw1">用户{start + i}</a></div>'
            f'<em id="authorposton{tid * 1000 + start + i}">发表于 2024-5-1 10:{(start + i) % 60:02d}</em>'
            f'<strong><a id="postnum{tid * 1000 + start + i}"><em>{start + i + 1}</em>#</a></strong>'
            f'<table><tr><td class="t_f" id="postmessage_{tid * 1000 + start + i}">{escape(p)}</td></tr></table></div>'
            for i, p in enumerate(chunk))
    more = endless or start + POSTS_PER_PAGE < len(t.posts)
    nxt = f'<div class="pg"><a class="nxt" href="thread-{tid}-{page + 1}-1.html">下一页</a></div>' if more else ""
    return (f"<html><head><meta charset='utf-8'><title>{escape(t.title)} - 青溪论坛</title></head><body>"
            f'<h1 class="ts"><span id="thread_subject">{escape(t.title)}</span></h1>'
            f'<div class="hm"><span class="xi1">{len(t.posts) * 10}</span><span class="xi1">{len(t.posts) - 1}</span></div>'
            f"{posts}{nxt}</body></html>")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64  # socketserver's 5 drops SYNs when a crawler opens 8 connections at once


class Site:
    """A ThreadingHTTPServer in a background thread. `routes` maps a path to a handler
    `fn(handler) -> None` that writes the whole response; anything else is the forum."""

    def __init__(self, forum: Forum | None = None, *, robots: str = "User-agent: *\nDisallow: /private/\n",
                 delay: float = 0.0):
        self.forum = forum or Forum()
        self.robots = robots
        self.delay = delay  # seconds every forum page takes (to observe concurrency)
        self.routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}
        self.hits: list[Hit] = []
        self.endless_threads: set[int] = set()
        self.inflight = 0
        self.max_inflight = 0
        self._lock = threading.Lock()
        self.release = threading.Event()  # pages past `hang_after` wait for this
        self.release.set()
        self.hang_after: int | None = None  # thread pages served before the rest hang
        self._thread_pages = 0

    # -- lifecycle ------------------------------------------------------------------------
    def __enter__(self) -> "Site":
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                outer._handle(self)

            def log_message(self, *args):
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def paths(self, prefix: str = "/") -> list[str]:
        """Paths fetched (robots.txt excluded), in order."""
        return [h.path for h in self.hits if h.path.startswith(prefix) and h.path != "/robots.txt"]

    def clear(self) -> None:
        self.hits.clear()

    # -- serving --------------------------------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.partition("?")[0]
        with self._lock:
            self.hits.append(Hit(h.path, time.monotonic(), {k.lower(): v for k, v in h.headers.items()}))
            self.inflight += 1
            self.max_inflight = max(self.max_inflight, self.inflight)
        try:
            if path == "/robots.txt":
                send(h, 200, self.robots.encode(), "text/plain")
            elif path in self.routes:
                self.routes[path](h)
            else:
                if self.delay:
                    time.sleep(self.delay)
                self._forum(h, path)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler hung up (size cap, timeout): that is what some tests provoke
        finally:
            with self._lock:
                self.inflight -= 1

    def _forum(self, h, path: str) -> None:
        name = path.rsplit("/", 1)[-1]
        html = None
        if name.startswith("forum-2-") and name.endswith(".html"):
            html = list_page(self.forum, int(name[len("forum-2-"):-5]))
        elif name.startswith("thread-") and name.endswith(".html"):
            tid, page = (int(x) for x in name[len("thread-"):-5].split("-")[:2])
            with self._lock:
                self._thread_pages += 1
                hang = self.hang_after is not None and self._thread_pages > self.hang_after
            if hang:
                self.release.wait()
            html = thread_page(self.forum, tid, page, endless=tid in self.endless_threads)
        if html is None:
            send(h, 404, b"<html><body>404 Not Found</body></html>")
        else:
            send(h, 200, html.encode("utf-8"))


def send(h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str = "text/html; charset=utf-8",
         headers: dict | None = None, length: int | None = None) -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body) if length is None else length))
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.end_headers()
    h.wfile.write(body)
    h.wfile.flush()


# -- configuration and crawl runs ---------------------------------------------------------------

def write_config(tmp_path: Path, sources_yaml: str, alerts_yaml: str | None = None) -> Path:
    cfg = tmp_path / "config"
    cfg.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "config" / "topics.yaml", cfg / "topics.yaml")
    (cfg / "watch.yaml").write_text(textwrap.dedent("""\
        locality: 青溪市
        storage:
          database_url: sqlite:///../var/yq.db
          index_path: ../var/index.sqlite
        """), encoding="utf-8")
    (cfg / "sources.yaml").write_text(textwrap.dedent(sources_yaml), encoding="utf-8")
    if alerts_yaml is not None:
        (cfg / "alerts.yaml").write_text(textwrap.dedent(alerts_yaml), encoding="utf-8")
    return cfg


def forum_sources(base_url: str, *, source_id: str = "bbs", extra: str = "", defaults: str = "") -> str:
    """sources.yaml with one forum source; `defaults` and `extra` (source keys) are indented YAML lines.
    A key given in `defaults` replaces the fast test default of the same name (the loader refuses
    duplicate keys)."""
    given = {line.split(":", 1)[0].strip() for line in textwrap.dedent(defaults).splitlines() if ":" in line}
    base = {"download_delay": "0", "autothrottle": "false", "retries": "1", "timeout": "5"}
    d = "".join(f"  {k}: {v}\n" for k, v in base.items() if k not in given) \
        + textwrap.indent(textwrap.dedent(defaults), "  ")
    e = textwrap.indent(textwrap.dedent(extra), "    ")
    return (f"defaults:\n{d}\n"
            f"sources:\n  - id: {source_id}\n    name: 青溪论坛\n    kind: forum\n"
            f"    urls: [{base_url}/forum-2-1.html]\n{e}\n")


_PIPELINES: dict[bytes, object] = {}  # built once per topics.yaml: jieba takes a second or two


def built_pipeline(cfg: Path):
    from pipeline.process import Pipeline

    key = (cfg / "topics.yaml").read_bytes()
    if key not in _PIPELINES:
        _PIPELINES[key] = Pipeline.from_config_dir(cfg)
    return _PIPELINES[key]


def _preload() -> None:
    """Import once, before forking, the components every crawl loads (importing installs no reactor)."""
    import importlib

    from scrapy.settings import default_settings as d

    names = [*d.DOWNLOAD_HANDLERS_BASE.values(), *d.DOWNLOADER_MIDDLEWARES_BASE, *d.SPIDER_MIDDLEWARES_BASE,
             *d.EXTENSIONS_BASE, "crawlers.item_pipeline.StoragePipeline", "crawlers.run.crawl",
             "crawlers.spider.WatchSpider", "crawlers.backoff.RetryBackoffMiddleware",
             "crawlers.concurrency.HostConcurrencyMiddleware",
             "scrapy.crawler.CrawlerProcess", "storage.factory.create_schema"]
    for name in names:
        if name:
            try:
                importlib.import_module(name.rpartition(".")[0])
            except ImportError:
                pass  # an optional extra (S3, HTTP/2) this install lacks: loaded lazily if ever


def crawl(cfg: Path, source_id: str, *, env: dict | None = None, timeout: float = 60, doc_pipeline=None) -> dict:
    """One crawl, `crawlers.run.crawl(...)`, in a forked child process (its own Twisted reactor),
    with the pipeline already built; returns the summary `python -m crawlers.run` prints. Falls
    back to the CLI if something in this test process has installed a reactor (the child would
    inherit it). `doc_pipeline`: a stand-in for the document pipeline (needs the fork)."""
    if "twisted.internet.reactor" in sys.modules:
        assert doc_pipeline is None, "a stand-in pipeline needs a forked crawl"
        return crawl_cli(cfg, source_id, env=env, timeout=timeout)
    from crawlers.sources import load_sources
    from storage.config import load_storage_settings

    sources = load_sources(cfg)
    source = sources.get(source_id)
    doc_pipeline = doc_pipeline or built_pipeline(cfg)
    _preload()
    rfd, wfd = os.pipe()
    with warnings.catch_warnings():  # Python ≥ 3.12 warns about fork() beside the server threads;
        warnings.simplefilter("ignore", DeprecationWarning)  # the child touches none of their state
        pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(rfd)
        try:
            os.environ.update(env or {})
            from crawlers.run import crawl as run_crawl, summary

            run = run_crawl(source, sources.crawling_for(source), load_storage_settings(cfg), doc_pipeline)
            out = summary(run)
        except BaseException:  # noqa: BLE001 - reported to the parent, which fails the test
            out = {"error": traceback.format_exc()}
        with os.fdopen(wfd, "w", encoding="utf-8") as w:
            w.write(json.dumps(out, ensure_ascii=False))
        os._exit(0)
    os.close(wfd)
    with os.fdopen(rfd, encoding="utf-8") as r:
        ready, _, _ = select.select([r], [], [], timeout)
        if not ready:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise AssertionError(f"crawl of {source_id} took longer than {timeout} s")
        text = r.read()
    os.waitpid(pid, 0)
    out = json.loads(text)
    assert "error" not in out, out["error"]
    return out


def crawl_cli(cfg: Path, source_id: str, *, env: dict | None = None, timeout: float = 120) -> dict:
    """One crawl exactly as the scheduler starts it: `python -m crawlers.run SOURCE --config DIR`."""
    r = subprocess.run([sys.executable, "-m", "crawlers.run", source_id, "--config", str(cfg)],
                       cwd=ROOT, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})
    assert r.returncode in (0, 1), r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def start_crawl(cfg: Path, source_id: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "crawlers.run", source_id, "--config", str(cfg)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def open_store(cfg: Path):
    from storage.config import load_storage_settings
    from storage.factory import create_schema
    from storage.factory import open_store as _open

    store = _open(load_storage_settings(cfg))
    create_schema(store.engine)
    return store
