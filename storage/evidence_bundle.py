"""The evidence bundle an office files (`yqwatch evidence export`, the console's 下载取证包): a ZIP
with the page exactly as fetched, its rendering, the post as stored (and any later versions) and a
manifest of SHA-256 hashes and times, so anyone can check the files against the manifest."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime

from pipeline.types import Document

from .evidence import Capture, sha256
from .versions import PostChange, PostVersion

README = """取证包说明
page.html  首次发现时抓取的原始网页（逐字节保存，未作任何改动）
page.png   由 Chromium 无头浏览器根据上述网页字节渲染的截图
post.json  系统入库的帖子内容；如帖子后来被删除或修改，versions 与 changes 中有记录
manifest.json  各文件的 SHA-256 摘要、抓取时间、网址与 HTTP 响应头
核对方法：sha256sum page.html page.png post.json，与 manifest.json 中的 files 一致即未被改动。
时间均为北京时间。
"""


def _t(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def build_bundle(capture: Capture, doc: Document | None, *, versions: list[PostVersion] = (),
                 changes: list[PostChange] = (), exported_at: datetime) -> bytes:
    post = {
        "doc_id": capture.doc_id,
        "source_id": doc.source_id if doc else None, "url": doc.url if doc else capture.url,
        "title": doc.title if doc else None, "author": doc.author if doc else None,
        "published_at": _t(doc.published_at) if doc else None, "crawled_at": _t(doc.fetched_at) if doc else None,
        "text": doc.text if doc else None, "severity": doc.severity if doc else None,
        "versions": [{"version": v.version, "seen_at": _t(v.seen_at), "sha256": v.text_sha256,
                      "title": v.title, "text": v.text} for v in versions],
        "changes": [{"kind": c.kind, "label": c.label, "detected_at": _t(c.detected_at), "reason": c.reason,
                     "version": c.version, "diff": c.diff} for c in changes],
    }
    files: dict[str, bytes] = {"post.json": json.dumps(post, ensure_ascii=False, indent=2).encode("utf-8")}
    if capture.html is not None:
        files["page.html"] = capture.html
    if capture.png is not None:
        files["page.png"] = capture.png
    manifest = {
        "capture_id": capture.id, "doc_id": capture.doc_id, "url": capture.url,
        "fetched_at": _t(capture.fetched_at), "http_status": capture.http_status,
        "http_headers": [list(h) for h in capture.headers], "rendered_at": _t(capture.rendered_at),
        "renderer": capture.renderer, "error": capture.error,
        # the hashes recorded at capture time: a mismatch with `files` means the store was altered
        "recorded": {"page.html": capture.html_sha256, "page.png": capture.png_sha256},
        "files": {name: sha256(data) for name, data in files.items()},
        "exported_at": _t(exported_at),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
        z.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        z.writestr("说明.txt", README)
    return buf.getvalue()
