"""The report desk: writes each report and, where alerts.yaml `reports:` names recipients, e-mails
every issue exactly once (see delivery.py): 《重要舆情摘报》 with its DOCX attached, the 专报 of an
incident, and the shift handover. The scheduler's jobs and the CLI call it."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from alerts.channels.mail import Attachment
from alerts.config import ReportMailConfig
from alerts.incidents import IncidentBook, IncidentError
from alerts.reports.daily import KIND as DAILY
from alerts.reports.daily import ReportResult, write_daily_report
from alerts.reports.handover import KIND as HANDOVER
from alerts.reports.handover import (HandoverReport, build_handover, handover_html, handover_text,
                                     shift_window, write_handover)
from alerts.reports.special import HTML_TEMPLATE as SPECIAL_TEMPLATE
from alerts.reports.special import KIND as SPECIAL
from alerts.reports.special import SpecialResult, write_special_report
from alerts.reports.delivery import Delivery, Outgoing, ReportPostbox, RunResult
from alerts.reports.html_writer import render_html

MAIL_FORMATS = ("docx", "html")  # a mailed issue always has both: DOCX attached, HTML as the body


@dataclass(frozen=True, slots=True)
class HandoverResult:
    start: datetime
    end: datetime
    paths: tuple[Path, ...]
    report: HandoverReport


@dataclass(frozen=True, slots=True)
class Issue:
    """What an issue_* call did."""

    result: object | None  # ReportResult | SpecialResult | HandoverResult; None: nothing written
    queued: bool  # queued for e-mail by this call
    delivery: Delivery | None  # its e-mail as it stands now; None when that report is not mailed


class ReportDesk:
    def __init__(self, store, incidents: IncidentBook, *, out_dir: Path, locality: str,
                 now: Callable[[], datetime], formats: Sequence[str] = ("docx", "html"),
                 shifts: Sequence[str] = ("08:00", "20:00"),
                 source_names: Mapping[str, str] | None = None,
                 postbox: ReportPostbox | None = None, mail: ReportMailConfig | None = None):
        self.store = store
        self.incidents = incidents
        self.out_dir = Path(out_dir)
        self.locality = locality
        self.now = now
        self.formats = tuple(formats)
        self.shifts = tuple(shifts)
        self.source_names = dict(source_names or {})
        self.postbox = postbox if mail is not None else None
        self.mail = mail

    # -- writing --------------------------------------------------------------------------------

    def daily(self, day: date, formats: Sequence[str] | None = None,
              out_dir: Path | None = None) -> ReportResult:
        return write_daily_report(self.store, day=day, out_dir=out_dir or self.out_dir,
                                  formats=tuple(formats or self.formats), locality=self.locality,
                                  now=self.now(), source_names=self.source_names)

    def special(self, incident_id: int, formats: Sequence[str] | None = None,
                out_dir: Path | None = None) -> SpecialResult:
        """Raises alerts.incidents.IncidentError for an unknown incident."""
        return write_special_report(self.store, self.incidents, incident_id, out_dir=out_dir or self.out_dir,
                                    formats=tuple(formats or self.formats), locality=self.locality,
                                    now=self.now(), source_names=self.source_names)

    def handover(self, end: datetime | None = None, formats: Sequence[str] = ("html", "txt"),
                 out_dir: Path | None = None) -> HandoverResult:
        """The shift that ended at `end` (default: the last one that has ended)."""
        start, end = shift_window(end or self.now(), self.shifts)
        report = build_handover(self.store, start=start, end=end, locality=self.locality,
                                now=self.now(), source_names=self.source_names)
        paths = write_handover(report, end=end, out_dir=out_dir or self.out_dir, formats=formats)
        return HandoverResult(start, end, paths, report)

    # -- issuing by e-mail ----------------------------------------------------------------------

    def recipients(self, kind: str) -> list[str]:
        return list(getattr(self.mail, kind, None) or []) if self.postbox is not None else []

    def issue_daily(self, day: date) -> Issue:
        """The scheduled issue: written, and e-mailed once (result None: it had been e-mailed)."""
        key = day.isoformat()
        if not self.recipients(DAILY):
            return Issue(self.daily(day), False, None)
        if not self._reserve(DAILY, key):
            return self._issue(None, DAILY, key, False)
        res = self.daily(day, self._mail_formats())
        self._fill(DAILY, key, self._daily_mail(res))
        return self._issue(res, DAILY, key, True)

    def issue_special(self, incident_id: int) -> Issue:
        """Write the 专报 and e-mail it once per version of the incident's handling (each step in
        the audit log makes a new version)."""
        inc = self.incidents.get(incident_id)
        if inc is None:
            raise IncidentError(f"事件单 {incident_id} 不存在")
        key = f"{incident_id}@{len(inc.log)}"
        queued = self._reserve(SPECIAL, key)
        res = self.special(incident_id, self._mail_formats() if queued else None)
        if queued:
            self._fill(SPECIAL, key, self._special_mail(res))
        return self._issue(res, SPECIAL, key, queued)

    def issue_handover(self, end: datetime | None = None) -> Issue:
        """Write the handover of the shift that ended last (by `end`) and e-mail it once."""
        res = self.handover(end)
        key = res.end.isoformat(timespec="minutes")
        queued = self._reserve(HANDOVER, key)
        if queued:
            self._fill(HANDOVER, key, self._handover_mail(res))
        return self._issue(res, HANDOVER, key, queued)

    def deliver(self) -> RunResult:
        """Send what is due: new issues, retries, issues a crash left unbuilt."""
        return self.postbox.run(self._rebuild) if self.postbox is not None else RunResult()

    # -- internals ------------------------------------------------------------------------------

    def _mail_formats(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.formats, *MAIL_FORMATS)))

    def _reserve(self, kind: str, key: str) -> bool:
        to = self.recipients(kind)
        return bool(to) and self.postbox.reserve(kind, key, to)

    def _issue(self, result, kind: str, key: str, queued: bool) -> Issue:
        return Issue(result, queued, self.postbox.get(kind, key) if self.postbox is not None else None)

    def _fill(self, kind: str, key: str, out: Outgoing) -> None:
        self.postbox.fill(kind, key, out)
        self.deliver()

    def _rebuild(self, kind: str, key: str) -> Outgoing:
        if kind == DAILY:
            return self._daily_mail(self.daily(date.fromisoformat(key), self._mail_formats()))
        if kind == SPECIAL:
            return self._special_mail(self.special(int(key.split("@")[0]), self._mail_formats()))
        if kind == HANDOVER:
            return self._handover_mail(self.handover(datetime.fromisoformat(key)))
        raise ValueError(f"unknown report kind {kind!r}")

    def _sign(self) -> str:
        return f"{self.locality}网络舆情值守组"

    def _daily_mail(self, res: ReportResult) -> Outgoing:
        r = res.report
        name = f"《{r.title}》{r.year}年第{r.issue_no}期"
        lines = [f"{it.no}. {it.title}（{it.source}，{it.grade}）" for it in r.items] or ["本日无重要舆情。"]
        text = "\n".join(["各位领导：", "", f"现报送{name}（{r.date_label}），共{len(r.items)}条重要舆情，"
                          "全文见附件（DOCX）。", "", *lines, "", self._sign()]) + "\n"
        return Outgoing(title=name, subject=f"{name}（{r.date_label}）", text=text,
                        html=render_html(r), attachments=(_attachment(res.paths, "docx"),))

    def _special_mail(self, res: SpecialResult) -> Outgoing:
        r = res.report
        name = f"《{r.title}》{r.year}年第{r.issue_no}期"
        text = "\n".join(["各位领导：", "", f"现报送{name}，涉及相关信息{r.post_count}条，当前处置阶段为"
                          f"“{r.state}”，全文见附件（DOCX）。", "", self._sign()]) + "\n"
        return Outgoing(title=name, subject=name, text=text, html=render_html(r, SPECIAL_TEMPLATE),
                        attachments=(_attachment(res.paths, "docx"),))

    def _handover_mail(self, res: HandoverResult) -> Outgoing:
        r = res.report
        name = f"{r.locality}{r.title}（{r.shift_label}）"
        return Outgoing(title=name, subject=name, text=handover_text(r),
                        html=handover_html(r))


def _attachment(paths: Sequence[Path], fmt: str) -> Attachment:
    path = next(p for p in paths if p.suffix == f".{fmt}")
    return Attachment(filename=path.name, data=path.read_bytes())
