"""What every site view needs: the timeline, the clock, the templates, and small shared helpers."""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import datetime

import jinja2
from markupsafe import Markup, escape

from demo.clock import DemoClock
from demo.responses import bad_request, not_found
from demo.timeline import Timeline

_DIGITS = re.compile(r"^[0-9]{1,9}$")


@dataclass
class SiteContext:
    timeline: Timeline
    clock: DemoClock
    env: jinja2.Environment
    base_url: str = ""  # "http://127.0.0.1:PORT", set once the server is bound

    def snapshot(self) -> tuple[float, datetime]:
        """Demo time and wall 'now', read once per request so a page is self-consistent."""
        t = self.clock.demo_seconds()
        return t, self.clock.wall_time(t)

    def render(self, template: str, **values) -> str:
        return self.env.get_template(template).render(**values)


def make_env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("demo", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def user_id(name: str) -> int:
    """A stable user id for a name (the sites link to user pages by id)."""
    return zlib.crc32(name.encode("utf-8")) % 900000 + 1000


def body_html(text: str) -> Markup:
    """Post text as HTML: escaped, one <br /> per line break."""
    return Markup("<br />\n").join(escape(line) for line in text.split("\n"))


def page_number(raw: str | None, *, default: int = 1, minimum: int = 1) -> int:
    """A page/offset parameter: 400 when it is not a number, 404 when absurdly large."""
    if raw is None or raw == "":
        return default
    raw = raw.strip()
    if not _DIGITS.match(raw):
        if raw.isascii() and raw.isdigit():  # a number, just too long for any page here
            raise not_found()
        raise bad_request(f"参数不是有效的数字：{raw[:20]}")
    value = int(raw)
    if value < minimum:
        raise bad_request(f"参数超出范围：{value}")
    return value


def pages(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))
