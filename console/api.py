"""JSON endpoints: the feed (thread cards), triage, search, event acknowledgement, health."""
from __future__ import annotations

from datetime import datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from alerts.escape import safe_url
from pipeline.types import SEVERITIES
from storage.search import IndexUnavailable
from storage.types import SearchQuery

from .actions import ActionError, clean_ids, set_status
from .explain import GRADE_SHORT
from .feed import NO_TERMS, STATUSES, FeedFilter, build_feed, count_new, search_terms
from .render import SHANGHAI
from .security import actor_of, checked_form, checked_payload
from .watch_status import watch_status

SEARCH_MAX = 100
SEARCH_DOWN = "搜索服务暂不可用，请稍后再试"


def _services(request: Request):
    return request.app.state.services


def require_actor(request: Request) -> str:
    actor = actor_of(request)
    if not actor:
        raise HTTPException(400, "请先在页面右上角填写值班员姓名")
    return actor


def _int(value: str | None, default: int, lo: int, hi: int) -> int:
    try:
        return min(hi, max(lo, int(value))) if value is not None else default
    except ValueError:
        raise HTTPException(400, f"参数不是整数：{value[:20]}") from None


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, "时间格式应为 ISO 8601，如 2024-05-06T08:00") from None
    return dt.replace(tzinfo=SHANGHAI) if dt.tzinfo is None else dt


def feed(request: Request) -> JSONResponse:
    s = _services(request)
    now = s.now()
    flt = FeedFilter.from_params(request.query_params)
    limit = _int(request.query_params.get("limit"), 50, 1, 200)
    cursor = s.reads.latest_seq()  # read first: posts arriving meanwhile count as new later
    result = build_feed(s, flt, now, limit)
    return JSONResponse({"now": now.isoformat(), "cursor": cursor, "matched": result.matched,
                         "posts": result.posts, "notice": result.notice,
                         "items": [c.to_json(s.source_names) for c in result.cards]})


def feed_new(request: Request) -> JSONResponse:
    s = _services(request)
    after = _int(request.query_params.get("after"), 0, 0, 2**62)
    flt = FeedFilter.from_params(request.query_params)
    fresh = count_new(s, flt, after, s.now())
    return JSONResponse({"count": fresh.posts, "threads": fresh.threads, "worst": fresh.worst,
                         "worst_label": GRADE_SHORT.get(fresh.worst or ""),
                         "watch": watch_status(s).to_json()})


def status(request: Request) -> JSONResponse:
    """Whether the watch is alive: every page polls this (console.js) for its header and banner."""
    return JSONResponse(watch_status(_services(request)).to_json())


def doc_status(request: Request) -> JSONResponse:
    """POST /api/docs/{id}/status {"status"} for one post, or POST /api/docs/status
    {"ids": [...], "status", "lead"?} for a thread card's posts."""
    body = checked_payload(request)
    actor = require_actor(request)
    status, lead = body.get("status"), body.get("lead")
    lead = lead.strip()[:64] if isinstance(lead, str) else ""
    try:
        ids = clean_ids(request.path_params.get("doc_id") or body.get("ids"))
        result = set_status(_services(request), ids, status if isinstance(status, str) else "",
                            actor, lead=lead or None)
    except ActionError as e:
        raise HTTPException(e.status, str(e)) from None
    return JSONResponse(result.to_json())


def search(request: Request) -> JSONResponse:
    s = _services(request)
    p = request.query_params
    q = p.get("q", "").strip()[:200]
    terms = tuple(search_terms(s, q)) if q else ()
    if q and not terms:  # only punctuation: nothing to look for, so nothing found
        return JSONResponse({"total": 0, "terms": [], "hits": [], "notice": NO_TERMS})
    query = SearchQuery(
        terms=terms, sources=tuple(p.getlist("source")),
        topics=tuple(p.getlist("topic")),
        severities=tuple(g for g in p.getlist("grade") if g in SEVERITIES),
        status=tuple(x for x in p.getlist("status") if x in STATUSES),
        since=_time(p.get("since")), until=_time(p.get("until")),
        sort="score" if p.get("sort") == "score" else "time",
        offset=_int(p.get("offset"), 0, 0, 10_000), limit=_int(p.get("limit"), 20, 1, SEARCH_MAX))
    try:
        res = s.index.search(query)
    except IndexUnavailable:
        return JSONResponse({"error": SEARCH_DOWN, "hits": []}, status_code=503)
    return JSONResponse({"total": res.total, "terms": list(terms), "hits": [{
        "id": h.id, "score": round(h.score, 4), "title": h.title, "url": safe_url(h.url),
        "source": h.source_id, "source_name": s.source_names.get(h.source_id, h.source_id),
        "published_at": h.published_at.isoformat() if h.published_at else None,
        "severity": h.severity, "highlight_html": h.highlight} for h in res.hits]})


def acknowledge(request: Request) -> JSONResponse:
    checked_form(request)
    actor = require_actor(request)
    n = _services(request).alerts.acknowledge(request.path_params["event_id"], actor)
    return JSONResponse({"event_id": request.path_params["event_id"], "acknowledged": n, "by": actor})


def healthz(request: Request) -> JSONResponse:
    s = _services(request)
    try:
        seq = s.reads.latest_seq()
    except Exception as e:  # the database is what a watch cannot run without
        return JSONResponse({"ok": False, "error": type(e).__name__}, status_code=503)
    return JSONResponse({"ok": True, "now": s.now().isoformat(), "latest_seq": seq,
                         "locality": s.locality})
