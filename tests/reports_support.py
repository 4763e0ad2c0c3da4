"""Helpers shared by the report tests (not a test module): a story spread over three sites, grouped
into an event by the real rules job, an incident on it, and report desks on one SQLite file."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from alerts.channels.mail import EmailChannel
from alerts.config import AlertsConfig, ReportMailConfig
from alerts.engine import AlertEngine
from alerts.incidents import IncidentBook
from alerts.reports.delivery import ReportPostbox
from alerts.reports.desk import ReportDesk
from alerts.types import IncidentState as S
from storage.factory import make_engine
from storage.store import Store
from test_alerts_support import SH, Clock, make_doc, make_store

NAMES = {"qxbbs": "青溪论坛", "tieba": "青溪吧", "qxnews": "青溪新闻网"}
STORY_AT = datetime(2024, 5, 6, 9, 10, tzinfo=SH)
THREAD = "https://bbs.example.cn/thread-7-1-1.html"
FIRST_TITLE = "东湖区化工厂半夜偷排<script>alert(1)</script>"
FIRST_AUTHOR = "<b>河边人</b>"
FIRST_URL = "https://bbs.example.cn/thread-7-1-1.html#pid1"
SIMHASH = 0x1234_5678_9ABC_DEF0


def story_docs():
    """First post on the forum at 09:10 with two replies, a Tieba repost at 10:05 and a news
    article at 11:30 (same SimHash: one event), plus an unrelated post of the same day."""
    at = STORY_AT
    return [
        replace(make_doc(1, at=at, title=FIRST_TITLE, thread=THREAD, url=FIRST_URL, severity="red",
                         simhash=SIMHASH), author=FIRST_AUTHOR),
        make_doc(2, at=at + timedelta(minutes=20), thread=THREAD, severity="orange", simhash=SIMHASH ^ 1),
        make_doc(3, at=at + timedelta(minutes=35), thread=THREAD, severity="blue", negative=False,
                 sentiment=0.0, simhash=SIMHASH ^ 2),
        make_doc(4, at=at + timedelta(minutes=55), source="tieba", thread="https://tieba.example.cn/p/9",
                 url="https://tieba.example.cn/p/9", title="青溪化工厂偷排谁来管", simhash=SIMHASH ^ 4),
        make_doc(5, at=at + timedelta(hours=2, minutes=20), source="qxnews",
                 thread="https://news.example.cn/a/5.html", url="https://news.example.cn/a/5.html",
                 title="东湖区回应化工厂排污问题", severity="yellow", simhash=SIMHASH ^ 8),
        make_doc(9, at=at, thread="https://bbs.example.cn/thread-99-1-1.html", title="临江县道路施工",
                 words=("施工",), topic="traffic", keywords=("道路", "施工", "临江县"),
                 simhash=0xF0F0_F0F0_0F0F_0F0F, severity="blue", negative=False),
    ]


def event_of(store: Store, doc_id: str) -> str:
    from sqlalchemy.orm import Session

    from alerts.models import AlertEventDocRow

    with Session(store.engine) as s:
        return s.get(AlertEventDocRow, doc_id).event_id


def story_store(tmp_path, clock: Clock):
    """A store holding the story, grouped into events by the real rules job (no rules, no mail)."""
    store = make_store(tmp_path)
    store.save_documents(story_docs())
    AlertEngine(store, AlertsConfig(), {}, now=clock, source_names=NAMES).run_once()
    return store


def handled_incident(store: Store, clock: Clock) -> int:
    """An incident on the story, taken through 研判 and 处置 by named officers."""
    book = IncidentBook(store.engine, now=clock)
    inc = book.open("东湖区化工厂偷排<script>x</script>", actor="值班员甲", event_id=event_of(store, "d0001"),
                    severity="red", note="由事件列表转为事件单")
    clock.advance(minutes=15)
    book.transition(inc.id, S.assessed, actor="科长乙", note="情况属实，<img src=x onerror=alert(2)>")
    clock.advance(minutes=45)
    book.transition(inc.id, S.handling, actor="科长乙", department="生态环境局", note="已转生态环境局核查")
    return inc.id


def reopen(tmp_path) -> Store:
    """A second process on the same database file (what a restart after a crash sees)."""
    return Store(make_engine(f"sqlite:///{tmp_path / 'yq.db'}"))


def mail_desk(store: Store, clock: Clock, tmp_path, *, port: int, channel: EmailChannel | None = None,
              shifts=("08:00", "20:00")) -> ReportDesk:
    channel = channel or EmailChannel(host="127.0.0.1", port=port, sender="yqwatch@qingxi.example.cn",
                                      recipients=["duty@qingxi.example.cn"], timeout=5)
    mail = ReportMailConfig(channel="email", daily=["leader@qingxi.example.cn", "office@qingxi.example.cn"],
                            special=["leader@qingxi.example.cn"], handover=["duty-team@qingxi.example.cn"])
    postbox = ReportPostbox(store.engine, channel, now=clock, backoff_seconds=60, backoff_max_seconds=600)
    return ReportDesk(store, IncidentBook(store.engine, now=clock), out_dir=tmp_path / "reports",
                      locality="青溪市", now=clock, shifts=shifts, source_names=NAMES,
                      postbox=postbox, mail=mail)


MORNING = datetime(2024, 5, 7, 8, 0, tzinfo=SH)  # the morning after the story's day


@pytest.fixture
def clock():
    return Clock(MORNING)


@pytest.fixture
def store(tmp_path, clock):
    return story_store(tmp_path, clock)
