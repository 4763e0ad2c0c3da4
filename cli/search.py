"""`yqwatch search`: read-only, so it reads only sources.yaml (the ids), topics.yaml and the storage
settings — not alerts.yaml (no channel secrets needed) — and opens only the store, the index and
the query tokenizer (pipeline/query.py: a few dictionary entries, no analysis models)."""
from __future__ import annotations

import json

from pipeline.config import TZ, ConfigError

from .args import BadInput, check_known, parse_since


def _search_config(cfg_dir):
    """(source ids, topics, storage settings) of the config directory; every file's problems
    are reported together, as load_config does."""
    from pipeline.config import load_yaml
    from pipeline.topics import load_topics
    from storage.config import load_storage_settings
    from watch_config import ConfigErrors, ScheduledSources

    if not cfg_dir.is_dir():
        raise ConfigError(cfg_dir, None, "配置目录不存在")
    out, problems = [], []
    for load in (lambda: load_yaml(cfg_dir / "sources.yaml", ScheduledSources),
                 lambda: load_topics(cfg_dir / "topics.yaml"), lambda: load_storage_settings(cfg_dir)):
        try:
            out.append(load())
        except ConfigError as e:
            problems.append(e)
    if problems:
        raise ConfigErrors(problems)
    sources, topics, storage = out
    return {s.id for s in sources.sources}, topics, storage


def cmd_search(args) -> int:
    from pipeline.query import QueryTerms
    from storage.factory import create_schema, open_index, open_store
    from storage.outbox import drain_outbox
    from storage.search import IndexUnavailable
    from storage.types import SearchQuery
    from watch_config import config_dir

    since = parse_since(args.since)
    source_ids, topics, storage = _search_config(config_dir(args.config))
    problems = []
    for kind, given, known in (("信息源", args.source, source_ids), ("话题", args.topic, {t.id for t in topics.topics})):
        try:
            check_known(kind, given, known)
        except BadInput as e:
            problems.append(str(e))
    if problems:  # all of them, in one line
        raise BadInput("; ".join(problems))
    store = open_store(storage)
    index = open_index(storage)
    try:
        create_schema(store.engine)
        terms = QueryTerms(topics)(args.query)
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
