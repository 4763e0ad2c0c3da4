"""Document factory shared by the storage and search tests (not a test module)."""
from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, event, text

from pipeline.types import Document, TopicHit
from storage.factory import make_engine

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


def make_doc(i: int | str, *, title: str = "标题", text: str = "正文", tokens=("正文",),
             source: str = "forum_a", kind: str = "forum", topics=(), category=None, severity=None,
             negative=False, relevant=True, published_at: datetime | None = T0, fetched_at=T0,
             replies=None, views=None, simhash=0) -> Document:
    hits = tuple(TopicHit(topic_id=t, name=f"话题{t}", category=category, severity=severity,
                          words=("词",), spans=((0, 1),)) for t in topics)
    return Document(
        id=f"d{i}", source_id=source, kind=kind, url=f"https://bbs.example.cn/t/{i}",
        thread_url=f"https://bbs.example.cn/t/{i}", title=title, text=text, fetched_at=fetched_at,
        author="网友", published_at=published_at, floor=1, replies=replies, views=views,
        tokens=tuple(tokens), locality_terms=("青溪",) if relevant else (), topic_hits=hits,
        relevant=relevant, sentiment=-0.5 if negative else 0.2, negative=negative, category=category,
        severity=severity, simhash=simhash, keywords=tuple(tokens[:2]))



def postgres_engine(schema: str):
    """An engine on YQ_PG_URL confined to a fresh schema (dropped by `drop_postgres_schema`).
    Skips with the reason when PostgreSQL is not configured or not reachable; fails instead
    when YQ_REQUIRE_PG=1 (CI)."""
    url = os.environ.get("YQ_PG_URL")
    required = os.environ.get("YQ_REQUIRE_PG") == "1"
    if not url:
        reason = "PostgreSQL tests need YQ_PG_URL (eval \"$(scripts/ci_postgres.sh)\")"
        pytest.fail(reason) if required else pytest.skip(reason)
    try:
        admin = create_engine(url)
        with admin.begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
    except Exception as e:  # not reachable, bad credentials, no driver
        reason = f"PostgreSQL at YQ_PG_URL not usable: {type(e).__name__}: {str(e).splitlines()[0]}"
        pytest.fail(reason) if required else pytest.skip(reason)
    engine = make_engine(url)

    @event.listens_for(engine, "connect")
    def _search_path(dbapi_conn, _rec):
        with dbapi_conn.cursor() as cur:
            cur.execute(f'SET search_path TO "{schema}"')
        dbapi_conn.commit()

    return engine


def drop_postgres_schema(engine, schema: str) -> None:
    engine.dispose()
    admin = create_engine(engine.url)
    with admin.begin() as c:
        c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
