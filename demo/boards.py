"""Many Tieba-style boards with a live timeline, for the watch-scale benchmark (bench/watch_scale.py).

Board i is the bar 青溪{i:04d} (`/tieba/f?kw=青溪0007`); its threads live beside 青溪吧's under
`/tieba/p/{tid}`, with thread ids above BOARD_TID_BASE so a thread URL names its board. Every board
gets a new thread every `period` demo seconds (phases spread over the period, like real boards
that do not all post at the same second) and each thread two replies, plus a small backlog.
A board's content is a pure function of (seed, board, period), built on its first request, so a
benchmark can compute every post's exact publish time without asking the server."""
from __future__ import annotations

import random
import threading

from demo import wordbank as wb
from demo.timeline import Post, Thread, Timeline

BOARD_TID_BASE = 9_000_000_000
TIDS_PER_BOARD = 100_000
BAR_PREFIX = "青溪"
BACKLOG_THREADS = 3
REPLY_GAPS = (25, 50)  # demo seconds after the thread starts
TOPICS = ["东湖区路口早高峰又堵了", "学校门口的摊贩今天没来", "小区停水通知有人看到吗", "临江县新开的菜市场怎么样",
          "医院挂号系统今天又卡", "公交站台什么时候修好", "周末去哪里吃火锅", "街道办的便民服务点搬家了"]


def bar_name(board: int) -> str:
    return f"{BAR_PREFIX}{board:04d}"


def board_of_bar(kw: str) -> int | None:
    kw = kw.strip().removesuffix("吧")
    tail = kw.removeprefix(BAR_PREFIX)
    if kw != tail and len(tail) == 4 and tail.isdigit():
        return int(tail)
    return None


def board_of_tid(tid: int) -> int | None:
    return (tid - BOARD_TID_BASE) // TIDS_PER_BOARD if tid >= BOARD_TID_BASE else None


# Incident threads (bench/watch_scale.py measures post → alert): each names its own road, so the
# alert rules see one story per thread (analysis.names keeps two roads' stories apart) and alert
# once for each. Two-character road names from characters that are no boundary in analysis.names.
_ROAD_CHARS = "安宝北城翠德东丰凤福富港广桂海河红虹华环黄建江金锦晋静康兰乐丽莲林柳龙梅明南平浦秋瑞沙山胜石顺松泰桃天田通万文西霞祥新兴秀阳杨永玉园云枣振中竹紫"


def incident_road(board: int, k: int) -> str:
    """Distinct for boards < 1,000 and their first five threads of a run (a 25-minute bench)."""
    i = (board + 1000 * k) % len(_ROAD_CHARS) ** 2
    return _ROAD_CHARS[i // len(_ROAD_CHARS)] + _ROAD_CHARS[i % len(_ROAD_CHARS)] + "路"


def build_board(board: int, *, seed: int = 7, period: float = 300.0, horizon: float = 6 * 3600,
                incident_every: int = 0) -> Timeline:
    """Threads of one board from 3 backlog threads to `horizon` demo seconds of live ones; with
    `incident_every` k, every k-th live thread reports a pollution incident (graded orange)."""
    rng = random.Random(f"{seed}:{board}")
    phase = (board * 7919) % int(period)  # spread over the period
    starts = [-(k + 1) * 3600 for k in range(BACKLOG_THREADS)][::-1]
    t = phase
    while t <= horizon:
        starts.append(t)
        t += period
    threads, pid = [], BOARD_TID_BASE + board * TIDS_PER_BOARD
    for k, start in enumerate(starts):
        tid = BOARD_TID_BASE + board * TIDS_PER_BOARD + k + 1
        title = f"{rng.choice(TOPICS)}（{bar_name(board)}第{k + 1}帖）"
        # spread over the boards: 1 in `incident_every` of every round's new threads, from the start
        incident = incident_every > 0 and start >= 0 and (k + board) % incident_every == 0
        if incident:
            road = incident_road(board, k)
            title = f"{road}边的化工厂半夜偷排废水，河里死鱼一片（{bar_name(board)}第{k + 1}帖）"
        offsets = [int(start)] + [int(start) + gap for gap in REPLY_GAPS]
        posts = []
        for floor, off in enumerate(offsets, start=1):
            pid += 1
            author = rng.choice(wb.NAME_HEADS) + rng.choice(wb.NAME_TAILS)
            text = title if floor == 1 else f"第{floor}楼：{rng.choice(TOPICS)}，{bar_name(board)}的朋友怎么看？"
            if incident and floor == 1:
                text = (f"就在{road}边上，化工厂半夜偷排废水，河水都发臭了，早上河面漂着一层死鱼，"
                        "反映了好几次都没人管，太过分了！必须严查！")
            posts.append(Post(site="tieba", thread_id=tid, post_id=pid, floor=floor, author=author, title=title,
                              text=text, offset=off, category="chatter"))
        threads.append(Thread("tieba", tid, title, "chatter", tuple(posts), offsets=tuple(offsets)))
    return Timeline(seed, {"tieba": tuple(threads), "bbs": (), "news": ()})


class Boards:
    """`count` boards, each built on first use (1,000 boards are ~100k posts: built only if asked)."""

    def __init__(self, count: int, *, seed: int = 7, period: float = 300.0, incident_every: int = 0):
        self.count, self.seed, self.period, self.incident_every = count, seed, period, incident_every
        self._built: dict[int, Timeline] = {}
        self._lock = threading.Lock()

    def timeline(self, board: int) -> Timeline | None:
        if not 0 <= board < self.count:
            return None
        with self._lock:
            tl = self._built.get(board)
            if tl is None:
                tl = self._built[board] = build_board(board, seed=self.seed, period=self.period,
                                                      incident_every=self.incident_every)
            return tl
