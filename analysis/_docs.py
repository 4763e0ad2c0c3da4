"""Helpers shared by the analysis modules: de-duplication, a document's time, hourly buckets."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from pipeline.config import TZ as SHANGHAI
from pipeline.types import Document

HOUR = timedelta(hours=1)


def unique(docs: Iterable[Document]) -> list[Document]:
    """Documents with distinct ids, first occurrence kept, input order kept."""
    seen: dict[str, Document] = {}
    for doc in docs:
        seen.setdefault(doc.id, doc)
    return list(seen.values())


def aware(t: datetime) -> datetime:
    """Types promise aware datetimes; a naive one is read as Shanghai time rather than the host's."""
    return t if t.tzinfo is not None else t.replace(tzinfo=SHANGHAI)


def doc_time(doc: Document) -> datetime:
    """When the post appeared: published_at, else fetched_at.

    A publish time later than the fetch is a mis-parsed relative time ("半小时前") or clock skew;
    a post cannot appear after we fetched it, so the fetch time caps it.
    """
    fetched = aware(doc.fetched_at)
    if doc.published_at is None:
        return fetched
    return min(aware(doc.published_at), fetched)


def order_key(t: datetime, floor: int | None, thread_url: str, doc_id: str) -> tuple:
    """Publication order: time, then floor, then thread, then id.

    Forum and Tieba times are often minute-precise, so a thread's opening post and its first
    replies share one timestamp; the floor puts the opener (floor 1; articles and feed items have
    no floor and are openers too) first, and within a thread keeps floor order. The id only
    settles what nothing else does, so the order never depends on input order."""
    return (aware(t), floor if floor is not None else 1, thread_url or "", doc_id)


def post_order(doc: Document) -> tuple:
    """The sort key of `doc` in publication order (see order_key)."""
    return order_key(doc_time(doc), doc.floor, doc.thread_url, doc.id)


def hour_floor(t: datetime, tz: ZoneInfo = SHANGHAI) -> datetime:
    """The start of the local hour that contains `t`, in `tz`."""
    return aware(t).astimezone(tz).replace(minute=0, second=0, microsecond=0)


def hour_range(first: datetime, last: datetime, tz: ZoneInfo = SHANGHAI) -> list[datetime]:
    """Hour starts from `first` to `last` inclusive (both already floored), stepping in UTC so DST is safe."""
    hours = []
    t = first.astimezone(timezone.utc)
    end = last.astimezone(timezone.utc)
    while t <= end:
        hours.append(t.astimezone(tz))
        t += HOUR
    return hours
