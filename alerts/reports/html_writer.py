"""HTML rendering of reports through Jinja2 with autoescaping on (crawled text is hostile)."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from alerts.reports.docx_writer import cn_number


def _env() -> Environment:
    env = Environment(loader=PackageLoader("alerts", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["cn"] = cn_number  # （一）（二）: the 公文 numbering the DOCX uses
    return env


def render_html(report, template: str = "daily_report.html.j2") -> str:
    return _env().get_template(template).render(r=report)


def write_html(report, path: Path, template: str = "daily_report.html.j2") -> None:
    Path(path).write_text(render_html(report, template), encoding="utf-8")
