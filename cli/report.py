"""`yqwatch report daily|special|handover|weekly|monthly`: write (and with --send e-mail once) one
report."""
from __future__ import annotations

from pathlib import Path

from pipeline.config import now

from .args import BadInput, parse_date, parse_since
from .services import opened

REPORT_FORMATS = {"daily": ("docx", "html", "pdf"), "special": ("docx", "html"), "handover": ("html", "txt"),
                  "weekly": ("docx", "html", "pdf"), "monthly": ("docx", "html", "pdf")}
ANALYSIS_TITLES = {"weekly": "舆情分析周报", "monthly": "舆情分析月报"}


def cmd_report(args) -> int:
    from alerts.incidents import IncidentError
    from alerts.reports.pdf_writer import FormatUnavailable

    out = Path(args.out) if args.out else None
    fmt = args.format or (out.suffix.lstrip(".") if out is not None and out.suffix else None)
    if fmt and fmt not in REPORT_FORMATS[args.kind]:
        raise BadInput(f"{args.kind} 报告不支持格式 {fmt} (可用: {'/'.join(REPORT_FORMATS[args.kind])})")
    if args.kind == "special" and args.incident is None:
        raise BadInput("report special 需要 --incident ID")
    if args.send and out is not None:
        raise BadInput("--send 写入报告目录, 不能与 --out 同用")
    # --out FILE writes the single requested format to exactly that path
    out_file = out if out is not None and out.suffix else None
    out_dir = out_file.parent if out_file else out
    formats = [fmt] if fmt else None
    with opened(args) as svc:
        desk = svc.reports
        if args.send and not desk.recipients(args.kind):
            raise BadInput(f"alerts.yaml 未配置 reports.{args.kind} 收件人, 无法发送")
        try:
            line, paths, issue = _write_report(args, svc, desk, formats, out_dir)
        except (IncidentError, FormatUnavailable) as e:
            raise BadInput(str(e)) from None
        if issue is not None:
            line += " · 邮件" + _mail_state(issue)
    if out_file is not None and paths and paths[0] != out_file:
        paths[0].replace(out_file)
        paths = [out_file]
    print(line)
    for p in paths:
        print(p)
    return 0


def _write_report(args, svc, desk, formats, out_dir):
    """(summary line, files written, the e-mail Issue or None) of one `report` command."""
    issue = None
    if args.kind == "special":
        if args.send:
            issue = desk.issue_special(args.incident)
            res = issue.result
        else:
            res = desk.special(args.incident, formats, out_dir)
        return (f"《{res.report.title}》{res.year}年第{res.issue_no}期 (事件单 {res.incident_id}): "
                f"{res.post_count} 条", list(res.paths), issue)
    if args.kind == "handover":
        at = parse_since(args.at) if args.at else None
        if args.send:
            issue = svc.issue_handover(at)
            res = issue.result
        else:
            res = desk.handover(at, formats or ("html", "txt"), out_dir)
        r = res.report
        return (f"交接班 {r.shift_label}: 新增帖子 {r.posts} · 预警 {r.alerts_sent} · 新建事件单 {len(r.opened)}",
                list(res.paths), issue)
    if args.kind in ANALYSIS_TITLES:
        day = parse_date(args.date) if args.date else None  # None: the last period that has ended
        if args.send:
            issue = desk.issue(args.kind, day)
            res = issue.result or desk.write(args.kind, day)
        else:
            res = desk.write(args.kind, day, formats, out_dir)
        r = res.report
        return (f"《{ANALYSIS_TITLES[args.kind]}》{res.year}年第{res.issue_no}期 ({r.period.label}): "
                f"涉本地信息 {r.relevant} 条 · 重点事件 {len(r.events)} 件", list(res.paths), issue)
    day = parse_date(args.date) if args.date else now().date()
    if args.send:
        issue = svc.issue_daily_report(day)
        res = issue.result or svc.daily_report(day)  # e-mailed before: the files are refreshed only
    else:
        res = svc.daily_report(day, formats, out_dir)
    return f"《重要舆情摘报》{res.year}年第{res.issue_no}期 ({day}): {res.item_count} 条", list(res.paths), issue


def _mail_state(issue) -> str:
    d = issue.delivery
    if d is None and not issue.queued:
        return "待审批: 分管领导在值守台审批后发送"
    if d is not None and d.status == "sent":
        return "已发送" if issue.queued else "此前已发送, 不重复发送"
    return "发送失败, 值守程序将自动重试" if d is not None and d.last_error else "已排队, 值守程序将发送"
