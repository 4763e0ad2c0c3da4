"""The console's analysis-report button and approval pages for report issues (alerts.reports.approval): the list of issues
waiting, one issue's draft for duty staff to edit (keep, reorder, 编者按 per item: the daily 摘报)
and the 分管领导's approve-and-send. Plain `def` handlers: Starlette runs them in the threadpool,
so the database and the SMTP send never block the event loop. Forms carry the CSRF token
(checked_form); who may approve is policy.approval_refusal."""
from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from alerts.reports.approval import MAX_NOTE, ApprovalError, EditedItem
from alerts.reports.daily import KIND as DAILY
from alerts.reports.daily import MAX_SELECTED, daily_report_plan
from alerts.reports.kinds import kinds

from .api import require_actor
from .auth import current_user
from .policy import approval_refusal
from .render import page
from .security import checked_form

_KEY = re.compile(r"^[0-9][0-9T:+\-]{3,40}$")  # a day, a month, a shift end, an incident version


def _desk(request: Request):
    desk = request.app.state.services.report_desk
    if desk is None or desk.approvals is None:
        raise HTTPException(409, "本控制台未启用报告审批")
    return desk


def _issue(request: Request) -> tuple[str, str]:
    kind, key = request.path_params["kind"], request.path_params["key"]
    if kind not in kinds() or not _KEY.match(key):
        raise HTTPException(404, "报告不存在")
    return kind, key


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def approvals_page(request: Request):
    desk = _desk(request)
    titles = {name: k.title for name, k in kinds().items()}
    return page(request, "report_approvals.html", approvals=desk.approvals.list(), titles=titles)


def _current_items(desk, kind: str, key: str, edited) -> list[tuple[object, str]]:
    """(document, 编者按) of the issue as it stands: staff's edit, else the automatic plan."""
    store = desk.store
    if edited is not None:
        found = {d.id: d for d in store.get_documents([e.doc_id for e in edited])}
        return [(found[e.doc_id], e.note) for e in edited if e.doc_id in found]
    if kind != DAILY:
        return []
    from datetime import date

    plan = daily_report_plan(store, day=date.fromisoformat(key), now=desk.now())
    return [(p.doc, "") for p in plan]


def approval_page(request: Request):
    desk = _desk(request)
    kind, key = _issue(request)
    ap = desk.approvals.get(kind, key)
    if ap is None:
        raise HTTPException(404, "该期报告尚无草稿")
    items = _current_items(desk, kind, key, ap.items)
    return page(request, "report_approval.html", ap=ap, title=kinds()[kind].title, items=items,
                # once approved the written files are what was sent: they are not rewritten
                preview=_preview(request, desk, kind, key) if ap.state in ("draft", "edited") else None,
                editable=kind == DAILY and ap.state in ("draft", "edited"), max_note=MAX_NOTE,
                can_approve=approval_refusal(current_user(request)) is None,
                done=request.query_params.get("done"), source_names=desk.source_names)


def _preview(request: Request, desk, kind: str, key: str) -> str | None:
    """The issue as it stands, written as HTML into the report folder for the sandboxed preview
    route (/reports/view/...): what the 分管领导 reads before approving. None: not previewable."""
    if "html" not in kinds()[kind].formats:
        return None
    res = desk.write_key(kind, key, ("html",))
    root = request.app.state.services.report_dir.resolve()
    path = next((p.resolve() for p in res.paths if p.suffix == ".html"), None)
    return path.relative_to(root).as_posix() if path is not None and path.is_relative_to(root) else None


def edit_issue(request: Request):
    """Duty staff's edit: row i has doc_i, keep_i (checkbox), order_i (a number) and note_i."""
    form = checked_form(request)
    actor = require_actor(request)
    desk = _desk(request)
    kind, key = _issue(request)
    if kind != DAILY:
        raise HTTPException(400, "该类报告无条目可编辑")
    rows = []
    for i in range(1, MAX_SELECTED + 1):
        doc_id = form.get(f"doc_{i}")
        if doc_id is None:
            break
        if form.get(f"keep_{i}") != "1":
            continue  # unticked: left out of the issue
        try:
            order = int(form.get(f"order_{i}") or i)
        except ValueError:
            raise HTTPException(400, f"第{i}行的序号不是整数") from None
        rows.append((order, i, EditedItem(doc_id[:64], form.get(f"note_{i}", ""))))
    rows.sort(key=lambda r: (r[0], r[1]))
    try:
        desk.approvals.edit(kind, key, [item for _, _, item in rows], by=actor)
    except ApprovalError as e:
        raise HTTPException(409, str(e)) from None
    return _see_other(f"/reports/approvals/{quote(kind)}/{quote(key)}?" + urlencode({"done": "edited"}))


def approve_issue(request: Request):
    """The 分管领导 approves: the issue is written as edited and mailed once, and archived."""
    checked_form(request)
    actor = require_actor(request)
    refusal = approval_refusal(current_user(request))
    if refusal is not None:
        raise HTTPException(403, refusal)
    desk = _desk(request)
    kind, key = _issue(request)
    try:
        desk.approve(kind, key, by=actor)
    except ApprovalError as e:
        raise HTTPException(409, str(e)) from None
    return _see_other(f"/reports/approvals/{quote(kind)}/{quote(key)}?" + urlencode({"done": "approved"}))


ANALYSIS_KINDS = ("weekly", "monthly")


def generate_analysis(request: Request):
    """Write last week's / last month's 舆情分析报告 (DOCX and HTML, into the report folder)."""
    form = checked_form(request)
    require_actor(request)
    desk = request.app.state.services.report_desk
    if desk is None:
        raise HTTPException(409, "本控制台未配置报告生成")
    kind = form.get("kind", "")
    if kind not in ANALYSIS_KINDS:
        raise HTTPException(400, "报告类型应为 weekly 或 monthly")
    res = desk.write(kind, None)
    return _see_other("/reports?" + urlencode({"analysis": f"{res.report.title}第{res.issue_no}期"}))
