"""analysis on the demo timeline run through the real pipeline: the unfolding incident (a story
reposted from Tieba to the forum and the news site, with replies) is one event and the burst."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from analysis.events import cluster
from analysis.hotwords import hot_words
from analysis.volume import spikes
from demo.timeline import INCIDENT_NEWS_AT, INCIDENT_TIEBA_AT, build_timeline
from pipeline.process import Pipeline
from pipeline.topics import load_topics
from pipeline.types import RawPost

START = datetime(2025, 3, 10, 8, tzinfo=ZoneInfo("Asia/Shanghai"))
CONFIG = Path(__file__).resolve().parents[1] / "config" / "topics.yaml"


class _NoCategory:
    """Categories play no part here; keeps the test off the classifier's package data."""

    def predict(self, body: str) -> None:
        return None


@pytest.fixture(scope="module")
def demo_docs():
    pipeline = Pipeline(load_topics(CONFIG), category=_NoCategory())
    docs, posts = [], {}
    for post in build_timeline(7).posts:
        thread = f"https://{post.site}.example/t/{post.thread_id}"
        at = START + timedelta(seconds=post.offset)
        raw = RawPost(post.site, "forum", f"{thread}?pid={post.post_id}", thread, post.title, post.text,
                      at + timedelta(seconds=20), published_at=at, floor=post.floor)
        doc = pipeline.process(raw)
        docs.append(doc)
        posts[doc.id] = post
    return docs, posts


def test_incident_is_one_pure_event_traced_to_tieba(demo_docs):
    docs, posts = demo_docs
    clusters = cluster([d for d in docs if d.relevant])
    holding = [c for c in clusters if any(posts[i].incident for i in c.doc_ids)]
    assert len(holding) == 1
    (event,) = holding
    assert all(posts[i].incident for i in event.doc_ids)
    assert event.ref.doc_count == sum(p.incident for p in posts.values())
    assert event.ref.sources == {"tieba", "bbs", "news"}
    first = posts[event.ref.first_doc_id]
    assert (first.site, first.floor, first.offset) == ("tieba", 1, INCIDENT_TIEBA_AT)
    assert clusters[0] is event  # the biggest event of the day
    # unrelated threads are not all lumped together either
    assert len(clusters) > 10


def test_incident_is_the_burst_and_its_words_are_hot(demo_docs):
    docs, _ = demo_docs
    now = START + timedelta(seconds=INCIDENT_NEWS_AT + 600)
    assert spikes(docs, now=now)[0].key == "pollution"
    hour = [d for d in docs if d.relevant and now - timedelta(hours=1) <= d.published_at < now]
    before = [d for d in docs if d.relevant and d.published_at < now - timedelta(hours=1)]
    top = [w for w, _ in hot_words(hour, baseline=before, top=5)]
    assert {"化工厂", "鑫源"} <= set(top)
