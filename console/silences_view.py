"""The console's 静默 page: the silences in force and past ones (who set or ended each, when and
why), a form to set one (topic, source, event or text, an end time, a reason) and 提前结束.
Forms carry the CSRF token (checked_form); setting one is for 分管领导 / admins when accounts are
on (policy.silence_refusal), ending one is for everyone. The rows are alerts.silences', the same
the CLI (`yqwatch silence`) writes."""
from __future__ import annotations

import logging
from datetime import datetime
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from alerts.silences import MATCH_KINDS, MATCH_LABELS, SilenceError, add_silence, end_silence, list_silences
from pipeline.config import TZ

from .api import require_actor
from .auth import current_user
from .policy import silence_refusal
from .render import page
from .security import checked_form

log = logging.getLogger(__name__)
SHOWN = 200  # newest silences listed (active ones are always few)


def silences_page(request: Request):
    services = request.app.state.services
    now = services.now()
    rows = list_silences(services.store.engine, now, include_past=True, limit=SHOWN)[::-1]
    return page(request, "silences.html", active=[s for s in rows if s.active(now)],
                past=[s for s in rows if not s.active(now)], labels=MATCH_LABELS, kinds=MATCH_KINDS,
                sources=services.source_names, can_set=silence_refusal(current_user(request)) is None,
                done=request.query_params.get("done"))


def _until(value: str) -> datetime:
    """A datetime-local field (Beijing time): 2026-12-05T08:00."""
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError:
        raise HTTPException(400, "请填写静默截止时间，如 2026-12-05 08:00") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=TZ)


def add(request: Request):
    form = checked_form(request)
    actor = require_actor(request)
    refusal = silence_refusal(current_user(request))
    if refusal is not None:
        raise HTTPException(403, refusal)
    services = request.app.state.services
    try:
        silence = add_silence(services.store.engine, match=form.get("match", ""), value=form.get("value", ""),
                              until=_until(form.get("until", "")), by=actor, reason=form.get("reason", "")[:500],
                              now=services.now)
    except SilenceError as e:
        raise HTTPException(400, str(e).replace("--reason", "“原因”")) from None
    log.warning("静默 %d 由 %s 设置 (控制台): %s=%s 至 %s，原因: %s", silence.id, actor, silence.match,
                silence.value, silence.until.isoformat(timespec="minutes"), silence.reason)
    return RedirectResponse("/silences?" + urlencode({"done": f"已设置静默 {silence.id}"}), status_code=303)


def end(request: Request):
    checked_form(request)
    actor = require_actor(request)
    services = request.app.state.services
    try:
        silence = end_silence(services.store.engine, request.path_params["silence_id"], services.now(), by=actor)
    except SilenceError as e:
        raise HTTPException(409, str(e)) from None
    log.warning("静默 %d 由 %s 提前结束 (控制台)", silence.id, actor)
    return RedirectResponse("/silences?" + urlencode({"done": f"已结束静默 {silence.id}"}), status_code=303)
