"""Jinja2 (autoescape always on) and the helpers templates use."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from alerts.escape import safe_url
from alerts.types import INCIDENT_STATE_LABELS
from pipeline.config import TZ as SHANGHAI
from pipeline.types import SEVERITY_LABELS

from .explain import GRADE_SHORT
from .feed import STATUS_LABELS
from .policy import can_manage_accounts
from .security import actor_of
from .watch_status import watch_status

# Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): crawled text could use them
# to show a title, an author or a URL reversed. Dropped from everything a template prints.
_BIDI = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def _finalize(value):
    if isinstance(value, Markup):  # already escaped (highlights): dropping characters adds no markup
        return Markup(value.translate(_BIDI))
    return value.translate(_BIDI) if isinstance(value, str) else value
TEMPLATES = Path(__file__).parent / "templates"


def fmt_time(dt: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    return dt.astimezone(SHANGHAI).strftime(fmt) if dt is not None else "—"


def make_templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, finalize=_finalize,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(t=fmt_time, safe_url=safe_url)
    env.globals.update(grade_labels=SEVERITY_LABELS, grade_short=GRADE_SHORT,
                       status_labels=STATUS_LABELS,
                       state_labels={s.value: label for s, label in INCIDENT_STATE_LABELS.items()})
    return Jinja2Templates(env=env)


def page(request: Request, name: str, status_code: int = 200, **ctx):
    """A full page: every template gets the services' locality, the clock, the officer's name,
    the CSRF token, whether the watch is alive (watch_status: the header's last crawl and the
    红色 banner) and (auth on) the signed-in user and whether they manage accounts. Blocking (it
    reads the database): call it from the threadpool."""
    services = request.app.state.services
    user = getattr(request.state, "user", None)
    if "watch" not in ctx:
        try:
            ctx["watch"] = watch_status(services)
        except SQLAlchemyError:  # the database is unreachable: the page (often the error page) still renders
            ctx["watch"] = None
    if "delivery" not in ctx:
        try:
            ctx["delivery"] = services.alerts.delivery_state()
        except SQLAlchemyError:
            ctx["delivery"] = None
    ctx.update(request=request, locality=services.locality, now=services.now(),
               actor=actor_of(request), csrf=request.state.csrf, path=request.url.path,
               auth=services.auth is not None, user=user, can_admin=can_manage_accounts(user),
               period=services.periods.banner(services.now()) if services.periods else None)
    return request.app.state.templates.TemplateResponse(request, name, ctx, status_code=status_code)
