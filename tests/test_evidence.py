"""First-sight capture with Debian's headless Chromium: posts graded 黄 or worse are fetched and
rendered once, the PNG is a real (non-blank) rendering whose SHA-256 verifies, the HTML is the exact
bytes served; `yqwatch evidence export` writes a ZIP whose manifest hashes match its files."""
from __future__ import annotations

import hashlib
import io
import json
import os
import textwrap
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import ROOT  # noqa: F401  (tests/ on sys.path)
from pipeline.config import now
from png_pixels import non_background, pixels
from storage.evidence import EvidenceStore, load_evidence_config
from storage.versions import PostVersions
from test_alerts_support import make_doc
from test_cli import yq
from test_crawl_support import Site, forum_sources, open_store, send, write_config

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE_PAGE = ("<html><head><meta charset='utf-8'><title>东湖区化工厂偷排</title>"
                "<script>document.body.innerHTML=''</script>"
                "<meta http-equiv='refresh' content='0;url=file:///etc/hostname'></head><body style='background:#fff'>"
                "<h1 style='color:#c00'>东湖区化工厂半夜偷排，河水发臭</h1>"
                "<img src='http://169.254.169.254/latest/meta-data/'>"
                "<p>青溪东湖区化工厂夜里偷排，河水发臭，附近居民不敢开窗。</p></body></html>")


@pytest.fixture
def browser():
    if not CHROMIUM.is_file():
        if os.environ.get("YQ_REQUIRE_BROWSER") == "1":
            pytest.fail(f"YQ_REQUIRE_BROWSER=1 but {CHROMIUM} is not installed")
        pytest.skip(f"{CHROMIUM} not installed (run scripts/ci_browser.sh)")


def _setup(tmp_path, site):
    cfg = write_config(tmp_path, forum_sources(site.url, source_id="qxbbs"), alerts_yaml="rules: []\n")
    (cfg / "evidence.yaml").write_text(textwrap.dedent("""\
        capture:
          min_grade: yellow
          workers: 2
          width: 800
          height: 600
        """), encoding="utf-8")
    store = open_store(cfg)
    page, at = f"{site.url}/thread-1-1-1.html", now()
    store.save_documents([
        make_doc(1, url=f"{page}#pid1", thread=page, severity="yellow", source="qxbbs", at=at),
        make_doc(2, url=f"{page}#pid2", thread=page, severity="blue", source="qxbbs", at=at),
        make_doc(3, url=f"{site.url}/thread-9-1-1.html", thread=f"{site.url}/thread-9-1-1.html",
                 severity="red", source="qxbbs", at=at),
        make_doc(4, url=f"{page}#pid4", thread=page, severity="red", source="qxbbs",
                 at=at - timedelta(days=3)),  # crawled before the look-back: not captured late
    ])
    return cfg, store, page


def test_capture_and_export(tmp_path, browser):
    with Site() as site:
        site.routes["/thread-1-1-1.html"] = lambda h: send(h, 200, HOSTILE_PAGE.encode(),
                                                            headers={"X-Served-By": "qingxi-1"})
        cfg, store, page = _setup(tmp_path, site)
        try:
            r = yq("evidence", "capture", "--config", str(cfg))
            assert r.returncode == 0, r.stderr
            assert json.loads(r.stdout) == {"pending": 2, "captured": 2, "failed": 0}  # not the blue post
            assert site.paths("/thread-1") == ["/thread-1-1-1.html"]  # the fragment is not fetched

            evidence = EvidenceStore(store.engine)
            cap = evidence.for_doc("d0001")
            assert cap is not None and cap.ok and evidence.for_doc("d0002") is None
            assert cap.url == page and cap.http_status == 200 and ("x-served-by", "qingxi-1") in cap.headers
            assert cap.html == HOSTILE_PAGE.encode()  # the exact bytes
            assert hashlib.sha256(cap.png).hexdigest() == cap.png_sha256
            assert hashlib.sha256(cap.html).hexdigest() == cap.html_sha256
            width, height, _ = pixels(cap.png)
            assert (width, height) == (800, 600)
            # scripts are off (the page script would have blanked it) and the refresh to a local
            # file went nowhere: the red headline is drawn
            assert non_background(cap.png) > 500
            assert any(px[0] > 150 and px[1] < 80 and px[2] < 80 for px in pixels(cap.png)[2])
            assert cap.fetched_at <= cap.rendered_at and "Chromium" in cap.renderer
            gone = evidence.for_doc("d0003")
            assert gone.http_status == 404  # recorded as it was: the page said 404

            again = yq("evidence", "capture", "--config", str(cfg))  # first sight only: once
            assert json.loads(again.stdout) == {"pending": 0, "captured": 0, "failed": 0}
            PostVersions(store.engine).gone("d0001", "HTTP 404", cap.rendered_at)
        finally:
            store.engine.dispose()

    out = tmp_path / "取证.zip"
    r = yq("evidence", "export", "d0001", "--out", str(out), "--config", str(cfg))
    assert r.returncode == 0, r.stderr
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as z:
        names = set(z.namelist())
        assert {"page.html", "page.png", "post.json", "manifest.json", "说明.txt"} <= names
        manifest = json.loads(z.read("manifest.json"))
        for name, digest in manifest["files"].items():
            assert hashlib.sha256(z.read(name)).hexdigest() == digest, name
        assert manifest["recorded"]["page.png"] == manifest["files"]["page.png"]
        assert manifest["recorded"]["page.html"] == manifest["files"]["page.html"]
        assert manifest["url"] == page and manifest["http_status"] == 200
        assert manifest["fetched_at"].endswith("+08:00")
        post = json.loads(z.read("post.json"))
        assert post["doc_id"] == "d0001" and [c["label"] for c in post["changes"]] == ["已删除"]
    r = yq("evidence", "export", "99", "--config", str(cfg))
    assert r.returncode == 2 and "没有编号为 99 的取证记录" in r.stderr


def test_evidence_config_file(tmp_path):
    from pipeline.config import ConfigError

    assert load_evidence_config(tmp_path).capture.min_grade == "yellow"
    (tmp_path / "evidence.yaml").write_text("capture:\n  min_grade: purple\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="evidence.yaml:2"):
        load_evidence_config(tmp_path)


def test_a_job_still_running_is_skipped():
    import threading

    from cli.evidence import _one_at_a_time

    started, release, runs = threading.Event(), threading.Event(), []

    def slow():
        runs.append(1)
        started.set()
        release.wait(10)

    job = _one_at_a_time(slow)
    t = threading.Thread(target=job)
    t.start()
    assert started.wait(10)
    job()  # the first run is still going: skipped, not queued
    release.set()
    t.join(10)
    job()
    assert len(runs) == 2
