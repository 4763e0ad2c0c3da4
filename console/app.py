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

from . import admin, api, login, pages
from .auth import AuthMiddleware
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
    Route = _route  # noqa: N806 (every handler below runs off the loop)
    if services.auth is None:  # typed-name mode: the header form sets the officer's name
        sign_in = [Route("/actor", pages.set_actor, methods=["POST"])]
    else:
        sign_in = [Route("/login", login.login_page), Route("/login", login.login_submit, methods=["POST"]),
                   Route("/logout", login.logout, methods=["POST"]),
                   Route("/users", admin.users_page), Route("/users", admin.add_user, methods=["POST"]),
                   Route("/users/{login}/password", admin.reset_password, methods=["POST"]),
                   Route("/users/{login}/disable", admin.disable_user, methods=["POST"]),
                   Route("/users/{login}/enable", admin.enable_user, methods=["POST"]),
                   Route("/users/{login}/role", admin.change_role, methods=["POST"])]
    routes = [
        *sign_in,
        Route("/", pages.feed_page),
        Route("/feed/rows", pages.feed_rows),
        Route("/events", pages.events_page),
        Route("/events/{event_id}/incident", pages.event_incident, methods=["POST"]),
        Route("/incidents", pages.incidents_page),
        Route("/incidents/{incident_id:int}", pages.incident_page),
        Route("/incidents/{incident_id:int}/transition", pages.incident_transition, methods=["POST"]),
        Route("/incidents/{incident_id:int}/special", pages.incident_special, methods=["POST"]),
        Route("/sources", pages.sources_page),
        Route("/reports", pages.reports_page),
        Route("/reports/generate", pages.generate_report, methods=["POST"]),
        Route("/reports/files/{path:path}", pages.report_file),
        Route("/reports/view/{path:path}", pages.report_preview),
        Route("/api/status", api.status),
        Route("/api/feed", api.feed),
        Route("/api/feed/new", api.feed_new),
        Route("/api/docs/status", api.doc_status, methods=["POST"]),
        Route("/api/docs/{doc_id}/status", api.doc_status, methods=["POST"]),
        Route("/api/search", api.search),
        Route("/api/events/{event_id}/ack", api.acknowledge, methods=["POST"]),
        Route("/healthz", api.healthz),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    allowed = allowed_host_names(services.allowed_hosts)
    middleware = [Middleware(SecurityMiddleware, allowed_hosts=allowed)]  # outermost: the login form needs its CSRF token
    if services.auth is not None:
        middleware.append(Middleware(AuthMiddleware))
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={HTTPException: _http_error})
    app.state.services = services
    app.state.allowed_hosts = allowed
    app.state.templates = make_templates()
    return app
