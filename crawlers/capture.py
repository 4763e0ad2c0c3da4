"""First-sight capture (取证): `python -m crawlers.capture [--config DIR]` takes the posts graded at or
above evidence.yaml `capture.min_grade` that have no capture yet, fetches each page (exact bytes,
status, headers, through the source's address policy) and renders a PNG from those very bytes with
headless Chromium, `capture.workers` at a time, then exits. The watch starts it every
`capture.every` as a subprocess (one batch at a time), so a slow browser never blocks a crawl.

The browser is given the fetched bytes (plus a <base href> to their URL) from a loopback server of
this process, so the PNG shows what was hashed, not a later version of the page. By default
scripts are off and the browser loads nothing else (a content policy, and a proxy that does not
exist): crawled pages are hostile, and the browser runs without a sandbox as root in containers."""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from crawlers.guarded_fetch import fetch_page
from pipeline.config import ConfigError, now as beijing_now
from storage.evidence import CaptureSettings, EvidenceStore

_HEAD = re.compile(rb"<head(\s[^>]*)?>", re.I)
_CHARSET = re.compile(r"charset=([\w-]+)", re.I)
_BLACKHOLE_PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens, every request fails


def content_policy(settings: CaptureSettings) -> str:
    """The Content-Security-Policy the rendered copy is served with: no scripts unless
    `javascript`, and nothing from the network unless `load_resources` (inline styles and data:
    images still show). Chromium's own switch for scripts also stops its screenshot, so the
    page is refused them instead."""
    rules = [] if settings.javascript else ["script-src 'none'", "object-src 'none'"]
    if not settings.load_resources:
        rules += ["default-src 'none'", "style-src 'unsafe-inline'", "img-src data:", "font-src data:"]
    return "; ".join(rules)


def with_base(html: bytes, url: str) -> bytes:
    """The fetched bytes with <base href> at the start of <head>, so relative links resolve to
    the site (the only change to the bytes)."""
    found = _HEAD.search(html[:65536])
    at = found.end() if found else 0
    return html[:at] + f'<base href="{escape(url, quote=True)}">'.encode("ascii") + html[at:]


class PageServer:
    """The pages being rendered, served on 127.0.0.1 to the browser. Over HTTP, not file://: a
    crawled page that redirects (meta refresh) or frames a file:// URL would otherwise draw this
    machine's files into the evidence; an http page may not load local files."""

    def __init__(self):
        pages: dict[str, tuple[bytes, str, str]] = {}
        self._pages = pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                page = pages.get(self.path)
                if page is None:
                    self.send_error(404)
                    return
                body, content_type, policy = page
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                if policy:
                    self.send_header("Content-Security-Policy", policy)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="capture-pages", daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def add(self, body: bytes, content_type: str, policy: str) -> str:
        path = f"/{secrets.token_hex(12)}.html"
        self._pages[path] = (body, content_type, policy)
        return f"http://127.0.0.1:{self.port}{path}"

    def remove(self, url: str) -> None:
        self._pages.pop(url[url.index("/", len("http://")):], None)

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def chromium_args(settings: CaptureSettings, profile: str, shot: Path, server_port: int) -> list[str]:
    args = [settings.chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--no-first-run", "--hide-scrollbars", "--mute-audio", "--lang=zh-CN",
            f"--user-data-dir={profile}", f"--window-size={settings.width},{settings.height}",
            f"--screenshot={shot}"]
    if not settings.load_resources:  # every request but the page itself goes to a dead proxy
        args += [f"--proxy-server={_BLACKHOLE_PROXY}", f"--proxy-bypass-list=<-loopback>;127.0.0.1:{server_port}"]
    return args


def render_png(html: bytes, url: str, content_type: str | None, settings: CaptureSettings,
               server: PageServer) -> bytes:
    """A PNG of `html` as Chromium draws it (window width × height, top of the page)."""
    work = Path(tempfile.mkdtemp(prefix="yq-capture-"))
    m = _CHARSET.search(content_type or "")
    page_url = server.add(with_base(html, url), f"text/html; charset={m[1]}" if m else "text/html",
                          content_policy(settings))
    try:
        shot = work / "shot.png"
        proc = subprocess.Popen([*chromium_args(settings, str(work / "profile"), shot, server.port), page_url],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            proc.wait(timeout=settings.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the wrapper script and every browser process
            proc.wait()
            raise RuntimeError(f"渲染超时 ({settings.timeout:g} 秒)") from None
        if not shot.is_file() or shot.stat().st_size == 0:
            raise RuntimeError(f"浏览器未生成截图 (exit {proc.returncode})")
        return shot.read_bytes()
    finally:
        server.remove(page_url)
        shutil.rmtree(work, ignore_errors=True)


def chromium_version(settings: CaptureSettings) -> str:
    try:
        out = subprocess.run([settings.chromium, "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout.strip().splitlines()[0] if out.stdout.strip() else settings.chromium
    except (OSError, subprocess.TimeoutExpired):
        return settings.chromium


def capture_batch(store, sources, settings: CaptureSettings, *, limit: int | None = None) -> dict:
    """Capture up to `limit` (default `settings.batch`) pending posts; the summary printed."""
    from crawlers.ssrf import AddressPolicy

    evidence = EvidenceStore(store.engine)
    since = beijing_now() - timedelta(seconds=settings.lookback_seconds())
    todo = evidence.pending(settings.min_grade, since, limit or settings.batch)
    summary = {"pending": len(todo), "captured": 0, "failed": 0}
    if not todo:
        return summary
    renderer = chromium_version(settings)
    by_id = {s.id: s for s in sources.sources}

    def one(item: tuple[str, str, str]) -> bool:
        doc_id, source_id, url = item
        source = by_id.get(source_id)
        if source is None:
            evidence.save(doc_id, url, fetched_at=beijing_now(), http_status=None, headers=(),
                          html=None, png=None, rendered_at=None, error="信息源已不在配置中")
            return False
        crawling = sources.crawling_for(source)
        headers = {"User-Agent": crawling.user_agent}
        if source.cookies_env and os.environ.get(source.cookies_env):
            headers["Cookie"] = os.environ[source.cookies_env]
        fetched_at = beijing_now()
        with httpx.Client(headers=headers, timeout=settings.timeout, follow_redirects=False) as client:
            page = fetch_page(client, url.partition("#")[0], AddressPolicy.for_source(source),
                              crawling.max_page_bytes)
        png, rendered_at, error = None, None, page.error
        if page.body is not None:
            try:
                content_type = page.header("content-type")
                png = render_png(page.body, page.url, content_type, settings, server)
                rendered_at = beijing_now()
            except (OSError, RuntimeError) as e:
                error = f"截图失败: {e}"
        evidence.save(doc_id, page.url, fetched_at=fetched_at, http_status=page.status, headers=page.headers,
                      html=page.body, png=png, rendered_at=rendered_at, renderer=renderer, error=error)
        return png is not None

    server = PageServer()
    try:
        with ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="capture") as pool:
            for ok in pool.map(one, todo):
                summary["captured" if ok else "failed"] += 1
    finally:
        server.close()
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m crawlers.capture")
    ap.add_argument("--config", default=os.environ.get("YQ_CONFIG", "config"))
    ap.add_argument("--limit", type=int)
    args = ap.parse_args(argv)
    try:
        from crawlers.sources import load_sources
        from storage.config import load_storage_settings
        from storage.evidence import load_evidence_config
        from storage.factory import create_schema, open_store

        cfg_dir = Path(args.config)
        sources = load_sources(cfg_dir)
        settings = load_evidence_config(cfg_dir).capture
        store = open_store(load_storage_settings(cfg_dir))
    except ConfigError as e:
        print(f"配置错误: {e}", file=sys.stderr)
        return 2
    try:
        create_schema(store.engine)
        out = capture_batch(store, sources, settings, limit=args.limit)
    finally:
        store.engine.dispose()
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
