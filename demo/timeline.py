"""The seeded content of the demo sites: threads and posts placed on a timeline.

Offsets are demo seconds since the demo started. Negative offsets are the backlog (about one day of
older posts that exist from t=0); the live story runs from 0 to LIVE_SECONDS. Everything is drawn
from one `random.Random(seed)`, so a seed gives the same posts, ids and offsets every time.
"""
from __future__ import annotations

import random
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from demo import wordbank as wb

SITES = ("tieba", "bbs", "news")
LIVE_SECONDS = 7200  # the simulated two hours
BACKLOG_SECONDS = 86400
INCIDENT_TIEBA_AT = 120  # the first report, on Tieba
INCIDENT_BBS_AT = 600  # reposted on the forum
INCIDENT_NEWS_AT = 1800  # the news article (and its RSS item)

_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class Post:
    """One post: a forum or Tieba floor, or a news article (floor 1)."""

    site: str  # tieba | bbs | news
    thread_id: int
    post_id: int  # Discuz pid, Tieba post_id, news article id
    floor: int  # 1 = thread starter / the article
    author: str
    title: str  # the thread title or news headline
    text: str  # paragraphs separated by "\n"
    offset: int  # demo seconds since start; negative = backlog
    incident: bool = False
    category: str = "chatter"  # chatter | local | trap | complaint | incident | sticky | news
    client: str | None = None  # Tieba "来自 X" tail


@dataclass(frozen=True, slots=True)
class Thread:
    site: str
    thread_id: int
    title: str
    category: str
    posts: tuple[Post, ...]  # floor order == time order
    sticky: bool = False
    source: str | None = None  # news: 来源
    editor: str | None = None  # news: 编辑
    offsets: tuple[int, ...] = field(default=(), repr=False)

    def visible(self, t: float) -> tuple[Post, ...]:
        """Posts published by demo time t (the first n floors)."""
        return self.posts[: bisect_right(self.offsets, t)]


class Timeline:
    """All threads of the three sites, with queries by demo time."""

    def __init__(self, seed: int, threads: dict[str, tuple[Thread, ...]]):
        self.seed = seed
        self._threads = threads
        self._by_id = {(t.site, t.thread_id): t for ts in threads.values() for t in ts}
        self._all_posts = sorted(
            (p for ts in threads.values() for t in ts for p in t.posts),
            key=lambda p: (p.offset, SITES.index(p.site), p.thread_id, p.floor),
        )
        self._all_offsets = [p.offset for p in self._all_posts]

    def threads(self, site: str) -> tuple[Thread, ...]:
        return self._threads[site]

    def thread(self, site: str, thread_id: int) -> Thread | None:
        return self._by_id.get((site, thread_id))

    def listing(self, site: str, t: float, *, sticky: bool = False) -> list[tuple[Thread, tuple[Post, ...]]]:
        """Visible threads with their visible posts, latest reply first (Discuz/Tieba list order)."""
        rows = []
        for th in self._threads[site]:
            if th.sticky != sticky:
                continue
            posts = th.visible(t)
            if posts:
                rows.append((th, posts))
        rows.sort(key=lambda r: (r[1][-1].offset, r[0].thread_id), reverse=True)
        return rows

    def posts_until(self, t: float) -> list[Post]:
        """Every post visible at demo time t, oldest first."""
        return self._all_posts[: bisect_right(self._all_offsets, t)]

    @property
    def posts(self) -> list[Post]:
        return list(self._all_posts)


# --- generation --------------------------------------------------------------------------------

@dataclass
class _Draft:
    site: str
    category: str
    title: str
    posts: list[tuple[int, str, str, bool]]  # (offset, author, text, incident)
    sticky: bool = False
    source: str | None = None
    editor: str | None = None


class _Writer:
    """Fills templates; no two post texts anywhere (nor two titles on one site) come out identical."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._seen: set[str] = set()

    def fill(self, template: str, fills: dict[str, str]) -> str:
        def one(m: re.Match) -> str:
            name = m.group(1)
            if name not in fills:
                fills[name] = self.rng.choice(wb.SLOTS[name])
            return fills[name]

        return _SLOT.sub(one, template)

    def reserve(self, *texts: str) -> None:
        self._seen.update(texts)

    def unique(self, make) -> str:
        """Call make() until it gives an unseen text (templates have plenty of combinations)."""
        for _ in range(500):
            text = make()
            if text not in self._seen:
                self._seen.add(text)
                return text
        raise RuntimeError("word banks too small for a unique text")

    def thread(self, bank, prefixes: list[str], titles_seen: set[str],
               template: int | None = None) -> tuple[str, str, list[str], dict]:
        """A title unique within its site and a body unique everywhere, sharing slot values.

        Also returns the template's middle sentences and the slot values, for replies that echo them."""
        for _ in range(500):
            titles, groups = self.rng.choice(bank) if template is None else bank[template]
            fills: dict[str, str] = {}
            title = self.rng.choice(prefixes) + self.fill(self.rng.choice(titles), fills)
            body = "".join(self.fill(self.rng.choice(g), fills) for g in groups)
            if title not in titles_seen and body not in self._seen:
                titles_seen.add(title)
                self._seen.add(body)
                return title, body, groups[1], fills
        raise RuntimeError("word banks too small for a unique thread")

    def reply(self, parts: tuple[list[str], list[str], list[str]], echoes: list[str] = (),
              thread_fills: dict | None = None) -> str:
        openers, middles, closers = parts
        pool = list(middles) + list(echoes)

        def make() -> str:
            fills = dict(thread_fills or {})
            return "".join(self.fill(self.rng.choice(p), fills) for p in (openers, pool, closers))

        return self.unique(make)


_BANKS = {"chatter": wb.CHATTER, "local": wb.LOCAL, "trap": wb.TRAPS, "complaint": wb.COMPLAINTS}


def _names(rng: random.Random, n: int, latin: bool) -> list[str]:
    names: set[str] = set()
    while len(names) < n:
        if latin and rng.random() < 0.3:
            names.add(f"{rng.choice(wb.LATIN_NAMES)}{rng.randint(10, 999)}")
        else:
            digits = str(rng.randint(1, 2024)) if rng.random() < 0.4 else ""
            names.add(rng.choice(wb.NAME_HEADS) + rng.choice(wb.NAME_TAILS) + digits)
    return sorted(names)


def _categories(rng: random.Random, n: int) -> list[tuple[str, int | None]]:
    """(category, template index or None for any): every trap and complaint template at least once,
    the rest mostly chatter."""
    forced = [("trap", i) for i in range(len(wb.TRAPS))] + [("complaint", i) for i in range(len(wb.COMPLAINTS))]
    rest = rng.choices(["chatter", "local", "complaint", "trap"], weights=[58, 24, 12, 6], k=n - len(forced))
    cats = forced + [(c, None) for c in rest]
    rng.shuffle(cats)
    return cats


def _reply_offsets(rng: random.Random, created: int, n: int, live: bool) -> list[int]:
    if live:
        lo, hi = created + 30, LIVE_SECONDS
    else:  # backlog threads: replies within a few hours, a few spill into the live window
        lo, hi = created + 60, min(created + 6 * 3600, LIVE_SECONDS)
    if hi <= lo:
        return []
    return sorted(rng.randint(lo, hi) for _ in range(n))


def _forum_drafts(rng: random.Random, w: _Writer, site: str, backlog: int, live: int, mean: float) -> list[_Draft]:
    authors = _names(rng, 90, latin=site == "bbs")
    drafts, titles = [], set()
    for i, (cat, template) in enumerate(_categories(rng, backlog + live)):
        is_live = i < live
        created = rng.randint(60, LIVE_SECONDS - 300) if is_live else rng.randint(-BACKLOG_SECONDS, -900)
        title, body, echoes, fills = w.thread(_BANKS[cat], wb.TITLE_PREFIXES[cat], titles, template)
        posts = [(created, rng.choice(authors), body, False)]
        n = min(int(rng.expovariate(1 / mean)), 28)
        # replies may echo a middle sentence of the thread's template, for variety and topicality
        for off in _reply_offsets(rng, created, n, is_live):
            parts = wb.REPLIES["chatter"] if rng.random() < 0.3 else wb.REPLIES[cat]
            posts.append((off, rng.choice(authors), w.reply(parts, echoes, fills), False))
        drafts.append(_Draft(site, cat, title, posts))
    return drafts


def _incident_offsets(rng: random.Random, start: int, n: int, power: float) -> list[int]:
    """Replies arrive fast at first, then taper off (u**power bunches them near the start)."""
    span = LIVE_SECONDS - 60 - start
    return sorted(start + 30 + int(span * rng.random() ** power) for _ in range(n))


def _incident_drafts(rng: random.Random, w: _Writer) -> list[_Draft]:
    locals_ = _names(rng, 40, latin=False)
    w.reserve(wb.INCIDENT_TIEBA_TEXT, wb.INCIDENT_BBS_TEXT)

    def replies(start: int, n: int, power: float) -> list[tuple[int, str, str, bool]]:
        out = []
        for off in _incident_offsets(rng, start, n, power):
            late = off > INCIDENT_NEWS_AT and rng.random() < 0.5
            parts = wb.INCIDENT_LATE_REPLIES if late else wb.INCIDENT_REPLIES
            out.append((off, rng.choice(locals_), w.reply(parts), True))
        return out

    tieba = _Draft("tieba", "incident", wb.INCIDENT_TIEBA_TITLE,
                   [(INCIDENT_TIEBA_AT, "河边住户老张", wb.INCIDENT_TIEBA_TEXT, True)]
                   + replies(INCIDENT_TIEBA_AT, 46, 1.7))
    bbs = _Draft("bbs", "incident", wb.INCIDENT_BBS_TITLE,
                 [(INCIDENT_BBS_AT, "热心网友小陈", wb.INCIDENT_BBS_TEXT, True)]
                 + replies(INCIDENT_BBS_AT, 24, 1.5))
    news = _Draft("news", "incident", wb.INCIDENT_NEWS_TITLE,
                  [(INCIDENT_NEWS_AT, "青溪日报", "\n".join(wb.INCIDENT_NEWS_PARAGRAPHS), True)],
                  source="青溪日报", editor=rng.choice(wb.EDITORS))
    return [tieba, bbs, news]


def _sticky_drafts() -> list[_Draft]:
    old = -40 * 86400
    return [
        _Draft("tieba", "sticky", "【吧务】青溪吧发帖须知，新人必看",
               [(old, "青溪吧务组", "欢迎来到青溪吧！这里是青溪市网友交流生活的地方。\n发帖请文明用语，不要发广告，"
                 "标题写清楚内容，方便大家查找。", False),
                (old + 3600, "路过的麦浪", "支持吧务，一起维护好我们的贴吧。", False)], sticky=True),
        _Draft("bbs", "sticky", "【版规】青溪论坛·城市杂谈版发帖规定",
               [(old, "admin", "本版欢迎讨论青溪市的衣食住行。请勿发布广告和无关内容，违者删帖。", False)], sticky=True),
    ]


def _news_drafts(rng: random.Random, w: _Writer, backlog: int, live: int) -> list[_Draft]:
    drafts, titles = [], {wb.INCIDENT_NEWS_TITLE}
    for i in range(backlog + live):
        created = rng.randint(300, LIVE_SECONDS - 200) if i < live else rng.randint(-BACKLOG_SECONDS, -600)
        local = rng.random() < 0.55
        bank = wb.NEWS_LOCAL if local else wb.NEWS_NATIONAL
        title, body, _, _ = w.thread(bank, [""], titles)
        body = body.replace("。", "。\n").strip()  # one paragraph per sentence group
        source = rng.choice(wb.NEWS_SOURCES_LOCAL if local else wb.NEWS_SOURCES_NATIONAL)
        drafts.append(_Draft("news", "news", title, [(created, source, body, False)],
                             source=source, editor=rng.choice(wb.EDITORS)))
    return drafts


_ID_BASE = {"tieba": (9130000000, 152000000000), "bbs": (23100, 561000), "news": (58200, 58200)}


def _finish(rng: random.Random, site: str, drafts: list[_Draft]) -> tuple[Thread, ...]:
    """Give threads ids in creation order and posts ids in time order, like the real sites do."""
    drafts = sorted(drafts, key=lambda d: d.posts[0][0])
    tid_base, pid_base = _ID_BASE[site]
    tids, tid = [], tid_base
    for _ in drafts:
        tid += rng.randint(3, 40) if site != "news" else 1
        tids.append(tid)
    flat = sorted((post[0], ti, k) for ti, d in enumerate(drafts) for k, post in enumerate(sorted(d.posts)))
    pids: dict[tuple[int, int], int] = {}
    pid = pid_base
    for _off, ti, k in flat:
        pid += rng.randint(1, 9) if site != "news" else 0
        pids[ti, k] = pid if site != "news" else tids[ti]
    threads = []
    for ti, d in enumerate(drafts):
        posts = tuple(
            Post(site=site, thread_id=tids[ti], post_id=pids[ti, k], floor=k + 1, author=author, title=d.title,
                 text=text, offset=off, incident=inc, category=d.category,
                 client=rng.choice(wb.CLIENTS) if site == "tieba" and rng.random() < 0.4 else None)
            for k, (off, author, text, inc) in enumerate(sorted(d.posts))
        )
        threads.append(Thread(site, tids[ti], d.title, d.category, posts, d.sticky, d.source, d.editor,
                              tuple(p.offset for p in posts)))
    return tuple(threads)


def build_timeline(seed: int = 7) -> Timeline:
    """The deterministic content of the three demo sites for `seed`."""
    rng = random.Random(seed)
    w = _Writer(rng)
    drafts = (
        _sticky_drafts()
        + _incident_drafts(rng, w)
        + _forum_drafts(rng, w, "tieba", backlog=60, live=14, mean=5.0)
        + _forum_drafts(rng, w, "bbs", backlog=40, live=10, mean=4.0)
        + _news_drafts(rng, w, backlog=36, live=6)
    )
    by_site = {s: _finish(rng, s, [d for d in drafts if d.site == s]) for s in SITES}
    return Timeline(seed, by_site)
