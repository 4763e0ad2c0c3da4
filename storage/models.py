"""SQLAlchemy 2 tables of the system of record. `Base` is shared: alerts/ declares its tables on
it so one metadata and one Alembic history cover the whole database. Rows never leave storage."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer,
                        LargeBinary, String, Text, TypeDecorator)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pipeline.config import TZ  # the one time zone constant; re-exported for storage modules

# SQLite only auto-increments an INTEGER PRIMARY KEY (the rowid alias), not BIGINT.
SeqInt = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class AwareDateTime(TypeDecorator):
    """Aware datetimes stored as naive UTC (portable, sorts as text on SQLite), read back in
    Asia/Shanghai."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to an AwareDateTime column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        return value.replace(tzinfo=timezone.utc).astimezone(TZ) if value is not None else None


class UInt64(TypeDecorator):
    """An unsigned 64-bit value (SimHash) in a signed BIGINT column (two's complement)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: int | None, dialect):
        if value is None:
            return None
        if not 0 <= value < 1 << 64:
            raise ValueError(f"not an unsigned 64-bit value: {value}")
        return value - (1 << 64) if value >= 1 << 63 else value

    def process_result_value(self, value: int | None, dialect):
        return value + (1 << 64) if value is not None and value < 0 else value


class DocumentRow(Base):
    __tablename__ = "documents"

    seq: Mapped[int] = mapped_column(SeqInt, primary_key=True, autoincrement=True)  # ingest order
    id: Mapped[str] = mapped_column(String(64), unique=True)
    source_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(Text)
    thread_url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(Text)  # the publishing outlet of a news article (来源)
    published_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    fetched_at: Mapped[datetime] = mapped_column(AwareDateTime)
    ts: Mapped[datetime] = mapped_column(AwareDateTime)  # published_at, else fetched_at
    floor: Mapped[int | None] = mapped_column(Integer)
    replies: Mapped[int | None] = mapped_column(Integer)
    views: Mapped[int | None] = mapped_column(Integer)
    tokens: Mapped[list] = mapped_column(JSON)
    locality_terms: Mapped[list] = mapped_column(JSON)
    topic_hits: Mapped[list] = mapped_column(JSON)
    exclusions: Mapped[list] = mapped_column(JSON)
    relevant: Mapped[bool] = mapped_column(Boolean)
    sentiment: Mapped[float] = mapped_column(Float)
    negative: Mapped[bool] = mapped_column(Boolean)
    category: Mapped[str | None] = mapped_column(String(64))
    severity: Mapped[str | None] = mapped_column(String(8))
    simhash: Mapped[int] = mapped_column(UInt64)
    keywords: Mapped[list] = mapped_column(JSON)
    source_weight: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(32), default="new")  # incident status, for search

    __table_args__ = (Index("ix_documents_relevant_ts", "relevant", "ts"), Index("ix_documents_ts", "ts"))


class RawHtmlRow(Base):
    """Raw HTML kept (zlib) for a limited time as evidence."""

    __tablename__ = "raw_html"

    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    fetched_at: Mapped[datetime] = mapped_column(AwareDateTime, index=True)
    html_z: Mapped[bytes] = mapped_column(LargeBinary)


class OutboxRow(Base):
    """A document to (re)deliver to the search index, written in the document's transaction.
    `seq` is never reused (SQLite AUTOINCREMENT; a PostgreSQL sequence never goes back), so a
    row number always names one queued delivery."""

    __tablename__ = "index_outbox"
    __table_args__ = {"sqlite_autoincrement": True}

    seq: Mapped[int] = mapped_column(SeqInt, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)


class ThreadStateRow(Base):
    __tablename__ = "thread_states"

    source_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    thread_url: Mapped[str] = mapped_column(Text, primary_key=True)
    replies: Mapped[int | None] = mapped_column(Integer)
    last_floor: Mapped[int | None] = mapped_column(Integer)
    last_page: Mapped[int] = mapped_column(Integer)
    first_seen: Mapped[datetime] = mapped_column(AwareDateTime)
    last_seen: Mapped[datetime] = mapped_column(AwareDateTime)
    last_growth: Mapped[datetime] = mapped_column(AwareDateTime)
    last_page_url: Mapped[str | None] = mapped_column(Text)  # where new replies will appear

    __table_args__ = (Index("ix_thread_states_growth", "source_id", "last_growth"),)


class CrawlRunRow(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(SeqInt, primary_key=True, autoincrement=True)
    source_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(AwareDateTime)
    finished_at: Mapped[datetime] = mapped_column(AwareDateTime)
    pages: Mapped[int] = mapped_column(Integer)
    items: Mapped[int] = mapped_column(Integer)
    new_items: Mapped[int] = mapped_column(Integer)
    errors: Mapped[int] = mapped_column(Integer)
    parse_failures: Mapped[int] = mapped_column(Integer)
    list_items: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))

    __table_args__ = (Index("ix_crawl_runs_source", "source_id", "id"),)


class KvRow(Base):
    """Small JSON values by key (crawl cursors and the like)."""

    __tablename__ = "kv"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)
