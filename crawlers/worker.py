"""`python -m crawlers.worker [--config DIR]`: a long-lived crawl worker (DESIGN §1).

One process keeps one Twisted reactor (Scrapy's CrawlerRunner), one Pipeline (jieba loaded once)
and one Store, and runs many sources' crawls at once, so the cost of a poll is the poll, not an
interpreter start plus Scrapy import plus dictionary load (about 3 CPU-s per crawl before).
Politeness is per host across all its crawls (crawlers.politeness).

Crawls come from one of two feeds:
- pipe (default): JSON lines on stdin `{"op": "crawl", "job": ID, "source": SOURCE_ID}`; events
  as JSON lines on stdout: `ready`, `started`, `done` (with the same summary `crawlers.run`
  prints), `retiring`. EOF on stdin (the dispatcher is gone) ends the worker after its crawls.
- Redis (`--redis URL`): a stream of due crawls shared by workers on several hosts
  (crawlers.redis_feed).

Posts are committed by the crawl as before (batches, seen-state after its posts), so a worker
killed at any moment loses no accepted post; the crawl it was running is simply run again.
The worker retires itself after `--max-crawls` crawls, past `--max-rss-mb` (leaks and jieba
caches grow in a process that lives for days) or when sources.yaml, topics.yaml or watch.yaml
changed; its dispatcher (or systemd) starts a fresh one."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
from pathlib import Path

from pipeline.config import BeijingFormatter, ConfigError

log = logging.getLogger("yqwatch.worker")
# What the worker loaded at start. A change to one of them retires it (its replacement loads the new
# configuration), so an edit reaches a busy worker within seconds, not after max_crawls crawls.
CONFIG_FILES = ("sources.yaml", "topics.yaml", "watch.yaml")
CONFIG_CHECK_SECONDS = 5.0
EOF_GRACE = 900.0  # seconds a worker whose dispatcher is gone lets its last crawls run (crawl_timeout)

def rss_mb() -> float:
    """Resident memory now (Linux), in MB."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


class CrawlWorker:
    """The crawl-running half of a worker: feeds call `start(job, source_id, on_done)` in the
    reactor thread; `on_done(job, summary)` is called there when the crawl has ended."""

    def __init__(self, config_dir: Path, *, max_crawls: int, max_rss_mb: float, log_level: str,
                 host_gates=None):
        """`host_gates`: per-host gates shared beyond this process (crawlers.redis_politeness)."""
        from crawlers.politeness import Politeness
        from crawlers.sources import load_sources
        from pipeline.process import Pipeline
        from storage.config import load_storage_settings
        from storage.factory import create_schema, open_store

        self.config_dir = config_dir
        self.sources = load_sources(config_dir)
        self.store = open_store(load_storage_settings(config_dir))
        create_schema(self.store.engine)
        self.doc_pipeline = Pipeline.from_config_dir(config_dir)
        self.politeness = Politeness(gates=host_gates)
        self.max_crawls, self.max_rss_mb, self.log_level = max_crawls, max_rss_mb, log_level
        self.started = 0
        self.running: dict[str, object] = {}  # job id → Crawler
        self._settings: dict[str, object] = {}  # source id → its Scrapy settings, built once
        self._config_stamp = self._stamp()
        self._config_checked = time.monotonic()
        from scrapy.crawler import CrawlerRunner

        self.runner = CrawlerRunner()

    def _stamp(self) -> tuple:
        out = []
        for name in CONFIG_FILES:
            try:
                st = (self.config_dir / name).stat()
                out.append((st.st_mtime_ns, st.st_size))
            except OSError:
                out.append(None)
        return tuple(out)

    @property
    def worn_out(self) -> str | None:
        """Why this worker should be replaced, or None."""
        if self.started >= self.max_crawls:
            return "max_crawls"
        if rss_mb() > self.max_rss_mb:
            return "max_rss"
        if time.monotonic() - self._config_checked >= CONFIG_CHECK_SECONDS:
            self._config_checked = time.monotonic()
            if self._stamp() != self._config_stamp:
                return "config_changed"
        return None

    def start(self, job: str, source_id: str, on_done) -> None:
        try:
            self._start(job, source_id, on_done)
        except Exception as e:  # a crawl that cannot even start must still be answered
            log.exception("crawl %s could not start", source_id)
            self.running.pop(job, None)
            on_done(job, {"source": source_id, "status": "failed", "error": type(e).__name__})

    def _source(self, source_id: str):
        """The source, re-reading sources.yaml once for a source added since the worker started."""
        from crawlers.sources import load_sources

        try:
            return self.sources.get(source_id)
        except KeyError:
            self.sources = load_sources(self.config_dir)
            self._settings.clear()  # sources.yaml changed: settings are built again from it
            return self.sources.get(source_id)

    def _settings_of(self, source, crawling):
        from crawlers.settings import scrapy_settings
        from crawlers.worker_settings import reusable_settings

        settings = self._settings.get(source.id)
        if settings is None:
            settings = self._settings[source.id] = reusable_settings(
                scrapy_settings(source, crawling, log_level=self.log_level))
        return settings

    def _start(self, job: str, source_id: str, on_done) -> None:
        from scrapy.crawler import Crawler

        from crawlers.run import summary
        from crawlers.spider import WatchSpider

        try:
            source = self._source(source_id)
        except KeyError:
            on_done(job, {"source": source_id, "status": "failed", "error": "unknown_source"})
            return
        crawling = self.sources.crawling_for(source)
        settings = self._settings_of(source, crawling)
        selectors = None
        if source.kind == "generic":
            from crawlers.parsers.generic import GenericSelectors

            selectors = GenericSelectors.model_validate(source.selectors)
        crawler = Crawler(WatchSpider, settings)
        crawler.yq_politeness = self.politeness  # read by the politeness middlewares
        self.started += 1
        self.running[job] = crawler
        d = self.runner.crawl(crawler, source=source, crawling=crawling, store=self.store,
                              doc_pipeline=self.doc_pipeline, selectors=selectors)

        def finished(result):
            self.running.pop(job, None)
            run = getattr(crawler.spider, "run_record", None) if crawler.spider else None
            if run is not None:
                out = summary(run)
            else:  # the crawl did not get as far as recording a run
                err = getattr(result, "value", result)
                log.error("crawl %s ended without a run record: %r", source_id, err)
                out = {"source": source_id, "status": "failed", "error": type(err).__name__}
            on_done(job, out)

        d.addBoth(finished)


class PipeFeed:
    """Crawls from the dispatcher over stdin/stdout (one machine)."""

    def __init__(self, worker: CrawlWorker, reactor, out, eof_grace: float = EOF_GRACE):
        self.worker, self.reactor, self.out = worker, reactor, out
        self.eof_grace = eof_grace
        self.retiring = False
        self.eof = False
        self._lock = threading.Lock()

    def send(self, event: dict) -> None:
        with self._lock:
            try:
                self.out.write(json.dumps(event, ensure_ascii=False) + "\n")
                self.out.flush()
            except (BrokenPipeError, ValueError):
                # The dispatcher was killed: nobody reads. Raising here would skip the caller's
                # exit check and leave the worker idle for good; stdin's EOF ends it instead.
                self.out = open(os.devnull, "w", encoding="utf-8")

    def run(self) -> None:
        self.send({"event": "ready", "pid": os.getpid()})
        threading.Thread(target=self._read, name="worker-stdin", daemon=True).start()

    def _read(self) -> None:
        for line in sys.stdin:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            self.reactor.callFromThread(self.handle, msg)
        self.reactor.callFromThread(self._eof)

    def handle(self, msg: dict) -> None:
        if msg.get("op") == "crawl":
            self.send({"event": "started", "job": msg["job"]})
            self.worker.start(str(msg["job"]), str(msg["source"]), self._done)
        elif msg.get("op") == "stop":
            self._eof()

    def _done(self, job: str, summary: dict) -> None:
        self.send({"event": "done", "job": job, "summary": summary})
        if not self.retiring and (why := self.worker.worn_out):
            self.retiring = True
            self.send({"event": "retiring", "reason": why, "rss_mb": round(rss_mb(), 1)})
        self._maybe_exit()

    def _eof(self) -> None:
        if not self.eof:
            # The dispatcher is gone (closed or killed): nobody would ever kill a crawl stuck past
            # its own deadline, so the worker ends after EOF_GRACE whatever is still running (posts
            # committed so far stay; the seen-state of unfinished threads is not saved).
            self.reactor.callLater(self.eof_grace, self._give_up)
        self.eof = True
        self._maybe_exit()

    def _give_up(self) -> None:
        if self.worker.running and self.reactor.running:
            log.error("dispatcher gone and %d crawls still running after %s s: exiting",
                      len(self.worker.running), self.eof_grace)
            self.reactor.stop()

    def _maybe_exit(self) -> None:
        if (self.eof or self.retiring) and not self.worker.running and self.reactor.running:
            self.reactor.stop()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m crawlers.worker")
    ap.add_argument("--config", default=os.environ.get("YQ_CONFIG", "config"))
    ap.add_argument("--max-crawls", type=int, default=20_000)
    ap.add_argument("--max-rss-mb", type=float, default=600)
    ap.add_argument("--redis", default=os.environ.get("YQ_WORKER_REDIS"),
                    help="take due crawls from this Redis URL (several hosts; default $YQ_WORKER_REDIS)")
    ap.add_argument("--prefix", default="yq", help="Redis key prefix (watch.yaml workers.key_prefix)")
    ap.add_argument("--slots", type=int, default=128, help="concurrent crawls (Redis feed)")
    ap.add_argument("--lease", type=float, default=60, help="seconds a crawl lease lasts unrenewed")
    ap.add_argument("--name", default=None, help="worker name in Redis (default host:pid)")
    ap.add_argument("--exit-on-eof", action="store_true", help="Redis feed: end when stdin closes")
    ap.add_argument("--eof-grace", type=float, default=EOF_GRACE,
                    help="seconds crawls may run on once the dispatcher is gone (stdin closed)")
    ap.add_argument("--log-level", default=os.environ.get("YQ_CRAWL_LOG", "WARNING"))
    args = ap.parse_args(argv)
    # Our events own stdout; anything else printing there (a library) goes to stderr instead.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    sys.stdout = sys.stderr
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from scrapy.utils.log import configure_logging
    from twisted.internet import reactor

    configure_logging({"LOG_LEVEL": args.log_level})
    for handler in logging.getLogger().handlers:  # Scrapy's lines on the watch's clock
        handler.setFormatter(BeijingFormatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s"))
    gates = None
    if args.redis:  # crawl hosts share each site's politeness budget, not only the due crawls
        from crawlers.redis_politeness import RedisHostGates

        gates = RedisHostGates(args.redis, prefix=args.prefix)
    try:
        worker = CrawlWorker(Path(args.config), max_crawls=args.max_crawls, max_rss_mb=args.max_rss_mb,
                             log_level=args.log_level, host_gates=gates)
    except ConfigError as e:
        print(f"配置错误: {e}", file=sys.stderr)
        return 2
    if args.redis:
        from crawlers.redis_feed import RedisFeed

        feed = RedisFeed(worker, reactor, args.redis, slots=args.slots, lease=args.lease, name=args.name,
                         prefix=args.prefix, out=out)
    else:
        feed = PipeFeed(worker, reactor, out, eof_grace=args.eof_grace)
    reactor.callWhenRunning(feed.run, **({"exit_on_eof": True} if args.redis and args.exit_on_eof else {}))
    reactor.run(installSignalHandlers=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
