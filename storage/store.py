"""The system of record: documents (+ outbox rows, same transaction), raw HTML evidence, crawl
state, crawl runs and a small key-value table. All writes are short transactions; on SQLite they
start with BEGIN IMMEDIATE (see factory.make_engine) so concurrent writers queue instead of
failing, and on PostgreSQL document writes take an advisory lock so `seq` grows in commit order
(readers following `documents_since` never skip a row committed late)."""
from __future__ import annotations

import zlib
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, case, delete, func, literal, select, true, update
from sqlalchemy.dialects import postgresql, sqlite

from pipeline.types import Document

from .models import TZ, CrawlRunRow, DocumentRow, KvRow, OutboxRow, RawHtmlRow, ThreadStateRow
from .database_lock import drainer_lock
from .rows import from_row, to_row
from .types import CrawlRun, ThreadState

D = DocumentRow.__table__
O = OutboxRow.__table__
_DOC_WRITE_LOCK = 0x79717761  # pg advisory lock key for document writes ("yqwa")
_CHUNK = 500


def _chunks(seq: Sequence, n: int = _CHUNK):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


class Store:
    def __init__(self, engine: Engine):
        self.engine = engine
        name = engine.dialect.name
        if name not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported database dialect: {name}")
        self._insert = postgresql.insert if name == "postgresql" else sqlite.insert
        self._drain_lock = threading.Lock()  # drainer threads of this process queue here

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(yq_write=True)
            with conn.begin():
                yield conn

    def _lock_documents(self, c: Connection) -> None:
        if c.dialect.name == "postgresql":
            c.execute(select(func.pg_advisory_xact_lock(_DOC_WRITE_LOCK)))

    # -- documents ------------------------------------------------------------------------------
    def save_documents(self, docs: Sequence[Document],
                       raw_html: Mapping[str, str] | None = None) -> list[str]:
        """Insert new documents, refresh reply/view counts of known ones, and queue relevant
        new or changed documents for the index, in ONE transaction. Returns the ids newly
        inserted, in input order."""
        latest = {d.id: d for d in docs}  # a repeated id: the last copy wins
        if not latest:
            return []
        now = datetime.now(TZ)
        with self._write() as c:
            self._lock_documents(c)
            known: dict[str, Any] = {}
            for chunk in _chunks(list(latest)):
                cols = select(D.c.id, D.c.replies, D.c.views, D.c.relevant)
                known.update((r.id, r) for r in c.execute(cols.where(D.c.id.in_(chunk))))
            fresh = [d for i, d in latest.items() if i not in known]
            inserted: set[str] = set()
            if fresh:
                stmt = self._insert(D).on_conflict_do_nothing(index_elements=["id"]).returning(D.c.id)
                inserted = set(c.execute(stmt, [to_row(d) for d in fresh]).scalars())
            changed_ids = set()
            for i, k in known.items():  # counts grow; a count not seen this time (None) is kept
                d = latest[i]
                counts = (k.replies if d.replies is None else d.replies,
                          k.views if d.views is None else d.views)
                if counts != (k.replies, k.views):
                    c.execute(update(D).where(D.c.id == i).values(replies=counts[0], views=counts[1]))
                    changed_ids.add(i)
            # a known document keeps its first analysis: its stored relevance decides
            queue = [i for i, d in latest.items() if (i in inserted and d.relevant)
                     or (i in known and known[i].relevant and i in changed_ids)]
            if queue:
                c.execute(O.insert(), [{"doc_id": i, "created_at": now} for i in queue])
            if raw_html:
                raw = [{"doc_id": i, "fetched_at": latest[i].fetched_at,
                        "html_z": zlib.compress(raw_html[i].encode("utf-8"), 6)}
                       for i in latest if i in inserted and raw_html.get(i)]
                if raw:
                    c.execute(RawHtmlRow.__table__.insert(), raw)
        return [i for i in latest if i in inserted]

    def set_status(self, ids: Sequence[str], status: str) -> int:
        """Set the incident status shown in search (`status` filter) and queue re-indexing."""
        now = datetime.now(TZ)
        n = 0
        with self._write() as c:
            self._lock_documents(c)
            for chunk in _chunks(list(ids)):
                n += c.execute(update(D).where(D.c.id.in_(chunk)).values(status=status)).rowcount
                rel = c.execute(select(D.c.id).where(D.c.id.in_(chunk), D.c.relevant)).scalars().all()
                if rel:
                    c.execute(O.insert(), [{"doc_id": i, "created_at": now} for i in rel])
        return n

    def statuses(self, ids: Sequence[str]) -> dict[str, str]:
        with self.engine.connect() as c:
            return self._statuses(c, ids)

    @staticmethod
    def _statuses(c: Connection, ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for chunk in _chunks(list(ids)):
            out.update((r.id, r.status) for r in c.execute(select(D.c.id, D.c.status).where(D.c.id.in_(chunk))))
        return out

    def get_documents(self, ids: Sequence[str]) -> list[Document]:
        with self.engine.connect() as c:
            return self._documents(c, ids)

    @staticmethod
    def _documents(c: Connection, ids: Sequence[str]) -> list[Document]:
        found: dict[str, Document] = {}
        for chunk in _chunks(list(ids)):
            for r in c.execute(select(D).where(D.c.id.in_(chunk))):
                found[r.id] = from_row(r)
        return [found[i] for i in dict.fromkeys(ids) if i in found]

    def raw_html(self, doc_id: str) -> str | None:
        with self.engine.connect() as c:
            z = c.execute(select(RawHtmlRow.html_z).where(RawHtmlRow.doc_id == doc_id)).scalar()
        return zlib.decompress(z).decode("utf-8") if z is not None else None

    def documents_since(self, after_seq: int, limit: int = 500) -> list[tuple[int, Document]]:
        with self.engine.connect() as c:
            rows = c.execute(select(D).where(D.c.seq > after_seq).order_by(D.c.seq).limit(limit))
            return [(r.seq, from_row(r)) for r in rows]

    def documents_between(self, start: datetime, end: datetime, *,
                          relevant_only: bool = True) -> list[Document]:
        """Documents whose time (published, else fetched) is in [start, end), oldest first."""
        q = select(D).where(D.c.ts >= start, D.c.ts < end)
        if relevant_only:
            q = q.where(D.c.relevant)
        with self.engine.connect() as c:
            return [from_row(r) for r in c.execute(q.order_by(D.c.ts, D.c.seq))]

    def iter_documents(self, since: datetime | None = None, batch: int = 1000) -> Iterator[Document]:
        """All documents in ingest order (time >= since if given), read in keyset batches."""
        for _, doc in self._iter_rows(since, batch, relevant_only=False):
            yield doc

    def _iter_rows(self, since, batch, *, relevant_only):
        after = 0
        while True:
            q = select(D).where(D.c.seq > after)
            if since is not None:
                q = q.where(D.c.ts >= since)
            if relevant_only:
                q = q.where(D.c.relevant)
            with self.engine.connect() as c:
                rows = c.execute(q.order_by(D.c.seq).limit(batch)).all()
            if not rows:
                return
            for r in rows:
                yield r, from_row(r)
            after = rows[-1].seq

    def count_documents(self, *, relevant_only: bool = False, since: datetime | None = None) -> int:
        q = select(func.count()).select_from(D)
        if relevant_only:
            q = q.where(D.c.relevant)
        if since is not None:
            q = q.where(D.c.ts >= since)
        with self.engine.connect() as c:
            return c.execute(q).scalar_one()

    def window_counts(self, start: datetime, window: timedelta, n: int, *, by: str,
                      keys: Sequence[str] = ()) -> dict[str, list[int]]:
        """Relevant documents per key in each of `n` consecutive windows
        [start + i*window, start + (i+1)*window) by document time, in ONE grouped query (volume
        spikes over millions of rows). `by`: "topic" (a document counts once per topic it hit),
        "source", or "all" (the single key ""). `keys`, if given, limits the keys counted. Keys
        without a document in the span are absent."""
        if n < 1 or window <= timedelta(0):
            raise ValueError("window_counts: need n >= 1 and a positive window")
        src = D
        if by == "topic":
            key, src = self._topic_key()
        elif by == "source":
            key = D.c.source_id
        elif by == "all":
            key = literal("")
        else:
            raise ValueError(f"window_counts: unknown grouping {by!r}")
        # Window index by comparisons with the same bound datetimes as the range filter, so a
        # boundary post lands exactly where the caller's arithmetic puts it, on every dialect.
        bounds = [start + window * i for i in range(1, n)]
        slot = case(*((D.c.ts < b, i) for i, b in enumerate(bounds)), else_=n - 1) if bounds \
            else literal(n - 1)
        inner = select(key.label("k"), slot.label("slot"), D.c.seq).select_from(src).distinct().where(
            D.c.relevant, D.c.ts >= start, D.c.ts < start + window * n)
        if keys:
            inner = inner.where(key.in_(list(keys)))
        sub = inner.subquery()
        q = select(sub.c.k, sub.c.slot, func.count()).group_by(sub.c.k, sub.c.slot)
        out: dict[str, list[int]] = {}
        with self.engine.connect() as c:
            for k, i, cnt in c.execute(q):
                out.setdefault(k, [0] * n)[i] = cnt
        return out

    def _topic_key(self):
        """The topic id of each element of `topic_hits` (a JSON array), and documents joined with
        one row per hit (the function is evaluated per document: lateral on PostgreSQL)."""
        if self.engine.dialect.name == "postgresql":
            hit = func.json_array_elements(D.c.topic_hits).table_valued("value")
            key = hit.c.value.op("->>")("topic_id")
        else:
            hit = func.json_each(D.c.topic_hits).table_valued("value")
            key = func.json_extract(hit.c.value, "$.topic_id")
        return key, D.join(hit, true())

    # -- index outbox ---------------------------------------------------------------------------
    def outbox_batch(self, limit: int) -> list[tuple[int, str]]:
        """The oldest queued (seq, doc_id) pairs (a read-only peek; delivery is outbox_deliver)."""
        with self.engine.connect() as c:
            return [tuple(r) for r in c.execute(select(O.c.seq, O.c.doc_id).order_by(O.c.seq).limit(limit))]

    def outbox_ack(self, seqs: Sequence[int]) -> None:
        """Delete exactly these outbox rows (never "everything up to N": see outbox_deliver)."""
        with self._write() as c:
            for chunk in _chunks(list(seqs)):
                c.execute(delete(O).where(O.c.seq.in_(chunk)))

    def outbox_deliver(self, limit: int,
                       deliver: Callable[[list[Document], dict[str, str]], None]) -> int:
        """Hand the oldest `limit` queued documents (current version + status) to `deliver`, then
        delete exactly the outbox rows read; if `deliver` raises, nothing is deleted. One drainer
        at a time (a process-wide thread lock, then storage.database_lock across processes and
        hosts), but `deliver` runs outside any transaction: the batch is read in a short read
        transaction and acknowledged in a short write transaction, so writers never wait on the
        index. Rows queued meanwhile (a newer version of a document in the batch) have higher
        numbers and stay for the next batch. Returns the number of rows delivered (0: queue empty)."""
        with self._drain_lock, drainer_lock(self.engine):
            with self.engine.connect() as c, c.begin():  # read only: no write lock taken
                rows = c.execute(select(O.c.seq, O.c.doc_id).order_by(O.c.seq).limit(limit)).all()
                if not rows:
                    return 0
                ids = list(dict.fromkeys(doc_id for _, doc_id in rows))
                docs, statuses = self._documents(c, ids), self._statuses(c, ids)
            deliver(docs, statuses)
            with self._write() as c:
                for chunk in _chunks([seq for seq, _ in rows]):
                    c.execute(delete(O).where(O.c.seq.in_(chunk)))
        return len(rows)

    def outbox_pending(self) -> int:
        with self.engine.connect() as c:
            return c.execute(select(func.count()).select_from(O)).scalar_one()

    def iter_indexable(self, since: datetime | None = None,
                       batch: int = 1000) -> Iterator[list[tuple[Document, str]]]:
        """Relevant documents with their status, in batches (for reindex)."""
        buf: list[tuple[Document, str]] = []
        for r, doc in self._iter_rows(since, batch, relevant_only=True):
            buf.append((doc, r.status))
            if len(buf) >= batch:
                yield buf
                buf = []
        if buf:
            yield buf

    # -- crawl state ----------------------------------------------------------------------------
    @staticmethod
    def _state(r) -> ThreadState:
        return ThreadState(source_id=r.source_id, thread_url=r.thread_url, replies=r.replies,
                           last_floor=r.last_floor, last_page=r.last_page, first_seen=r.first_seen,
                           last_seen=r.last_seen, last_growth=r.last_growth,
                           last_page_url=r.last_page_url)

    def thread_state(self, source_id: str, thread_url: str) -> ThreadState | None:
        with self.engine.connect() as c:
            r = c.execute(select(ThreadStateRow.__table__).where(
                ThreadStateRow.source_id == source_id, ThreadStateRow.thread_url == thread_url)).first()
        return self._state(r) if r else None

    def thread_states(self, source_id: str, thread_urls) -> dict[str, ThreadState]:
        """Seen-state of several threads of a source (a list page's) in one query, by URL."""
        urls = sorted(set(thread_urls))
        t, out = ThreadStateRow, {}
        with self.engine.connect() as c:
            for i in range(0, len(urls), 500):
                for r in c.execute(select(t.__table__).where(t.source_id == source_id,
                                                             t.thread_url.in_(urls[i:i + 500]))):
                    out[r.thread_url] = self._state(r)
        return out

    def save_thread_states(self, states: Sequence[ThreadState]) -> None:
        rows = {(s.source_id, s.thread_url): s.__dict__ for s in states}
        if not rows:
            return
        t = ThreadStateRow.__table__
        stmt = self._insert(t)
        stmt = stmt.on_conflict_do_update(
            index_elements=["source_id", "thread_url"],
            set_={k: stmt.excluded[k] for k in ("replies", "last_floor", "last_page", "last_seen",
                                                 "last_growth", "last_page_url")})
        with self._write() as c:
            c.execute(stmt, list(rows.values()))

    def active_threads(self, source_id: str, since: datetime) -> list[ThreadState]:
        """Threads of a source that grew at or after `since`, most recently grown first."""
        t = ThreadStateRow
        with self.engine.connect() as c:
            rows = c.execute(select(t.__table__).where(t.source_id == source_id, t.last_growth >= since)
                             .order_by(t.last_growth.desc()))
            return [self._state(r) for r in rows]

    def record_crawl_run(self, run: CrawlRun, run_id: int | None = None) -> int:
        """Insert a crawl's record, or (with `run_id`) finish the one written when it started
        (status "running"), so a crawl killed mid-way still leaves a record. Returns its id."""
        values = {**run.__dict__, "reasons": dict(run.reasons)}
        t = CrawlRunRow.__table__
        with self._write() as c:
            if run_id is not None and c.execute(update(t).where(t.c.id == run_id).values(**values)).rowcount:
                return run_id
            return c.execute(t.insert().values(**values)).inserted_primary_key[0]

    def open_crawl_run(self, run: CrawlRun, killed_reasons: dict[str, int]) -> int:
        """A crawl starts: the records of this source's crawls still "running" (their process was
        killed) become failed with `killed_reasons`, and this crawl's record is inserted, in one
        transaction (one commit per crawl start). Returns the new record's id."""
        t = CrawlRunRow.__table__
        with self._write() as c:
            c.execute(update(t).where(t.c.source_id == run.source_id, t.c.status == "running")
                      .values(status="failed", reasons=killed_reasons))
            values = {**run.__dict__, "reasons": dict(run.reasons)}
            return c.execute(t.insert().values(**values)).inserted_primary_key[0]

    def expire_crawl_runs(self, source_id: str, reasons: dict[str, int]) -> int:
        """Records of this source's crawls still "running" (their process was killed): failed."""
        t = CrawlRunRow.__table__
        with self._write() as c:
            return c.execute(update(t).where(t.c.source_id == source_id, t.c.status == "running")
                             .values(status="failed", reasons=reasons)).rowcount

    def crawl_runs(self, source_id: str | None = None, limit: int = 50) -> list[CrawlRun]:
        t = CrawlRunRow.__table__
        q = select(t).order_by(t.c.id.desc()).limit(limit)
        if source_id is not None:
            q = q.where(t.c.source_id == source_id)
        with self.engine.connect() as c:
            return [CrawlRun(**{f: getattr(r, f) for f in CrawlRun.__dataclass_fields__})
                    for r in c.execute(q)]

    def kv_get(self, key: str, default=None):
        with self.engine.connect() as c:
            r = c.execute(select(KvRow.value).where(KvRow.key == key)).first()
        return r[0] if r else default

    def kv_set(self, key: str, value) -> None:
        stmt = self._insert(KvRow.__table__).values(key=key, value=value)
        stmt = stmt.on_conflict_do_update(index_elements=["key"], set_={"value": stmt.excluded.value})
        with self._write() as c:
            c.execute(stmt)

    # -- retention ------------------------------------------------------------------------------
    def gc(self, now: datetime, raw_retention_days: int) -> dict[str, int]:
        """Drop raw HTML older than the retention period (documents are kept)."""
        cutoff = now - timedelta(days=raw_retention_days)
        with self._write() as c:
            n = c.execute(delete(RawHtmlRow).where(RawHtmlRow.fetched_at < cutoff)).rowcount
        return {"raw_html": n}
