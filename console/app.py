"""The console's app factory: `create_app(services)` (the scheduler serves it, see server.py).

Every handler is a plain function run in the threadpool (`off_loop`): they read the database,
hash passwords and build DOCX files, and one of them waiting for a SQLite write lock (up to 30 s)
must not hold up any other officer's page. Only the request body is read on the event loop."""
from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from . import (admin, api, evidence_view, ledger_view, login, pages, report_approval, silences_view,
               undelivered)
from .auth import AuthMiddleware
from .metrics import MetricsMiddleware
from .render import make_templates, page
from .security import SecurityMiddleware, allowed_host_names, read_body
from .services import ConsoleServices

STATIC = Path(__file__).parent / "static"


async def _http_error(request: Request, exc: HTTPException):
    """JSON for the API and fetch() calls, a Chinese error page for people."""
    if request.url.path.startswith("/api/") or request.url.path == "/healthz":
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
    return await run_in_threadpool(page, request, "error.html", status_code=exc.status_code,
                                   message=exc.detail, code=exc.status_code)


def off_loop(handler: Callable) -> Callable:
    """An async endpoint that reads the body (POST) on the loop, then runs `handler` in the
    threadpool; handlers find the body in request.state.body (security.checked_payload)."""

    @functools.wraps(handler)
    async def endpoint(request: Request):
        if request.method == "POST":
            request.state.body = await read_body(request)
        return await run_in_threadpool(handler, request)

    return endpoint


def _route(path: str, handler: Callable, methods: list[str] | None = None) -> Route:
    return Route(path, off_loop(handler), methods=methods)


def create_app(services: ConsoleServices) -> Starlette:
    if services.auth is None:  # typed-name mode: the header form sets the officer's name
        sign_in = [_route("/actor", pages.set_actor, methods=["POST"])]
    else:
        sign_in = [_route("/login", login.login_page), _route("/login", login.login_submit, methods=["POST"]),
                   _route("/logout", login.logout, methods=["POST"]),
                   _route("/users", admin.users_page), _route("/users", admin.add_user, methods=["POST"]),
                   _route("/users/{login}/password", admin.reset_password, methods=["POST"]),
                   _route("/users/{login}/disable", admin.disable_user, methods=["POST"]),
                   _route("/users/{login}/enable", admin.enable_user, methods=["POST"]),
                   _route("/users/{login}/role", admin.change_role, methods=["POST"])]
    routes = [
        *sign_in,
        _route("/", pages.feed_page),
        _route("/feed/rows", pages.feed_rows),
        _route("/events", pages.events_page),
        _route("/events/{event_id}/incident", pages.event_incident, methods=["POST"]),
        _route("/incidents", pages.incidents_page),
        _route("/incidents/{incident_id:int}", pages.incident_page),
        _route("/incidents/{incident_id:int}/transition", pages.incident_transition, methods=["POST"]),
        _route("/incidents/{incident_id:int}/special", pages.incident_special, methods=["POST"]),
        _route("/ledger", ledger_view.ledger_download),
        _route("/evidence/{capture_id:int}/png", evidence_view.capture_png),
        _route("/evidence/{capture_id:int}/bundle", evidence_view.capture_bundle),
        _route("/sources", pages.sources_page),
        _route("/reports", pages.reports_page),
        _route("/reports/generate", pages.generate_report, methods=["POST"]),
        _route("/reports/analysis", report_approval.generate_analysis, methods=["POST"]),
        _route("/reports/approvals", report_approval.approvals_page),
        _route("/reports/approvals/{kind}/{key}", report_approval.approval_page),
        _route("/reports/approvals/{kind}/{key}/edit", report_approval.edit_issue, methods=["POST"]),
        _route("/reports/approvals/{kind}/{key}/approve", report_approval.approve_issue, methods=["POST"]),
        _route("/reports/files/{path:path}", pages.report_file),
        _route("/reports/view/{path:path}", pages.report_preview),
        _route("/alerts/undelivered", undelivered.undelivered_page),
        _route("/alerts/{alert_id}/cancel", undelivered.cancel_alert, methods=["POST"]),
        _route("/alerts/{alert_id}/retry", undelivered.retry_alert, methods=["POST"]),
        _route("/silences", silences_view.silences_page),
        _route("/silences", silences_view.add, methods=["POST"]),
        _route("/silences/{silence_id:int}/end", silences_view.end, methods=["POST"]),
        _route("/api/status", api.status),
        _route("/api/feed", api.feed),
        _route("/api/feed/new", api.feed_new),
        _route("/api/docs/status", api.doc_status, methods=["POST"]),
        _route("/api/docs/{doc_id}/status", api.doc_status, methods=["POST"]),
        _route("/api/search", api.search),
        _route("/api/events/{event_id}/ack", api.acknowledge, methods=["POST"]),
        _route("/healthz", api.healthz),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    allowed = allowed_host_names(services.allowed_hosts)
    middleware = [Middleware(SecurityMiddleware),  # outermost: the login form needs its CSRF token
                  # /metrics after the Host check, before sign-in (loopback or token, see metrics.py)
                  Middleware(MetricsMiddleware, engine=services.store.engine, token=services.metrics_token)]
    if services.auth is not None:
        middleware.append(Middleware(AuthMiddleware))
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={HTTPException: _http_error})
    app.state.services = services
    app.state.allowed_hosts = allowed
    app.state.templates = make_templates()
    return app
