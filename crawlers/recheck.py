"""Re-reading stored threads to find posts that were deleted (删帖) or quietly edited (改帖).

`python -m crawlers.recheck SOURCE_ID THREAD_URL... [--config DIR]` fetches each thread again (all
its pages, with the source's User-Agent, cookies and address policy), compares what is there with
the stored posts and records the differences in storage.versions: a thread answering 404/410 or a
deletion notice page, a floor replaced by a "屏蔽" notice, or a floor missing from a complete
thread is deleted; a floor whose text hash changed is edited (both versions and a diff are kept).
A page that cannot be read (network error, 5xx, unparseable without a deletion notice) proves
nothing and changes nothing. The scheduler picks the threads (events on watch) and runs this in a
subprocess, like a crawl (DESIGN §1: nothing imports crawlers)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx

from crawlers.guarded_fetch import fetch_page
from crawlers.parsers.model import ParseError, ParsedPage
from pipeline.config import ConfigError, now as beijing_now
from pipeline.fingerprint import canonical_url, document_id
from pipeline.normalize import Normalizer
from pipeline.sanitize import BadField, clean_field
from pipeline.types import Document
from storage.versions import PostChange, PostVersions

GONE_STATUSES = frozenset({404, 410})
# Whole-thread notices, served with 200 by Discuz! ("指定的主题不存在或已被删除或正在被审核"),
# Tieba ("该贴已被删除", "贴子已被删除") and many CMSs.
THREAD_GONE_MARKERS = ("主题不存在或已被删除", "该帖已被删除", "该贴已被删除", "贴子已被删除", "帖子已被删除",
                       "该主题已被删除", "该帖子不存在", "页面不存在", "文章已被删除", "内容已被删除")
# A single floor replaced by a notice: Discuz! "提示: 该帖被管理员或版主屏蔽", "作者被禁止或删除 内容自动屏蔽".
FLOOR_GONE_MARKERS = ("该帖被管理员或版主屏蔽", "内容自动屏蔽", "该楼层已被删除", "此楼层已被删除")
MAX_PAGES = 20


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    status: int | None  # None: no answer (network error, blocked address)
    body: bytes = b""
    content_type: str | None = None


def _text_of(body: bytes) -> str:
    for enc in ("utf-8", "gb18030"):
        try:
            return body.decode(enc)
        except UnicodeDecodeError:
            continue
    return body.decode("utf-8", "replace")


def thread_gone_reason(page: Fetched) -> str | None:
    """Why the whole thread counts as deleted, or None when that is not shown."""
    if page.status in GONE_STATUSES:
        return f"HTTP {page.status}"
    if page.status == 200 and len(page.body) < 200_000:  # notices are short pages
        text = _text_of(page.body)
        hit = next((m for m in THREAD_GONE_MARKERS if m in text), None)
        if hit is not None:
            return f"删帖提示页（{hit}）"
    return None


def _is_floor_notice(text: str) -> bool:
    """The floor's whole text is a 屏蔽/删除 notice (a longer post merely quoting one is not)."""
    return any(m in text and len(text) <= len(m) + 12 for m in FLOOR_GONE_MARKERS)


@dataclass(frozen=True, slots=True)
class Seen:
    doc_id: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Reading:
    """What one re-read of a thread showed: the posts there, those replaced by a notice, whether
    every page was read (only then is a missing floor a deleted one), or the whole thread gone."""

    seen: tuple[Seen, ...] = ()
    hidden: tuple[str, ...] = ()
    complete: bool = False
    gone_reason: str | None = None
    unreadable: bool = False


def read_thread(thread_url: str, fetch: Callable[[str], Fetched], parse: Callable[..., ParsedPage], *,
                single_post_articles: bool, normalizer: Normalizer, max_pages: int = MAX_PAGES) -> Reading:
    url: str | None = thread_url
    seen: list[Seen] = []
    hidden: list[str] = []
    pages = 0
    while url is not None and pages < max_pages:
        got = fetch(url)
        pages += 1
        if pages == 1 and got.status in GONE_STATUSES:
            return Reading(gone_reason=f"HTTP {got.status}")
        if got.status != 200:
            return Reading(unreadable=True)
        try:
            page = parse(got.body, got.url, content_type=got.content_type, now=beijing_now())
        except ParseError:
            page = None
        if page is None or not page.posts:
            # only a page without posts can be a deletion notice: a post may quote one
            reason = thread_gone_reason(got) if pages == 1 else None
            return Reading(gone_reason=reason) if reason else Reading(unreadable=True)
        title = normalizer.clean(clean_field("title", page.title or "") or "")
        single = single_post_articles and page.page_type == "article"
        for i, post in enumerate(page.posts):
            floor = None if single else post.floor
            post_url = post.url or (got.url if i == 0 else f"{got.url}#{i}")  # as the spider names it
            doc_id = document_id(canonical_url(post_url), floor)
            try:
                text = normalizer.clean(clean_field("text", post.text, required=True))
            except BadField:
                continue
            if _is_floor_notice(text):
                hidden.append(doc_id)
            else:
                seen.append(Seen(doc_id, title, text))
        url = page.next_page
    return Reading(seen=tuple(seen), hidden=tuple(hidden), complete=url is None)


def _is_opening(doc: Document) -> bool:
    return doc.floor in (None, 1)


def apply_reading(reading: Reading, docs: Sequence[Document], versions: PostVersions,
                  at: datetime) -> list[PostChange]:
    """Record what `reading` shows about the stored posts `docs` of one thread."""
    if reading.unreadable:
        return []
    changes: list[PostChange | None] = []
    if reading.gone_reason is not None:
        changes = [versions.gone(d.id, reading.gone_reason, at) for d in docs]
        return [c for c in changes if c is not None]
    seen = {s.doc_id: s for s in reading.seen}
    hidden = set(reading.hidden)
    for d in docs:
        if d.id in hidden:
            changes.append(versions.gone(d.id, "楼层被屏蔽", at))
        elif d.id in seen:
            s = seen[d.id]
            # a reply carries the thread title: only the opening post's title is its own
            changes.append(versions.seen(d.id, s.title if _is_opening(d) and s.title else d.title, s.text, at))
        elif reading.complete:
            changes.append(versions.gone(d.id, "楼层消失", at))
    return [c for c in changes if c is not None]


def http_fetcher(client: httpx.Client, policy, max_bytes: int, delay: float) -> Callable[[str], Fetched]:
    last = [0.0]

    def fetch(url: str) -> Fetched:
        wait = last[0] + delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            page = fetch_page(client, url, policy, max_bytes)
        finally:
            last[0] = time.monotonic()
        if page.body is None:  # blocked, too large, too many redirects or a transport error
            return Fetched(page.url, None)
        return Fetched(page.url, page.status, page.body, page.header("content-type"))

    return fetch


def recheck(source, crawling, store, thread_urls: Sequence[str], *, at: datetime | None = None) -> dict:
    """Re-read `thread_urls` of `source`; the summary printed by the command."""
    from crawlers.kinds import KINDS
    from crawlers.ssrf import AddressPolicy
    from storage.versions import thread_documents

    kind = KINDS[source.kind]
    parse = kind.parser_for(source)
    versions = PostVersions(store.engine)
    normalizer = Normalizer()
    headers = {"User-Agent": crawling.user_agent}
    if source.cookies_env and os.environ.get(source.cookies_env):
        headers["Cookie"] = os.environ[source.cookies_env]
    summary = {"source": source.id, "threads": 0, "unreadable": 0, "deleted": 0, "edited": 0, "restored": 0}
    with httpx.Client(headers=headers, timeout=crawling.timeout, follow_redirects=False) as client:
        fetch = http_fetcher(client, AddressPolicy.for_source(source), crawling.max_page_bytes,
                             crawling.download_delay)
        for thread_url in thread_urls:
            docs = thread_documents(store, source.id, canonical_url(thread_url))
            if not docs:
                continue
            reading = read_thread(thread_url, fetch, parse, single_post_articles=kind.single_post_articles,
                                  normalizer=normalizer)
            summary["threads"] += 1
            summary["unreadable"] += reading.unreadable
            for change in apply_reading(reading, docs, versions, at or beijing_now()):
                summary[change.kind] += 1
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m crawlers.recheck")
    ap.add_argument("source_id")
    ap.add_argument("thread_urls", nargs="+")
    ap.add_argument("--config", default=os.environ.get("YQ_CONFIG", "config"))
    args = ap.parse_args(argv)
    try:
        from crawlers.sources import load_sources
        from storage.config import load_storage_settings
        from storage.factory import create_schema, open_store

        sources = load_sources(Path(args.config))
        try:
            source = sources.get(args.source_id)
        except KeyError:
            print(f"未知的信息源: {args.source_id} (见 {Path(args.config) / 'sources.yaml'})", file=sys.stderr)
            return 2
        store = open_store(load_storage_settings(Path(args.config)))
    except ConfigError as e:
        print(f"配置错误: {e}", file=sys.stderr)
        return 2
    try:
        create_schema(store.engine)
        out = recheck(source, sources.crawling_for(source), store, args.thread_urls)
    finally:
        store.engine.dispose()
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
