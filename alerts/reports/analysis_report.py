"""The 舆情分析报告 of a period (weekly.py, monthly.py): volume and its 环比, the trend chart, shares
by category (work area), source and county/district with charts, the top events with their
handling state, hot words, and a closing 研判. Laid out as a 公文 like the 摘报 (docx_writer), and
numbered per year per kind (issues.py, keyed by the period's first day)."""
from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.escape import one_line, truncate
from alerts.models import AlertEventDocRow
from alerts.reports import charts
from alerts.reports.daily import SHANGHAI, tendency
from alerts.reports.delivery import Outgoing
from alerts.reports.docx_writer import (body, colophon, doc_title, heading, official_document, official_table,
                                        picture, red_head)
from alerts.reports.html_writer import render_html, write_html
from alerts.reports.issues import issue_number
from alerts.reports.kinds import ReportKind, attachment, signature
from alerts.reports.letterhead import NOT_OPENED, Letterhead, handling_states, letterhead
from alerts.types import IncidentState
from alerts.reports.pdf_writer import UNAVAILABLE, FormatUnavailable, pdf_available, via_docx
from analysis.hotwords import hot_words
from analysis.shares import (UNCATEGORISED, ShareRow, change_label, counts_by, county_of, daily_volume,
                             share_rows)
from analysis.stats import period_stats, report_picks
from pipeline.types import SEVERITY_LABELS

TOP_EVENTS = 10
# an event nobody has started handling: no incident, or one still at 发现/研判
NOT_HANDLED = (NOT_OPENED, IncidentState.found.label, IncidentState.assessed.label)
HOT_WORDS = 20
TEMPLATE = "analysis_report.html.j2"


@dataclass(frozen=True, slots=True)
class Period:
    first: date  # inclusive
    last: date  # inclusive
    label: str  # 2024年第19周（5月6日—5月12日） / 2024年5月

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        start = datetime.combine(self.first, time(0), SHANGHAI)
        return start, start + timedelta(days=self.days)


@dataclass(frozen=True, slots=True)
class TopEvent:
    no: int
    title: str
    source: str
    time: str
    grade: str
    tendency: str
    posts: int  # posts of its event (alert_event_docs); 1 for a post in no event
    handling: str


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    png: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass(frozen=True, slots=True)
class AnalysisReport:
    kind: str  # weekly | monthly
    title: str  # 舆情分析周报
    period_word: str  # 本周 / 本月
    issuer: str
    compiled_by: str
    locality: str
    year: int
    issue_no: int
    period: Period
    issued_label: str
    total: int
    relevant: int
    negative: int
    previous_relevant: int
    change: str  # 环比 wording
    by_category: tuple[ShareRow, ...]
    by_source: tuple[ShareRow, ...]
    by_county: tuple[ShareRow, ...]
    by_severity: tuple[tuple[str, int], ...]
    events: tuple[TopEvent, ...]
    hot_words: tuple[str, ...]
    closing: str  # 研判与建议
    charts: tuple[Chart, ...]
    submit_to: tuple[str, ...]
    copy_to: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AnalysisResult:
    issue_no: int
    year: int
    paths: tuple[Path, ...]
    item_count: int  # top events listed
    report: AnalysisReport


def _event_sizes(engine, doc_ids: Sequence[str]) -> dict[str, int]:
    """Posts in each listed post's event (1 for a post in no event)."""
    if not doc_ids:
        return {}
    with Session(engine) as s:
        events = dict(s.execute(select(AlertEventDocRow.doc_id, AlertEventDocRow.event_id)
                                .where(AlertEventDocRow.doc_id.in_(list(doc_ids)))).all())
        sizes = dict(s.execute(select(AlertEventDocRow.event_id, func.count())
                               .where(AlertEventDocRow.event_id.in_(set(events.values())))
                               .group_by(AlertEventDocRow.event_id)).all()) if events else {}
    return {d: sizes.get(events.get(d), 1) for d in doc_ids}


def _closing(word: str, relevant: int, negative: int, change: str, category: Sequence[ShareRow],
             events: Sequence[TopEvent]) -> str:
    """The 研判与建议 paragraph, from the figures (staff may rewrite it in the DOCX)."""
    if not relevant:
        return f"{word}未监测到涉本地舆情，网络舆论环境总体平稳。建议保持常态化监测。"
    lead = category[0] if category else None
    open_events = [e for e in events if e.handling in NOT_HANDLED]
    parts = [f"{word}涉本地舆情{relevant}条，环比{change}，其中负面{negative}条"
             f"（占{100 * negative / relevant:.1f}%）"]
    if lead is not None:
        parts.append(f"{lead.name}类信息最多，占{lead.share:.2f}%，是舆论关注重点")
    text = "；".join(parts) + "。"
    if open_events:
        text += (f"重点事件中尚有{len(open_events)}件未进入处置，建议责任部门尽快核实回应，"
                 "防止舆情反弹；")
    else:
        text += "重点事件均已进入处置或办结，建议持续跟踪处置进展；"
    return text + f"建议围绕{lead.name if lead else '重点领域'}加强监测研判，及时发布权威信息。"


def build_analysis_report(store, *, kind: str, title: str, period_word: str, period: Period,
                          previous: Period, issue_no: int, head: Letterhead, locality: str,
                          now: datetime, source_names: Mapping[str, str] | None = None) -> AnalysisReport:
    names = dict(source_names or {})
    start, end = period.bounds()
    docs = store.documents_between(start, end, relevant_only=False)
    relevant = [d for d in docs if d.relevant]
    stats = period_stats(docs)
    prev_start, prev_end = previous.bounds()
    previous_relevant = len(store.documents_between(prev_start, prev_end, relevant_only=True))
    by_category = share_rows(counts_by(relevant, lambda d: one_line(d.category or "") or UNCATEGORISED))
    by_source = share_rows(counts_by(relevant, lambda d: names.get(d.source_id, d.source_id)))
    by_county = share_rows(counts_by(relevant, lambda d: county_of(d, locality)))
    picks = [p.doc for p in report_picks((), relevant, TOP_EVENTS, now=end)]
    states = handling_states(store.engine, [d.id for d in picks])
    sizes = _event_sizes(store.engine, [d.id for d in picks])
    events = tuple(TopEvent(
        no=i, title=one_line(d.title) or truncate(one_line(d.text), 40) or "（无标题）",
        source=names.get(d.source_id, d.source_id),
        time=(d.published_at or d.fetched_at).astimezone(SHANGHAI).strftime("%m-%d %H:%M"),
        grade=SEVERITY_LABELS.get(d.severity or "", "未定级"), tendency=tendency(d), posts=sizes[d.id],
        handling=states[d.id]) for i, d in enumerate(picks, 1))
    change = change_label(len(relevant), previous_relevant)
    trend = daily_volume(relevant, period.first, period.days)
    chart_list = [Chart(f"{period_word}涉本地信息走势", charts.volume_chart(trend, f"{period_word}涉本地信息走势"))]
    for label, rows in (("类别", by_category), ("来源", by_source), ("县（市、区）", by_county)):
        if rows:
            pairs = [(r.name, r.count) for r in rows]
            chart_list.append(Chart(f"按{label}分布", charts.share_chart(pairs, f"按{label}分布")))
    return AnalysisReport(
        kind=kind, title=title, period_word=period_word, issuer=head.issuer, compiled_by=head.compiled_by,
        locality=locality, year=period.first.year, issue_no=issue_no, period=period,
        issued_label=_date_label(now.astimezone(SHANGHAI).date()),
        total=stats.total, relevant=stats.relevant, negative=stats.negative,
        previous_relevant=previous_relevant, change=change,
        by_category=tuple(by_category), by_source=tuple(by_source), by_county=tuple(by_county),
        by_severity=tuple((SEVERITY_LABELS[k], v) for k, v in stats.by_severity.items()),
        events=events, hot_words=tuple(w for w, _ in hot_words(relevant, top=HOT_WORDS)),
        closing=_closing(period_word, len(relevant), sum(d.negative for d in relevant), change,
                         by_category, events),
        charts=tuple(chart_list), submit_to=head.submit_to, copy_to=head.copy_to,
    )


def _date_label(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _share_table(doc, label: str, rows: Sequence[ShareRow]) -> None:
    total = sum(r.count for r in rows)
    official_table(doc, (label, "条数", "占比"),
                   [(r.name, r.count, f"{r.share:.2f}%") for r in rows] + [("合计", total, "100%")],
                   (80, 35, 35))


def write_analysis_docx(r: AnalysisReport, path: Path) -> None:
    doc = official_document()
    red_head(doc, r.issuer, f"第{r.issue_no}期", r.compiled_by, r.issued_label)
    doc_title(doc, r.title, r.period.label)
    charts_by_title = {c.title: c for c in r.charts}

    heading(doc, "一、总体情况")
    body(doc, f"{r.period.label}，共监测到网络信息{r.total}条，其中涉及{r.locality}{r.relevant}条"
              f"（上期{r.previous_relevant}条，环比{r.change}），负面{r.negative}条。"
              + ("按预警等级：" + "；".join(f"{k}{v}条" for k, v in r.by_severity) + "。" if r.by_severity else ""))
    picture(doc, r.charts[0].png, 150)

    heading(doc, "二、分类统计")
    for no, (label, rows) in enumerate((("类别", r.by_category), ("来源", r.by_source),
                                        ("县（市、区）", r.by_county)), 1):
        heading(doc, f"（{'一二三'[no - 1]}）按{label}", font="楷体")
        if not rows:
            body(doc, "无。")
            continue
        body(doc, "；".join(f"{x.name}{x.count}条，占{x.share:.2f}%" for x in rows[:5]) + "。")
        _share_table(doc, label, rows)
        chart = charts_by_title.get(f"按{label}分布")
        if chart is not None:
            picture(doc, chart.png, 130)

    heading(doc, "三、重点舆情事件")
    if r.events:
        official_table(doc, ("序号", "事件", "来源", "时间", "等级", "帖数", "处置状态"),
                       [(e.no, e.title, e.source, e.time, e.grade, e.posts, e.handling) for e in r.events],
                       (12, 58, 22, 22, 12, 12, 18), size=10.5)
    else:
        body(doc, f"{r.period_word}无重点舆情事件。")

    heading(doc, "四、网络热词")
    body(doc, "、".join(r.hot_words) + "。" if r.hot_words else "无。")

    heading(doc, "五、研判与建议")
    body(doc, r.closing)
    colophon(doc, r.submit_to, r.copy_to, r.compiled_by, r.issued_label)
    doc.save(str(path))


WRITERS: dict[str, Callable[[AnalysisReport, Path], None]] = {
    "docx": write_analysis_docx,
    "html": lambda r, path: write_html(r, path, TEMPLATE),
    "pdf": via_docx(write_analysis_docx),
}


# -- a report kind per period length ------------------------------------------------------------

@dataclass(frozen=True)
class PeriodKind:
    """What weekly.py / monthly.py define: the words and the calendar of their period."""

    name: str
    title: str
    period_word: str  # 本周 / 本月
    file_word: str  # 周报 / 月报
    key_of: Callable[[date], str]  # a day → the key of the period holding it
    period_of: Callable[[str], Period]  # key → the period
    previous_of: Callable[[Period], Period]
    last_complete: Callable[[date], date]  # today → a day of the last period that has ended


def write_analysis(desk, pk: PeriodKind, key: str, formats: Sequence[str],
                   out_dir: Path | None) -> AnalysisResult:
    unknown = [f for f in formats if f not in WRITERS]
    if unknown:
        raise ValueError(f"unknown report format(s): {', '.join(unknown)}")
    if "pdf" in formats and not pdf_available():
        raise FormatUnavailable(UNAVAILABLE)
    period = pk.period_of(key)
    number = issue_number(desk.store.engine, pk.name, period.first)
    report = build_analysis_report(
        desk.store, kind=pk.name, title=pk.title, period_word=pk.period_word, period=period,
        previous=pk.previous_of(period), issue_no=number, head=desk.letterhead or letterhead(desk.locality),
        locality=desk.locality, now=desk.now(), source_names=desk.source_names)
    out = Path(out_dir or desk.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        path = out / f"{pk.file_word}-{key}-第{number}期.{fmt}"
        WRITERS[fmt](report, path)
        paths.append(path)
    return AnalysisResult(number, period.first.year, tuple(paths), len(report.events), report)


def analysis_mail(desk, res: AnalysisResult) -> Outgoing:
    r = res.report
    name = f"《{r.title}》{r.year}年第{r.issue_no}期"
    text = "\n".join(["各位领导：", "", f"现报送{name}（{r.period.label}），{r.closing}", "",
                      "全文及图表见附件（DOCX）。", "", signature(desk.locality)]) + "\n"
    return Outgoing(title=name, subject=f"{name}（{r.period.label}）", text=text,
                    html=render_html(r, TEMPLATE), attachments=(attachment(res.paths, "docx"),))


def analysis_kind(pk: PeriodKind) -> ReportKind:
    def key(desk, subject) -> str:
        """A day of the period (default: the last period that has ended) → its key."""
        if subject is None:
            return pk.key_of(pk.last_complete(desk.now().astimezone(SHANGHAI).date()))
        return pk.key_of(subject)

    return ReportKind(
        name=pk.name, title=pk.title, formats=tuple(WRITERS), default_formats=("docx", "html"),
        mail_formats=("docx", "html"), schedule=None, key=key,
        write=lambda desk, k, formats, out_dir: write_analysis(desk, pk, k, formats, out_dir),
        mail=analysis_mail)
