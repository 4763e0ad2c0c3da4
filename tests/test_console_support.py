"""Helpers shared by the console tests (not a test module): a populated store, index, alert
engine and incident book on temporary files, wired into ConsoleServices; the shared accounts and a
signed-in TestClient for the sign-in tests."""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from alerts.config import AlertsConfig
from alerts.engine import AlertEngine
from alerts.incidents import IncidentBook
from alerts.reports.daily import write_daily_report
from console.app import create_app
from console.auth import SESSION_COOKIE, build_auth
from console.services import ConsoleServices
from pipeline.types import Document, TopicHit
from storage.embedded_index import EmbeddedIndex
from storage.outbox import drain_outbox
from test_alerts_support import SH, Clock, make_store

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

NOW = datetime(2024, 5, 6, 15, 0, tzinfo=SH)
NAMES = {"qxbbs": "青溪论坛", "qxnews": "青溪新闻网", "tieba": "青溪吧"}
HOSTILE_TITLE = '<img src=x onerror=alert(1)>青溪化工厂'
JS_URL = "javascript:alert(document.cookie)"


def post(n: int, *, title: str, text: str = "", severity: str | None = None, negative: bool = False,
         words: tuple[str, ...] = (), source: str = "qxbbs", url: str | None = None,
         minutes_ago: int = 30, relevant: bool = True, replies: int | None = None,
         topic: str = "pollution", topic_name: str = "环境污染", thread: str | None = None,
         floor: int | None = 1, author: str | None = None, simhash: int | None = None) -> Document:
    """A relevant post whose TopicHit spans point at `words` in title + "\\n" + text."""
    text = text or f"{title}。青溪东湖区有网友反映此事。"
    body = f"{title}\n{text}"
    spans = tuple((i, i + len(w)) for w in words for i in [body.find(w)] if i >= 0)
    hits = (TopicHit(topic, topic_name, "生态环境", severity, words, spans),) if words else ()
    at = NOW - timedelta(minutes=minutes_ago)
    return Document(
        id=f"p{n:03d}", source_id=source, kind="forum", url=url or f"https://bbs.example.cn/t/{n}",
        thread_url=thread or url or f"https://bbs.example.cn/t/{n}", title=title, text=text, fetched_at=at,
        published_at=at, author=author or f"网友{n}", floor=floor, replies=replies,
        tokens=tuple(words) + ("青溪",),
        locality_terms=("青溪",), topic_hits=hits, relevant=relevant, sentiment=-0.6 if negative else 0.1,
        negative=negative, category="生态环境" if hits else None, severity=severity,
        simhash=simhash or (0x0F0F_1234_5678_9ABC * (n + 1)) % (1 << 64), keywords=tuple(words) or (f"词{n}",))


def sample_posts() -> list[Document]:
    return [
        post(1, title="东湖区公园新开放", severity="blue", words=("公园",), minutes_ago=5),
        post(2, title="青溪化工厂夜间偷排污水河水发臭", severity="red", negative=True,
             words=("偷排", "发臭"), minutes_ago=90, replies=40),
        post(3, title=HOSTILE_TITLE, text="<script>alert(2)</script>有人说化工厂偷排", severity="orange",
             negative=True, words=("偷排",), url=JS_URL, minutes_ago=60, source="tieba"),
        post(4, title="临江县道路施工影响出行", severity="yellow", words=("施工",), minutes_ago=20,
             source="qxnews", topic="traffic", topic_name="交通出行"),
        post(5, title="三天前的旧帖", severity="red", negative=True, words=("偷排",), minutes_ago=3 * 24 * 60),
        post(6, title="与本地无关的帖子", relevant=False, minutes_ago=10),
    ]


TIEBA_THREAD = "https://tieba.example.cn/p/100"
THREAD_TITLE = "青溪化工厂偷排废水河水发臭没人管吗"
HOSTILE_REPLY = '<img src=x onerror=alert(3)>又闻到臭味，化工厂还在偷排'
HOSTILE_AUTHOR = "<b>吧友</b>"
STORY_SIMHASH = 0x5A5A_0F0F_3C3C_9999  # the news article reposts the thread: one event, two sites


def thread_posts() -> list[Document]:
    """A hot Tieba thread (opening post + 30 replies; reply 15 is red, the newest is hostile), a
    news article of the same story and a forum thread with one reply about something else."""
    replies = [post(100 + i, title=THREAD_TITLE, text=f"第{i + 1}楼：化工厂偷排的事到底有没有人管",
                    severity="red" if i == 15 else "blue", negative=i == 15, words=("偷排",),
                    source="tieba", url=f"{TIEBA_THREAD}?pid={i}", thread=TIEBA_THREAD, floor=i + 1,
                    minutes_ago=100 - 3 * i) for i in range(1, 30)]
    replies.append(post(130, title=THREAD_TITLE, text=HOSTILE_REPLY, severity="blue", words=("偷排",),
                        source="tieba", url=f"{TIEBA_THREAD}?pid=30", thread=TIEBA_THREAD, floor=31,
                        author=HOSTILE_AUTHOR, minutes_ago=5))
    return [
        post(100, title=THREAD_TITLE, text="青溪东湖区化工厂半夜偷排，河水发臭，鱼都死了。", severity="orange",
             negative=True, words=("偷排", "发臭"), source="tieba", url=TIEBA_THREAD, minutes_ago=120,
             replies=30, simhash=STORY_SIMHASH),
        *replies,
        post(200, title="青溪化工厂偷排废水 环保部门介入调查", severity="yellow", words=("偷排",),
             source="qxnews", url="https://news.example.cn/a/200.html", floor=None, minutes_ago=50,
             simhash=STORY_SIMHASH),
        post(300, title="东湖区公园新开放", severity="blue", words=("公园",), minutes_ago=40,
             topic="culture", topic_name="文化活动"),
        post(301, title="东湖区公园新开放", text="回复：周末带孩子去公园看看", severity="blue",
             words=("公园",), url="https://bbs.example.cn/t/300?pid=2", thread="https://bbs.example.cn/t/300",
             floor=2, minutes_ago=30, topic="culture", topic_name="文化活动"),
    ]


class Recorder:
    """An alert channel that keeps what it was given."""

    def __init__(self):
        self.sent = []

    def recipients(self) -> tuple[str, ...]:
        return ("值班群",)

    def send(self, message) -> None:
        self.sent.append(message)


def alerts_config() -> AlertsConfig:
    return AlertsConfig.model_validate({
        "channels": {"hook": {"type": "webhook", "url": "http://127.0.0.1:1/unused"}},
        "rules": [{"id": "serious", "name": "橙色以上新帖", "type": "new_hit", "min_severity": "orange",
                   "channels": ["hook"]}],
    })


@dataclass
class Env:
    services: ConsoleServices
    clock: Clock
    channel: Recorder
    tmp: Path

    def add(self, docs) -> None:
        """New posts arrive: stored, indexed, and seen by the rules job."""
        self.services.store.save_documents(list(docs))
        drain_outbox(self.services.store, self.services.index)
        self.services.alerts.run_once()


def build_env(tmp_path: Path, docs=None, *, run_rules: bool = True) -> Env:
    store = make_store(tmp_path)
    index = EmbeddedIndex(tmp_path / "index.sqlite")
    index.ensure()
    clock = Clock(NOW)
    channel = Recorder()
    engine = AlertEngine(store, alerts_config(), {"hook": channel}, now=clock, source_names=NAMES)
    report_dir = tmp_path / "reports"
    report_dir.mkdir()

    def write_report(day):
        return write_daily_report(store, day=day, out_dir=report_dir, formats=("html",),
                                  locality="青溪市", now=clock(), source_names=NAMES)

    services = ConsoleServices(
        store=store, index=index, query_terms=lambda q: q.split(), alerts=engine,
        incidents=IncidentBook(store.engine, now=clock), source_names=dict(NAMES), locality="青溪市",
        now=clock, report_dir=report_dir, write_report=write_report, departments=["生态环境局"])
    env = Env(services, clock, channel, tmp_path)
    store.save_documents(sample_posts() if docs is None else list(docs))
    drain_outbox(store, index)
    if run_rules:
        engine.run_once()
    return env


# Console accounts the sign-in tests share: login -> (display name, role, password).
ACCOUNTS = {
    "guan": ("管理员王", "admin", "admin-pass-1"),
    "jia": ("值班员甲", "duty", "duty-pass-1"),
    "lingdao": ("李分管", "leader", "leader-pass-1"),
}
PASSWORDS = {login: account[2] for login, account in ACCOUNTS.items()}


def with_accounts(env: Env, *logins: str) -> Env:
    """Turn sign-in on (watch.yaml `console.auth: true`) with these accounts from ACCOUNTS."""
    auth = build_auth(env.services.store.engine, env.clock, None)
    for login in logins:
        name, role, password = ACCOUNTS[login]
        auth.users.add(login, name, role, password)
    env.services.auth = auth
    return env


def fresh_browser(env: Env) -> TestClient:
    """A browser that has opened the sign-in page (so it holds the CSRF cookie) and nothing else."""
    c = TestClient(create_app(env.services), base_url="http://127.0.0.1:8080")
    c.get("/login")
    return c


def sign_in(c: TestClient, login: str, password: str, next_: str = "/"):
    return c.post("/login", data={"csrf": c.cookies["yq_csrf"], "login": login, "password": password,
                                  "next": next_}, follow_redirects=False)


def signed_in(env: Env, login: str) -> TestClient:
    c = fresh_browser(env)
    assert sign_in(c, login, PASSWORDS[login]).status_code == 303 and SESSION_COOKIE in c.cookies
    return c


def form_post(c: TestClient, path: str, **data):
    """A console form submitted with its CSRF field."""
    return c.post(path, data={"csrf": c.cookies["yq_csrf"], **data}, follow_redirects=False)
