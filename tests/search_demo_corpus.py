"""The demo timeline run through the real pipeline, and console-style searches over it (not a test
module). Shared by the OpenSearch parity test and bench/search_recall.py."""
from __future__ import annotations

import functools
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from demo import wordbank
from demo.timeline import build_timeline
from pipeline.process import Pipeline
from pipeline.types import Document, RawPost

START = datetime(2026, 11, 19, 8, tzinfo=ZoneInfo("Asia/Shanghai"))
CONFIG = Path(__file__).resolve().parents[1] / "config"


@functools.cache
def pipeline() -> Pipeline:
    return Pipeline.from_config_dir(CONFIG)


def demo_documents(seed: int = 7) -> list[Document]:
    """Every post of the demo timeline as the pipeline makes it (relevant or not: the searches
    exercise both jieba tokens and the bigram fallback)."""
    docs = []
    for post in build_timeline(seed).posts:
        thread = f"https://{post.site}.example/t/{post.thread_id}"
        at = START + timedelta(seconds=post.offset)
        kind = {"tieba": "tieba", "bbs": "forum", "news": "news"}[post.site]
        docs.append(pipeline().process(RawPost(post.site, kind, f"{thread}?pid={post.post_id}", thread,
                                               post.title, post.text, at + timedelta(seconds=20),
                                               published_at=at, floor=post.floor)))
    return list({d.id: d for d in docs}.values())


def console_queries() -> list[str]:
    """What a duty officer types into the search box: topic words, place names, named things from
    the demo's word bank, and two-word combinations."""
    topics = yaml.safe_load((CONFIG / "topics.yaml").read_text(encoding="utf-8"))
    words = list(topics["locality"]["terms"])
    for t in topics["topics"]:
        words += t.get("any", [])
    for slot in ("dish", "road", "school", "hospital", "event", "weather", "pet", "sport"):
        words += wordbank.SLOTS[slot]
    words += ["鑫源化工厂", "化工厂", "领导", "投诉", "小区", "停车", "噪音", "物业"]
    words = list(dict.fromkeys(words))
    pairs = ["临江县 异味", "鑫源化工厂 污染", "东湖区 堵车", "化工厂 死鱼", "青溪 学校", "医院 排队",
             "临江 废水 偷排", "白沙镇 拆迁"]
    return words + pairs


def query_terms(q: str) -> tuple[str, ...]:
    """The console's segmentation of a search-box query (console/api.py search)."""
    return tuple(t for t in pipeline().query_terms(q) if t.strip())
