"""The report desk: writes each report and, where alerts.yaml `reports:` names recipients, e-mails
every issue exactly once (see delivery.py). What a report is — how it is written, mailed and
scheduled — is its kind's business (alerts.reports.kinds: 《重要舆情摘报》, 专报, 交接班); the desk
does the same for all of them. The scheduler's jobs, the CLI and the console call it."""
from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from alerts.config import ReportMailConfig
from alerts.incidents import IncidentBook
from alerts.reports.approval import ApprovalBook, ApprovalError, EditedItem
from alerts.reports.daily import KIND as DAILY
from alerts.reports.daily import ReportResult
from alerts.reports.delivery import Delivery, Outgoing, ReportPostbox, RunResult
from alerts.reports.handover import KIND as HANDOVER
from alerts.reports.handover import HandoverResult
from alerts.reports.kinds import ReportKind, kind
from alerts.reports.letterhead import Letterhead, letterhead
from alerts.reports.pdf_writer import pdf_available
from alerts.reports.special import KIND as SPECIAL
from alerts.reports.special import SpecialResult

__all__ = ["HandoverResult", "Issue", "ReportDesk"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Issue:
    """What an issue call did."""

    result: object | None  # ReportResult | SpecialResult | HandoverResult; None: nothing written
    queued: bool  # queued for e-mail by this call
    delivery: Delivery | None  # its e-mail as it stands now; None when that report is not mailed


class ReportDesk:
    def __init__(self, store, incidents: IncidentBook, *, out_dir: Path, locality: str,
                 now: Callable[[], datetime], formats: Sequence[str] = ("docx", "html"),
                 shifts: Sequence[str] = ("08:00", "20:00"),
                 source_names: Mapping[str, str] | None = None,
                 postbox: ReportPostbox | None = None, mail: ReportMailConfig | None = None,
                 head: Letterhead | None = None, approvals: ApprovalBook | None = None,
                 auto_send: Collection[str] = ()):
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
        self.letterhead = head or letterhead(locality)  # 红头 and 报送/抄送 of every report
        # None: every issue is mailed as written (no approval step); else only approved issues are,
        # and those of the auto_send kinds, which are approved by rule
        self.approvals = approvals
        self.auto_send = frozenset(auto_send)

    # -- writing --------------------------------------------------------------------------------

    def write(self, name: str, subject=None, formats: Sequence[str] | None = None,
              out_dir: Path | None = None):
        """Write the issue of report kind `name` for `subject` (a date, an incident id, a time)."""
        k = kind(name)
        return k.write(self, k.key(self, subject), self._formats(k, formats), out_dir)

    def daily(self, day: date, formats: Sequence[str] | None = None,
              out_dir: Path | None = None) -> ReportResult:
        return self.write(DAILY, day, formats, out_dir)

    def special(self, incident_id: int, formats: Sequence[str] | None = None,
                out_dir: Path | None = None) -> SpecialResult:
        """Raises alerts.incidents.IncidentError for an unknown incident."""
        return self.write(SPECIAL, incident_id, formats, out_dir)

    def handover(self, end: datetime | None = None, formats: Sequence[str] | None = None,
                 out_dir: Path | None = None) -> HandoverResult:
        """The shift that ended at `end` (default: the last one that has ended)."""
        return self.write(HANDOVER, end, formats, out_dir)

    # -- issuing by e-mail ----------------------------------------------------------------------

    def recipients(self, name: str) -> list[str]:
        return list(getattr(self.mail, name, None) or []) if self.postbox is not None else []

    def issue(self, name: str, subject=None) -> Issue:
        """Write the issue of kind `name` for `subject` and e-mail it once (per issue key) if it
        may go out (see issue_key)."""
        return self.issue_key(name, kind(name).key(self, subject))

    def issue_key(self, name: str, key: str) -> Issue:
        """Write issue `key` of kind `name` and e-mail it once. With approvals, an issue that is
        not approved (nor of an auto_send kind) is written as a draft and not mailed; approve()
        mails it later. A kind that is not rewritten once mailed (the scheduled 摘报) returns
        result None then."""
        k = kind(name)
        to = self.recipients(name)
        if not to:
            return Issue(k.write(self, key, self._formats(k), None), False, None)
        if self.approvals is not None:
            ap = (self.approvals.auto_approve(name, key) if name in self.auto_send
                  else self.approvals.draft(name, key))
            if not ap.releasable:  # the draft staff edit and a 分管领导 approves; nothing mailed
                return Issue(k.write(self, key, self._formats(k), None), False, None)
        queued = self.postbox.reserve(name, key, to)
        if not queued and not k.rewrite_when_mailed:
            return self._issue(None, name, key, False)
        res = k.write(self, key, self._formats(k, mail=queued), None)
        if queued:
            self.postbox.fill(name, key, k.mail(self, res))
            if self.approvals is not None:
                self.approvals.sent(name, key, _archived(res.paths))
            self.deliver()
        return self._issue(res, name, key, queued)

    def write_key(self, name: str, key: str, formats: Sequence[str] | None = None):
        """Write issue `key` of kind `name` as it stands (a draft's preview), without mailing."""
        k = kind(name)
        return k.write(self, key, self._formats(k, formats), None)

    def approve(self, name: str, key: str, *, by: str) -> Issue:
        """A 分管领导 approves issue `key`: it is written as approved and mailed (once)."""
        if self.approvals is None:
            raise ApprovalError("未启用报告审批")
        self.approvals.approve(name, key, by=by)
        return self.issue_key(name, key)

    def edited_items(self, name: str, key: str) -> tuple[EditedItem, ...] | None:
        """Duty staff's items of issue `key` (None: not edited, or no approval step)."""
        if self.approvals is None:
            return None
        ap = self.approvals.get(name, key)
        return ap.items if ap is not None else None

    def issue_daily(self, day: date) -> Issue:
        return self.issue(DAILY, day)

    def issue_special(self, incident_id: int) -> Issue:
        """Once per version of the incident's handling (each audit-log step makes a new one)."""
        return self.issue(SPECIAL, incident_id)

    def issue_handover(self, end: datetime | None = None) -> Issue:
        """The shift that had ended by `end` (default now)."""
        return self.issue(HANDOVER, end)

    def deliver(self) -> RunResult:
        """Send what is due: new issues, retries, issues a crash left unbuilt."""
        return self.postbox.run(self._rebuild) if self.postbox is not None else RunResult()

    # -- internals ------------------------------------------------------------------------------

    def _formats(self, k: ReportKind, formats: Sequence[str] | None = None, *, mail: bool = False):
        if formats:  # asked for explicitly: an unknown or unavailable format is refused
            chosen = tuple(formats)
        else:
            # watch.yaml reports.formats: what this kind can write; PDF only where LibreOffice
            # is installed, so a missing office suite never stops the scheduled issue
            chosen = tuple(f for f in (k.default_formats or self.formats) if f in k.formats)
            if "pdf" in chosen and not pdf_available():
                log.warning("报告 %s 未生成PDF：本机未安装LibreOffice", k.name)
                chosen = tuple(f for f in chosen if f != "pdf")
        return tuple(dict.fromkeys((*chosen, *k.mail_formats))) if mail else chosen

    def _issue(self, result, name: str, key: str, queued: bool) -> Issue:
        return Issue(result, queued, self.postbox.get(name, key) if self.postbox is not None else None)

    def _rebuild(self, name: str, key: str) -> Outgoing:
        """An issue's e-mail from its key alone (the postbox calls this after a crash)."""
        k = kind(name)
        return k.mail(self, k.write(self, key, self._formats(k, mail=True), None))


def _archived(paths: Sequence[Path]) -> Path:
    """The file archived as what was sent: the DOCX leadership files, else the first written."""
    return next((p for p in paths if p.suffix == ".docx"), paths[0])
