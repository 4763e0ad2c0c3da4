"""HTML rendering of reports through Jinja2 with autoescaping on (crawled text is hostile)."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined


def _env() -> Environment:
    return Environment(loader=PackageLoader("alerts", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def write_html(report, path: Path) -> None:
    html = _env().get_template("daily_report.html.j2").render(r=report)
    Path(path).write_text(html, encoding="utf-8")
