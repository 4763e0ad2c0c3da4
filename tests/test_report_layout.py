"""The daily 摘报 as a 公文: 红头 and red rule, 第N期, 编发单位 and date, 仿宋 body, per item
来源·时间·摘要·研判·处置建议 with the incident's handling state, the 报送/抄送 版记; and as PDF,
whose page 1 is rendered to PNG (var/report-previews/, for a person to look at)."""
from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from alerts.reports.daily import write_daily_report
from alerts.reports.letterhead import letterhead
from alerts.reports.pdf_writer import FormatUnavailable
from reports_support import NAMES, clock, handled_incident, store  # noqa: F401 (fixtures)

DAY = date(2024, 5, 6)
HEAD = letterhead("青溪市", submit_to=("市委宣传部", "市委网信办<b>"), copy_to=("各县（市、区）网信办",))
PNG_DIR = Path(__file__).parent.parent / "var" / "report-previews"  # git-ignored


def _write(store, clock, tmp_path, formats):
    return write_daily_report(store, day=DAY, out_dir=tmp_path, formats=formats, locality="青溪市",
                              now=clock(), source_names=NAMES, head=HEAD)


def test_docx_is_laid_out_as_an_official_document(store, clock, tmp_path):
    handled_incident(store, clock)
    res = _write(store, clock, tmp_path, ("docx",))
    d = docx.Document(str(res.paths[0]))
    paras = [p for p in d.paragraphs if p.text]
    issuer, number, byline = paras[:3]
    assert issuer.text == "青溪市网络舆情信息"
    run = issuer.runs[0]
    assert str(run.font.color.rgb) == "C00000" and run.font.size.pt >= 30
    assert number.text == "第1期"
    assert byline.text == "青溪市网络舆情值守组\t2024年5月6日"  # left and right of one line
    rule = byline._element.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "C00000"  # the red rule under the head
    # body text in 仿宋 for Chinese (w:eastAsia), on A4 with the 公文 margins
    fonts = d.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋"
    assert round(d.sections[0].page_width.mm) == 210 and round(d.sections[0].left_margin.mm) == 28

    text = "\n".join(p.text for p in d.paragraphs)
    first = text.index("（一）东湖区化工厂半夜偷排")
    item = text[first:text.index("（二）")]
    for label in ("来源：青溪论坛　时间：2024-05-06 09:10", "等级：红色预警　倾向：负面", "【摘要】", "【研判】",
                  "【处置建议】"):
        assert label in item
    assert "处置状态：处置" in item  # the incident on its event was moved to 处置
    assert "正在处置，建议责任部门及时反馈进展" in item
    other = text[text.index("（二）"):]
    assert "处置状态：未立单" in other  # no incident on the other story
    # the 版记 closes the document: 报送, 抄送, then 编发单位 and the 印发 date
    tail = [p.text for p in paras[-3:]]
    assert tail == ["报送：市委宣传部、市委网信办<b>。", "抄送：各县（市、区）网信办。",
                    "\u3000青溪市网络舆情值守组\t2024年5月7日印发\u3000"]


def test_html_has_the_same_layout_and_escapes(store, clock, tmp_path):
    handled_incident(store, clock)
    html = _write(store, clock, tmp_path, ("html",)).paths[0].read_text(encoding="utf-8")
    assert '<div class="issuer">青溪市网络舆情信息</div>' in html
    assert '<p class="byline"><span>青溪市网络舆情值守组</span><span>2024年5月6日</span></p>' in html
    assert '"仿宋", "FangSong"' in html and '"AR PL UKai CN"' in html  # 仿宋 first, shipped fonts after
    assert "处置状态：处置</span>" in html and "处置状态：未立单" in html
    assert "<h3>（一）东湖区化工厂半夜偷排" in html and "<h3>（二）" in html
    assert "报送：市委宣传部、市委网信办&lt;b&gt;。" in html  # config text is escaped too
    assert "<script>alert(1)" not in html


def _office_or_skip():
    missing = [b for b in ("soffice", "pdftoppm") if shutil.which(b) is None]
    if missing:
        if os.environ.get("YQ_REQUIRE_OFFICE") == "1":
            pytest.fail(f"YQ_REQUIRE_OFFICE=1 but {', '.join(missing)} not installed")
        pytest.skip(f"{', '.join(missing)} not installed (scripts/ci_office.sh)")


def test_pdf_page_one_renders_to_png(store, clock, tmp_path):
    _office_or_skip()
    handled_incident(store, clock)
    res = _write(store, clock, tmp_path, ("docx", "pdf"))
    pdf = next(p for p in res.paths if p.suffix == ".pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    # the text of page 1, in reading order: the head, then the title and the first item
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
                          capture_output=True, check=True).stdout.decode("utf-8")
    assert text.index("青溪市网络舆情信息") < text.index("第1期") < text.index("重要舆情摘报")
    assert "东湖区化工厂半夜偷排" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True).stdout.decode()
    assert "UKai" in fonts or "FangSong" in fonts  # 仿宋 or its shipped stand-in, not a sans
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "60", "-png", "-singlefile", str(pdf),
                    str(PNG_DIR / "daily-page1")], check=True)
    png = PNG_DIR / "daily-page1.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_pdf_is_refused_with_a_reason_without_libreoffice(store, clock, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("YQ_SOFFICE", raising=False)
    with pytest.raises(FormatUnavailable, match="未安装LibreOffice"):
        _write(store, clock, tmp_path / "out", ("docx", "pdf"))
    assert not (tmp_path / "out").exists()  # refused before anything was written


def test_weekly_pdf_carries_its_charts(store, clock, tmp_path):
    _office_or_skip()
    from alerts.incidents import IncidentBook
    from alerts.reports.desk import ReportDesk

    desk = ReportDesk(store, IncidentBook(store.engine, now=clock), out_dir=tmp_path, locality="青溪市",
                      now=clock, source_names=NAMES, head=HEAD)
    pdf = next(p for p in desk.write("weekly", DAY, ("pdf",)).paths if p.suffix == ".pdf")
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, check=True).stdout.decode()
    kinds = [line.split()[2] for line in images.splitlines()[2:] if line.strip()]
    assert kinds.count("image") == 4  # trend + three shares (each with its alpha "smask")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    assert "舆情分析周报" in text and "环境保护" in text and "100.00%" in text
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "60", "-png", "-singlefile", str(pdf),
                    str(PNG_DIR / "weekly-page1")], check=True)
    assert (PNG_DIR / "weekly-page1.png").stat().st_size > 0


def test_configured_pdf_is_skipped_not_fatal_without_libreoffice(store, clock, tmp_path, monkeypatch, caplog):
    """watch.yaml reports.formats [docx, pdf] on a machine without LibreOffice: the scheduled
    issue is still written (DOCX), with a warning; the special report, which has no PDF, too."""
    from alerts.incidents import IncidentBook
    from alerts.reports.desk import ReportDesk

    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("YQ_SOFFICE", raising=False)
    desk = ReportDesk(store, IncidentBook(store.engine, now=clock), out_dir=tmp_path / "r", locality="青溪市",
                      now=clock, formats=("docx", "pdf"), source_names=NAMES)
    res = desk.issue_daily(DAY).result
    assert [p.suffix for p in res.paths] == [".docx"]
    assert "未生成PDF" in caplog.text
    with pytest.raises(FormatUnavailable):
        desk.daily(DAY, ("pdf",))  # asked for explicitly: refused with the reason


def test_items_are_numbered_the_official_way():
    from alerts.reports.docx_writer import cn_number

    assert [cn_number(n) for n in (1, 9, 10, 12, 20, 23, 30)] == ["一", "九", "十", "十二", "二十", "二十三", "三十"]
