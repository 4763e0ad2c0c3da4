"""Server-rendered pages: feed, events, incidents, sources, reports, and their form posts."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlencode
from zipfile import BadZipFile

from docx.opc.exceptions import PackageNotFoundError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse

from alerts.escape import one_line
from alerts.health import source_health
from alerts.incidents import TRANSITIONS, IncidentError
from alerts.reports.issues import selected_doc_ids
from alerts.types import IncidentState
from pipeline.types import SEVERITY_RANK
from storage.evidence import EvidenceStore

from .api import require_actor
from .auth import current_user
from .deliveries import delivery_rows, latest_daily
from .evidence_view import event_changes
from .feed import STATUS_FILTERS, FeedFilter, build_feed
from .policy import transition_refusal
from .render import page
from .report_preview import preview_response
from .security import ACTOR_COOKIE, actor_cookie_value, checked_form, clean_actor, local_path

# How far back the events page lists volume surges (spike rules).
SURGE_DAYS = timedelta(days=3)

STALE_AFTER = timedelta(hours=2)  # no crawl run for this long: the spider has gone silent
REPORT_SUFFIXES = {".docx", ".html", ".pdf", ".md", ".txt"}
PREVIEW_SUFFIXES = {".html", ".docx"}  # shown in the browser (report_preview), not only downloaded
MAX_ID = 2**31 - 1  # the id columns' range: anything larger names no incident
MAX_REPORT_FILES = 200


def _services(request: Request):
    return request.app.state.services


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _incident_id(request: Request) -> int:
    """The path's incident id; 404 past the id range (the database would refuse the number)."""
    incident_id = request.path_params["incident_id"]
    if not 0 < incident_id <= MAX_ID:
        raise HTTPException(404, "事件单不存在")
    return incident_id


# -- feed -----------------------------------------------------------------------------------------

def _feed_context(request: Request) -> dict:
    s = _services(request)
    flt = FeedFilter.from_params(request.query_params)
    cursor = s.reads.latest_seq()
    feed = build_feed(s, flt, s.now())
    return {"feed": feed, "flt": flt, "cursor": cursor, "query": urlencode(flt.params()),
            "status_filters": STATUS_FILTERS, "sources": _source_choices(s, feed),
            "source_names": s.source_names}


def _source_choices(s, feed) -> dict[str, str]:
    ids = set(s.source_names) | {c.lead.doc.source_id for c in feed.cards}
    return {i: s.source_names.get(i, i) for i in sorted(ids)}


def feed_page(request: Request):
    return page(request, "feed.html", **_feed_context(request))


def feed_rows(request: Request):
    """The feed list alone, for the in-place refresh."""
    return page(request, "_feed_rows.html", **_feed_context(request))


# -- officer name ---------------------------------------------------------------------------------

def set_actor(request: Request):
    form = checked_form(request)
    resp = _see_other(local_path(form.get("back")))
    name = clean_actor(form.get("name"))
    if name:
        resp.set_cookie(ACTOR_COOKIE, actor_cookie_value(name), httponly=True, samesite="strict",
                        max_age=14 * 24 * 3600, path="/")
    else:
        resp.delete_cookie(ACTOR_COOKIE, path="/")
    return resp


# -- events ---------------------------------------------------------------------------------------

def events_page(request: Request):
    s = _services(request)
    # Worst first, then most recently active: what a supervisor must look at heads the list.
    events = sorted(s.reads.open_events(),
                    key=lambda e: (-SEVERITY_RANK.get(e.severity or "", 0), -e.last_seen_at.timestamp()))
    firsts = {d.id: d for d in s.store.get_documents([e.first_doc_id for e in events if e.first_doc_id])}
    incidents = {i.event_id: i for i in s.incidents.list(limit=500) if i.event_id}
    rows = []
    for e in events:
        alerts = s.alerts.alerts(event_id=e.id, limit=50)
        acked = next((a for a in alerts if a.acknowledged_at), None)
        rows.append({"event": e, "first": firsts.get(e.first_doc_id), "alerts": alerts,
                     "sent": sum(1 for a in alerts if a.status == "sent"),
                     "failed": sum(1 for a in alerts if a.status in ("failed", "rejected")),
                     "pending": sum(1 for a in alerts if a.status in ("pending", "sending")),
                     "acked": acked, "incident": incidents.get(e.id)})
    changes = event_changes(s.store.engine, [e.id for e in events])
    captures = EvidenceStore(s.store.engine).summaries(list(firsts))
    for r in rows:
        r["changes"] = changes.get(r["event"].id, [])
        r["capture"] = captures.get(r["first"].id) if r["first"] else None
    surges = s.reads.recent_surges(s.now() - SURGE_DAYS)
    return page(request, "events.html", rows=rows, surges=surges, source_names=s.source_names)


def event_incident(request: Request):
    """Open (or find) the incident of an event."""
    checked_form(request)
    actor = require_actor(request)
    s = _services(request)
    event = s.reads.get_event(request.path_params["event_id"])
    if event is None:
        raise HTTPException(404, "事件不存在")
    inc = s.incidents.open(event.title, actor=actor, event_id=event.id, severity=event.severity,
                           note="由事件列表转为事件单")
    return _see_other(f"/incidents/{inc.id}")


# -- incidents ------------------------------------------------------------------------------------

def incidents_page(request: Request):
    s = _services(request)
    state_param = request.query_params.get("state")
    state = IncidentState(state_param) if state_param in IncidentState.__members__ else None
    return page(request, "incidents.html", incidents=s.incidents.list(state=state, limit=300),
                state=state.value if state else None, states=list(IncidentState),
                stats=s.incidents.department_stats())


def incident_page(request: Request):
    s = _services(request)
    inc = s.incidents.get(_incident_id(request))
    if inc is None:
        raise HTTPException(404, "事件单不存在")
    event = s.reads.get_event(inc.event_id) if inc.event_id else None
    docs = s.store.get_documents(s.reads.event_doc_ids(event.id)) if event else []
    docs.sort(key=lambda d: d.published_at or d.fetched_at)
    return page(request, "incident.html", inc=inc, event=event, docs=docs,
                next_states=sorted((t for t in TRANSITIONS[inc.state]
                                    if transition_refusal(current_user(request), t) is None),
                                   key=list(IncidentState).index),
                departments=s.departments, source_names=s.source_names,
                can_special=s.write_special is not None)


def incident_transition(request: Request):
    form = checked_form(request)
    actor = require_actor(request)
    s = _services(request)
    incident_id = _incident_id(request)
    try:
        to = IncidentState(form.get("to", ""))
    except ValueError:
        raise HTTPException(400, "目标状态无效") from None
    refusal = transition_refusal(current_user(request), to)
    if refusal:
        raise HTTPException(403, refusal)
    department = one_line(form.get("department"))[:64] or None
    try:
        s.incidents.transition(incident_id, to, actor=actor, note=form.get("note", "")[:2000].strip(),
                               department=department)
    except IncidentError as e:
        raise HTTPException(404 if s.incidents.get(incident_id) is None else 409, str(e)) from None
    return _see_other(f"/incidents/{incident_id}")


def incident_special(request: Request):
    """Issue the incident's 专报 (its number is allocated the first time) and download it. A POST:
    issuing is a deliberate act, never a side effect of following a link."""
    form = checked_form(request)
    require_actor(request)
    s = _services(request)
    fmt = form.get("fmt", "docx")
    if s.write_special is None:
        raise HTTPException(409, "本控制台未配置专报生成")
    if fmt not in ("docx", "html"):
        raise HTTPException(400, "格式应为 docx 或 html")
    try:
        res = s.write_special(_incident_id(request), fmt)
    except IncidentError as e:
        raise HTTPException(404, str(e)) from None
    # The file lives in report_dir: served by the one download route that guards that folder.
    name = res.paths[0].resolve().relative_to(s.report_dir.resolve()).as_posix()
    return _see_other("/reports/files/" + quote(name))


# -- sources --------------------------------------------------------------------------------------

def sources_page(request: Request):
    s = _services(request)
    now = s.now()
    ids = set(s.source_names) | {r.source_id for r in s.store.crawl_runs(limit=1000)}
    rows = []
    for sid in sorted(ids):
        h = source_health(sid, s.store.crawl_runs(sid, limit=50))
        stale = h.last_run is None or now - h.last_run > STALE_AFTER
        rows.append({"id": sid, "name": s.source_names.get(sid, sid), "health": h, "stale": stale,
                     "silent_minutes": int((now - h.last_run).total_seconds() // 60) if h.last_run else None})
    rows.sort(key=lambda r: (not (r["health"].broken or r["stale"]), r["id"]))
    return page(request, "sources.html", rows=rows, stale_hours=STALE_AFTER.total_seconds() / 3600)


# -- reports --------------------------------------------------------------------------------------

def _report_files(root: Path) -> list[tuple[str, Path]]:
    if not root.is_dir():
        return []
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES
             and _inside(p, root)]
    files.sort(key=lambda p: (-p.stat().st_mtime, p.name))
    return [(p.relative_to(root).as_posix(), p) for p in files[:MAX_REPORT_FILES]]


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def reports_page(request: Request):
    s = _services(request)
    today = s.now().date()
    selected_ids = selected_doc_ids(s.store.engine, today)
    selected = s.store.get_documents(selected_ids)
    upcoming = None
    if s.daily_items is not None:
        planned = list(s.daily_items(today))
        by_id = {d.id: d for d in s.store.get_documents(planned)}
        upcoming = [(by_id[i], i in selected_ids) for i in planned if i in by_id]
    mail = s.deliveries() if s.deliveries is not None else None
    return page(request, "reports.html", files=_report_files(s.report_dir), selected=selected,
                previewable=PREVIEW_SUFFIXES, upcoming=upcoming,
                today=today, can_generate=s.write_report is not None,
                issued=request.query_params.get("issued"), source_names=s.source_names,
                deliveries=delivery_rows(mail) if mail is not None else None,
                latest_daily=latest_daily(mail) if mail else None)


def generate_report(request: Request):
    checked_form(request)
    require_actor(request)
    s = _services(request)
    if s.write_report is None:
        raise HTTPException(409, "本控制台未配置摘报生成")
    today = s.now().date()
    mailed = latest_daily(s.deliveries()) if s.deliveries is not None else None
    if mailed is not None and mailed.issue == today.isoformat():
        # the issue that went to leadership is archived with its hash: never rewritten under it
        raise HTTPException(409, "今日摘报已报送，不再改写")
    result = s.write_report(today)
    return _see_other("/reports?" + urlencode({"issued": getattr(result, "issue_no", "")}))


def _report_path(request: Request, suffixes: set[str]) -> Path:
    """The issued report the path names: only regular files inside report_dir, of `suffixes`."""
    rel = request.path_params["path"]
    root = _services(request).report_dir
    target = root / rel
    if ("\x00" in rel or Path(rel).is_absolute() or not _inside(target, root)
            or target.suffix.lower() not in suffixes or not target.is_file()):
        raise HTTPException(404, "文件不存在")
    return target.resolve()


def report_file(request: Request):
    """Download an issued report."""
    target = _report_path(request, REPORT_SUFFIXES)
    return FileResponse(target, filename=target.name, content_disposition_type="attachment")


def report_preview(request: Request):
    """An issued report in the browser, sandboxed (console.report_preview)."""
    target = _report_path(request, PREVIEW_SUFFIXES)
    try:
        return preview_response(target)
    except (OSError, ValueError, KeyError, BadZipFile, PackageNotFoundError):  # a damaged DOCX
        raise HTTPException(422, "该文件无法预览，请下载查看") from None
