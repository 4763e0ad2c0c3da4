"""HTTP responses of the demo app, independent of the server that sends them."""
from __future__ import annotations

from dataclasses import dataclass

UTF8_HTML = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    content_type: str = UTF8_HTML
    headers: tuple[tuple[str, str], ...] = ()


class HttpError(Exception):
    """Raised by a view for a 4xx answer; the app turns it into a short Chinese error page."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def not_found(what: str = "页面不存在") -> HttpError:
    return HttpError(404, what)


def bad_request(what: str) -> HttpError:
    return HttpError(400, what)


def redirect(location: str) -> Response:
    return Response(302, b"", "text/plain; charset=utf-8", (("Location", location),))


def html(text: str, encoding: str = "utf-8") -> Response:
    # GBK cannot encode every character (e.g. U+00A0); a browser reads the numeric reference back.
    return Response(200, text.encode(encoding, "xmlcharrefreplace"), f"text/html; charset={encoding}")
