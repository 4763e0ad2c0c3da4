"""DOCX rendering of reports with python-docx (the format leadership forwards and prints): the
shared building blocks (paragraph, masthead, tables) and the daily 《重要舆情摘报》."""
from __future__ import annotations

from pathlib import Path

from docx import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

RED = RGBColor(0xC0, 0x00, 0x00)
BODY_FONT = "仿宋"
TITLE_FONT = "黑体"


def _font(run, name: str, size: float, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    # East-Asian text takes its font from w:eastAsia, not from w:ascii.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def para(doc, text: str, *, size: float = 14, bold: bool = False, center: bool = False,
          font: str = BODY_FONT, color: RGBColor | None = None):
    p = doc.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), font, size, bold=bold, color=color)
    return p


def masthead(doc, title: str, issue_line: str, byline: str) -> None:
    """Red title, issue number, compiler and date: the head of every numbered report."""
    para(doc, title, size=26, bold=True, center=True, font=TITLE_FONT, color=RED)
    para(doc, issue_line, size=16, center=True)
    para(doc, byline, size=14, center=True)


def kv_table(doc, pairs) -> None:
    """A two-column (label, value) table."""
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for key, value in pairs:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = key, value


def grid_table(doc, header, rows) -> None:
    """A table with a header row."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = str(value)


def _counts(label: str, pairs) -> str:
    return f"{label}：" + "；".join(f"{k}{v}条" for k, v in pairs) + "。"


def write_docx(report, path: Path) -> None:
    doc = DocxDocument()
    masthead(doc, report.title, f"{report.year}年 第{report.issue_no}期",
             f"{report.compiled_by}　　　　{report.date_label}")

    doc.add_heading("一、总体情况", level=1)
    para(doc, f"{report.date_label}，共监测到网络信息{report.total}条，其中涉及{report.locality}"
               f"{report.relevant}条，负面{report.negative}条。")
    for label, pairs in (("按预警等级", report.by_severity), ("按类别", report.by_category),
                         ("按来源", report.by_source)):
        if pairs:
            para(doc, _counts(label, pairs))
    if report.hot_words:
        para(doc, "热词：" + "、".join(report.hot_words))

    doc.add_heading("二、重要舆情", level=1)
    if report.selection_note:
        para(doc, report.selection_note)
    if not report.items:
        para(doc, "本日无重要舆情。")
    for it in report.items:
        doc.add_heading(f"{it.no}. {it.title}" + ("（选编）" if it.selected else ""), level=2)
        kv_table(doc, (("来源", it.source), ("时间", it.time), ("等级", it.grade),
                       ("倾向", it.tendency), ("摘要", it.summary), ("链接", it.link or "无")))
    para(doc, f"生成时间：{report.generated_at}", size=10)
    doc.save(str(path))
