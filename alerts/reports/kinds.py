"""The registry of report kinds: what each kind of report is, how an issue is written, mailed and
scheduled. A new kind of report is one module under alerts/reports/ that defines a module-level
`REPORT_KIND = ReportKind(...)`; the desk (desk.py) finds it here, with no list to update.

An issue of a kind is named by a string key (the day, the incident and its log version, the
shift's end): the key decides what is written and dedupes the e-mail (delivery.py), and the desk
rebuilds a lost issue from its key alone after a crash."""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alerts.channels.mail import Attachment

if TYPE_CHECKING:  # the desk passes itself to the kinds' functions; no import cycle at run time
    from alerts.reports.delivery import Outgoing
    from alerts.reports.desk import ReportDesk

SCHEDULES = ("daily", "shifts", None)  # at watch.yaml reports.daily_at; at each shift change; on demand


@dataclass(frozen=True)
class ReportKind:
    name: str  # "daily": also the alerts.yaml `reports:` recipients key and the delivery kind
    title: str  # 重要舆情摘报
    formats: tuple[str, ...]  # every format it can be written in
    default_formats: tuple[str, ...] | None  # None: watch.yaml reports.formats
    mail_formats: tuple[str, ...]  # written whenever it is e-mailed (body, attachment)
    schedule: str | None  # one of SCHEDULES
    key: Callable[[ReportDesk, Any], str]  # the issue key of a subject (a date, an incident id, a time)
    write: Callable[[ReportDesk, str, Sequence[str], Path | None], Any]  # write issue `key`: a result
    mail: Callable[[ReportDesk, Any], Outgoing]  # the e-mail of a written result
    rewrite_when_mailed: bool = True  # the scheduled daily issue is left alone once it was mailed

    def __post_init__(self) -> None:
        if self.schedule not in SCHEDULES:
            raise ValueError(f"report kind {self.name}: unknown schedule {self.schedule!r}")
        unknown = set(self.mail_formats) - set(self.formats)
        if unknown:
            raise ValueError(f"report kind {self.name}: cannot mail format(s) {sorted(unknown)}")


@cache
def kinds() -> dict[str, ReportKind]:
    """Every report kind, by name: the REPORT_KIND of each module of alerts.reports."""
    import alerts.reports as package

    found: dict[str, ReportKind] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        kind = getattr(module, "REPORT_KIND", None)
        if isinstance(kind, ReportKind):
            if kind.name in found:
                raise ValueError(f"report kind {kind.name} defined twice")
            found[kind.name] = kind
    return found


def kind(name: str) -> ReportKind:
    try:
        return kinds()[name]
    except KeyError:
        raise ValueError(f"unknown report kind {name!r} (known: {', '.join(sorted(kinds()))})") from None


def scheduled(schedule: str) -> list[ReportKind]:
    """The kinds the scheduler issues on `schedule` ("daily" or "shifts"), by name."""
    if schedule not in SCHEDULES or schedule is None:
        raise ValueError(f"unknown report schedule {schedule!r}")
    return [k for _, k in sorted(kinds().items()) if k.schedule == schedule]


def attachment(paths: Sequence[Path], fmt: str) -> Attachment:
    """The written file of format `fmt`, as an e-mail attachment."""
    path = next(p for p in paths if p.suffix == f".{fmt}")
    return Attachment(filename=path.name, data=path.read_bytes())


def signature(locality: str) -> str:
    return f"{locality}网络舆情值守组"
