"""The benchmark's many boards (demo.boards) can carry incident threads for the post → alert
latency: one new thread in K reports a pollution incident on a road of its own, graded orange by
the shipped topics, and two boards' incidents are two stories (two alerts), not one event."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from conftest import ROOT
from demo.boards import build_board


def _live(board: int, k: int):
    return [t for t in build_board(board, incident_every=k).threads("tieba") if t.posts[0].offset >= 0]


def test_one_new_thread_in_k_is_an_incident_and_none_without_the_option():
    k = 10
    per_round = [sum("化工厂" in t.title for t in _live(b, k)[r:r + 1]) for r in range(4) for b in range(100)]
    assert sum(per_round) == 40  # 100 boards × 4 rounds ÷ 10, from the first round on
    assert not any("化工厂" in t.title for b in range(100) for t in build_board(b).threads("tieba"))
    roads = {t.title.split("边")[0] for b in range(1000) for t in _live(b, k)[:5] if "化工厂" in t.title}
    assert len(roads) == 500  # every incident of the first five rounds on a road of its own


def test_incidents_are_orange_and_two_boards_incidents_are_two_events():
    from analysis.events import match_event, new_event
    from pipeline.config import TZ
    from pipeline.process import Pipeline
    from pipeline.types import RawPost

    pipeline = Pipeline.from_config_dir(Path(ROOT / "config"))
    docs = []
    for board in (3, 13):
        th = next(t for t in _live(board, 10) if "化工厂" in t.title)
        url = f"http://127.0.0.1:9/tieba/p/{th.thread_id}"
        now = datetime.now(TZ)
        docs.append(pipeline.process(RawPost(source_id=f"b{board}", kind="tieba", url=url, thread_url=url,
                                             title=th.title, text=th.posts[0].text, author="a", published_at=now,
                                             floor=1, fetched_at=now, source_weight=1.0)))
    assert [d.severity for d in docs] == ["orange", "orange"] and all(d.relevant for d in docs)
    assert match_event(docs[1], [new_event(docs[0], "e1")]) is None
