"""DOCX rendering of reports with python-docx (the format leadership forwards and prints): the
shared building blocks (paragraph, masthead, tables) and the daily 《重要舆情摘报》."""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

from docx import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

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


# -- the 公文 layout (GB/T 9704 in spirit): A4, 红头, red rule, 仿宋 三号 body, 版记 ----------------

ISSUER_FONT = "方正小标宋简体"  # the 红头; fonts.conf maps it to a Ming serif where it is missing
HEADING_FONT = "黑体"
KAI_FONT = "楷体"
SIZE_BODY = 16  # 三号
SIZE_SMALL = 14  # 四号 (版记)


def _fonts(run, name: str) -> None:
    """All four rFonts slots: Word picks w:eastAsia for Chinese text, LibreOffice may use w:ascii."""
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)


def _run(p, text: str, *, font: str = BODY_FONT, size: float = SIZE_BODY, bold: bool = False,
         color: RGBColor | None = None):
    r = p.add_run(text)
    r.font.size = Pt(size)
    r.font.bold = bold
    if color is not None:
        r.font.color.rgb = color
    _fonts(r, font)
    return r


def _rule(p, *, edge: str = "bottom", color: str = "C00000", size: int = 18) -> None:
    """A horizontal rule under (or over) paragraph `p`: a paragraph border, which survives editing
    and prints the same in Word and LibreOffice (a drawn line would float)."""
    ppr = p._element.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    line = OxmlElement(f"w:{edge}")
    for k, v in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "4"), ("w:color", color)):
        line.set(qn(k), v)
    borders.append(line)


def official_document(doc=None):
    """A new document set up as a 公文: A4 with the standard margins, 仿宋 三号 as Normal, fixed
    28.8 pt lines (22 lines a page)."""
    doc = doc or DocxDocument()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(SIZE_BODY)
    normal.font.name = BODY_FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    pf = normal.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(28.8)
    return doc


def _text_width(doc):
    sec = doc.sections[0]
    return sec.page_width - sec.left_margin - sec.right_margin


def two_ends(doc, left: str, right: str, *, size: float = SIZE_BODY, font: str = BODY_FONT):
    """One line with `left` flush left and `right` flush right (a right tab stop at the margin)."""
    p = doc.add_paragraph()
    p.paragraph_format.tab_stops.add_tab_stop(_text_width(doc), WD_TAB_ALIGNMENT.RIGHT)
    _run(p, f"{left}\t{right}", font=font, size=size)
    return p


def red_head(doc, issuer: str, issue_line: str, compiled_by: str, date_label: str) -> None:
    """The 红头: the issuing line in large red type, 第N期 under it, then 编发单位 left and the
    date right over a red rule."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.space_before = Pt(12)
    p.paragraph_format.space_after = Pt(18)
    # long issuing lines shrink to stay on one line (about 15 characters fit at 36 pt)
    _run(p, issuer, font=ISSUER_FONT, size=36 if len(issuer) <= 11 else 30, color=RED)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, issue_line)
    p = two_ends(doc, compiled_by, date_label)
    p.paragraph_format.space_before = Pt(8)
    _rule(p, size=24)


def doc_title(doc, title: str, subtitle: str = "") -> None:
    """The document's title (二号 小标宋) and an optional 楷体 line under it (the period)."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(18)
    p.paragraph_format.space_after = Pt(6 if subtitle else 12)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _run(p, title, font=ISSUER_FONT, size=22)
    if subtitle:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(12)
        _run(p, subtitle, font=KAI_FONT)


def official_table(doc, header, rows, widths_mm=None, *, size: float = 12) -> None:
    """A ruled table in 仿宋 小四, single-spaced (the body's fixed 28.8 pt lines would pad every
    cell), with the header row repeated on each page and column widths in mm."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if widths_mm:  # LibreOffice lays out by the grid columns, Word by the cell widths: set both
        table.autofit = False
        for column, width in zip(table.columns, widths_mm):
            column.width = Mm(width)
    header_row = table.rows[0]
    header_row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for row_cells, values, font in ((header_row.cells, header, HEADING_FONT),
                                    *((None, r, BODY_FONT) for r in rows)):
        cells = row_cells or table.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, values)):
            if widths_mm:
                cell.width = Mm(widths_mm[i])
            p = cell.paragraphs[0]
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            p.paragraph_format.first_line_indent = Pt(0)
            _run(p, str(value), font=font, size=size)
    return table


def picture(doc, png: bytes, width_mm: float) -> None:
    """A centred image in its own single-spaced paragraph (fixed line spacing would clip it)."""
    doc.add_picture(BytesIO(png), width=Mm(width_mm))
    p = doc.paragraphs[-1]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.first_line_indent = Pt(0)


def body(doc, text: str, *, lead: str = "", lead_font: str = HEADING_FONT, indent: bool = True):
    """A body paragraph (two-character first-line indent); `lead` is a run-in label such as
    【研判】 in another face."""
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(SIZE_BODY * 2)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if lead:
        _run(p, lead, font=lead_font)
    _run(p, text)
    return p


def heading(doc, text: str, *, font: str = HEADING_FONT, bold: bool = False):
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(SIZE_BODY * 2)
    p.paragraph_format.keep_with_next = True
    _run(p, text, font=font, bold=bold)
    return p


def colophon(doc, submit_to, copy_to, compiled_by: str, issued_label: str) -> None:
    """The 版记 at the end: 报送 and 抄送 lines, then 编发单位 and 印发 date, between rules."""
    lines = [("报送：", "、".join(submit_to))] if submit_to else []
    lines += [("抄送：", "、".join(copy_to))] if copy_to else []
    spacer = doc.add_paragraph()
    spacer.paragraph_format.space_before = Pt(24)
    spacer.paragraph_format.keep_with_next = True  # the 版记 stays together on the last page
    first = True
    for label, names in lines:
        p = doc.add_paragraph()
        p.paragraph_format.left_indent = Pt(SIZE_SMALL)
        p.paragraph_format.right_indent = Pt(SIZE_SMALL)
        p.paragraph_format.keep_with_next = True
        _run(p, label, size=SIZE_SMALL)
        _run(p, names + "。", size=SIZE_SMALL)
        if first:
            _rule(p, edge="top", color="000000", size=12)
            first = False
        _rule(p, color="000000", size=4)
    p = two_ends(doc, f"　{compiled_by}", f"{issued_label}印发　", size=SIZE_SMALL)
    if first:
        _rule(p, edge="top", color="000000", size=12)
    _rule(p, color="000000", size=12)


def write_docx(report, path: Path) -> None:
    """The daily 《重要舆情摘报》 as a 公文."""
    doc = official_document()
    red_head(doc, report.issuer, f"第{report.issue_no}期", report.compiled_by, report.date_label)
    doc_title(doc, f"{report.title}（{report.date_label}）")

    heading(doc, "一、总体情况")
    body(doc, f"{report.date_label}，共监测到网络信息{report.total}条，其中涉及{report.locality}"
              f"{report.relevant}条，负面{report.negative}条。")
    for label, pairs in (("按预警等级", report.by_severity), ("按类别", report.by_category),
                         ("按来源", report.by_source)):
        if pairs:
            body(doc, _counts(label, pairs))
    if report.hot_words:
        body(doc, "、".join(report.hot_words) + "。", lead="热词：", lead_font=BODY_FONT)

    heading(doc, "二、重要舆情")
    if report.selection_note:
        body(doc, report.selection_note)
    if not report.items:
        body(doc, "本日无重要舆情。")
    for it in report.items:
        heading(doc, f"（{cn_number(it.no)}）{it.title}" + ("（选编）" if it.selected else ""),
                font=KAI_FONT, bold=True)
        body(doc, f"来源：{it.source}　时间：{it.time}")
        body(doc, f"等级：{it.grade}预警　倾向：{it.tendency}　处置状态：{it.handling}")
        if it.note:
            body(doc, it.note, lead="【编者按】", lead_font=KAI_FONT)
        body(doc, it.summary, lead="【摘要】")
        body(doc, it.assessment, lead="【研判】")
        body(doc, it.advice, lead="【处置建议】")
        if it.link:
            body(doc, it.link, lead="链接：", lead_font=BODY_FONT).runs[-1].font.size = Pt(SIZE_SMALL)
    colophon(doc, report.submit_to, report.copy_to, report.compiled_by, report.issued_label)
    doc.save(str(path))


_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1..99 in Chinese numerals, as 公文 number their sub-headings: 一, 十, 十二, 二十三."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
