"""Alerts not yet delivered (queued, retrying, refused for good), listed prominently so a person
can retry one now or cancel it: delivery never gives up on its own (alerts.delivery_queue).
Below them, alerts a paced channel holds on purpose (alerts.pacing): shown with when and why they
go, without 重试 (they are not failing) or 取消 (the queue's cancel only takes undelivered rows)."""
from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from .api import require_actor
from .render import page
from .security import checked_form

STATUS_LABELS = {"pending": "待发送", "sending": "发送中", "failed": "发送失败，重试中",
                 "rejected": "被拒收，需人工处理"}
HELD_REASONS = {"quiet_hours": "免打扰时段", "interval": "推送间隔", "due": "到时合并发送"}
MAX_ID_LEN = 40  # alert ids are 40 hex characters


def undelivered_page(request: Request):
    engine = request.app.state.services.alerts
    rules = {r.id: r.name for r in engine.config.rules}
    return page(request, "undelivered.html", alerts=engine.undelivered(limit=200), labels=STATUS_LABELS,
                held=engine.held(limit=200), reasons=HELD_REASONS, rules=rules)


def _act(request: Request, act) -> RedirectResponse:
    form = checked_form(request)
    actor = require_actor(request)
    alert_id = request.path_params["alert_id"][:MAX_ID_LEN]
    if not act(alert_id, actor, form.get("reason", "")[:200].strip()):
        raise HTTPException(409, "该预警已送达、已取消或不存在")
    return RedirectResponse("/alerts/undelivered", status_code=303)


def cancel_alert(request: Request):
    engine = request.app.state.services.alerts
    return _act(request, lambda aid, actor, reason: engine.cancel_alert(aid, actor, reason))


def retry_alert(request: Request):
    engine = request.app.state.services.alerts
    return _act(request, lambda aid, _actor, _reason: engine.retry_alert_now(aid))
