"""Render one alert in the three forms channels need: plain text, HTML, Markdown.

Every crawled field goes through alerts.escape for the form it lands in."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from alerts.escape import html_text, md, one_line, safe_url, truncate
from alerts.grade_reason import grade_reason
from alerts.types import AlertMessage
from pipeline.config import TZ as SHANGHAI
from pipeline.types import SEVERITY_LABELS, Document

SUMMARY_CHARS = 120


@dataclass(frozen=True, slots=True)
class AlertContext:
    """What the engine knows about the event when the alert is created."""

    alert_id: str
    event_id: str
    severity: str | None
    event_doc_count: int
    upgrade: bool = False  # the event reached a higher grade after a first alert
    source_name: str | None = None
    console_url: str | None = None  # alerts.yaml console_url: links to the event and to 确认
    rule_name: str | None = None  # the alert rule that fired (alerts.yaml rules: name)


TZ_LABEL = "（北京时间）"


def fmt_time(dt: datetime | None) -> str:
    """2026-12-04 08:05（北京时间）: a message is read anywhere, so the zone is always said."""
    return f"{dt.astimezone(SHANGHAI):%Y-%m-%d %H:%M}{TZ_LABEL}" if dt else "未知"


def grade_label(severity: str | None, upgrade: bool) -> str:
    label = SEVERITY_LABELS.get(severity or "", "未定级")
    return f"新升级为{label}" if upgrade else label


def _hit_words(doc: Document) -> list[str]:
    words: list[str] = []
    for hit in doc.topic_hits:
        words.extend(w for w in hit.words if w not in words)
    return words


def console_link(console_url: str | None, path: str, fragment: str = "") -> str | None:
    """An http(s) link into the duty console, or None when alerts.yaml sets no console_url."""
    base = safe_url(console_url)
    if base is None:
        return None
    return base.rstrip("/") + path + (f"#{quote(fragment, safe='')}" if fragment else "")


def event_link(ctx: AlertContext) -> str | None:
    """The event's row on the console's events page: its current post count, the 确认 button."""
    return console_link(ctx.console_url, "/events", f"event-{ctx.event_id}")


def render_doc_alert(doc: Document, ctx: AlertContext) -> AlertMessage:
    """The 【舆情预警·橙色】 message for a post-level alert.

    It says what matched and why the grade (alerts.grade_reason), with the time zone on times,
    and how big the event was when the alert was made; the event's link in the console shows
    its size now and is where the alert is acknowledged (确认)."""
    grade = grade_label(ctx.severity, ctx.upgrade)
    title = one_line(doc.title) or truncate(one_line(doc.text), 40) or "（无标题）"
    summary = truncate(one_line(doc.text), SUMMARY_CHARS)
    source = one_line(ctx.source_name or doc.source_id)
    reason = grade_reason(doc)
    words = "、".join(_hit_words(doc)) or "无"
    link = safe_url(doc.url)
    console = event_link(ctx)
    published = fmt_time(doc.published_at or doc.fetched_at)
    closing = "请及时研判处置。"
    count = f"事件累计{ctx.event_doc_count}条（截至预警时）"
    now_note = "最新帖数与处置情况以值守平台为准" if console else ""
    fields = [("来源", source), ("发布时间", published), ("摘要", summary),
              ("命中话题", one_line(reason.topic_line(words=False))), ("命中词", words),
              ("定级依据", one_line(reason.grade_line()))]
    if ctx.rule_name:
        fields.append(("预警规则", one_line(ctx.rule_name)))

    text_lines = [f"【舆情预警·{grade}】{title}"]
    text_lines += [f"{k}：{v}" for k, v in fields]
    text_lines += [f"原文链接：{link or '无'}", count]
    text_lines += [f"查看事件并确认：{console}（{now_note}）"] if console else []
    text_lines.append(closing)

    md_lines = [f"#### 【舆情预警·{grade}】{md(title)}"]
    md_lines += [f"- {k}：{md(v)}" for k, v in fields]
    md_lines.append(f"- 原文链接：[查看原文]({link})" if link else "- 原文链接：无")
    md_lines.append(f"- {count}")
    md_lines += [f"- [在值守平台查看事件并确认]({console})（{now_note}）"] if console else []
    md_lines += ["", f"**{closing}**"]

    rows = "".join(f'<tr><th align="left">{k}</th><td>{html_text(v)}</td></tr>' for k, v in fields)
    link_html = f'<a href="{html_text(link)}">{html_text(link)}</a>' if link else "无"
    console_html = (f'<p><a href="{html_text(console)}">在值守平台查看事件并确认</a>'
                    f"（{now_note}）</p>") if console else ""
    html_doc = (
        '<html><body>'
        f'<h3>【舆情预警·{grade}】{html_text(title)}</h3>'
        f'<table>{rows}<tr><th align="left">原文链接</th><td>{link_html}</td></tr></table>'
        f'<p>{count}</p>{console_html}<p><strong>{closing}</strong></p>'
        '</body></html>'
    )
    return AlertMessage(
        subject=f"【舆情预警·{grade}】{truncate(title, 60)}",
        text="\n".join(text_lines),
        html=html_doc,
        markdown="\n".join(md_lines),
        severity=ctx.severity,
        event_id=ctx.event_id,
        doc_ids=(doc.id,),
        link=link,
        alert_id=ctx.alert_id,
    )


def render_source_alert(source_id: str, source_name: str | None, detail: str,
                        ctx: AlertContext) -> AlertMessage:
    """The 【采集异常】 message when a source keeps failing or returning nothing."""
    name = one_line(source_name or source_id)
    subject = f"【采集异常】{name}"
    body = f"信息源“{name}”{detail}，请检查采集配置或站点是否改版。"
    console = console_link(ctx.console_url, "/sources")
    return AlertMessage(
        subject=subject,
        text=f"{subject}\n{body}" + (f"\n信息源状态：{console}" if console else ""),
        html=f"<html><body><h3>{html_text(subject)}</h3><p>{html_text(body)}</p>"
             + (f'<p><a href="{html_text(console)}">在值守平台查看信息源状态</a></p>' if console else "")
             + "</body></html>",
        markdown=f"#### {md(subject)}\n{md(body)}" + (f"\n- [在值守平台查看信息源状态]({console})" if console else ""),
        severity=None,
        event_id=ctx.event_id,
        alert_id=ctx.alert_id,
    )


@dataclass(frozen=True, slots=True)
class SpikeFacts:
    """What a 【声量突增】 message reports; `label` and post fields are rendered escaped."""

    rule_name: str
    by: str  # topic | source | locality
    label: str  # topic name, source name or locality name
    window_minutes: int
    baseline_hours: float
    count: int
    baseline_per_hour: float
    score: float
    min_score: float
    first_count: int | None = None  # set on the 持续升温 follow-up: the count first alerted
    console_link: str | None = None


@dataclass(frozen=True, slots=True)
class PostRef:
    doc_id: str
    title: str
    source: str
    url: str | None


def _spike_subject_label(f: SpikeFacts) -> str:
    label = truncate(one_line(f.label), 30)
    if f.by == "topic":
        return f"话题“{label}”"
    return f"信息源“{label}”" if f.by == "source" else f"{label}（全部本地信息）"


def render_spike_alert(f: SpikeFacts, posts: list[PostRef], ctx: AlertContext) -> AlertMessage:
    """The 【声量突增】 message (or its 持续升温 follow-up) for a volume surge."""
    head = "【声量突增·持续升温】" if f.first_count is not None else "【声量突增】"
    what = _spike_subject_label(f)
    span = f"近{f.window_minutes}分钟{f.count}条"
    since = f"（首次预警时{f.first_count}条）" if f.first_count is not None else ""
    subject = f"{head}{what}：{span}{since}"
    fields = [("规则", f.rule_name),
              (f"近{f.window_minutes}分钟", f"{f.count}条"),
              (f"此前{f.baseline_hours:g}小时", f"平均每小时{f.baseline_per_hour:.1f}条"),
              ("突增指数", f"{f.score:.1f}（阈值{f.min_score:g}）")]
    closing = "请关注事态发展，及时研判处置。"
    entries = [(one_line(p.title) or "（无标题）", one_line(p.source), safe_url(p.url)) for p in posts]
    console = safe_url(f.console_link)

    text = [subject, *(f"{k}：{v}" for k, v in fields)]
    if entries:
        text.append("代表帖子：")
        text += [f"{i}. {t}（{s}）{u or ''}".rstrip() for i, (t, s, u) in enumerate(entries, 1)]
    text += [f"值守平台：{console}"] if console else []
    text.append(closing)

    mdl = [f"#### {md(subject)}", *(f"- {k}：{md(v)}" for k, v in fields)]
    if entries:
        mdl.append("- 代表帖子：")
        mdl += [f"  {i}. " + (f"[{md(t)}]({u})" if u else md(t)) + f"（{md(s)}）"
                for i, (t, s, u) in enumerate(entries, 1)]
    mdl += [f"- [在值守平台查看]({console})"] if console else []
    mdl += ["", f"**{closing}**"]

    rows = "".join(f'<tr><th align="left">{k}</th><td>{html_text(v)}</td></tr>' for k, v in fields)
    items = "".join(
        "<li>" + (f'<a href="{html_text(u)}">{html_text(t)}</a>' if u else html_text(t))
        + f"（{html_text(s)}）</li>" for t, s, u in entries)
    html_doc = (
        f"<html><body><h3>{html_text(subject)}</h3><table>{rows}</table>"
        + (f"<p>代表帖子：</p><ol>{items}</ol>" if entries else "")
        + (f'<p><a href="{html_text(console)}">在值守平台查看</a></p>' if console else "")
        + f"<p><strong>{closing}</strong></p></body></html>"
    )
    return AlertMessage(subject=subject, text="\n".join(text), html=html_doc, markdown="\n".join(mdl),
                        severity=None, event_id=ctx.event_id, doc_ids=tuple(p.doc_id for p in posts),
                        link=console, alert_id=ctx.alert_id)
