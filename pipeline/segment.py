"""Word segmentation: jieba's accurate mode with HMM, reimplemented for speed.

Each Segmenter loads its own `jieba.Tokenizer` (never jieba's global one) and adds the watch's own
words (locality, divisions, topic terms, exclusions), so they come out as tokens and a term inside
a longer word ("青溪" in "青溪路") can be told apart from a term on its own.

`cut` returns exactly what `Tokenizer.cut(text, HMM=True)` returns (tests/test_pipeline_segment.py
compares them on real posts), at about half the cost, a third once the HMM cache is warm:
- the dictionary is turned once into word → log probability (prefixes of words map to a
  positive sentinel), so the best path is found in one right-to-left pass that looks each
  fragment up once, where jieba builds a DAG and then looks every word up again and takes a log;
- jieba's HMM only ever runs on runs of single characters that are not a dictionary word
  (mostly unknown names: "鑫源化工厂" → 鑫源/化工厂, not 鑫/源/化工厂); its Viterbi pass is pure
  Python, and the same runs recur (a name repeats across a story's posts), so its results are
  cached per Segmenter.
- When the optional C extension `pipeline._native` is built (setup.py; it needs a C compiler at
  install time), the best-path search and the walk run there, over a flat hash table of the same
  words and log probabilities: same arithmetic, same tokens, several times faster, and the 500k-entry
  Python dict is freed. Without it the pure-Python path below runs (`native=False` forces it).
"""
from __future__ import annotations

import logging
import math
import re
import tempfile
from collections.abc import Iterable
from itertools import accumulate

try:
    from pipeline._native import WordTable
except ImportError:  # not built (no C compiler at install time): the pure-Python path runs
    WordTable = None

# jieba's own block split: dictionary segmentation runs on these runs, the rest is split apart.
_HAN_BLOCK = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)")
_SKIP = re.compile("(\r\n|\\s)")
_PREFIX = 1.0  # a fragment that only starts words (log probabilities are ≤ 0)
_STATE_INDEX = {"B": 0, "M": 1, "E": 2, "S": 3}


class Segmenter:
    def __init__(self, user_words: Iterable[str] = (), *, hmm_cache: int = 50_000,
                 native: bool = True) -> None:
        import jieba  # here, not at import: the search box's segmenter (from_lookup) never loads it

        # jieba logs its dictionary loading at DEBUG on its own stderr handler.
        logging.getLogger("jieba").setLevel(logging.WARNING)
        tk = jieba.Tokenizer()
        # The prefix-dictionary cache goes to the system temp dir, never into the repository.
        tk.tmp_dir = tempfile.gettempdir()
        tk.initialize()
        freq = tk.FREQ
        for word in user_words:
            # Words jieba already knows keep their frequency; new ones get just enough to be cut out.
            if len(word) > 1 and not freq.get(word):
                tk.add_word(word)
        logtotal = math.log(tk.total)
        # Same arithmetic as jieba's calc (log(freq) - logtotal), so ties break the same way.
        # Rewritten in place: a second dictionary-sized dict would double the peak memory.
        # One float object per distinct frequency (~5k of them for ~350k words), not one per word.
        logp = {f: math.log(f) - logtotal for f in set(freq.values()) if f}
        for w, f in freq.items():
            freq[w] = logp[f] if f else _PREFIX
        self._unknown = math.log(1) - logtotal
        self._hmm = _Hmm()
        self._hmm_cache: dict[str, tuple[str, ...]] = {}
        self._hmm_max = hmm_cache
        self._table = WordTable(freq, _PREFIX) if native and WordTable is not None else None
        # The native table holds its own copy of the words: the dict is dropped then.
        self._logp: dict[str, float] = {} if self._table is not None else freq

    @classmethod
    def from_lookup(cls, logp, logtotal: float, hmm_tables: tuple, *, hmm_cache: int = 1000) -> Segmenter:
        """A pure-Python Segmenter over a dictionary it does not hold: `logp.get(fragment)` gives
        what the table built in __init__ holds (the log probability, _PREFIX, or None), computed
        on demand; `logtotal` is log of the dictionary's total, user words included; `hmm_tables`
        are jieba's (start, trans, emit, min float). Same tokens, for a few lookups per query
        (pipeline/query.py) instead of a dictionary load."""
        seg = cls.__new__(cls)
        seg._unknown = math.log(1) - logtotal
        seg._hmm = _Hmm(hmm_tables)
        seg._hmm_cache, seg._hmm_max = {}, hmm_cache
        seg._table, seg._logp = None, logp
        return seg

    @property
    def native(self) -> bool:
        """Whether the C best-path search is in use."""
        return self._table is not None

    def cut(self, text: str) -> list[str]:
        """Tokens whose concatenation is `text` (whitespace and punctuation included)."""
        out: list[str] = []
        table = self._table
        # split() with one capturing group alternates: odd items are the matches.
        for i, blk in enumerate(_HAN_BLOCK.split(text)):
            if not blk:
                continue
            if i & 1:
                if table is not None:
                    table.cut_block(blk, self._unknown, self._hmm_run, out)
                else:
                    self._cut_block(blk, out)
            else:
                for k, part in enumerate(_SKIP.split(blk)):
                    if k & 1:
                        out.append(part)
                    else:
                        out.extend(part)
        return out

    def _cut_block(self, s: str, out: list[str]) -> None:
        n = len(s)
        get = self._logp.get
        unknown = self._unknown
        score = [0.0] * (n + 1)
        end = [0] * n
        for i in range(n - 1, -1, -1):
            best, best_end = -math.inf, 0
            j = i + 1
            frag = s[i]
            while True:
                lp = get(frag)
                if lp is None:
                    break
                if lp != _PREFIX:
                    v = lp + score[j]
                    if v >= best:  # ties go to the longer word, as in jieba's max over (score, end)
                        best, best_end = v, j
                if j == n:
                    break
                j += 1
                frag = s[i:j]
            if not best_end:
                best, best_end = unknown + score[i + 1], i + 1
            score[i] = best
            end[i] = best_end
        # Walk the best path; runs of single characters go to the HMM unless they form a word.
        x = 0
        run_start = -1
        while x < n:
            y = end[x]
            if y - x == 1:
                if run_start < 0:
                    run_start = x
            else:
                if run_start >= 0:
                    self._flush(s[run_start:x], out)
                    run_start = -1
                out.append(s[x:y])
            x = y
        if run_start >= 0:
            self._flush(s[run_start:], out)

    def _flush(self, run: str, out: list[str]) -> None:
        if len(run) == 1:
            out.append(run)
            return
        lp = self._logp.get(run)
        if lp is not None and lp != _PREFIX:
            out.extend(run)
            return
        out.extend(self._hmm_run(run))

    def _hmm_run(self, run: str) -> tuple[str, ...]:
        """The HMM's words for a run of single characters that is not a word (cached)."""
        words = self._hmm_cache.get(run)
        if words is None:
            if len(self._hmm_cache) >= self._hmm_max:
                self._hmm_cache.clear()
            words = self._hmm_cache[run] = tuple(self._hmm.cut(run))
        return words


class _Hmm:
    """jieba's finalseg (B/M/E/S Viterbi over characters, jieba's trained tables) with the same
    results, ties included, but unrolled over the four states and with back-pointers instead of
    copied paths: about 3× faster."""

    _HAN = re.compile("([\u4E00-\u9FD5]+)")
    _SKIP = re.compile("([a-zA-Z0-9]+(?:\\.\\d+)?%?)")

    def __init__(self, tables: tuple | None = None) -> None:
        """`tables`: jieba's finalseg (start, trans, emit, min float); None: read from jieba."""
        if tables is None:
            from jieba import finalseg

            tables = (finalseg.start_P, finalseg.trans_P, finalseg.emit_P, finalseg.MIN_FLOAT)
        start, trans, emit_p, lo = tables
        self._start = tuple(start.get(y, lo) for y in "BMES")
        t = {(a, b): trans[a].get(b, lo) for a in "BMES" for b in "BMES"}
        self._trans = (t["E", "B"], t["S", "B"], t["M", "M"], t["B", "M"], t["B", "E"], t["M", "E"],
                       t["S", "S"], t["E", "S"])
        # Per character, its emission log-probability in each state: one lookup instead of four.
        emit = [emit_p[y] for y in "BMES"]
        self._emit = {c: tuple(e.get(c, lo) for e in emit) for c in set().union(*emit)}
        self._unseen = (lo, lo, lo, lo)

    def cut(self, text: str) -> list[str]:
        out: list[str] = []
        if self._HAN.fullmatch(text):  # the usual run: Chinese characters only
            self._cut_han(text, out)
            return out
        for blk in self._HAN.split(text):
            if self._HAN.fullmatch(blk):
                self._cut_han(blk, out)
            else:
                out.extend(x for x in self._SKIP.split(blk) if x)
        return out

    def _cut_han(self, s: str, out: list[str]) -> None:
        emit, unseen = self._emit.get, self._unseen
        tEB, tSB, tMM, tBM, tBE, tME, tSS, tES = self._trans
        sB, sM, sE, sS = self._start
        eB, eM, eE, eS = emit(s[0], unseen)
        vB, vM, vE, vS = sB + eB, sM + eM, sE + eE, sS + eS
        back = []
        for c in s[1:]:
            eB, eM, eE, eS = emit(c, unseen)
            # jieba takes max over (prob, previous state): on a tie the later letter wins.
            # Back-pointers: "BMES"[i] is the best previous state of state i.
            a, b = vE + tEB + eB, vS + tSB + eB
            if b >= a:
                nB, p = b, "S"
            else:
                nB, p = a, "E"
            a, b = vM + tMM + eM, vB + tBM + eM
            if a >= b:
                nM, p = a, p + "M"
            else:
                nM, p = b, p + "B"
            a, b = vB + tBE + eE, vM + tME + eE
            if b >= a:
                nE, p = b, p + "M"
            else:
                nE, p = a, p + "B"
            a, b = vS + tSS + eS, vE + tES + eS
            if a >= b:
                nS, p = a, p + "S"
            else:
                nS, p = b, p + "E"
            vB, vM, vE, vS = nB, nM, nE, nS
            back.append(p)
        state = "S" if vS >= vE else "E"
        states = [state]
        for step in reversed(back):
            state = step[_STATE_INDEX[state]]
            states.append(state)
        states.reverse()
        begin = nexti = 0
        for i, pos in enumerate(states):
            if pos == "B":
                begin = i
            elif pos == "E":
                out.append(s[begin:i + 1])
                nexti = i + 1
            elif pos == "S":
                out.append(s[i])
                nexti = i + 1
        if nexti < len(s):
            out.append(s[nexti:])


def offsets(tokens: Iterable[str]) -> list[int]:
    """Start offset of every token, then the end of the last one."""
    return list(accumulate(map(len, tokens), initial=0))


def boundaries(tokens: Iterable[str]) -> set[int]:
    """Character offsets where a token starts or ends."""
    return set(offsets(tokens))
