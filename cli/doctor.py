"""`yqwatch doctor`: is this installation able to watch? One line per check, ✓ or ✗ with a Chinese
reason, exit 1 when anything is red. Nothing is sent and nothing is written:

- config: every file validated (as check-config);
- database: connect, and the schema at the newest migration (the watch upgrades it on start);
- index: the search index answers a count;
- each enabled alert channel: its secrets (env vars) are set, the host resolves and accepts a TCP
  connection; an SMTP server must greet (and take the login, when configured) — then QUIT, no mail;
- each enabled source: one GET of its first configured URL (short timeout, no redirects followed,
  so nothing but the configured host:port is contacted — the crawler's address rule for start URLs);
- disk space where the database, index and reports live;
- clock: the Beijing time and the host's time zone (display only; the watch always uses Beijing time)."""
from __future__ import annotations

import shutil
import smtplib
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx

from pipeline.config import TZ, ConfigError

OK, BAD = "✓", "✗"
NET_TIMEOUT = 5.0  # seconds per connection attempt
SOURCE_PROBES = 8  # sources checked at once
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Check:
    ok: bool
    name: str
    message: str

    def line(self) -> str:
        return f"{OK if self.ok else BAD} {self.name}: {self.message}"


def _first_line(e: BaseException) -> str:
    text = (str(e).strip().splitlines() or [""])[0][:200]
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


# --- database and index --------------------------------------------------------------------------

def check_database(database_url: str) -> Check:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from storage.factory import make_engine
    from storage.migrate import current_revisions, head_revisions

    url = make_url(database_url)
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        return Check(False, "数据库", f"{url.database} 不存在（首次 yqwatch run 会创建）")
    engine = make_engine(database_url)
    try:
        with engine.connect() as c:
            c.execute(text("SELECT 1"))
        current, head = current_revisions(engine), head_revisions()
    except Exception as e:
        return Check(False, "数据库", f"无法连接 {shown}: {_first_line(e)}")
    finally:
        engine.dispose()
    if current != head:
        have = ", ".join(sorted(current)) or "空库"
        return Check(False, "数据库", f"表结构版本 {have}，最新为 {', '.join(sorted(head))}（启动 yqwatch run 会自动升级）")
    return Check(True, "数据库", f"{shown} 可连接，表结构为最新 ({', '.join(sorted(head))})")


def check_index(storage) -> Check:
    from storage.factory import open_index
    from storage.types import SearchQuery

    if storage.search_backend == "embedded" and not Path(storage.index_path).exists():
        return Check(False, "检索索引", f"{storage.index_path} 不存在（运行 yqwatch init-index 创建）")
    where = storage.index_path if storage.search_backend == "embedded" else storage.elasticsearch.url
    index = open_index(storage)
    try:
        n = index.count(SearchQuery(limit=1))
    except Exception as e:
        return Check(False, "检索索引", f"{where} 不可用: {_first_line(e)}")
    finally:
        index.close()
    return Check(True, "检索索引", f"{where} 可用（{n} 条）")


# --- alert channels ------------------------------------------------------------------------------

def _env_names(channel) -> list[str]:
    """Every env var a channel config names (`*_env` fields, and `headers_env`-style maps), so a
    channel type added later is covered without a change here."""
    names = []
    for field, value in channel:
        if not field.endswith("_env") or value is None:
            continue
        names.extend(value.values() if isinstance(value, dict) else [value])
    return [n for n in names if isinstance(n, str)]


def _endpoint(channel, env: Mapping[str, str]) -> tuple[str, int] | None:
    """(host, port) a channel connects to; None when it has no network endpoint we know of."""
    host, port = getattr(channel, "host", None), getattr(channel, "port", None)
    if isinstance(host, str) and isinstance(port, int):
        return host, port
    url = getattr(channel, "url", None)
    if url is None and getattr(channel, "url_env", None):
        url = env.get(channel.url_env)
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.hostname:
        return None
    return parts.hostname, parts.port or _DEFAULT_PORTS.get(parts.scheme, 443)


def _tcp(host: str, port: int) -> None:
    socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)  # a DNS failure reads as such
    socket.create_connection((host, port), timeout=NET_TIMEOUT).close()


def _smtp(channel, env: Mapping[str, str]) -> str:
    """Greeting (and login) only, then QUIT: nothing is sent."""
    cls = smtplib.SMTP_SSL if getattr(channel, "ssl", False) else smtplib.SMTP
    with cls(channel.host, channel.port, timeout=NET_TIMEOUT) as smtp:
        smtp.ehlo()
        if getattr(channel, "starttls", False):
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if getattr(channel, "username_env", None):
            smtp.login(env[channel.username_env], env[channel.password_env])
            return "SMTP 服务器应答正常，登录成功"
        smtp.noop()
    return "SMTP 服务器应答正常"


def check_channel(name: str, channel, env: Mapping[str, str]) -> Check:
    label = f"预警渠道 {name}"
    missing = [n for n in _env_names(channel) if not env.get(n)]
    if missing:
        return Check(False, label, f"环境变量未设置: {', '.join(missing)}")
    where = _endpoint(channel, env)
    if where is None:
        return Check(True, label, "密钥已就绪（无网络地址可检查）")
    host, port = where
    try:
        if getattr(channel, "type", "") == "email":
            return Check(True, label, f"{host}:{port} {_smtp(channel, env)}")
        _tcp(host, port)
    except socket.gaierror as e:
        return Check(False, label, f"域名 {host} 无法解析: {_first_line(e)}")
    except smtplib.SMTPAuthenticationError:
        return Check(False, label, f"{host}:{port} 登录失败（检查用户名、密码环境变量）")
    except (OSError, smtplib.SMTPException) as e:
        return Check(False, label, f"无法连接 {host}:{port}: {_first_line(e)}")
    return Check(True, label, f"{host}:{port} 可连接（未发送消息）")


# --- sources -------------------------------------------------------------------------------------

def source_url(source) -> str | None:
    """The first URL the crawler would fetch (sources.yaml `urls`, else a 贴吧's list page)."""
    extra = source.model_extra or {}
    urls = extra.get("urls") or []
    if urls:
        return str(urls[0])
    if extra.get("kind") == "tieba" and extra.get("kw"):
        base = str(extra.get("base_url") or "https://tieba.baidu.com").rstrip("/")
        return f"{base}/f?kw={quote(str(extra['kw']))}&ie=utf-8&pn=0"
    return None


def check_source(source, client: httpx.Client) -> Check:
    label = f"信息源 {source.name or source.id}"
    url = source_url(source)
    if url is None or urlsplit(url).scheme not in _DEFAULT_PORTS:
        return Check(False, label, "没有可检查的 http(s) 地址")
    started = time.monotonic()
    try:
        r = client.get(url)
    except httpx.TimeoutException:
        return Check(False, label, f"{url} 超时（{NET_TIMEOUT:.0f} 秒）")
    except httpx.HTTPError as e:
        return Check(False, label, f"{url} 无法访问: {_first_line(e)}")
    ms = (time.monotonic() - started) * 1000
    if r.status_code >= 400:
        return Check(False, label, f"{url} 返回 HTTP {r.status_code}")
    moved = f"，重定向到 {r.headers.get('location', '')[:100]}" if r.is_redirect else ""
    return Check(True, label, f"{url} HTTP {r.status_code}，{ms:.0f} 毫秒{moved}")


# --- host ----------------------------------------------------------------------------------------

def check_disk(paths: list[Path], min_free_gb: float) -> Iterator[Check]:
    seen = set()
    for p in paths:
        p = p if p.exists() else next((a for a in p.parents if a.exists()), Path("/"))
        usage = shutil.disk_usage(p)
        dev = p.stat().st_dev
        if dev in seen:
            continue
        seen.add(dev)
        free = usage.free / 1024**3
        msg = f"{p} 剩余 {free:.1f} GB（{usage.free * 100 / usage.total:.0f}%）"
        yield Check(free >= min_free_gb, "磁盘空间", msg if free >= min_free_gb else f"{msg}，低于 {min_free_gb:g} GB")


def check_clock(now: Callable[[], datetime]) -> Check:
    local = datetime.now().astimezone().tzname() or "?"
    t = now().astimezone(TZ)
    if t.utcoffset().total_seconds() != 8 * 3600:
        return Check(False, "时钟", f"时区数据异常: Asia/Shanghai 偏移为 {t.utcoffset()}（安装 tzdata）")
    return Check(True, "时钟", f"北京时间 {t:%Y-%m-%d %H:%M:%S}（系统时区 {local}；值守一律按北京时间）")


# --- the command ---------------------------------------------------------------------------------

def run_checks(cfg, env: Mapping[str, str], *, min_free_gb: float = 1.0) -> Iterator[Check]:
    from pipeline.config import now
    from sqlalchemy.engine import make_url

    storage = cfg.storage
    yield check_database(storage.database_url)
    yield check_index(storage)
    for name, channel in cfg.alerts.channels.items():
        if channel.enabled:
            yield check_channel(name, channel, env)
    sources = [s for s in cfg.sources.sources if s.enabled]
    # in parallel (a few dead sites must not take minutes), reported in sources.yaml order
    with httpx.Client(timeout=NET_TIMEOUT, follow_redirects=False,
                      headers={"User-Agent": "yqwatch-doctor"}) as client, \
            ThreadPoolExecutor(max_workers=SOURCE_PROBES) as pool:
        yield from pool.map(lambda s: check_source(s, client), sources)
    paths = [cfg.path(cfg.watch.reports.out_dir)]
    db = make_url(storage.database_url)
    if db.get_backend_name() == "sqlite" and db.database:
        paths.insert(0, Path(db.database).parent)
    if storage.search_backend == "embedded":
        paths.append(Path(storage.index_path).parent)
    yield from check_disk(paths, min_free_gb)
    yield check_clock(now)


def cmd_doctor(args) -> int:
    import os
    import sys

    from watch_config import SourcesInvalid, check_sources, config_dir, load_config

    try:
        cfg = load_config(config_dir(args.config))
        check_sources(cfg.dir)  # the full sources.yaml schema, by its owner
    except (ConfigError, SourcesInvalid) as e:
        for line in str(e).splitlines():
            print(f"{BAD} 配置: {line}")
        return 1
    print(f"{OK} 配置: {cfg.dir} 有效（{len(cfg.sources.sources)} 个信息源）")
    red = 0
    for check in run_checks(cfg, os.environ, min_free_gb=args.min_free_gb):
        print(check.line(), flush=True)
        red += not check.ok
    if red:
        print(f"{red} 项异常", file=sys.stderr)
    return 1 if red else 0
