"""jieba's dictionary for the search box: the few entries a query needs, looked up in a sorted copy
on disk instead of loading all ~500k of them (a one-off `yqwatch search` spent most of its CPU on
that load to cut a handful of characters).

The copy holds exactly what a Segmenter starts from — jieba's prefix dictionary (every word with its
frequency, every word prefix with 0) and its total — plus jieba's HMM tables. It is built once per
jieba dictionary file (path, size, mtime, jieba version) from jieba itself, like jieba's own
/tmp/jieba.cache, in a per-user cache directory, and written atomically; a copy that cannot be
read or written is rebuilt in memory, which only costs time."""
from __future__ import annotations

import hashlib
import importlib.util
import marshal
import mmap
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

_MAGIC = b"yqwords 1 "  # header line: magic, then jieba's total, then "\n"


class Lookup:
    """`in` and `[]` for a read-only word table that only defines `get` (None: absent)."""

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def __getitem__(self, key: str) -> int:
        v = self.get(key)
        if v is None:
            raise KeyError(key)
        return v


class SortedWords(Lookup):
    """Read-only `FREQ`-like lookups (`get`, `in`, `[]`) over sorted lines "entry\\tfreq\\n"."""

    def __init__(self, data: bytes | mmap.mmap) -> None:
        if data[:len(_MAGIC)] != _MAGIC:
            raise ValueError("not a query word list")
        head = data.find(b"\n")
        self.total = int(data[len(_MAGIC):head])
        self._data, self._start = data, head + 1

    @classmethod
    def open(cls, path: Path) -> SortedWords:
        with open(path, "rb") as f:
            return cls(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))

    def get(self, key: str, default=None):
        want = key.encode("utf-8")
        data, lo, hi = self._data, self._start, len(self._data)
        while lo < hi:  # lo and hi are line starts; probe the line around the middle
            s = data.rfind(b"\n", lo, (lo + hi) // 2) + 1 or lo
            e = data.find(b"\n", s)
            tab = data.find(b"\t", s, e)
            entry = data[s:tab]
            if entry == want:
                return int(data[tab + 1:e])
            if entry < want:
                lo = e + 1
            else:
                hi = s
        return default



def encode(freq: dict[str, int], total: int) -> bytes:
    """The sorted word list of a prefix dictionary (entries sorted by their UTF-8 bytes, which is
    how SortedWords compares them)."""
    keys = sorted((k.encode("utf-8"), v) for k, v in freq.items() if k and "\t" not in k and "\n" not in k)
    return b"".join([_MAGIC, str(total).encode(), b"\n", *(k + b"\t" + str(v).encode() + b"\n" for k, v in keys)])


def _jieba_dir() -> Path:
    spec = importlib.util.find_spec("jieba")  # finds the package without importing it
    return Path(next(iter(spec.submodule_search_locations)))


def _cache_key() -> str:
    d = _jieba_dir()
    parts = [str(d)]
    for name in ("dict.txt", "__init__.py", "finalseg/prob_emit.p"):
        st = (d / name).stat()
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def _cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / f"yqwatch-{os.getuid()}"


def _build() -> tuple[bytes, bytes]:
    """jieba's prefix dictionary and HMM tables, from jieba itself (the slow path, once)."""
    import logging

    import jieba
    from jieba import finalseg

    logging.getLogger("jieba").setLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    freq, total = tk.gen_pfdict(tk.get_dict_file())
    hmm = marshal.dumps((finalseg.start_P, finalseg.trans_P, finalseg.emit_P, finalseg.MIN_FLOAT))
    return encode(freq, total), hmm


def _private_dir(d: Path) -> bool:
    """Our own directory, closed to others (a shared temp dir must not feed us planted files)."""
    d.mkdir(mode=0o700, exist_ok=True)
    st = d.stat()
    return st.st_uid == os.getuid() and not st.st_mode & 0o077


def cached(name: str, build: Callable[[], bytes]) -> bytes | mmap.mmap:
    """The bytes cached under `name` (for this jieba dictionary), built and stored on a miss."""
    d = _cache_dir()
    stem, dot, ext = name.partition(".")
    path = d / f"{stem}-{_cache_key()}{dot}{ext}"
    try:
        private = _private_dir(d)
    except OSError:
        private = False
    if private:
        try:
            with open(path, "rb") as f:
                return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # not built yet (an empty file cannot be mapped)
            pass
    data = build()
    if private:
        try:
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)  # readers see the old copy or the whole new one
        except OSError:
            pass  # a read-only or full temp dir: built again next time
    return data


def load() -> tuple[SortedWords, tuple]:
    """(the word list, jieba's HMM tables (start, trans, emit, min float)), from the cache."""
    built: dict[str, bytes] = {}

    def part(k: int) -> Callable[[], bytes]:
        def build() -> bytes:
            if not built:
                built["words"], built["hmm"] = _build()
            return built[("words", "hmm")[k]]
        return build

    try:
        words = SortedWords(cached("query-words.txt", part(0)))
        hmm = marshal.loads(cached("query-hmm.marshal", part(1)))
    except (ValueError, EOFError, TypeError):  # a torn or foreign copy: from jieba, in memory
        words_b, hmm_b = _build()
        words, hmm = SortedWords(words_b), marshal.loads(hmm_b)
    return words, hmm
