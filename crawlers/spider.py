"""One spider for every source kind: list pages → new or grown threads → new floors only.

Parsing is delegated to the pure functions in crawlers.parsers; this module decides what to fetch
(incremental, bounded) and keeps the per-source health counters."""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import scrapy
import scrapy.exceptions
import scrapy.signals
from scrapy.http import Response

from crawlers.kinds import site_kind
from crawlers.parsers.model import ParsedItem, ParsedPage, ParseError
from crawlers.reasons import failure_reason, is_binary, is_truncated_html
from crawlers.settings import login_cookie
from crawlers.sources import Crawling, Source
from crawlers.ssrf import AddressPolicy, BlockedRequest
from pipeline.config import TZ
from pipeline.fingerprint import canonical_url
from pipeline.sanitize import BadField, clean_field
from pipeline.types import RawPost
from storage.store import Store
from storage.types import ThreadState

_GONE = (404, 410)  # a page of a known thread that no longer exists at its stored address


@dataclass
class ThreadVisit:
    """What we know about a thread while fetching its pages in this crawl."""

    url: str  # canonical thread URL (page 1)
    title: str | None
    replies: int | None
    views: int | None
    last_floor: int  # floors ≤ this were stored by an earlier crawl
    pages: int = 0
    max_floor: int = 0
    last_page_url: str | None = None
    first_seen: datetime | None = None
    last_growth: datetime | None = None


class WatchSpider(scrapy.Spider):
    name = "watch"

    def __init__(self, *, source: Source, crawling: Crawling, store: Store, doc_pipeline,
                 selectors=None, now: datetime | None = None, **kwargs):
        super().__init__(name=f"watch-{source.id}", **kwargs)
        self.source = source
        self.doc_pipeline = doc_pipeline  # pipeline.process.Pipeline, used by the item pipeline
        self.crawling = crawling
        self.store = store
        self.selectors = selectors  # kept for callers that pass them; the site kind builds its own
        self.kind = site_kind(source)
        self._parse_fn = self.kind.parser_for(source)
        self.address_policy = AddressPolicy.for_source(source)  # enforced by crawlers.ssrf
        self.now = now or datetime.now(TZ)
        self.health: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.pending_states: dict[str, ThreadState] = {}
        self._pages_scheduled = 0
        self._queued_threads: set[str] = set()
        self.run_record = None  # the CrawlRun written at close
        self._listed: set[str] = set()  # threads seen on this crawl's list pages
        self._states: dict[str, ThreadState | None] = {}  # seen-state read for this list page
        self._revisited = False
        self._deadline = None  # the DelayedCall closing a crawl that outlives max_crawl_seconds
        self._deadline_at = time.monotonic() + crawling.max_crawl_seconds
        # A login cookie goes only to the hosts of the source's own URLs, never to linked sites.
        self.cookie = login_cookie(source)
        self._cookie_hosts = {urlsplit(u).hostname for u in source.start_urls()}

    # -- request budget -------------------------------------------------------------------
    def _request(self, url: str, callback, **cb_kwargs) -> scrapy.Request | None:
        blocked = self.address_policy.check_url(url)
        if blocked:  # a link off the source's hosts: never fetched (the middleware checks redirects)
            self.reasons[blocked] += 1
            return None
        if self._pages_scheduled >= self.crawling.max_pages:
            self.reasons["page_budget_exhausted"] += 1
            return None
        self._pages_scheduled += 1
        own = self.cookie and urlsplit(url).hostname in self._cookie_hosts
        # No download outlives the crawl deadline by much: closing waits for downloads in flight.
        left = self._deadline_at - time.monotonic()
        return scrapy.Request(url, callback=callback, errback=self.on_error, cb_kwargs=cb_kwargs,
                              headers={"Cookie": self.cookie} if own else None, dont_filter=False,
                              meta={"download_timeout": max(1.0, min(self.crawling.timeout, left))})

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._on_idle, signal=scrapy.signals.spider_idle)
        crawler.signals.connect(spider._on_dropped, signal=scrapy.signals.request_dropped)
        return spider

    async def start(self):
        from twisted.internet import reactor

        self._deadline_at = time.monotonic() + self.crawling.max_crawl_seconds
        self._deadline = reactor.callLater(self.crawling.max_crawl_seconds, self._deadline_reached)
        for url in self.source.start_urls():
            req = self._request(url, self.parse_list, list_page=1)
            if req:
                yield req

    def _on_idle(self):
        """Once the list pages are done: hot threads that fell off them are still followed while
        they grow (a hot thread grows for days), then left when they go quiet."""
        if self._revisited or not self.kind.threads_grow:
            return  # articles and feed entries do not grow
        self._revisited = True
        since = self.now - timedelta(hours=self.crawling.revisit_hours)
        scheduled = False
        for st in self.store.active_threads(self.source.id, since):
            if st.thread_url in self._listed or st.thread_url in self._queued_threads:
                continue
            visit = self._visit_from_state(st, title=None, replies=None, views=None)
            req = self._thread_request(visit, st.last_page_url or st.thread_url, resumed=True)
            if req:
                self.crawler.engine.crawl(req)
                scheduled = True
        if scheduled:
            raise scrapy.exceptions.DontCloseSpider

    def _deadline_reached(self) -> None:
        """Close in order (posts and the crawl record are written) instead of being killed later."""
        from scrapy.utils.defer import deferred_from_coro

        self._deadline = None
        self.reasons["crawl_deadline"] += 1
        self.logger.warning("crawl deadline (%s s) reached: closing", self.crawling.max_crawl_seconds)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="crawl_deadline"))

    def closed(self, reason: str) -> None:
        if self._deadline is not None and self._deadline.active():
            self._deadline.cancel()
        self._deadline = None

    def _on_dropped(self, request, spider=None):
        """The dupe filter dropped a request: a redirect that came back to a page already fetched
        (a loop), or a "next page" link pointing back (a pagination trap)."""
        if request.meta.get("redirect_urls"):
            self.health["pages"] += 1
            self.health["errors"] += 1
            self.reasons["redirect_loop"] += 1
        else:
            self.reasons["duplicate_page"] += 1

    # -- parsing ----------------------------------------------------------------------------
    def _parse(self, response: Response) -> ParsedPage | None:
        self.health["pages"] += 1
        if response.status >= 400:
            self.health["errors"] += 1
            self.reasons[f"http_{response.status}"] += 1
            return None
        ctype = response.headers.get("Content-Type", b"").decode("latin-1") or None
        if is_binary(response.body, ctype):
            self._parse_failure("binary")
            return None
        if self.kind.html_pages and is_truncated_html(response.body):
            self.reasons["truncated_html"] += 1  # parsed anyway: lxml keeps what arrived
        if self.source.encoding:
            ctype = f"text/html; charset={self.source.encoding}"
        try:
            page = self._parse_fn(response.body, response.url, content_type=ctype, now=self.now)
        except ParseError as e:
            # The parser's sentence without its variable detail, so one cause stays one reason key.
            self._parse_failure(f"parse:{str(e).split('（')[0].split(' (')[0]}")
            self.logger.info("unparseable page %s: %s", response.url, e)
        except Exception as e:  # a hostile page must never end the crawl
            self._parse_failure(f"parser_crash:{type(e).__name__}")
            self.logger.exception("parser crashed on %s", response.url)
        else:
            for reason in page.dropped:  # malformed items dropped, markup cut to bound the parse
                self.reasons[reason] += 1
                if reason.startswith("bad_field:"):
                    self.health["dropped_items"] += 1
            return page
        return None

    def _parse_failure(self, reason: str) -> None:
        self.health["parse_failures"] += 1
        self.reasons[reason[:80]] += 1

    def parse_list(self, response: Response, list_page: int):
        page = self._parse(response)
        if page is None:
            if response.status < 400:
                self.health["list_pages"] += 1  # a list page that parses to nothing: layout changed?
                self.reasons["list_empty"] += 1
            return
        if page.page_type in ("feed",):
            yield from self._feed_posts(page)
            return
        if page.page_type in ("thread", "article"):
            # A start URL pointing at a single thread or article.
            yield from self._thread_page(response, page, self._new_visit(response.url, page.title, None, None))
            return
        self.health["list_pages"] += 1
        self.health["list_items"] += len(page.items)
        if not page.items:
            self.reasons["list_empty"] += 1
        self._read_states(page.items)
        for item in page.items:
            req = self._maybe_thread(item)
            if req:
                yield req
        if page.next_page and list_page < self.crawling.max_list_pages:
            req = self._request(page.next_page, self.parse_list, list_page=list_page + 1)
            if req:
                yield req
        elif page.next_page:
            self.reasons["list_page_limit"] += 1  # older pages wait (or a "next" that never ends)

    def _read_states(self, items) -> None:
        """The seen-state of a list page's threads in one query (not one per entry)."""
        urls = {canonical_url(item.url) for item in items} - self._queued_threads
        found = self.store.thread_states(self.source.id, urls) if urls else {}
        self._states = {url: found.get(url) for url in urls}

    def _state(self, url: str) -> ThreadState | None:
        if url in self._states:
            return self._states[url]
        return self.store.thread_state(self.source.id, url)

    def _feed_posts(self, page: ParsedPage):
        self.health["list_pages"] += 1
        self.health["list_items"] += len(page.items)
        self._read_states(page.items)
        for item in page.items:
            url = canonical_url(item.url)
            self._listed.add(url)
            if url in self._queued_threads or self._state(url):
                continue
            self._queued_threads.add(url)
            raw = self._raw(url=item.url, thread_url=url, title=item.title, text=item.text or item.title,
                            author=item.author, published_at=item.published_at, floor=None,
                            replies=item.replies, views=item.views)
            # Remembered even when dropped as malformed: it is counted once, not on every crawl.
            self._remember(ThreadVisit(url=url, title=item.title, replies=None, views=None, last_floor=0,
                                       max_floor=1, last_page_url=item.url), grew=True)
            if raw is not None:
                yield raw

    def _maybe_thread(self, item: ParsedItem) -> scrapy.Request | None:
        url = canonical_url(item.url)
        self._listed.add(url)
        if url in self._queued_threads:
            return None
        state = self._state(url)
        if state is None:
            visit = self._new_visit(url, item.title, item.replies, item.views)
            target = url  # tracking parameters stripped: one URL per thread, cache-friendly
        else:
            unchanged = (item.replies is not None and state.replies is not None
                         and item.replies <= state.replies)
            if unchanged or not self.kind.threads_grow:
                return None
            visit = self._visit_from_state(state, item.title, item.replies, item.views)
            target = state.last_page_url or item.url
        self._queued_threads.add(url)
        return self._thread_request(visit, target, resumed=state is not None)

    def _new_visit(self, url: str, title: str | None, replies: int | None, views: int | None) -> ThreadVisit:
        return ThreadVisit(url=canonical_url(url), title=title, replies=replies, views=views, last_floor=0,
                           first_seen=self.now)

    def _visit_from_state(self, st: ThreadState, title, replies, views) -> ThreadVisit:
        return ThreadVisit(url=st.thread_url, title=title, replies=replies if replies is not None else st.replies,
                           views=views, last_floor=st.last_floor or 0, max_floor=st.last_floor or 0,
                           last_page_url=st.last_page_url, first_seen=st.first_seen, last_growth=st.last_growth)

    def _thread_request(self, visit: ThreadVisit, url: str, *, resumed: bool = False) -> scrapy.Request | None:
        """`resumed`: a known thread fetched from its stored page, which may have moved since."""
        self._queued_threads.add(visit.url)
        return self._request(url, self.parse_thread, visit=visit, resumed=resumed)

    def parse_thread(self, response: Response, visit: ThreadVisit, resumed: bool = False):
        if resumed and response.status in _GONE:
            yield from self._stored_page_gone(response, visit)
            return
        page = self._parse(response)
        if page is None:
            return
        yield from self._thread_page(response, page, visit)

    def _thread_page(self, response: Response, page: ParsedPage, visit: ThreadVisit):
        visit.pages += 1
        if not page.posts:
            self._parse_failure("thread_without_posts")
            return
        title = page.title or visit.title or ""
        visit.title = title
        if page.replies is not None:  # the thread page is fresher than the list entry
            visit.replies = page.replies
        if page.views is not None:
            visit.views = page.views
        new_floor = False
        for i, post in enumerate(page.posts):
            floor = post.floor
            if floor is not None and floor <= visit.last_floor:
                continue  # stored by an earlier crawl
            if floor is not None:
                visit.max_floor = max(visit.max_floor, floor)
            new_floor = True
            single = self.kind.single_post_articles and page.page_type == "article"
            raw = self._raw(url=post.url or (response.url if i == 0 else f"{response.url}#{i}"),
                            thread_url=visit.url, title=title, text=post.text, author=post.author,
                            outlet=post.outlet, published_at=post.published_at, floor=None if single else floor,
                            replies=visit.replies, views=visit.views, html=post.html)
            if raw is not None:
                yield raw
        visit.last_page_url = response.url
        # Until a page without "next" is reached the thread is not known to be complete.
        self._remember(visit, grew=new_floor, complete=not page.next_page)
        if page.next_page and visit.pages < self.crawling.max_thread_pages:
            req = self._request(page.next_page, self.parse_thread, visit=visit)
            if req:
                yield req
        elif page.next_page:
            self.reasons["thread_page_limit"] += 1

    def _stored_page_gone(self, response: Response, visit: ThreadVisit):
        """A known thread's stored page answered 404/410: its pages were renumbered (floors
        deleted) or the thread was removed. The site is fine, so this is no fetch error: the thread
        is read again from its first page (stored floors are skipped), or left if that is gone too."""
        self.health["pages"] += 1
        if canonical_url(response.url) != visit.url:
            self.reasons["stale_thread_page"] += 1
            visit.last_page_url = None
            req = self._request(visit.url, self.parse_thread, visit=visit, resumed=True)
            if req:
                yield req
        else:
            self.reasons["thread_gone"] += 1

    def _raw(self, **fields) -> RawPost | None:
        """A RawPost with every text field cleaned (pipeline.sanitize); None, counted, when a field
        is not text at all, so one malformed post never reaches the batch its siblings share."""
        try:
            for name in ("url", "thread_url", "title", "text"):
                fields[name] = clean_field(name, fields[name], required=True)
            for name in ("author", "outlet", "html"):
                if name in fields:
                    fields[name] = clean_field(name, fields[name]) or (None if name != "html" else "")
        except BadField as e:
            self.reasons[e.reason] += 1
            self.health["dropped_items"] += 1
            return None
        self.health["items"] += 1
        return RawPost(source_id=self.source.id, kind=self.source.kind, fetched_at=self.now,
                       source_weight=self.source.weight, **fields)

    def _remember(self, visit: ThreadVisit, *, grew: bool, complete: bool = True) -> None:
        """Seen-state of a thread, saved after its posts commit. A thread left unfinished (page
        limit, budget, a failed next page) is saved without a reply count, so the next crawl goes
        on from its last page instead of believing the list entry is unchanged."""
        prev = self.pending_states.get(visit.url)
        state = ThreadState(
            source_id=self.source.id, thread_url=visit.url, replies=visit.replies if complete else None,
            last_floor=visit.max_floor or visit.last_floor, last_page=visit.pages,
            first_seen=visit.first_seen or self.now, last_seen=self.now,
            last_growth=self.now if grew else (visit.last_growth or visit.first_seen or self.now),
            last_page_url=visit.last_page_url,
        )
        if prev is not None:
            state = replace(state, last_floor=max(prev.last_floor or 0, state.last_floor or 0))
        self.pending_states[visit.url] = state

    # -- errors -----------------------------------------------------------------------------
    def on_error(self, failure):
        if failure.check(BlockedRequest):  # a redirect or resolved address the policy refused
            self.reasons[failure.value.reason] += 1
            self.logger.warning("blocked: %s", failure.value)
            return
        self.health["pages"] += 1  # attempted: errors never exceed pages
        self.health["errors"] += 1
        self.reasons[failure_reason(failure)] += 1
        self.logger.warning("fetch failed: %s: %s", failure.request.url if hasattr(failure, "request") else "?",
                            failure.getErrorMessage())

