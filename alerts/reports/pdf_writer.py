"""PDF reports: the DOCX a kind writes, converted by LibreOffice headless (Debian's
libreoffice-writer-nogui, see scripts/ci_office.sh). The PDF is what the DOCX prints as, so there is
one layout to maintain. Without LibreOffice the format is refused with a one-line Chinese reason
instead of a half-written file."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

CONVERT_TIMEOUT = 120  # seconds; a first start of LibreOffice builds its profile (a few seconds)


class FormatUnavailable(RuntimeError):
    """A report format this machine cannot write; str() is the reason for the user, in Chinese."""


def office_binary() -> str | None:
    """LibreOffice's `soffice`, or None when it is not installed (YQ_SOFFICE overrides the path)."""
    return os.environ.get("YQ_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return office_binary() is not None


UNAVAILABLE = "无法生成PDF：本机未安装LibreOffice（soffice），请安装libreoffice-writer-nogui或改用DOCX/HTML格式"


def docx_to_pdf(docx: Path, pdf: Path) -> None:
    """Convert `docx` to `pdf` with a throw-away LibreOffice profile (a shared one locks, and a
    running desktop instance would swallow the request)."""
    soffice = office_binary()
    if soffice is None:
        raise FormatUnavailable(UNAVAILABLE)
    fonts = files("alerts") / "templates" / "fonts.conf"  # 仿宋/小标宋 → fonts Debian ships
    with tempfile.TemporaryDirectory(prefix="yq-office-") as tmp:
        env = {**os.environ, "FONTCONFIG_FILE": str(fonts), "HOME": tmp}
        cmd = [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", tmp, str(docx)]
        done = subprocess.run(cmd, env=env, capture_output=True, timeout=CONVERT_TIMEOUT, check=False)
        made = Path(tmp) / f"{docx.stem}.pdf"
        if done.returncode != 0 or not made.exists():
            err = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[-300:]
            raise RuntimeError(f"LibreOffice could not convert {docx.name}: {err}")
        shutil.move(str(made), str(pdf))


def via_docx(write_docx: Callable[[object, Path], None]) -> Callable[[object, Path], None]:
    """A PDF writer for a report that `write_docx` renders."""

    def write_pdf(report, path: Path) -> None:
        if not pdf_available():  # before any work: the caller gets the reason, not a stray .docx
            raise FormatUnavailable(UNAVAILABLE)
        path = Path(path)
        with tempfile.TemporaryDirectory(prefix="yq-pdf-") as tmp:
            docx = Path(tmp) / f"{path.stem}.docx"
            write_docx(report, docx)
            docx_to_pdf(docx, path)

    return write_pdf
