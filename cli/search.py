"""`yqwatch search`: read-only, so it opens only the store, the index and the query tokenizer;
no alert channels (no channel secrets needed) and no analysis models."""
from __future__ import annotations

import json

from pipeline.config import TZ

from .args import BadInput, check_known, parse_since


def cmd_search(args) -> int:
    from pipeline.query import QueryTerms
    from pipeline.topics import load_topics
    from storage.factory import create_schema, open_index, open_store
    from storage.outbox import drain_outbox
    from storage.search import IndexUnavailable
    from storage.types import SearchQuery
    from watch_config import config_dir, load_config

    since = parse_since(args.since)
    cfg = load_config(config_dir(args.config))
    check_known("信息源", args.source, {s.id for s in cfg.sources.sources})
    check_known("话题", args.topic, {t.id for t in load_topics(cfg.dir / "topics.yaml").topics})
    store = open_store(cfg.storage)
    index = open_index(cfg.storage)
    try:
        create_schema(store.engine)
        terms = QueryTerms.from_config_dir(cfg.dir)(args.query)
        try:
            drain_outbox(store, index)  # what the watch saved but has not delivered yet
            res = index.search(SearchQuery(terms=tuple(terms), since=since, limit=args.limit, sort=args.sort,
                                           severities=tuple(args.grade or ()), topics=tuple(args.topic or ()),
                                           sources=tuple(args.source or ())))
        except IndexUnavailable as e:
            why = (str(e).splitlines() or [type(e).__name__])[0]
            raise BadInput(f"搜索索引不可用, 请稍后再试 ({why[:160]})") from None
        docs = {d.id: d for d in store.get_documents([h.id for h in res.hits])}
    finally:
        index.close()
        store.engine.dispose()
    if args.json:
        print(json.dumps({"total": res.total, "hits": [
            {"id": h.id, "score": h.score, "title": h.title, "url": h.url, "source": h.source_id,
             "thread_url": docs[h.id].thread_url if h.id in docs else None,
             "floor": docs[h.id].floor if h.id in docs else None,
             "published_at": h.published_at.isoformat() if h.published_at else None,
             "severity": h.severity, "highlight": h.highlight} for h in res.hits]}, ensure_ascii=False))
        return 0
    print(f"共 {res.total} 条" + (f" (显示前 {len(res.hits)} 条)" if res.total > len(res.hits) else ""))
    for thread in _by_thread(res.hits, docs):
        for k, h in enumerate(thread):
            when = h.published_at.astimezone(TZ).strftime("%m-%d %H:%M") if h.published_at else "--"
            score = f"{h.score:.3g}" if h.score else "-"  # sort=time carries no score
            d = docs.get(h.id)
            floor = f"#{d.floor} " if d is not None and d.floor and d.floor > 1 else ""
            lead = "" if k == 0 else "    └ "
            print(f"{lead}[{h.severity or '-'}] {when} 相关度 {score} {h.source_id} {floor}{h.title}")
            print(f"{'    ' if k == 0 else '        '}{h.url}")
    return 0


def _by_thread(hits, docs) -> list[list]:
    """Hits grouped under their thread, threads in the order of their best hit; within a thread
    by floor (the opening post first)."""
    groups: dict[str, list] = {}
    for h in hits:
        d = docs.get(h.id)
        groups.setdefault(d.thread_url if d is not None else h.url, []).append(h)
    floor = lambda h: docs[h.id].floor or 0 if h.id in docs else 0  # noqa: E731
    return [sorted(g, key=floor) for g in groups.values()]
