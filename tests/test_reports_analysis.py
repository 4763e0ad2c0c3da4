"""Weekly and monthly 舆情分析报告: numbering per year per kind, volume and 环比, category / source /
county tables with shares, the top events with their handling state, hot words, charts embedded
in DOCX and HTML."""
from __future__ import annotations

import base64
import re
from dataclasses import replace
from datetime import date, datetime

import docx
import pytest

from alerts.config import AlertsConfig
from alerts.engine import AlertEngine
from alerts.incidents import IncidentBook
from alerts.reports.desk import ReportDesk
from analysis.shares import UNPLACED, change_label, county_of, daily_volume, share_rows
from reports_support import NAMES, clock, handled_incident, store  # noqa: F401 (fixtures)
from test_alerts_support import SH, make_doc

WEEK_OF = date(2024, 5, 8)  # a Wednesday: the week of Monday 2024-05-06, which holds the story


def _more_posts(store, clock):
    """A welfare post in 临江县 on Thursday, a post naming only the city on Sunday, one the week
    before (for 环比) and one the week after (outside the period)."""
    def post(n, day, **kw):
        return make_doc(n, at=datetime(2024, 5, day, 15, 0, tzinfo=SH), thread=f"https://bbs.example.cn/t-{n}",
                        simhash=(0x9E37_79B9_7F4A_7C15 * n) & (2**64 - 1), keywords=(f"词{n}甲", f"词{n}乙"),
                        **kw)
    store.save_documents([
        replace(post(20, 9, title="临江县养老金发放延迟", severity="yellow", topic="welfare"),
                category="民生保障", locality_terms=("临江县",)),
        replace(post(21, 12, title="青溪市整体天气", severity=None, negative=False), locality_terms=("青溪市",)),
        post(22, 1, title="上周的帖子"),
        post(23, 14, title="下周的帖子"),
    ])
    AlertEngine(store, AlertsConfig(), {}, now=clock, source_names=NAMES).run_once()


def _desk(store, clock, tmp_path):
    return ReportDesk(store, IncidentBook(store.engine, now=clock), out_dir=tmp_path / "reports",
                      locality="青溪市", now=clock, source_names=NAMES)


def test_shares_counties_trend_and_change_are_pure_arithmetic():
    rows = share_rows({"经济": 153, "城建": 165, "科教文卫": 171, "农林水利": 75, "政府管理": 58, "空": 0})
    assert [(r.name, r.count, r.share) for r in rows[:2]] == [("科教文卫", 171, 27.49), ("城建", 165, 26.53)]
    assert [r.name for r in rows][-1] == "政府管理"  # empty rows are left out
    doc = make_doc(1)
    assert county_of(doc, "青溪市") == "东湖区"
    assert county_of(replace(doc, locality_terms=("青溪市", "东湖")), "青溪市") == UNPLACED
    d0 = date(2024, 5, 6)
    trend = daily_volume([make_doc(1, at=datetime(2024, 5, 7, 23, 30, tzinfo=SH)),
                          replace(make_doc(2, at=datetime(2024, 5, 7, 1, 0, tzinfo=SH)), negative=False)], d0, 3)
    assert trend == [(d0, 0, 0), (date(2024, 5, 7), 2, 1), (date(2024, 5, 8), 0, 0)]
    assert (change_label(9, 6), change_label(3, 4), change_label(2, 2), change_label(1, 0)) == (
        "上升50.0%", "下降25.0%", "持平", "上期为0")


def test_weekly_report_figures_tables_events_and_charts(store, clock, tmp_path):
    _more_posts(store, clock)
    handled_incident(store, clock)
    res = _desk(store, clock, tmp_path).write("weekly", WEEK_OF)
    r = res.report
    assert (r.issue_no, r.year, r.period.first, r.period.last) == (1, 2024, date(2024, 5, 6), date(2024, 5, 12))
    assert r.period.label == "2024年第19周（5月6日—5月12日）"
    # the story (6 posts, one unrelated of them is 临江县道路施工) + 2 posts of the week; 1 the week before
    assert (r.relevant, r.previous_relevant, r.change) == (8, 1, "上升700.0%")
    assert [(x.name, x.count) for x in r.by_category] == [("环境保护", 7), ("民生保障", 1)]
    assert sum(x.count for x in r.by_county) == r.relevant
    assert ("临江县", 1) in [(x.name, x.count) for x in r.by_county]
    assert (UNPLACED, 1) in [(x.name, x.count) for x in r.by_county]
    assert [(x.name, x.count) for x in r.by_source][0] == ("青溪论坛", 6)
    story = next(e for e in r.events if "化工厂半夜偷排" in e.title)
    assert (story.handling, story.posts) == ("处置", 5)  # the incident on the story's event
    assert {e.handling for e in r.events if e is not story} == {"未立单"}
    assert all("下周的帖子" not in e.title and "上周的帖子" not in e.title for e in r.events)
    assert "未进入处置" in r.closing and "环境保护类信息最多" in r.closing

    docx_path, html_path = res.paths
    assert docx_path.name == "周报-2024-05-06-第1期.docx"
    d = docx.Document(str(docx_path))
    assert len(d.inline_shapes) == len(r.charts) == 4  # trend + category, source, county
    tables = {t.rows[0].cells[0].text: t for t in d.tables}
    cat = tables["类别"]
    assert [[c.text for c in row.cells] for row in cat.rows] == [
        ["类别", "条数", "占比"], ["环境保护", "7", "87.50%"], ["民生保障", "1", "12.50%"], ["合计", "8", "100%"]]
    events = [[c.text for c in row.cells] for row in tables["序号"].rows]
    assert ["处置" in row[-1] for row in events[1:]].count(True) == 1
    html = html_path.read_text(encoding="utf-8")
    pngs = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(pngs) == 4 and all(base64.b64decode(p)[:4] == b"\x89PNG" for p in pngs)
    assert "<td>环境保护</td><td class=\"num\">7</td><td class=\"num\">87.50%</td>" in html
    assert "&lt;script&gt;alert(1)" in html and "<script>alert(1)" not in html


def test_numbering_per_year_per_kind_and_default_period(store, clock, tmp_path):
    desk = _desk(store, clock, tmp_path)
    fmt = ("html",)
    assert desk.write("weekly", date(2024, 5, 6), fmt).issue_no == 1
    assert desk.write("weekly", date(2024, 5, 13), fmt).issue_no == 2
    assert desk.write("weekly", date(2024, 5, 12), fmt).issue_no == 1  # same week, same number
    assert desk.write("monthly", date(2024, 5, 20), fmt).issue_no == 1  # its own counter
    assert desk.write("monthly", date(2024, 4, 2), fmt).issue_no == 2
    assert desk.write("monthly", date(2025, 1, 9), fmt).issue_no == 1  # a new year
    # clock: 2024-05-07 (a Tuesday): the last full week is the one of 04-29, the last month April
    assert desk.write("weekly", None, fmt).report.period.first == date(2024, 4, 29)
    m = desk.write("monthly", None, fmt).report
    assert (m.period.first, m.period.last, m.period.label, m.issue_no) == (
        date(2024, 4, 1), date(2024, 4, 30), "2024年4月", 2)


def test_empty_month_still_renders(store, clock, tmp_path):
    res = _desk(store, clock, tmp_path).write("monthly", date(2023, 2, 1), ("docx", "html"))
    r = res.report
    assert (r.relevant, r.events, r.period.last) == (0, (), date(2023, 2, 28))
    assert "未监测到涉本地舆情" in r.closing
    assert len(docx.Document(str(res.paths[0])).inline_shapes) == 1  # the (flat) trend chart


@pytest.mark.parametrize("kind", ["weekly", "monthly"])
def test_unknown_format_is_refused(store, clock, tmp_path, kind):
    with pytest.raises(ValueError, match="odt"):
        _desk(store, clock, tmp_path).write(kind, WEEK_OF, ("odt",))
    assert not (tmp_path / "reports").exists()
