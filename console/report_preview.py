"""Issued reports shown in the browser (预览), not only downloaded.

Reports quote crawled text, so a preview is served as a sandboxed document: CSP `sandbox` gives it
a unique origin with no scripts, forms or plugins, and `default-src 'none'` lets it load nothing
(no tracking pixels from crawled <img> tags, should a writer ever fail to escape one). HTML reports
are served as written; DOCX reports are read with python-docx and their paragraphs and tables
rendered as escaped HTML."""
from __future__ import annotations

from pathlib import Path

from docx import Document as DocxDocument
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse

PREVIEW_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_STYLE = ("body{font:15px/1.8 'Noto Sans CJK SC','Microsoft YaHei',sans-serif;max-width:900px;"
          "margin:20px auto;padding:0 16px;color:#222}table{border-collapse:collapse;margin:8px 0}"
          "td{border:1px solid #bbb;padding:4px 8px;vertical-align:top}p{margin:4px 0}"
          ".note{color:#666;font-size:12px;border-bottom:1px solid #ddd;padding-bottom:6px}")


def _docx_html(path: Path) -> str:
    doc = DocxDocument(str(path))
    parts = [Markup("<p class=\"note\">Word 文档预览（仅文字与表格，版式以下载的文件为准）</p>")]
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(node.text or "" for node in block.iter() if node.tag.endswith("}t"))
            parts.append(Markup("<p>{}</p>").format(text))
        elif tag == "tbl":
            rows = []
            for tr in block.iter():
                if not tr.tag.endswith("}tr"):
                    continue
                cells = ["".join(n.text or "" for n in tc.iter() if n.tag.endswith("}t"))
                         for tc in tr if tc.tag.endswith("}tc")]
                rows.append(Markup("<tr>{}</tr>").format(
                    Markup("").join(Markup("<td>{}</td>").format(c) for c in cells)))
            parts.append(Markup("<table>{}</table>").format(Markup("").join(rows)))
    body = Markup("").join(parts)
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(path.name)}</title>'
            f"<style>{_STYLE}</style></head><body>{body}</body></html>")


def preview_response(path: Path) -> HTMLResponse:
    """`path` (a regular file inside report_dir, .html or .docx) as a sandboxed page."""
    if path.suffix.lower() == ".docx":
        html = _docx_html(path)
    else:
        html = path.read_text(encoding="utf-8", errors="replace")
    return HTMLResponse(html, headers={"Content-Security-Policy": PREVIEW_CSP,
                                       "Content-Disposition": "inline"})
