"""专报 on an incident: title and numbering, first post (溯源), spread timeline, representative
posts, audit steps, department response; DOCX and HTML, crawled and typed text escaped."""
from __future__ import annotations

from datetime import datetime

import docx
import pytest

from alerts.incidents import IncidentBook, IncidentError
from alerts.reports.special import write_special_report
from alerts.types import IncidentState as S
from reports_support import FIRST_AUTHOR, FIRST_TITLE, FIRST_URL, NAMES, handled_incident, story_store
from test_alerts_support import SH, Clock

NOON = datetime(2024, 5, 6, 12, 0, tzinfo=SH)


def _docx(path):
    d = docx.Document(str(path))
    paras = [p.text for p in d.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]
    return paras, tables


@pytest.fixture
def setup(tmp_path):
    clock = Clock(NOON)
    store = story_store(tmp_path, clock)
    book = IncidentBook(store.engine, now=clock)
    return store, book, clock, handled_incident(store, clock)


def _write(setup, tmp_path, incident_id=None, formats=("docx", "html")):
    store, book, clock, iid = setup
    return write_special_report(store, book, incident_id or iid, out_dir=tmp_path / "out", formats=formats,
                                locality="青溪市", now=clock(), source_names=NAMES)


def test_docx_content(setup, tmp_path):
    res = _write(setup, tmp_path)
    assert (res.issue_no, res.year, res.post_count) == (1, 2024, 5)  # the unrelated post is not in it
    assert [p.name for p in res.paths] == ["专报-2024-第1期-事件单1.docx", "专报-2024-第1期-事件单1.html"]
    paras, tables = _docx(res.paths[0])
    text = "\n".join(paras)
    assert paras[0] == "关于东湖区化工厂偷排<script>x</script>的舆情专报"  # DOCX runs are plain text
    assert paras[1] == "2024年 第1期"
    # summary: first post and its source, spread, grade, stage, department
    assert (f"2024-05-06 09:10，青溪论坛网民“{FIRST_AUTHOR}”发布《{FIRST_TITLE}》" in text
            and "监测到相关信息5条，涉及3个信源（青溪论坛、青溪新闻网、青溪吧），其中负面4条" in text
            and "当前处置阶段为“处置”，责任部门：生态环境局" in text)
    first = dict(tables[0])
    assert first["来源"] == "青溪论坛" and first["作者"] == FIRST_AUTHOR and first["链接"] == FIRST_URL
    assert first["时间"] == "2024-05-06 09:10"
    timeline = tables[1]
    assert timeline[0] == ["时段", "青溪论坛", "青溪新闻网", "青溪吧", "合计"]
    assert timeline[1:] == [["05-06 09:00", "3", "0", "0", "3"], ["05-06 10:00", "0", "0", "1", "1"],
                            ["05-06 11:00", "0", "1", "0", "1"]]
    # representative posts: one per thread, the first post not repeated, worst grade first
    links = [dict(t)["链接"] for t in tables[2:5]]
    assert links == ["https://bbs.example.cn/thread-7-1-1.html#pid2", "https://tieba.example.cn/p/9",
                     "https://news.example.cn/a/5.html"]
    assert "帖子倾向：负面4条；中性1条。" in text and "帖子等级：红色1条；橙色2条；黄色1条；蓝色1条。" in text
    steps = tables[5]
    assert steps[0] == ["时间", "操作人", "阶段", "说明"]
    assert [r[1:3] for r in steps[1:]] == [["值班员甲", "发现"], ["科长乙", "发现 → 研判"], ["科长乙", "研判 → 处置"]]
    assert steps[2][0] == "2024-05-06 12:15" and steps[3][3] == "已转生态环境局核查"
    response = dict(tables[6])
    assert response == {"责任部门": "生态环境局", "发现至研判": "15分钟", "发现至处置": "1小时",
                        "该部门累计": "承办事件单1件，已办结0件，平均60分钟转入处置"}


def test_html_escapes_crawled_and_typed_text(setup, tmp_path):
    res = _write(setup, tmp_path, formats=("html",))
    html = res.paths[0].read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>河边人" not in html and "&lt;b&gt;河边人&lt;/b&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert f'<a href="{FIRST_URL}">' in html and "关于东湖区化工厂偷排&lt;script&gt;x&lt;/script&gt;的舆情专报" in html
    assert html.count("<tr><td>05-06 ") == 3


def test_numbering_per_incident_and_year(setup, tmp_path):
    store, book, clock, iid = setup
    assert _write(setup, tmp_path, iid, ("html",)).issue_no == 1
    other = book.open("临江县道路施工", actor="值班员甲")
    assert _write(setup, tmp_path, other.id, ("html",)).issue_no == 2
    book.transition(iid, S.closed, actor="科长乙", note="已办结")
    again = _write(setup, tmp_path, iid, ("docx",))
    assert again.issue_no == 1  # a re-issue keeps the incident's number
    assert dict(_docx(again.paths[0])[1][6])["发现至办结"] == "1小时"
    clock.t = datetime(2025, 1, 2, 9, 0, tzinfo=SH)
    third = book.open("新年第一件", actor="值班员甲")
    assert _write(setup, tmp_path, third.id, ("html",)).issue_no == 1


def test_incident_without_posts_and_unknown_incident(setup, tmp_path):
    store, book, clock, _ = setup
    bare = book.open("电话反映的情况", actor="值班员甲")
    res = _write(setup, tmp_path, bare.id, ("docx",))
    paras, tables = _docx(res.paths[0])
    text = "\n".join(paras)
    assert res.post_count == 0 and "未关联监测到的帖子" in text and "暂无传播数据" in text
    assert dict(tables[-1])["责任部门"] == "未指派"
    with pytest.raises(IncidentError, match="事件单 99 不存在"):
        _write(setup, tmp_path, 99)
    with pytest.raises(ValueError, match="pdf"):
        _write(setup, tmp_path, bare.id, ("pdf",))


def test_first_poster_is_the_opener_when_a_reply_shares_its_minute(tmp_path):
    """Issue 17: floor 26 shared floor 1's minute timestamp and sorted first by id, so the 专报
    named its author as the first poster. The reply is stored (and grouped) before the opener."""
    from dataclasses import replace

    from sqlalchemy.orm import Session

    from alerts.config import AlertsConfig
    from alerts.engine import AlertEngine
    from alerts.models import AlertEventRow
    from reports_support import STORY_AT, THREAD, event_of
    from test_alerts_support import make_doc, make_store

    clock = Clock(NOON)
    store = make_store(tmp_path)
    opener = replace(make_doc(1, at=STORY_AT, title=FIRST_TITLE, thread=THREAD, url=FIRST_URL),
                     author=FIRST_AUTHOR)
    reply = replace(make_doc(26, at=STORY_AT, thread=THREAD, title="回复：东湖区化工厂偷排"),
                    id="a-reply-26", author="跟帖人")
    assert reply.id < opener.id  # the old tie-break (time, id) chose the reply
    store.save_documents([reply, opener])
    AlertEngine(store, AlertsConfig(), {}, now=clock, source_names=NAMES).run_once()
    event_id = event_of(store, opener.id)
    assert event_of(store, reply.id) == event_id
    with Session(store.engine) as s:
        ref = s.get(AlertEventRow, event_id).ref
    assert (ref["first_doc_id"], ref["first_floor"]) == (opener.id, 1)

    book = IncidentBook(store.engine, now=clock)
    iid = book.open("东湖区化工厂偷排", actor="值班员甲", event_id=event_id).id
    res = write_special_report(store, book, iid, out_dir=tmp_path / "out", formats=("docx",),
                               locality="青溪市", now=clock(), source_names=NAMES)
    assert res.report.first_post.author == FIRST_AUTHOR
    paras, tables = _docx(res.paths[0])
    assert f"青溪论坛网民“{FIRST_AUTHOR}”发布《{FIRST_TITLE}》" in "\n".join(paras)
    assert dict(tables[0])["作者"] == FIRST_AUTHOR
