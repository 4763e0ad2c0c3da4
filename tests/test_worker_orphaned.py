"""A crawl worker whose dispatcher is gone (the watch was SIGKILLed: its stdin reaches EOF) does
not live on forever behind a crawl that never ends: it lets its crawls run for --eof-grace
seconds, then exits. Nobody else would ever stop it."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from contextlib import contextmanager

from conftest import ROOT
from test_crawl_support import Site, forum_sources, write_config


@contextmanager
def _worker_hung_on_a_thread_page(tmp_path, eof_grace: int):
    """A worker whose one crawl hangs on a thread page (released by `site.release.set()`)."""
    with Site() as site:
        for tid in range(1, 3):
            site.forum.add_thread(tid, 1)
        site.hang_after = 0  # every thread page hangs (no timeout will end it soon)
        site.release.clear()
        cfg = write_config(tmp_path, forum_sources(site.url, defaults="timeout: 300\nmax_crawl_seconds: 600\n"))
        (tmp_path / "var").mkdir()
        w = subprocess.Popen([sys.executable, "-m", "crawlers.worker", "--config", str(cfg),
                              "--eof-grace", str(eof_grace)], cwd=ROOT, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert json.loads(w.stdout.readline())["event"] == "ready"
            w.stdin.write(json.dumps({"op": "crawl", "job": "1", "source": "bbs"}) + "\n")
            w.stdin.flush()
            assert json.loads(w.stdout.readline())["event"] == "started"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not site.paths("/thread-"):
                time.sleep(0.05)
            assert site.paths("/thread-")  # the crawl is hung on a thread page
            yield w, site
        finally:
            site.release.set()
            if w.poll() is None:
                w.kill()
                w.wait()
            if not w.stdout.closed:
                w.stdout.close()


def test_a_worker_left_alone_with_a_hung_crawl_exits_after_its_grace(tmp_path):
    with _worker_hung_on_a_thread_page(tmp_path, eof_grace=2) as (w, _site):
        w.stdin.close()  # the dispatcher is gone
        assert w.wait(60) == 0  # after the grace, not after the crawl's 600 s deadline
        assert "done" not in w.stdout.read()  # the hung crawl did not finish: it was left


def test_a_worker_whose_dispatcher_was_killed_mid_crawl_exits_when_the_crawl_ends(tmp_path):
    """SIGKILL closes both pipes: the crawl's `done` line then meets a broken pipe. That must not
    keep the worker alive (it once did, idle, until someone killed it); it ends with the crawl,
    long before its grace."""
    with _worker_hung_on_a_thread_page(tmp_path, eof_grace=600) as (w, site):
        w.stdout.close()  # the dispatcher is killed: nobody reads ...
        w.stdin.close()  # ... and nobody writes
        site.release.set()  # the crawl can now finish; its `done` line has no reader
        assert w.wait(60) == 0
