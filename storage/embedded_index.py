"""The embedded search index: SQLite FTS5 over pre-segmented (space-joined jieba) tokens, in its
own SQLite file, for a small office or a laptop. Same contract as ElasticsearchIndex (search.py)."""
from __future__ import annotations

import sqlite3
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from pipeline.types import Document

from .indexdoc import content_seg, epoch_ms, highlight
from .models import TZ
from .search import AGG_FIELDS, IndexUnavailable
from .sqlite_wal import into_wal
from .types import SearchHit, SearchQuery, SearchResult

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
  rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, source_id TEXT NOT NULL, kind TEXT NOT NULL,
  category TEXT, severity TEXT, negative INTEGER NOT NULL, status TEXT NOT NULL,
  ts INTEGER NOT NULL, published_at TEXT, title TEXT NOT NULL, url TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS docs_ts_id ON docs(ts, id);
CREATE INDEX IF NOT EXISTS docs_source_ts ON docs(source_id, ts);
CREATE TABLE IF NOT EXISTS doc_topics (topic TEXT NOT NULL, rid INTEGER NOT NULL,
  PRIMARY KEY (topic, rid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS doc_topics_rid ON doc_topics(rid);
-- unicode61 splits on whitespace/punctuation and folds case, like the ES whitespace+lowercase
-- analyzer over the same space-joined tokens; diacritics kept for parity with ES.
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(content_seg, tokenize = 'unicode61 remove_diacritics 0');
"""
_AGG_SQL = {"source": "d.source_id", "category": "d.category", "severity": "d.severity",
            "kind": "d.kind", "topic": "t.topic"}
_BUCKET_MS = {"hour": 3_600_000, "day": 86_400_000}
_TZ_MS = 8 * 3_600_000  # Asia/Shanghai has had no DST since 1991: a fixed offset buckets correctly
_SEMI = "d.rid IN (SELECT rowid FROM fts WHERE fts MATCH ?)"
_COMMON = 20  # a term in more than 1/20 of the documents counts as common (see search)


def _filtered(q: SearchQuery) -> bool:
    """Any filter besides terms and the time range."""
    return bool(q.sources or q.kinds or q.topics or q.categories or q.severities or q.status
                or q.negative is not None)


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


class EmbeddedIndex:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            into_wal(db)
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            self._db = db
        return self._db

    def ensure(self) -> None:
        with self._lock:
            self._conn()

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # -- writes ---------------------------------------------------------------------------------
    def bulk_index(self, docs: Sequence[Document],
                   statuses: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
        latest = {d.id: d for d in docs}
        statuses = statuses or {}
        try:
            with self._lock:
                db = self._conn()
                db.execute("BEGIN IMMEDIATE")
                try:
                    self._delete_locked(db, list(latest))
                    for d in latest.values():
                        rid = db.execute(
                            "INSERT INTO docs(id, source_id, kind, category, severity, negative, status,"
                            " ts, published_at, title, url, text) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                            (d.id, d.source_id, d.kind, d.category, d.severity, int(d.negative),
                             statuses.get(d.id, "new"), epoch_ms(d),
                             d.published_at.isoformat() if d.published_at else None,
                             d.title, d.url, d.text)).lastrowid
                        db.execute("INSERT INTO fts(rowid, content_seg) VALUES (?, ?)", (rid, content_seg(d)))
                        topics = set(d.topic_ids)
                        if topics:
                            db.executemany("INSERT INTO doc_topics(topic, rid) VALUES (?, ?)",
                                           [(t, rid) for t in topics])
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
        except sqlite3.OperationalError as e:  # locked, disk full, I/O error: retry later
            raise IndexUnavailable(f"embedded index {self.path}: {e}") from e
        return []

    def _delete_locked(self, db: sqlite3.Connection, ids: list[str]) -> None:
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            rids = [r[0] for r in db.execute(
                f"SELECT rid FROM docs WHERE id IN ({','.join('?' * len(chunk))})", chunk)]
            if not rids:
                continue
            marks = ",".join("?" * len(rids))
            db.execute(f"DELETE FROM fts WHERE rowid IN ({marks})", rids)
            db.execute(f"DELETE FROM doc_topics WHERE rid IN ({marks})", rids)
            db.execute(f"DELETE FROM docs WHERE rid IN ({marks})", rids)

    def delete(self, ids: Sequence[str]) -> None:
        try:
            with self._lock:
                db = self._conn()
                db.execute("BEGIN IMMEDIATE")
                try:
                    self._delete_locked(db, list(ids))
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
        except sqlite3.OperationalError as e:
            raise IndexUnavailable(f"embedded index {self.path}: {e}") from e

    # -- reads ----------------------------------------------------------------------------------
    def _where(self, db: sqlite3.Connection, q: SearchQuery, *, rank: bool = False
               ) -> tuple[str, str, list, str | None]:
        """FROM clause, WHERE clause, parameters, and the FTS expression of the token terms.

        With `rank` the FTS table is joined (fts.rank available, for sorting by score);
        otherwise the terms are a semi-join on the postings, which SQLite combines well with
        selective filters (measured in bench/index_bench.py)."""
        where, args = ["1=1"], []
        token_terms = []
        for term in dict.fromkeys(t.strip() for t in q.terms if t.strip()):
            if len(term) >= 2 and db.execute("SELECT 1 FROM fts WHERE fts MATCH ? LIMIT 1",
                                             (_fts_phrase(term),)).fetchone():
                token_terms.append(_fts_phrase(term))
            else:  # 1 char, or not a token anywhere: substring of title/text
                where.append("(d.title LIKE ? ESCAPE '\\' OR d.text LIKE ? ESCAPE '\\')")
                args += [_like(term)] * 2
        for col, values in (("d.source_id", q.sources), ("d.kind", q.kinds), ("d.category", q.categories),
                            ("d.severity", q.severities), ("d.status", q.status)):
            if values:
                where.append(f"{col} IN ({','.join('?' * len(values))})")
                args += list(values)
        if q.topics:
            where.append(f"EXISTS (SELECT 1 FROM doc_topics x WHERE x.rid = d.rid AND x.topic IN "
                         f"({','.join('?' * len(q.topics))}))")
            args += list(q.topics)
        if q.negative is not None:
            where.append("d.negative = ?")
            args.append(int(q.negative))
        if q.since is not None:
            where.append("d.ts >= ?")
            args.append(_ms(q.since))
        if q.until is not None:
            where.append("d.ts < ?")
            args.append(_ms(q.until))
        match = " AND ".join(token_terms) or None
        if match is None:
            return "docs d", " AND ".join(where), args, None
        if rank:  # postings first (CROSS JOIN fixes the order): per-row rank probes re-read them
            return "fts CROSS JOIN docs d ON d.rid = fts.rowid", "fts MATCH ? AND " + " AND ".join(where), \
                [match] + args, match
        where.append(_SEMI)
        return "docs d", " AND ".join(where), args + [match], match

    def _read(self, fn):
        with self._lock:
            return fn(self._conn())

    def search(self, q: SearchQuery) -> SearchResult:
        def run(db):
            by_score = q.sort == "score"
            frm, where, args, match = self._where(db, q, rank=by_score)
            by_score = by_score and match is not None
            order = "fts.rank, d.ts DESC, d.id DESC" if by_score else "d.ts DESC, d.id DESC"
            score = "-fts.rank" if by_score else "0.0"
            total = None
            if match is not None and not by_score and not _filtered(q):
                # Terms (and a time range) only. A common term: walk the time index from the
                # newest and test membership, rather than sort all its postings.
                postings = db.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (match,)).fetchone()[0]
                if where == f"1=1 AND {_SEMI}":
                    total = postings
                if postings * _COMMON > (db.execute("SELECT max(rid) FROM docs").fetchone()[0] or 0):
                    frm = "docs d INDEXED BY docs_ts_id"
            # unless known, the total rides along (one pass); a page past the end needs a count
            window = ", count(*) OVER ()" if total is None else ""
            rows = db.execute(
                f"SELECT d.id, {score}, d.title, d.url, d.source_id, d.published_at, d.severity, d.text"
                f"{window} FROM {frm} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                args + [q.limit, q.offset]).fetchall()
            if total is None:
                total = rows[0][8] if rows else \
                    db.execute(f"SELECT count(*) FROM {frm} WHERE {where}", args).fetchone()[0]
            return total, rows

        total, rows = self._read(run)
        hits = tuple(SearchHit(
            id=r[0], score=float(r[1]), title=r[2], url=r[3], source_id=r[4],
            published_at=datetime.fromisoformat(r[5]).astimezone(TZ) if r[5] else None, severity=r[6],
            highlight=highlight(r[2], r[7], q.terms) if q.highlight else None) for r in rows)
        return SearchResult(total=total, hits=hits)

    def count(self, q: SearchQuery) -> int:
        def run(db):
            frm, where, args, _ = self._where(db, q)
            return db.execute(f"SELECT count(*) FROM {frm} WHERE {where}", args).fetchone()[0]
        return self._read(run)

    def aggregate(self, q: SearchQuery, by: str) -> dict[str, int]:
        if by not in AGG_FIELDS:
            raise ValueError(f"cannot aggregate by {by!r}; one of {AGG_FIELDS}")
        col = _AGG_SQL[by]

        def run(db):
            frm, where, args, _ = self._where(db, q)
            if by == "topic":
                frm += " JOIN doc_topics t ON t.rid = d.rid"
            return db.execute(f"SELECT {col}, count(*) AS n FROM {frm} WHERE {where} AND {col} IS NOT NULL"
                              f" GROUP BY {col} ORDER BY n DESC, {col}", args).fetchall()
        return dict(self._read(run))

    def histogram(self, q: SearchQuery, interval: Literal["hour", "day"]) -> list[tuple[datetime, int]]:
        size = _BUCKET_MS[interval]

        def run(db):
            frm, where, args, _ = self._where(db, q)
            return db.execute(f"SELECT (d.ts + {_TZ_MS}) / {size} AS b, count(*) FROM {frm} WHERE {where}"
                              f" GROUP BY b ORDER BY b", args).fetchall()

        counts = dict(self._read(run))
        key = lambda b: datetime.fromtimestamp((b * size - _TZ_MS) / 1000, TZ)  # noqa: E731
        if q.since is None or q.until is None:
            return [(key(b), n) for b, n in counts.items()]
        first = (_ms(q.since) + _TZ_MS) // size
        last = (_ms(q.until - timedelta(milliseconds=1)) + _TZ_MS) // size
        return [(key(b), counts.get(b, 0)) for b in range(first, last + 1)]
