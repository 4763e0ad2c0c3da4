"""`yqwatch run --demo` (what `make run` starts) shows the whole chain: posts crawled, an alert
e-mail and today's 摘报 e-mail caught by the demo mail catcher, and a report path — as a real
subprocess."""
from __future__ import annotations

import email
import email.policy
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, free_port

pytestmark = pytest.mark.e2e


def _posts_shown(out) -> int:
    """The post count of the watch's latest status line (0 before the first)."""
    counts = re.findall(r"帖子 (\d+)", out.read_text(encoding="utf-8")) if out.exists() else []
    return int(counts[-1]) if counts else 0


def _subjects(tmp_path) -> list[str]:
    return [str(email.message_from_bytes(m.read_bytes(), policy=email.policy.default)["Subject"])
            for m in sorted((tmp_path / "var" / "demo-mail").glob("*.eml"))]


def test_run_demo_shows_the_chain(tmp_path):
    demo_port, mail_port = free_port(), free_port()
    cfg = tmp_path / "config"
    shutil.copytree(ROOT / "config", cfg, ignore=shutil.ignore_patterns("examples"))
    (cfg / "sources.yaml").write_text((cfg / "sources.yaml").read_text(encoding="utf-8")
                                      .replace(":8765", f":{demo_port}"), encoding="utf-8")
    (cfg / "alerts.yaml").write_text((cfg / "alerts.yaml").read_text(encoding="utf-8")
                                     .replace("port: 8025", f"port: {mail_port}"), encoding="utf-8")
    watch = (cfg / "watch.yaml").read_text(encoding="utf-8").replace("port: 8080", "port: 0")
    (cfg / "watch.yaml").write_text(watch, encoding="utf-8")
    # Runs until the chain is complete (an alert e-mail caught, today's 摘报 written and e-mailed;
    # about a minute), then is stopped as Ctrl-C/systemd would: a loaded machine only makes it slower.
    with (tmp_path / "run.out").open("w") as out_f, (tmp_path / "run.err").open("w") as err_f:
        w = subprocess.Popen([sys.executable, "-m", "scheduler", "run", "--demo", "--config", str(cfg),
                              "--demo-port", str(demo_port), "--mail-port", str(mail_port),
                              "--status-every", "5"], stdout=out_f, stderr=err_f)
        try:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and w.poll() is None:
                if len(_subjects(tmp_path)) >= 2 and \
                        any("摘报" in s for s in _subjects(tmp_path)) and \
                        list((tmp_path / "var" / "reports").glob("摘报-*-第1期.html")) and \
                        _posts_shown(tmp_path / "run.out") > 100:
                    break
                time.sleep(0.5)
            time.sleep(2)  # the rules run that sent the mail records it
            w.send_signal(signal.SIGTERM)
            code = w.wait(timeout=120)
        finally:
            if w.poll() is None:
                w.kill()
                w.wait()
    out = (tmp_path / "run.out").read_text(encoding="utf-8")
    assert code == 0, (tmp_path / "run.err").read_text(encoding="utf-8")[-2000:]
    assert f"http://127.0.0.1:{demo_port}/bbs/" in out and "值班控制台: http://127.0.0.1:" in out
    subjects = _subjects(tmp_path)
    # The incident, once; today's 摘报, once, through the report delivery queue like the scheduled
    # issue. A shift handover (08:00/20:00) is the only other mail the run may send, should it
    # cross one of those times.
    alerts = [s for s in subjects if "舆情预警" in s]
    assert len(alerts) == 1, (subjects, out)
    daily = [s for s in subjects if "重要舆情摘报" in s]
    assert len(daily) == 1 and "第1期" in daily[0], subjects
    assert all("交接班" in s for s in subjects if s not in alerts + daily), subjects
    assert "演示邮箱收到邮件: 【舆情预警" in out and "演示邮箱收到邮件: 《重要舆情摘报》" in out
    assert out.strip().splitlines()[-1] == "yqwatch 已停止"
    final = [line for line in out.splitlines() if "已发预警" in line][-1]
    posts, relevant, alerts = (int(x) for x in re.search(r"帖子 (\d+) · 相关 (\d+) · 已发预警 (\d+)", final).groups())
    assert posts > 100 and 0 < relevant < posts and alerts == 1
    reports = list((tmp_path / "var" / "reports").glob("摘报-*-第1期.*"))
    assert {p.suffix for p in reports} == {".docx", ".html"}
    assert str(reports[0].parent) in final
    assert "· 邮件 《重要舆情摘报》" in final and "第1期 已发送 → leader@qingxi.example.cn" in final
