"""The incident page links its 专报; the link downloads a fresh DOCX or HTML (Starlette TestClient)."""
from __future__ import annotations

import io
import warnings
from dataclasses import replace

import docx
import pytest

from alerts.reports.special import write_special_report
from console.app import create_app
from console.queries import events_of_docs
from test_console_support import HOSTILE_TITLE, NAMES, build_env, thread_posts

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient


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
    event = events_of_docs(env.services.store.engine, [doc_id])[doc_id]
    return env.services.incidents.open(HOSTILE_TITLE, actor="张三", event_id=event, severity="red").id


def test_incident_page_links_and_downloads_its_special_report(env):
    iid = _incident(env)
    c = TestClient(create_app(env.services), base_url="http://127.0.0.1:8080")
    page = c.get(f"/incidents/{iid}").text
    assert f'href="/incidents/{iid}/special.docx"' in page and f'href="/incidents/{iid}/special.html"' in page

    r = c.get(f"/incidents/{iid}/special.docx")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    d = docx.Document(io.BytesIO(r.content))
    assert d.paragraphs[0].text == f"关于{HOSTILE_TITLE}的舆情专报" and d.paragraphs[1].text == "2024年 第1期"
    html = c.get(f"/incidents/{iid}/special.html").text
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "青溪吧" in html and "青溪新闻网" in html  # the story's two sites in the timeline
    assert "专报-2024-第1期-事件单1.docx" in c.get("/reports").text  # archived with the reports

    assert c.get(f"/incidents/{iid}/special.pdf").status_code == 404
    missing = c.get("/incidents/99/special.docx")
    assert missing.status_code == 404 and "事件单 99 不存在" in missing.text


def test_without_a_special_writer_there_is_no_link(env):
    iid = _incident(env)
    c = TestClient(create_app(replace(env.services, write_special=None)), base_url="http://127.0.0.1:8080")
    assert "special.docx" not in c.get(f"/incidents/{iid}").text
    assert c.get(f"/incidents/{iid}/special.docx").status_code == 409
