"""The demo sites on one real HTTP server (`yqwatch demo-sites`, `python -m demo`)."""
from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from demo.app import DemoApp
from demo.boards import Boards
from demo.clock import CLOCKS, DemoClock
from demo.context import SiteContext, make_env
from demo.timeline import build_timeline


class _Handler(BaseHTTPRequestHandler):
    server_version = "QingxiDemo/1.0"
    protocol_version = "HTTP/1.1"
    app: DemoApp  # set on a per-server subclass

    def _serve(self, method: str) -> None:
        if self.server.latency:  # type: ignore[attr-defined]
            time.sleep(self.server.latency)  # type: ignore[attr-defined]  # a real site's response time
        resp = self.app.handle(method, self.path)
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        self.send_header("Cache-Control", "no-cache")
        for name, value in resp.headers:
            self.send_header(name, value)
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(resp.body)

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionResetError, BrokenPipeError):
            pass  # the client hung up (a crawler killed mid-request): nothing to answer

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        length = self.headers.get("Content-Length")
        if length and length.isdigit():
            self.rfile.read(min(int(length), 65536))  # the control endpoint takes its input in the query
        self._serve("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._serve("PUT")

    do_DELETE = do_PATCH = do_OPTIONS = do_PUT

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        if self.server.verbose:  # type: ignore[attr-defined]
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")


class _DemoHTTPServer(ThreadingHTTPServer):
    # socketserver's default listen backlog of 5 drops SYNs when a crawler opens 8 connections at
    # once; the retransmit stalls a page for ~1 s. Real sites have deep backlogs.
    request_queue_size = 128
    daemon_threads = True


class DemoServer:
    """The three demo sites on a ThreadingHTTPServer running in a background thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, seed: int = 7, speed: float = 60.0,
                 clock: str = "running", start: datetime | None = None, verbose: bool = False,
                 latency: float = 0.0, boards: int = 0, board_period: float = 300.0,
                 board_incidents: int = 0):
        self.clock = DemoClock(speed=speed, mode=clock, start=start)
        self.timeline = build_timeline(seed)
        self.ctx = SiteContext(self.timeline, self.clock, make_env())
        self.app = DemoApp(self.ctx, Boards(boards, seed=seed, period=board_period,
                                                  incident_every=board_incidents) if boards else None)
        self._host, self._port, self._verbose = host, port, verbose
        self.latency = latency  # seconds added to every response (tests of crawls in flight, benchmarks)
        self._httpd: _DemoHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._httpd is not None:
            raise RuntimeError("already started")
        handler = type("DemoHandler", (_Handler,), {"app": self.app})
        httpd = _DemoHTTPServer((self._host, self._port), handler)
        httpd.verbose = self._verbose  # type: ignore[attr-defined]
        httpd.latency = self.latency  # type: ignore[attr-defined]
        self._httpd = httpd
        host = "127.0.0.1" if self._host in ("", "0.0.0.0") else self._host  # a wildcard is no link target
        self.ctx.base_url = f"http://{host}:{httpd.server_address[1]}"
        self.clock.begin()
        # a short poll interval keeps stop() quick (shutdown waits for the next poll)
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="demo-sites", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("not started")
        return self.ctx.base_url

    def advance(self, seconds: float) -> None:
        """Move a manual clock forward by `seconds` demo seconds."""
        self.clock.advance(seconds)

    def __enter__(self) -> "DemoServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _positive(value: str) -> float:
    try:
        f = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是数字：{value}") from None
    if not 0 < f < 1e7:
        raise argparse.ArgumentTypeError("必须是正数")
    return f


def _parser(parser_class: type[argparse.ArgumentParser] = argparse.ArgumentParser) -> argparse.ArgumentParser:
    p = parser_class(prog="yqwatch demo-sites", description="启动演示用的青溪市模拟站点（论坛、贴吧、新闻网）。")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    p.add_argument("--port", type=int, default=8765, help="端口（默认 8765）")
    p.add_argument("--seed", type=int, default=7, help="内容生成的随机种子（默认 7）")
    p.add_argument("--speed", type=_positive, default=60.0, help="演示时间倍速（默认 60：两小时的事件两分钟演完）")
    p.add_argument("--clock", choices=CLOCKS, default="running",
                   help="running：按倍速自动推进；manual：只在 POST /__demo/advance?seconds=N 时推进")
    p.add_argument("--boards", type=int, default=0, help="另加 N 个贴吧（青溪0000 … 青溪N-1，压测用，默认 0）")
    p.add_argument("--board-period", type=_positive, default=300.0, help="压测贴吧每隔多少演示秒发一个新帖（默认 300）")
    p.add_argument("--board-incidents", type=int, default=0, metavar="K",
                   help="压测贴吧每 K 个新帖有一个污染事件帖（橙色预警，测预警时延；默认 0 不发）")
    p.add_argument("--latency", type=float, default=0.0, help="每个响应额外延迟的秒数（模拟真实站点，默认 0）")
    p.add_argument("--verbose", action="store_true", help="打印每个请求")
    return p


def main(argv: list[str] | None = None, *,
         parser_class: type[argparse.ArgumentParser] = argparse.ArgumentParser) -> int:
    """`parser_class`: `yqwatch demo-sites` passes the CLI's, whose errors read like the others'."""
    try:
        args = _parser(parser_class).parse_args(argv)
    except SystemExit as e:  # --help (0) or a bad argument (2, usage already printed)
        return int(e.code or 0)
    server = DemoServer(args.host, args.port, seed=args.seed, speed=args.speed, clock=args.clock,
                        verbose=args.verbose, latency=args.latency, boards=args.boards,
                        board_period=args.board_period, board_incidents=args.board_incidents)
    try:
        server.start()
    except OSError as e:
        print(f"无法在 {args.host}:{args.port} 上启动演示站点：{e.strerror or e}", file=sys.stderr)
        return 1
    stop = threading.Event()
    in_main = threading.current_thread() is threading.main_thread()  # signals only reach the main thread
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set()) if in_main else None
    base = server.base_url
    print(f"青溪论坛（Discuz!，GBK）：{base}/bbs/forum-2-1.html")
    print(f"青溪吧（贴吧）：{base}/tieba/f?kw=%E9%9D%92%E6%BA%AA&ie=utf-8&pn=0")
    print(f"青溪新闻网：{base}/news/list_1.html  RSS：{base}/news/rss.xml")
    print(f"演示时钟：{args.clock}，倍速 {args.speed:g}，种子 {args.seed}。按 Ctrl-C 停止。", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
        server.stop()
    print("演示站点已停止。")
    return 0
