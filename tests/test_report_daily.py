"""The daily 《重要舆情摘报》: numbering, DOCX and HTML output, escaping, staff selections."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import docx
import pytest

from alerts.reports.daily import write_daily_report
from alerts.reports.issues import select_for_report, unselect_for_report
from test_alerts_support import SH, make_doc, make_store, put

DAY = date(2024, 5, 6)
NOW = datetime(2024, 5, 7, 8, 0, tzinfo=SH)


def _docx_text(path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    parts += [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


@pytest.fixture
def store(tmp_path):
    s = make_store(tmp_path)
    at = datetime(2024, 5, 6, 10, 0, tzinfo=SH)
    put(s, [
        make_doc(1, at=at, title="东湖区化工厂偷排<script>alert(1)</script>", severity="red"),
        make_doc(2, at=at + timedelta(minutes=5)),  # same thread: same event as #1
        make_doc(3, at=at, thread="t-2", title="临江县某工地欠薪", severity="orange",
                 words=("欠薪",), simhash=0x0F0F_0F0F_0F0F_0F0F, keywords=("工地", "欠薪", "农民工"),
                 url="https://news.example.cn/a/3.html"),
        make_doc(4, at=at, thread="t-3", relevant=False, topic=None, severity=None,
                 title="外地新闻", simhash=0xF0F0_F0F0_F0F0_F0F0, keywords=("外地",)),
        make_doc(5, at=at - timedelta(days=1), thread="t-4", title="前一天的帖子",
                 simhash=0xFF00_FF00_FF00_FF00, keywords=("昨天", "帖子", "其他")),
    ])
    return s


def test_docx_and_html_report(store, tmp_path):
    out = tmp_path / "reports"
    res = write_daily_report(store, day=DAY, out_dir=out, locality="青溪市", now=NOW)
    assert (res.issue_no, res.year, res.item_count) == (1, 2024, 2)  # one item per event
    names = sorted(p.name for p in res.paths)
    assert names == ["摘报-2024-05-06-第1期.docx", "摘报-2024-05-06-第1期.html"]

    text = _docx_text(out / "摘报-2024-05-06-第1期.docx")
    assert "重要舆情摘报" in text and "第1期" in text and "2024年5月6日" in text
    assert "东湖区化工厂偷排<script>alert(1)</script>" in text  # DOCX runs are plain text
    assert "临江县某工地欠薪" in text and "前一天的帖子" not in text and "外地新闻" not in text
    assert "共监测到网络信息4条，其中涉及青溪市3条，负面3条" in text
    assert text.index("东湖区化工厂") < text.index("临江县某工地欠薪")  # red before orange

    html = (out / "摘报-2024-05-06-第1期.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<a href="https://news.example.cn/a/3.html">' in html and "第1期" in html


def test_issue_numbers_per_day_reuse_and_yearly_reset(store, tmp_path):
    def issue(day):
        return write_daily_report(store, day=day, out_dir=tmp_path, formats=("html",),
                                  locality="青溪市", now=NOW).issue_no

    assert [issue(date(2024, 5, d)) for d in (6, 7, 8)] == [1, 2, 3]
    assert issue(date(2024, 5, 7)) == 2  # a re-run keeps its number
    assert issue(date(2025, 1, 1)) == 1  # a new year starts again
    assert issue(date(2024, 5, 9)) == 4


def test_staff_selection_comes_first_and_keeps_the_automatic_items(store, tmp_path):
    assert select_for_report(store.engine, "d0003", DAY, by="李四", now=NOW)
    assert not select_for_report(store.engine, "d0003", DAY, by="李四", now=NOW)
    res = write_daily_report(store, day=DAY, out_dir=tmp_path, formats=("docx", "html"),
                             locality="青溪市", now=NOW)
    text = _docx_text(res.paths[0])
    # the selected orange post first, then the red story the ranking chose: nothing dropped
    assert res.item_count == 2
    assert [(it.title, it.selected) for it in res.report.items] == [
        ("临江县某工地欠薪", True), ("东湖区化工厂偷排<script>alert(1)</script>", False)]
    assert "其中第1条为值班人员选编，其余按重要程度自动选取。" in text
    assert "（一）临江县某工地欠薪（选编）" in text
    html = res.paths[1].read_text(encoding="utf-8")
    assert "其中第1条为值班人员选编" in html and "临江县某工地欠薪（选编）" in html
    from types import SimpleNamespace

    from alerts.reports.daily import daily_mail
    cover = daily_mail(SimpleNamespace(locality="青溪市"), res).text
    assert "共2条重要舆情" in cover and "1. 临江县某工地欠薪（qxbbs，橙色，值班人员选编）" in cover
    assert unselect_for_report(store.engine, "d0003", DAY)
    res = write_daily_report(store, day=DAY, out_dir=tmp_path, formats=("docx",),
                             locality="青溪市", now=NOW)
    assert res.item_count == 2 and res.issue_no == 1
    assert not any(it.selected for it in res.report.items)
    assert "值班人员选编" not in _docx_text(res.paths[0])


def _twelve_stories(store) -> None:
    at = datetime(2024, 5, 6, 9, 0, tzinfo=SH)
    put(store, [make_doc(100 + i, at=at + timedelta(minutes=i), thread=f"t-story-{i}",
                         title=f"第{i}件事", severity="yellow" if i else "red",
                         simhash=(0x9E37_79B9_7F4A_7C15 * (i + 1)) & (2**64 - 1),
                         keywords=(f"话题{i}甲", f"话题{i}乙", f"话题{i}丙"), words=(f"词{i}",))
                for i in range(12)])


def test_one_selection_does_not_shrink_the_report(store, tmp_path):
    """Issue 17: with one post selected the report had 1 item instead of 10."""
    from alerts.reports.daily import MAX_ITEMS, daily_report_plan

    _twelve_stories(store)
    before = daily_report_plan(store, day=DAY, now=NOW)
    assert len(before) == MAX_ITEMS and not any(p.selected for p in before)
    last = before[-1].doc.id
    # select a post of the top story (a reply: same thread as d0001) and one of the last story
    select_for_report(store.engine, "d0002", DAY, by="李四", now=NOW)
    select_for_report(store.engine, last, DAY, by="李四", now=NOW + timedelta(seconds=1))
    plan = daily_report_plan(store, day=DAY, now=NOW)
    assert [(p.doc.id, p.selected) for p in plan[:2]] == [("d0002", True), (last, True)]
    auto = [p.doc.id for p in plan[2:]]
    assert len(plan) == MAX_ITEMS and not any(p.selected for p in plan[2:])
    # the selected stories are not repeated by the ranking; the next stories fill the room
    assert "d0001" not in auto and last not in auto
    assert auto == [p.doc.id for p in before if p.doc.id not in ("d0001", last)]
    res = write_daily_report(store, day=DAY, out_dir=tmp_path, formats=("docx",), locality="青溪市", now=NOW)
    assert [it.selected for it in res.report.items] == [p.selected for p in plan]
    assert res.item_count == MAX_ITEMS


def test_empty_day_and_bad_format(store, tmp_path):
    res = write_daily_report(store, day=date(2024, 6, 1), out_dir=tmp_path, formats=("docx",),
                             locality="青溪市", now=NOW)
    assert res.item_count == 0 and "本日无重要舆情" in _docx_text(res.paths[0])
    with pytest.raises(ValueError, match="odt"):
        write_daily_report(store, day=DAY, out_dir=tmp_path, formats=("odt",), locality="青溪市", now=NOW)
