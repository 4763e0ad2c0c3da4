"""`yqwatch doctor` against real local servers: an SMTP server (aiosmtpd), an HTTP site and a
webhook receiver on 127.0.0.1, and a port nobody listens on."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cli.doctor import check_channel, run_checks
from conftest import ROOT, free_port
from test_alerts_support import HttpReceiver, SmtpServer
from watch_config import load_config


class Site:
    """A real HTTP server answering every GET with a small page; counts the requests."""

    def __enter__(self):
        outer = self
        self.paths = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.paths.append(self.path)
                body = "<html><body>青溪论坛</body></html>".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_port
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def servers():
    smtp_port = free_port()
    with SmtpServer(smtp_port) as smtp, HttpReceiver() as hook, Site() as site:
        yield smtp, smtp_port, hook, site


def write_config(d, smtp_port, hook_url, site_port, dead_port, *, broken: bool = True):
    d.mkdir(exist_ok=True)
    (d / "topics.yaml").write_text((ROOT / "config" / "topics.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (d / "watch.yaml").write_text(textwrap.dedent("""\
        locality: 青溪市
        storage:
          database_url: sqlite:///../var/yq.db
          index_path: ../var/index.sqlite
        reports:
          out_dir: ../var/reports
        """), encoding="utf-8")
    sources = ("sources:\n"
               f"  - {{id: live, name: 青溪论坛, kind: forum, urls: ['http://127.0.0.1:{site_port}/forum-2-1.html']}}\n")
    if broken:
        sources += f"  - {{id: dead, name: 已关闭的站点, kind: news, urls: ['http://127.0.0.1:{dead_port}/list.html']}}\n"
    (d / "sources.yaml").write_text(sources, encoding="utf-8")
    hook2 = "  gateway: {type: webhook, url_env: YQ_TEST_DOCTOR_UNSET_URL}\n" if broken else ""
    (d / "alerts.yaml").write_text(textwrap.dedent(f"""\
        channels:
          mail:
            type: email
            host: 127.0.0.1
            port: {smtp_port}
            sender: yq@example.cn
            recipients: [lead@example.cn]
          hook:
            type: webhook
            url: {hook_url}/alerts
        """) + hook2 + textwrap.dedent("""\
        rules:
          - id: r
            name: R
            type: new_hit
            channels: [mail]
        """), encoding="utf-8")
    return d


def lines(cfg, env=None) -> dict[str, str]:
    return {c.name: c.line() for c in run_checks(cfg, env or {})}


def test_doctor_names_what_is_red_and_sends_nothing(tmp_path, servers):
    smtp, smtp_port, hook, site = servers
    cfg_dir = write_config(tmp_path / "config", smtp_port, hook.url, site.port, free_port())
    cfg = load_config(cfg_dir)
    got = lines(cfg)
    assert got["数据库"].startswith("✗") and "不存在" in got["数据库"]  # never started: nothing created
    assert got["检索索引"].startswith("✗") and "init-index" in got["检索索引"]
    assert not (tmp_path / "var" / "yq.db").exists()  # doctor writes nothing
    assert got["预警渠道 mail"].startswith("✓") and "SMTP" in got["预警渠道 mail"]
    assert got["预警渠道 hook"].startswith("✓") and f"127.0.0.1:{hook.server.server_port}" in got["预警渠道 hook"]
    assert got["预警渠道 gateway"].startswith("✗") and "YQ_TEST_DOCTOR_UNSET_URL" in got["预警渠道 gateway"]
    assert got["信息源 青溪论坛"].startswith("✓") and "HTTP 200" in got["信息源 青溪论坛"]
    assert got["信息源 已关闭的站点"].startswith("✗") and "无法访问" in got["信息源 已关闭的站点"]
    assert got["磁盘空间"].startswith("✓") and got["时钟"].startswith("✓")
    assert "北京时间" in got["时钟"]
    assert smtp.messages == [] and hook.requests == []  # dry runs: nothing delivered
    assert site.paths == ["/forum-2-1.html"]


def test_doctor_is_green_on_a_started_installation(tmp_path, servers):
    from storage.factory import create_schema, open_index, open_store

    smtp, smtp_port, hook, site = servers
    cfg_dir = write_config(tmp_path / "config", smtp_port, hook.url, site.port, free_port(), broken=False)
    cfg = load_config(cfg_dir)
    store = open_store(cfg.storage)
    create_schema(store.engine)
    store.engine.dispose()
    index = open_index(cfg.storage)
    index.ensure()
    index.close()
    r = subprocess.run([sys.executable, "-m", "scheduler", "doctor", "--config", str(cfg_dir)],
                       capture_output=True, text=True, cwd=ROOT, timeout=180)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout.splitlines()
    assert all(line.startswith("✓ ") for line in out), r.stdout
    assert [x.split(":")[0] for x in out] == ["✓ 配置", "✓ 数据库", "✓ 检索索引", "✓ 预警渠道 mail",
                                              "✓ 预警渠道 hook", "✓ 信息源 青溪论坛", "✓ 磁盘空间", "✓ 时钟"]
    assert "表结构为最新" in out[1]
    # the same installation, a disk threshold it cannot meet: red, exit 1
    r = subprocess.run([sys.executable, "-m", "scheduler", "doctor", "--config", str(cfg_dir),
                        "--min-free-gb", "1e9"], capture_output=True, text=True, cwd=ROOT, timeout=180)
    assert r.returncode == 1 and "✗ 磁盘空间" in r.stdout and "1 项异常" in r.stderr


def test_doctor_reports_a_broken_config_and_exits_1(tmp_path):
    d = tmp_path / "config"
    d.mkdir()
    (d / "watch.yaml").write_text("locality: 青溪市\nrules_every: soon\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "scheduler", "doctor", "--config", str(d)],
                       capture_output=True, text=True, cwd=ROOT, timeout=180)
    assert r.returncode == 1
    assert r.stdout.startswith("✗ 配置: ") and "watch.yaml" in r.stdout


def test_a_dead_smtp_port_and_an_unresolvable_host_are_red():
    from alerts.config import AlertsConfig

    cfg = AlertsConfig.model_validate({
        "channels": {"mail": {"type": "email", "host": "127.0.0.1", "port": free_port(),
                              "sender": "a@b.cn", "recipients": ["c@d.cn"]},
                     "hook": {"type": "webhook", "url": "http://no-such-host.invalid/x"}},
        "rules": [{"id": "r", "name": "R", "type": "new_hit", "channels": ["mail"]}]})
    mail = check_channel("mail", cfg.channels["mail"], {})
    assert not mail.ok and "无法连接" in mail.message
    hook = check_channel("hook", cfg.channels["hook"], {})
    assert not hook.ok and "无法解析" in hook.message
