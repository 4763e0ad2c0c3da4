"""Helpers shared by the alerts and report tests: a store on a temporary SQLite file, Document
factories, a real SMTP server (aiosmtpd) and a real HTTP receiver on 127.0.0.1."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller

from pipeline.types import Document, TopicHit
from storage.factory import create_schema, make_engine
from storage.store import Store

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2024, 5, 6, 9, 0, tzinfo=SH)


def make_store(tmp_path) -> Store:
    engine = make_engine(f"sqlite:///{tmp_path / 'yq.db'}")
    create_schema(engine)  # Alembic: storage's migrations, then 0002_alerts
    return Store(engine)


def put(store: Store, docs) -> None:
    store.save_documents(list(docs))


def make_doc(n: int, *, title="东湖区化工厂偷排污水", text="青溪东湖区化工厂夜里偷排，河水发臭。",
             severity="orange", thread="https://bbs.example.cn/thread-1-1-1.html",
             source="qxbbs", at: datetime | None = None, relevant=True, negative=True,
             simhash: int | None = None, topic="pollution", words=("偷排", "发臭"),
             url: str | None = None, sentiment=-0.6,
             keywords=("化工厂", "偷排", "河水")) -> Document:
    at = at or T0 + timedelta(minutes=n)
    return Document(
        id=f"d{n:04d}", source_id=source, kind="forum",
        url=url or f"{thread}#pid{n}", thread_url=thread, title=title, text=text,
        fetched_at=at, published_at=at, floor=n, author=f"u{n}",
        tokens=tuple(keywords), locality_terms=("东湖区",),
        topic_hits=(TopicHit(topic, "环境污染", "环境保护", severity, tuple(words)),) if topic else (),
        relevant=relevant, sentiment=sentiment, negative=negative,
        category="环境保护" if topic else None, severity=severity,
        simhash=simhash if simhash is not None else (0x1234_5678_9ABC_DEF0 ^ n),
        keywords=tuple(keywords),
    )


class Clock:
    def __init__(self, t: datetime = T0):
        self.t = t

    def __call__(self) -> datetime:
        return self.t

    def advance(self, **kw) -> None:
        self.t += timedelta(**kw)


class _Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


class SmtpServer:
    """A real SMTP server on 127.0.0.1:port collecting parsed messages."""

    def __init__(self, port: int):
        self.sink = _Sink()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=port)

    @property
    def messages(self):
        return self.sink.messages

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


@dataclass
class Received:
    path: str
    headers: dict
    body: dict


@dataclass
class HttpReceiver:
    """A real HTTP server that records JSON POSTs and answers with `reply` / `status`."""

    status: int = 200
    reply: dict = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    requests: list = field(default_factory=list)

    def __enter__(self):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.requests.append(Received(self.path, dict(self.headers), json.loads(raw)))
                data = json.dumps(outer.reply).encode()
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
