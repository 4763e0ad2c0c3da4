"""The shift handover (交接班) summary: what happened in the shift that just ended, for the next.

Shift boundaries are watch.yaml `shifts` (HH:MM, Beijing time; default 08:00 and 20:00). The
summary counts new posts, the alerts sent and whether anyone acknowledged them, the incidents
opened or moved on, and the posts picked for the 摘报; rendered as HTML and as plain text.
Everything is as it stood when the shift ended (alert delivery and acknowledgement times, the
incidents' audit log), so a past shift's handover never shows later shifts' work."""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.escape import one_line, truncate
from alerts.models import DIGEST_KIND, AlertEventRow, AlertRow, IncidentLogRow, IncidentRow, ReportSelectionRow
from alerts.reports.daily import SHANGHAI
from alerts.reports.delivery import Outgoing
from alerts.reports.html_writer import render_html
from alerts.reports.kinds import ReportKind
from alerts.types import IncidentState
from pipeline.types import SEVERITY_LABELS, SEVERITY_RANK

KIND = "handover"
TITLE = "值班交接班记录"
MAX_LINES = 30  # per list; the rest is counted


def shift_window(now: datetime, shifts: Sequence[str]) -> tuple[datetime, datetime]:
    """(start, end) of the last shift that has ended at `now`."""
    times = sorted({time.fromisoformat(s) for s in shifts})
    local = now.astimezone(SHANGHAI)
    past = [datetime.combine(local.date() + timedelta(days=d), t, SHANGHAI)
            for d in (-2, -1, 0) for t in times]
    past = [b for b in past if b <= local]
    return past[-2], past[-1]


@dataclass(frozen=True, slots=True)
class HandoverReport:
    title: str
    locality: str
    shift_label: str
    generated_at: str
    posts: int
    relevant: int
    negative: int
    by_grade: tuple[tuple[str, int], ...]
    alerts_sent: int
    alerted_events: int
    acknowledged_events: int
    undelivered: int  # alerts of the shift not delivered (yet)
    unacknowledged: tuple[str, ...]  # lines: the events nobody acknowledged
    opened: tuple[str, ...]
    steps: tuple[str, ...]
    still_open: tuple[tuple[str, int], ...]  # open incidents by stage, for the next shift
    selected: tuple[str, ...]
    more: int  # lines left out of the lists above


def shift_label(start: datetime, end: datetime) -> str:
    """2024年5月6日 08:00—20:00, or 2024年5月6日 20:00—5月7日 08:00 across midnight."""
    a, b = start.astimezone(SHANGHAI), end.astimezone(SHANGHAI)
    until = f"{b:%H:%M}" if a.date() == b.date() else f"{b.month}月{b.day}日 {b:%H:%M}"
    return f"{a.year}年{a.month}月{a.day}日 {a:%H:%M}—{until}"


def _hm(t: datetime) -> str:
    return t.astimezone(SHANGHAI).strftime("%m-%d %H:%M")


def _capped(lines: list[str]) -> tuple[tuple[str, ...], int]:
    return tuple(lines[:MAX_LINES]), max(0, len(lines) - MAX_LINES)


def incident_states_at(s: Session, end: datetime) -> dict[int, str]:
    """Each incident opened before `end`, in the state its audit log shows at `end`."""
    rows = s.execute(select(IncidentLogRow.incident_id, IncidentLogRow.to_state)
                     .join(IncidentRow, IncidentRow.id == IncidentLogRow.incident_id)
                     .where(IncidentRow.created_at < end, IncidentLogRow.at < end)
                     .order_by(IncidentLogRow.at, IncidentLogRow.id)).all()
    return {incident_id: state for incident_id, state in rows}  # the last entry wins


def _sent_by(a: AlertRow, end: datetime) -> bool:
    return a.status == "sent" and (a.sent_at is None or a.sent_at < end)


def _acked_by(a: AlertRow, end: datetime) -> bool:
    return a.acknowledged_at is not None and a.acknowledged_at < end


def build_handover(store, *, start: datetime, end: datetime, locality: str, now: datetime,
                   source_names: Mapping[str, str] | None = None) -> HandoverReport:
    names = dict(source_names or {})
    # posts of the shift that the shift saw: one published at 19:50 but first crawled at 20:30
    # belongs to the next shift's desk (and a handover rewritten later must not grow)
    docs = [d for d in store.documents_between(start, end, relevant_only=False) if d.fetched_at < end]
    relevant = [d for d in docs if d.relevant]
    grades = Counter(d.severity for d in relevant if d.severity)
    with Session(store.engine) as s:
        alerts = s.scalars(select(AlertRow).where(AlertRow.created_at >= start, AlertRow.created_at < end,
                                                  AlertRow.kind != DIGEST_KIND)  # its members count
                           .order_by(AlertRow.created_at)).all()
        titles = dict(s.execute(select(AlertEventRow.id, AlertEventRow.title).where(
            AlertEventRow.id.in_({a.event_id for a in alerts}))).all())
        opened_rows = s.scalars(select(IncidentRow).where(IncidentRow.created_at >= start,
                                                          IncidentRow.created_at < end)
                                .order_by(IncidentRow.created_at)).all()
        steps_rows = s.execute(select(IncidentLogRow, IncidentRow.title)
                               .join(IncidentRow, IncidentRow.id == IncidentLogRow.incident_id)
                               .where(IncidentLogRow.at >= start, IncidentLogRow.at < end,
                                      IncidentLogRow.from_state.is_not(None))
                               .order_by(IncidentLogRow.at, IncidentLogRow.id)).all()
        states = incident_states_at(s, end)
        open_states = Counter(st for st in states.values() if st != IncidentState.closed.value)
        picks = s.scalars(select(ReportSelectionRow).where(ReportSelectionRow.created_at >= start,
                                                           ReportSelectionRow.created_at < end)
                          .order_by(ReportSelectionRow.created_at)).all()
        picked_docs = {d.id: d for d in store.get_documents([p.doc_id for p in picks])}

        # As the shift ended, not as things stand now: a handover rewritten later (or caught up
        # after a restart) must not show the next shift's deliveries and acknowledgements.
        sent = [a for a in alerts if _sent_by(a, end)]
        events: dict[str, list[AlertRow]] = {}
        for a in sent:
            events.setdefault(a.event_id, []).append(a)
        unacked = [f"{_hm(rows[0].sent_at)} {SEVERITY_LABELS.get(rows[0].severity or '', '')}"
                   f" {one_line(titles.get(eid, eid))}" for eid, rows in events.items()
                   if not any(_acked_by(r, end) for r in rows)]
        opened = [f"#{r.id} {one_line(r.title)}（{IncidentState(states.get(r.id, r.state)).label}）"
                  for r in opened_rows]
        steps = [f"{_hm(e.at)} {one_line(e.actor)}：#{e.incident_id} {truncate(one_line(title), 40)} "
                 f"{IncidentState(e.from_state).label} → {IncidentState(e.to_state).label}"
                 + (f"（{truncate(one_line(e.note), 60)}）" if one_line(e.note) else "")
                 for e, title in steps_rows]
        selected = [f"{one_line(d.title) or truncate(one_line(d.text), 40)}（{one_line(names.get(d.source_id, d.source_id))}"
                    f"，{one_line(p.selected_by) or '值班员'}选）" for p in picks if (d := picked_docs.get(p.doc_id))]
        acked = sum(1 for rows in events.values() if any(_acked_by(r, end) for r in rows))
        undelivered = len(alerts) - len(sent)
    lists = [_capped(x) for x in (unacked, opened, steps, selected)]
    return HandoverReport(
        title=TITLE, locality=locality, shift_label=shift_label(start, end),
        generated_at=now.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        posts=len(docs), relevant=len(relevant), negative=sum(1 for d in relevant if d.negative),
        by_grade=tuple((SEVERITY_LABELS[g], n) for g, n in sorted(grades.items(),
                                                                  key=lambda x: -SEVERITY_RANK[x[0]])),
        alerts_sent=len(sent), alerted_events=len(events), acknowledged_events=acked,
        undelivered=undelivered, unacknowledged=lists[0][0], opened=lists[1][0], steps=lists[2][0],
        still_open=tuple((IncidentState(k).label, n) for k, n in sorted(
            open_states.items(), key=lambda x: list(IncidentState).index(IncidentState(x[0])))),
        selected=lists[3][0], more=sum(m for _, m in lists),
    )


def handover_text(r: HandoverReport) -> str:
    def section(head: str, lines: Sequence[str], empty: str) -> list[str]:
        return [head, *(f"  - {x}" for x in lines)] if lines else [f"{head}{empty}"]

    grades = "，".join(f"{k}{n}条" for k, n in r.by_grade)
    out = [f"{r.locality}{r.title}", f"班次：{r.shift_label}", "",
           f"一、新增帖子{r.posts}条，其中涉及本地{r.relevant}条、负面{r.negative}条" + (f"（{grades}）" if grades else "") + "。",
           f"二、发出预警{r.alerts_sent}条，涉及事件{r.alerted_events}个，已确认{r.acknowledged_events}个"
           + (f"，另有{r.undelivered}条未送达" if r.undelivered else "") + "。"]
    out += section("  未确认：", r.unacknowledged, "无")
    out += section("三、新建事件单：", r.opened, "无")
    out += section("四、事件单处置：", r.steps, "无")
    still = "，".join(f"{k}{n}件" for k, n in r.still_open)
    out.append(f"五、仍在办事件单：{still or '无'}。")
    out += section("六、入选摘报：", r.selected, "无")
    if r.more:
        out.append(f"（另有{r.more}项未列出，请在值班控制台查看。）")
    out += ["", f"生成时间：{r.generated_at}"]
    return "\n".join(out) + "\n"


def handover_html(r: HandoverReport) -> str:
    return render_html(r, "handover.html.j2")


def handover_filename(end: datetime, fmt: str) -> str:
    return f"交接班-{end.astimezone(SHANGHAI):%Y-%m-%d-%H%M}.{fmt}"


WRITERS = {"html": handover_html, "txt": handover_text}


def write_handover(r: HandoverReport, *, end: datetime, out_dir: Path,
                   formats: Sequence[str] = ("html", "txt")) -> tuple[Path, ...]:
    unknown = [f for f in formats if f not in WRITERS]
    if unknown:
        raise ValueError(f"unknown handover format(s): {', '.join(unknown)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        path = out_dir / handover_filename(end, fmt)
        path.write_text(WRITERS[fmt](r), encoding="utf-8")
        paths.append(path)
    return tuple(paths)


# -- the report kind (alerts.reports.kinds) ----------------------------------------------------

@dataclass(frozen=True, slots=True)
class HandoverResult:
    start: datetime
    end: datetime
    paths: tuple[Path, ...]
    report: HandoverReport


def handover_mail(desk, res: HandoverResult) -> Outgoing:
    r = res.report
    name = f"{r.locality}{r.title}（{r.shift_label}）"
    return Outgoing(title=name, subject=name, text=handover_text(r), html=handover_html(r))


def _key(desk, end: datetime | None) -> str:
    """The shift that had ended by `end` (default now), named by its end."""
    return shift_window(end or desk.now(), desk.shifts)[1].isoformat(timespec="minutes")


def _write_issue(desk, key: str, formats: Sequence[str], out_dir: Path | None) -> HandoverResult:
    start, end = shift_window(datetime.fromisoformat(key), desk.shifts)
    report = build_handover(desk.store, start=start, end=end, locality=desk.locality, now=desk.now(),
                            source_names=desk.source_names)
    paths = write_handover(report, end=end, out_dir=out_dir or desk.out_dir, formats=formats)
    return HandoverResult(start, end, paths, report)


REPORT_KIND = ReportKind(
    name=KIND, title=TITLE, formats=tuple(WRITERS), default_formats=("html", "txt"), mail_formats=(),
    schedule="shifts", key=_key, write=_write_issue, mail=handover_mail,
)
