"""The daily 《重要舆情摘报》: numbered issue, totals of the day, then the important posts.

Items (daily_report_plan): the posts staff selected for the day (入摘报, report_selections) first,
in the order they were picked, then the most important relevant posts of the day, one per event
(analysis.stats.report_picks), up to MAX_ITEMS in all: one selection never shrinks the report."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from alerts.escape import one_line, safe_url, truncate
from alerts.reports.approval import EditedItem
from alerts.reports.delivery import Outgoing
from alerts.reports.docx_writer import write_docx
from alerts.reports.html_writer import render_html, write_html
from alerts.reports.issues import issue_number, selected_doc_ids
from alerts.reports.kinds import ReportKind, attachment, signature
from alerts.reports.letterhead import NOT_OPENED, Letterhead, advice, assessment, handling_states, letterhead
from alerts.reports.pdf_writer import UNAVAILABLE, FormatUnavailable, pdf_available, via_docx
from analysis.hotwords import hot_words
from analysis.stats import ReportPick, period_stats, report_picks
from pipeline.config import TZ as SHANGHAI
from pipeline.types import SEVERITY_LABELS, Document

KIND = "daily"
TITLE = "重要舆情摘报"
MAX_ITEMS = 10
MAX_SELECTED = MAX_ITEMS * 3  # staff may select more than MAX_ITEMS; beyond this it is a mistake
SUMMARY_CHARS = 200
WRITERS = {"docx": write_docx, "html": write_html, "pdf": via_docx(write_docx)}


@dataclass(frozen=True, slots=True)
class ReportItem:
    no: int
    title: str
    source: str
    time: str
    summary: str
    link: str | None  # http(s) only
    grade: str
    tendency: str
    selected: bool = False  # picked by staff (入摘报), not by the ranking
    category: str = ""
    handling: str = NOT_OPENED  # the state of the incident of its event (letterhead.handling_states)
    assessment: str = ""  # 研判
    advice: str = ""  # 处置建议
    note: str = ""  # 编者按 (duty staff, approval.py)


@dataclass(frozen=True, slots=True)
class DailyReport:
    """Everything a writer renders, already formatted (text is one-line, not yet escaped)."""

    title: str
    locality: str
    issuer: str  # the 红头 line
    issue_no: int
    year: int
    day: date
    date_label: str
    compiled_by: str
    generated_at: str
    total: int
    relevant: int
    negative: int
    by_source: tuple[tuple[str, int], ...]
    by_category: tuple[tuple[str, int], ...]
    by_severity: tuple[tuple[str, int], ...]
    hot_words: tuple[str, ...]
    items: tuple[ReportItem, ...]
    hand_picked: bool  # at least one item was selected by staff
    selection_note: str  # which items staff selected, "" when none
    submit_to: tuple[str, ...] = ()  # 报送
    copy_to: tuple[str, ...] = ()  # 抄送
    issued_label: str = ""  # 印发 date: the day it was written


@dataclass(frozen=True, slots=True)
class ReportResult:
    issue_no: int
    year: int
    paths: tuple[Path, ...]
    item_count: int
    report: DailyReport | None = None  # what was rendered (the e-mail cover lists its items)


def tendency(doc: Document) -> str:
    if doc.negative:
        return "负面"
    return "正面" if doc.sentiment > 0.3 else "中性"


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), SHANGHAI)
    return start, start + timedelta(days=1)


def _item(no: int, doc: Document, source_names: Mapping[str, str], selected: bool = False,
          handling: str = NOT_OPENED, note: str = "") -> ReportItem:
    when = (doc.published_at or doc.fetched_at).astimezone(SHANGHAI)
    return ReportItem(
        no=no,
        title=one_line(doc.title) or truncate(one_line(doc.text), 40) or "（无标题）",
        source=source_names.get(doc.source_id, doc.source_id),
        time=when.strftime("%Y-%m-%d %H:%M"),
        summary=truncate(one_line(doc.text), SUMMARY_CHARS),
        link=safe_url(doc.url),
        grade=SEVERITY_LABELS.get(doc.severity or "", "未定级"),
        tendency=tendency(doc),
        selected=selected,
        category=one_line(doc.category or ""),
        handling=handling,
        assessment=assessment(grade=doc.severity, negative=doc.negative, replies=doc.replies,
                              views=doc.views, category=one_line(doc.category or "")),
        advice=advice(doc.severity, handling),
        note=one_line(note),
    )


def date_label(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def daily_report_plan(store, *, day: date, now: datetime,
                      docs: Sequence[Document] | None = None) -> list[ReportPick]:
    """What `day`'s 《重要舆情摘报》 holds if written at `now`: selected posts first (入摘报, in the
    order picked), then automatic ones up to MAX_ITEMS; each ReportPick says which it is.

    The console calls this to show "today's report" before it is written; the report itself is
    built from the same call, so the two never disagree. `docs`: the day's documents when the
    caller has already read them."""
    if docs is None:
        start, end = day_bounds(day)
        docs = store.documents_between(start, end, relevant_only=True)
    picked = selected_doc_ids(store.engine, day)
    found = {d.id: d for d in store.get_documents(picked)} if picked else {}
    selected = [found[i] for i in picked if i in found]
    return report_picks(selected, [d for d in docs if d.relevant], MAX_ITEMS, now=now,
                        max_selected=MAX_SELECTED)


def selection_note(items: Sequence[ReportItem]) -> str:
    """Which items staff selected, e.g. 其中第1、3条为值班人员选编…; "" when none was."""
    nos = [str(it.no) for it in items if it.selected]
    if not nos:
        return ""
    if len(nos) == len(items):
        return "以下各条均为值班人员选编。"
    return f"其中第{'、'.join(nos)}条为值班人员选编，其余按重要程度自动选取。"


def build_daily_report(store, *, day: date, issue_no: int, locality: str, now: datetime,
                       source_names: Mapping[str, str] | None = None,
                       head: Letterhead | None = None,
                       edited: Sequence[EditedItem] | None = None) -> DailyReport:
    """`edited`: duty staff's items (approval.py), which replace the automatic plan."""
    names = dict(source_names or {})
    head = head or letterhead(locality)
    start, end = day_bounds(day)
    docs = store.documents_between(start, end, relevant_only=False)
    stats = period_stats(docs)
    notes: dict[str, str] = {}
    if edited is not None:
        found = {d.id: d for d in store.get_documents([e.doc_id for e in edited])} if edited else {}
        plan = [ReportPick(found[e.doc_id], True) for e in edited if e.doc_id in found]
        notes = {e.doc_id: e.note for e in edited}
    else:
        plan = daily_report_plan(store, day=day, now=now, docs=docs)
    states = handling_states(store.engine, [p.doc.id for p in plan])
    items = tuple(_item(i, p.doc, names, p.selected, states[p.doc.id], notes.get(p.doc.id, ""))
                  for i, p in enumerate(plan, 1))
    return DailyReport(
        title=TITLE,
        locality=locality,
        issuer=head.issuer,
        issue_no=issue_no,
        year=day.year,
        day=day,
        date_label=date_label(day),
        compiled_by=head.compiled_by,
        generated_at=now.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        total=stats.total,
        relevant=stats.relevant,
        negative=stats.negative,
        by_source=tuple((names.get(k, k), v) for k, v in stats.by_source.items()),
        by_category=tuple(stats.by_category.items()),
        by_severity=tuple((SEVERITY_LABELS[k], v) for k, v in stats.by_severity.items()),
        hot_words=tuple(w for w, _ in hot_words([d for d in docs if d.relevant], top=10)),
        items=items,
        hand_picked=any(it.selected for it in items),
        selection_note=selection_note(items),
        submit_to=head.submit_to,
        copy_to=head.copy_to,
        issued_label=date_label(now.astimezone(SHANGHAI).date()),
    )


def report_filename(day: date, issue_no: int, fmt: str) -> str:
    return f"摘报-{day.isoformat()}-第{issue_no}期.{fmt}"


def write_daily_report(store, *, day: date, out_dir: Path, formats: Sequence[str] = ("docx", "html"),
                       locality: str, now: datetime,
                       source_names: Mapping[str, str] | None = None,
                       head: Letterhead | None = None,
                       edited: Sequence[EditedItem] | None = None) -> ReportResult:
    """Write the day's issue in each format; re-running a day keeps its issue number."""
    unknown = [f for f in formats if f not in WRITERS]
    if unknown:
        raise ValueError(f"unknown report format(s): {', '.join(unknown)}")
    if "pdf" in formats and not pdf_available():  # refuse before numbering or writing anything
        raise FormatUnavailable(UNAVAILABLE)
    number = issue_number(store.engine, KIND, day)
    report = build_daily_report(store, day=day, issue_no=number, locality=locality, now=now,
                                source_names=source_names, head=head, edited=edited)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        path = out_dir / report_filename(day, number, fmt)
        WRITERS[fmt](report, path)
        paths.append(path)
    return ReportResult(issue_no=number, year=day.year, paths=tuple(paths), item_count=len(report.items),
                        report=report)


# -- the report kind (alerts.reports.kinds) ----------------------------------------------------

def daily_mail(desk, res: ReportResult) -> Outgoing:
    """The cover e-mail: the issue's items listed, the DOCX attached, the HTML as the body."""
    r = res.report
    name = f"《{r.title}》{r.year}年第{r.issue_no}期"
    lines = [f"{it.no}. {it.title}（{it.source}，{it.grade}{'，值班人员选编' if it.selected else ''}）"
             for it in r.items] or ["本日无重要舆情。"]
    text = "\n".join(["各位领导：", "", f"现报送{name}（{r.date_label}），共{len(r.items)}条重要舆情，"
                      "全文见附件（DOCX）。", "", *lines, "", signature(desk.locality)]) + "\n"
    return Outgoing(title=name, subject=f"{name}（{r.date_label}）", text=text,
                    html=render_html(r), attachments=(attachment(res.paths, "docx"),))


def _write_issue(desk, key: str, formats: Sequence[str], out_dir: Path | None) -> ReportResult:
    return write_daily_report(desk.store, day=date.fromisoformat(key), out_dir=out_dir or desk.out_dir,
                              formats=tuple(formats), locality=desk.locality, now=desk.now(),
                              source_names=desk.source_names, head=desk.letterhead,
                              edited=desk.edited_items(KIND, key))


REPORT_KIND = ReportKind(
    name=KIND, title=TITLE, formats=tuple(WRITERS), default_formats=None, mail_formats=("docx", "html"),
    schedule="daily", key=lambda desk, day: day.isoformat(), write=_write_issue, mail=daily_mail,
    rewrite_when_mailed=False,  # the scheduled issue, once mailed, is what leadership received
)
