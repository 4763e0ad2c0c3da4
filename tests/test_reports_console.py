"""The incident page issues its 专报 (a CSRF-checked POST) and downloads it (Starlette TestClient)."""
from __future__ import annotations

import io
from dataclasses import replace

import docx
import pytest

from alerts.reports.special import write_special_report
from test_console_api import _client, _token
from test_console_support import HOSTILE_TITLE, NAMES, build_env, thread_posts


@pytest.fixture
def env(tmp_path):
    env = build_env(tmp_path, [*thread_posts()])
    s = env.services

    def write_special(incident_id, fmt):
        return write_special_report(s.store, s.incidents, incident_id, out_dir=s.report_dir, formats=(fmt,),
                                    locality=s.locality, now=s.now(), source_names=NAMES)

    env.services = replace(s, write_special=write_special)
    return env


def _incident(env, doc_id="p100") -> int:
    event = env.services.reads.events_of_docs([doc_id])[doc_id]
    return env.services.incidents.open(HOSTILE_TITLE, actor="张三", event_id=event, severity="red").id


def _issue(c, iid, fmt):
    return c.post(f"/incidents/{iid}/special", data={"csrf": _token(c), "fmt": fmt}, follow_redirects=True)


def test_incident_page_issues_and_downloads_its_special_report(env):
    iid = _incident(env)
    c = _client(env)
    page = c.get(f"/incidents/{iid}").text
    assert f'action="/incidents/{iid}/special"' in page and 'name="fmt" value="docx"' in page
    # issuing allocates a number: never on a GET
    assert c.get(f"/incidents/{iid}/special").status_code == 405
    assert not list(env.services.report_dir.glob("专报-*"))

    r = _issue(c, iid, "docx")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    d = docx.Document(io.BytesIO(r.content))
    assert d.paragraphs[0].text == f"关于{HOSTILE_TITLE}的舆情专报" and d.paragraphs[1].text == "2024年 第1期"
    html = _issue(c, iid, "html").text
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "青溪吧" in html and "青溪新闻网" in html  # the story's two sites in the timeline
    assert "专报-2024-第1期-事件单1.docx" in c.get("/reports").text  # archived with the reports

    assert _issue(c, iid, "pdf").status_code == 400
    missing = _issue(c, 99, "docx")
    assert missing.status_code == 404 and "事件单 99 不存在" in missing.text
    no_csrf = c.post(f"/incidents/{iid}/special", data={"fmt": "docx"}, follow_redirects=False)
    assert no_csrf.status_code == 403


def test_without_a_special_writer_there_is_no_form(env):
    iid = _incident(env)
    env.services = replace(env.services, write_special=None)
    c = _client(env)
    assert "/special" not in c.get(f"/incidents/{iid}").text
    assert _issue(c, iid, "docx").status_code == 409
