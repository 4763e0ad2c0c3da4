"""专报 on one incident: 《关于……的舆情专报》, numbered per year (one number per incident).

What leadership needs to decide on a story: a summary, the first post and its source (溯源), how
it spread (posts per hour or day and site), representative posts with links, tendency and grade,
the handling so far from the audit log (who did what when) and the department's response.
The posts are the incident's event's (alert_event_docs); an incident opened without an event
has none, and says so."""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from docx import Document as DocxDocument
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alerts.db import write_session
from alerts.escape import one_line, safe_url, truncate
from alerts.incidents import IncidentBook, IncidentError
from alerts.models import AlertEventDocRow
from alerts.reports.daily import SHANGHAI, tendency
from alerts.reports.delivery import Outgoing
from alerts.reports.docx_writer import grid_table, kv_table, masthead, para
from alerts.reports.html_writer import render_html, write_html
from alerts.reports.kinds import ReportKind, attachment, signature
from alerts.reports.models import SpecialIssueRow
from alerts.types import Incident, IncidentState
from analysis.events import post_order, post_time
from pipeline.types import SEVERITY_LABELS, SEVERITY_RANK, Document

KIND = "special"
MAX_POSTS = 8
EXCERPT_CHARS = 160
HOURLY_SPAN = timedelta(hours=48)  # a story shorter than this is counted per hour, else per day
MAX_BUCKETS = 60  # the timeline's most recent buckets, so a month-long story stays one page


@dataclass(frozen=True, slots=True)
class PostLine:
    title: str
    source: str
    author: str
    time: str
    excerpt: str
    link: str | None  # http(s) only
    grade: str
    tendency: str


@dataclass(frozen=True, slots=True)
class Step:
    """One audit-log entry: who moved the incident to which stage, when, and why."""

    time: str
    actor: str
    change: str
    note: str


@dataclass(frozen=True, slots=True)
class SpecialReport:
    """Everything a writer renders, already formatted (text is clean, not yet escaped)."""

    title: str
    incident_title: str
    incident_id: int
    locality: str
    issue_no: int
    year: int
    date_label: str
    compiled_by: str
    generated_at: str
    state: str
    grade: str
    department: str
    summary: str
    post_count: int
    first_post: PostLine | None
    timeline_unit: str  # 小时 | 日
    sites: tuple[str, ...]
    timeline: tuple[tuple[str, tuple[int, ...], int], ...]  # (bucket, per-site counts, total)
    timeline_cut: int  # earlier buckets left out
    posts: tuple[PostLine, ...]
    by_tendency: tuple[tuple[str, int], ...]
    by_grade: tuple[tuple[str, int], ...]
    steps: tuple[Step, ...]
    response: tuple[tuple[str, str], ...]  # department response facts (label, value)


@dataclass(frozen=True, slots=True)
class SpecialResult:
    issue_no: int
    year: int
    incident_id: int
    paths: tuple[Path, ...]
    post_count: int
    report: SpecialReport


def _when(doc: Document) -> datetime:
    return post_time(doc).astimezone(SHANGHAI)


def _t(at: datetime | None) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if at else "—"


def special_issue_number(engine: Engine, incident_id: int, now: datetime) -> tuple[int, int]:
    """(year, number) of the incident's 专报: the one it has, else the next of this year."""
    year = now.astimezone(SHANGHAI).year
    for _ in range(3):  # a concurrent writer may take the number first: recount
        with write_session(engine) as s, s.begin():
            row = s.get(SpecialIssueRow, incident_id)
            if row is not None:
                return row.year, row.number
            last = s.scalar(select(func.max(SpecialIssueRow.number))
                            .where(SpecialIssueRow.year == year)) or 0
            s.add(SpecialIssueRow(incident_id=incident_id, year=year, number=last + 1, issued_at=now))
            try:
                s.flush()
            except IntegrityError:
                s.rollback()
                continue
            return year, last + 1
    raise RuntimeError(f"could not allocate a 专报 number for incident {incident_id}")


def incident_documents(store, incident: Incident) -> list[Document]:
    """The incident's posts in publication order: the first is its first poster (溯源).

    Publication order (analysis.events.post_order) breaks a shared minute by floor, so a thread's
    opening post comes before the replies posted in the same minute. It is the order the alert
    stage uses for the event's first poster, recomputed here from the posts themselves so an
    event row written before that rule still gets the right name."""
    if incident.event_id is None:
        return []
    with Session(store.engine) as s:
        ids = list(s.scalars(select(AlertEventDocRow.doc_id)
                             .where(AlertEventDocRow.event_id == incident.event_id)))
    return sorted(store.get_documents(ids), key=post_order)


def _post(doc: Document, names: Mapping[str, str]) -> PostLine:
    return PostLine(
        title=one_line(doc.title) or truncate(one_line(doc.text), 40) or "（无标题）",
        source=one_line(names.get(doc.source_id, doc.source_id)),
        author=one_line(doc.author) or "匿名",
        time=_when(doc).strftime("%Y-%m-%d %H:%M"),
        excerpt=truncate(one_line(doc.text), EXCERPT_CHARS),
        link=safe_url(doc.url),
        grade=SEVERITY_LABELS.get(doc.severity or "", "未定级"),
        tendency=tendency(doc),
    )


def _timeline(docs: Sequence[Document], names: Mapping[str, str]):
    """Posts per bucket (hour, or day for a long story) and site; only buckets with posts."""
    if not docs:
        return "小时", (), (), 0
    hourly = _when(docs[-1]) - _when(docs[0]) <= HOURLY_SPAN
    fmt, unit = ("%m-%d %H:00", "小时") if hourly else ("%Y-%m-%d", "日")
    sites = tuple(sorted({d.source_id for d in docs}))
    counts: dict[str, Counter] = {}
    for d in docs:  # docs are in time order, so buckets are too
        counts.setdefault(_when(d).strftime(fmt), Counter())[d.source_id] += 1
    rows = tuple((bucket, tuple(c[s] for s in sites), sum(c.values())) for bucket, c in counts.items())
    cut = max(0, len(rows) - MAX_BUCKETS)
    return unit, tuple(one_line(names.get(s, s)) for s in sites), rows[cut:], cut


def _representative(docs: Sequence[Document], first_id: str | None) -> list[Document]:
    """The most telling posts, one per thread: worst grade, negative, most replies, earliest."""
    def rank(d: Document) -> tuple:
        return (-SEVERITY_RANK.get(d.severity or "", 0), not d.negative, -(d.replies or 0), _when(d), d.id)

    picked: dict[str, Document] = {}
    for d in sorted(docs, key=rank):
        if d.id != first_id:
            picked.setdefault(d.thread_url or d.id, d)
    return list(picked.values())[:MAX_POSTS]


def _steps(incident: Incident) -> tuple[Step, ...]:
    return tuple(Step(time=_t(e.at), actor=one_line(e.actor),
                      change=(f"{e.from_state.label} → " if e.from_state else "") + e.to_state.label,
                      note=one_line(e.note) or "—") for e in incident.log)


def _minutes(a: datetime, b: datetime) -> str:
    m = round((b - a).total_seconds() / 60)
    if m < 60:
        return f"{m}分钟"
    return f"{m // 60}小时" + (f"{m % 60}分钟" if m % 60 else "")


def _response(incident: Incident, book: IncidentBook) -> tuple[tuple[str, str], ...]:
    """What the log records of the department's response to this incident, and its record."""
    first_at = {}
    for e in incident.log:
        first_at.setdefault(e.to_state, e.at)
    out = [("责任部门", one_line(incident.department) or "未指派")]
    for state, label in ((IncidentState.assessed, "发现至研判"), (IncidentState.handling, "发现至处置"),
                         (IncidentState.closed, "发现至办结")):
        if state in first_at:
            out.append((label, _minutes(incident.created_at, first_at[state])))
    stats = next((d for d in book.department_stats() if d.department == (incident.department or "未指派")), None)
    if incident.department and stats is not None:
        mean = (f"，平均{stats.mean_minutes_to_handling:g}分钟转入处置"
                if stats.mean_minutes_to_handling is not None else "")
        out.append(("该部门累计", f"承办事件单{stats.incidents}件，已办结{stats.closed}件{mean}"))
    return tuple(out)


def build_special_report(store, book: IncidentBook, incident_id: int, *, locality: str, now: datetime,
                         source_names: Mapping[str, str] | None = None) -> SpecialReport:
    """Raises IncidentError (message in Chinese) for an unknown incident."""
    incident = book.get(incident_id)
    if incident is None:
        raise IncidentError(f"事件单 {incident_id} 不存在")
    names = dict(source_names or {})
    docs = incident_documents(store, incident)
    first = docs[0] if docs else None
    year, number = special_issue_number(store.engine, incident_id, now)
    unit, sites, rows, cut = _timeline(docs, names)
    grade = SEVERITY_LABELS.get(incident.severity or "", "未定级")
    dept = one_line(incident.department) or "未指派"
    subject = truncate(one_line(incident.title), 60) or f"事件单{incident_id}"
    negative = sum(1 for d in docs if d.negative)
    if first is not None:
        fp = _post(first, names)
        summary = (f"{fp.time}，{fp.source}网民“{fp.author}”发布《{fp.title}》，引发关注。"
                   f"截至{_t(now)}，监测到相关信息{len(docs)}条，涉及{len(sites)}个信源"
                   f"（{'、'.join(sites)}），其中负面{negative}条。")
    else:
        fp = None
        summary = f"截至{_t(now)}，该事件单未关联监测到的帖子。"
    summary += (f"预警等级{grade}；{_t(incident.created_at)}由值守人员发现登记，当前处置阶段为"
                f"“{incident.state.label}”，责任部门：{dept}。")
    day = now.astimezone(SHANGHAI)
    return SpecialReport(
        title=f"关于{subject}的舆情专报",
        incident_title=one_line(incident.title),
        incident_id=incident.id,
        locality=locality,
        issue_no=number,
        year=year,
        date_label=f"{day.year}年{day.month}月{day.day}日",
        compiled_by=f"{locality}网络舆情值守组",
        generated_at=_t(now),
        state=incident.state.label,
        grade=grade,
        department=dept,
        summary=summary,
        post_count=len(docs),
        first_post=fp,
        timeline_unit=unit,
        sites=sites,
        timeline=rows,
        timeline_cut=cut,
        posts=tuple(_post(d, names) for d in _representative(docs, first.id if first else None)),
        by_tendency=tuple((k, v) for k, v in Counter(tendency(d) for d in docs).most_common()),
        by_grade=tuple((SEVERITY_LABELS[g], n) for g, n in sorted(
            Counter(d.severity for d in docs if d.severity).items(), key=lambda x: -SEVERITY_RANK[x[0]])),
        steps=_steps(incident),
        response=_response(incident, book),
    )


def _post_table(doc, p: PostLine) -> None:
    kv_table(doc, (("来源", p.source), ("作者", p.author), ("时间", p.time), ("等级", p.grade),
                   ("倾向", p.tendency), ("内容", p.excerpt), ("链接", p.link or "无")))


def write_special_docx(r: SpecialReport, path: Path) -> None:
    doc = DocxDocument()
    masthead(doc, r.title, f"{r.year}年 第{r.issue_no}期", f"{r.compiled_by}　　　　{r.date_label}")
    doc.add_heading("一、基本情况", level=1)
    para(doc, r.summary)
    doc.add_heading("二、首发与溯源", level=1)
    if r.first_post is None:
        para(doc, "暂无关联帖子。")
    else:
        para(doc, r.first_post.title, bold=True)
        _post_table(doc, r.first_post)
    doc.add_heading("三、传播态势", level=1)
    if r.timeline:
        recent = f"（仅列最近{len(r.timeline)}个时段）" if r.timeline_cut else ""
        para(doc, f"按{r.timeline_unit}统计各信源发帖量{recent}：")
        grid_table(doc, ["时段", *r.sites, "合计"], [(b, *c, t) for b, c, t in r.timeline])
    else:
        para(doc, "暂无传播数据。")
    doc.add_heading("四、代表性帖子", level=1)
    if not r.posts:
        para(doc, "无其他帖子。")
    for i, p in enumerate(r.posts, 1):
        para(doc, f"{i}. {p.title}", bold=True)
        _post_table(doc, p)
    doc.add_heading("五、倾向与等级", level=1)
    para(doc, f"事件单等级：{r.grade}。")
    for label, pairs in (("帖子倾向", r.by_tendency), ("帖子等级", r.by_grade)):
        if pairs:
            para(doc, f"{label}：" + "；".join(f"{k}{v}条" for k, v in pairs) + "。")
    doc.add_heading("六、处置进展", level=1)
    grid_table(doc, ["时间", "操作人", "阶段", "说明"], [(s.time, s.actor, s.change, s.note) for s in r.steps])
    doc.add_heading("七、部门响应", level=1)
    kv_table(doc, r.response)
    para(doc, f"生成时间：{r.generated_at}", size=10)
    doc.save(str(path))


HTML_TEMPLATE = "special_report.html.j2"


def write_special_html(r: SpecialReport, path: Path) -> None:
    write_html(r, path, HTML_TEMPLATE)


WRITERS = {"docx": write_special_docx, "html": write_special_html}


def special_filename(r: SpecialReport, fmt: str) -> str:
    return f"专报-{r.year}-第{r.issue_no}期-事件单{r.incident_id}.{fmt}"


def write_special_report(store, book: IncidentBook, incident_id: int, *, out_dir: Path,
                         formats: Sequence[str] = ("docx", "html"), locality: str, now: datetime,
                         source_names: Mapping[str, str] | None = None) -> SpecialResult:
    unknown = [f for f in formats if f not in WRITERS]
    if unknown:
        raise ValueError(f"unknown report format(s): {', '.join(unknown)}")
    r = build_special_report(store, book, incident_id, locality=locality, now=now, source_names=source_names)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        path = out_dir / special_filename(r, fmt)
        WRITERS[fmt](r, path)
        paths.append(path)
    return SpecialResult(r.issue_no, r.year, r.incident_id, tuple(paths), r.post_count, r)


# -- the report kind (alerts.reports.kinds) ----------------------------------------------------

def special_mail(desk, res: SpecialResult) -> Outgoing:
    r = res.report
    name = f"《{r.title}》{r.year}年第{r.issue_no}期"
    text = "\n".join(["各位领导：", "", f"现报送{name}，涉及相关信息{r.post_count}条，当前处置阶段为"
                      f"“{r.state}”，全文见附件（DOCX）。", "", signature(desk.locality)]) + "\n"
    return Outgoing(title=name, subject=name, text=text, html=render_html(r, HTML_TEMPLATE),
                    attachments=(attachment(res.paths, "docx"),))


def _key(desk, incident_id: int) -> str:
    """One issue per version of the incident's handling: each audit-log step makes a new one."""
    inc = desk.incidents.get(incident_id)
    if inc is None:
        raise IncidentError(f"事件单 {incident_id} 不存在")
    return f"{incident_id}@{len(inc.log)}"


def _write_issue(desk, key: str, formats: Sequence[str], out_dir: Path | None) -> SpecialResult:
    return write_special_report(desk.store, desk.incidents, int(key.split("@")[0]),
                                out_dir=out_dir or desk.out_dir, formats=tuple(formats),
                                locality=desk.locality, now=desk.now(), source_names=desk.source_names)


REPORT_KIND = ReportKind(
    name=KIND, title="舆情专报", formats=tuple(WRITERS), default_formats=None,
    mail_formats=("docx", "html"), schedule=None, key=_key, write=_write_issue, mail=special_mail,
)
