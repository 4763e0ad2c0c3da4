"""The console shows 删帖/改帖 and first-sight captures: badges on the post card, the event's change
timeline, the capture PNG and the evidence ZIP served with their hashes."""
from __future__ import annotations

import hashlib
import io
import json
import warnings
import zipfile
from datetime import timedelta

import pytest

from console.app import create_app
from storage.evidence import EvidenceStore
from storage.versions import PostVersions
from test_console_support import NOW, build_env

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

PNG = b"\x89PNG\r\n\x1a\n" + b"not decoded by the console" * 10


@pytest.fixture
def env(tmp_path):
    env = build_env(tmp_path)
    engine = env.services.store.engine
    versions = PostVersions(engine)
    at = NOW + timedelta(minutes=1)
    versions.gone("p002", "删帖提示页（该帖已被删除）", at)
    versions.seen("p004", "临江县道路施工影响出行", "施工已经结束了", at)
    EvidenceStore(engine).save("p002", "https://bbs.example.cn/t/2", fetched_at=NOW - timedelta(minutes=80),
                               http_status=200, headers=[("content-type", "text/html")],
                               html="<html>青溪化工厂</html>".encode(), png=PNG, rendered_at=NOW,
                               renderer="Chromium test")
    return env


def _client(env) -> TestClient:
    return TestClient(create_app(env.services), base_url="http://127.0.0.1:8080")


def _card(html: str, doc_id: str) -> str:
    start = html.index(f'data-id="{doc_id}"')
    return html[start:html.find("</article>", start)]


def test_feed_badges_and_capture_links(env):
    c = _client(env)
    html = c.get("/").text
    red, road, park = _card(html, "p002"), _card(html, "p004"), _card(html, "p001")
    assert 'class="change-badge deleted"' in red and "已删除" in red and "该帖已被删除" in red
    assert "已编辑" in road and "已删除" not in road
    assert "已删除" not in park and "已编辑" not in park and "取证" not in park
    capture = EvidenceStore(env.services.store.engine).for_doc("p002")
    assert f'href="/evidence/{capture.id}/png"' in red and f'href="/evidence/{capture.id}/bundle"' in red
    cards = {x["id"]: x for x in c.get("/api/feed").json()["items"]}
    assert (cards["p002"]["deleted"], cards["p002"]["capture"]) == (1, capture.id)
    assert (cards["p004"]["edited"], cards["p004"]["capture"]) == (1, None)


def test_capture_downloads(env):
    c = _client(env)
    capture = EvidenceStore(env.services.store.engine).for_doc("p002")
    png = c.get(f"/evidence/{capture.id}/png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png" and png.content == PNG
    assert png.headers["x-content-sha256"] == hashlib.sha256(PNG).hexdigest()
    bundle = c.get(f"/evidence/{capture.id}/bundle")
    assert bundle.status_code == 200 and bundle.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as z:
        manifest = json.loads(z.read("manifest.json"))
        assert manifest["files"]["page.png"] == hashlib.sha256(PNG).hexdigest() == manifest["recorded"]["page.png"]
        assert json.loads(z.read("post.json"))["changes"][0]["label"] == "已删除"
    assert c.get("/evidence/999/png").status_code == 404
    assert "没有这条取证记录" in c.get("/evidence/999/bundle").text


def test_event_timeline_lists_the_deletion(env):
    html = _client(env).get("/events").text
    event = env.services.reads.events_of_docs(["p002"])["p002"]
    row = html[html.index(f'id="event-{event}"'):]
    row = row[:row.index("</tr>")]
    assert "event-changes" in row and "已删除" in row and "删帖提示页（该帖已被删除）" in row
    assert env.services.reads.events_by_id([event])[event].first_doc_id == "p002"
    capture = EvidenceStore(env.services.store.engine).for_doc("p002")  # its first post's capture
    assert f'href="/evidence/{capture.id}/png"' in row and "首发取证截图" in row


def test_ledger_download(env):
    import openpyxl

    from alerts.types import IncidentState as S

    book = env.services.incidents
    iid = book.open("=化工厂偷排", actor="值班员", severity="red").id
    book.transition(iid, S.assessed, actor="科长")
    book.transition(iid, S.handling, actor="科长", department="生态环境局", note="已转办")
    c = _client(env)
    assert 'action="/ledger"' in c.get("/incidents").text
    day = env.services.now().date().isoformat()
    r = c.get(f"/ledger?since={day}&until={day}")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    rows = list(wb["台账"].iter_rows(values_only=True))
    assert [row[2] for row in rows[1:] if row[12] == iid] == ["=化工厂偷排"]
    assert wb["部门统计"]["A2"].value == "生态环境局"
    r = c.get(f"/ledger?since={day}&until={day}&format=csv")
    assert r.status_code == 200 and "'=化工厂偷排" in r.content.decode("utf-8-sig")
    assert c.get("/ledger?since=2024-13-01").status_code == 400
    assert c.get(f"/ledger?since={day}&until=2020-01-01").status_code == 400
    assert c.get("/ledger?format=pdf").status_code == 400
