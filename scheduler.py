"""yqwatch composition root: the `yqwatch` CLI (DESIGN §5), config loading and the APScheduler jobs.

Everything long-lived (engine, index, jieba tokenizer, channels, scheduler) is built here and passed
down; nothing below imports this module. Crawls run as subprocesses (`python -m crawlers.run ID`)
because a Twisted reactor cannot be restarted."""
from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from alerts.channels.base import MissingSecret
from pipeline.config import ConfigError, load_yaml, parse_duration

TZ = ZoneInfo("Asia/Shanghai")
log = logging.getLogger("yqwatch")


# --------------------------------------------------------------------------------------------
# watch.yaml (the scheduler's part; `storage:` belongs to storage.config)
# --------------------------------------------------------------------------------------------
class ConsoleSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)
    auth: bool = False  # accounts and sign-in (`yqwatch user add`); off: staff type their name
    secret_env: str = "YQ_CONSOLE_SECRET"  # env var with the session key (else one kept in the DB)


class ReportSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    daily_at: str = Field("08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    out_dir: str = "../var/reports"  # relative to the config directory
    formats: list[Literal["docx", "html"]] = ["docx", "html"]


class WatchSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    locality: str = "本地"
    timezone: str = "Asia/Shanghai"
    storage: dict = {}
    console: ConsoleSettings = ConsoleSettings()
    reports: ReportSettings = ReportSettings()
    rules_every: float = Field(30, ge=1)  # seconds between runs of the alert rules
    outbox_every: float = Field(5, ge=0.5)  # seconds between index outbox drains
    crawl_timeout: float = Field(900, ge=10)  # a crawl subprocess running longer is killed
    shifts: list[str] = Field(["08:00", "20:00"], min_length=1)  # 交接班 times

    @field_validator("shifts")
    @classmethod
    def _shifts(cls, v: list[str]) -> list[str]:
        for t in v:
            if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", t):
                raise ValueError(f"shift time {t!r}: use HH:MM")
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        if v != "Asia/Shanghai":
            raise ValueError("only Asia/Shanghai is supported (all duty times are Beijing time)")
        return v


@dataclass(frozen=True)
class Config:
    """All configuration files of one config directory, validated."""

    dir: Path
    watch: WatchSettings
    sources: _ScheduledSources  # the scheduling view of sources.yaml
    alerts: object  # alerts.config.AlertsConfig
    storage: object  # storage.config.StorageSettings

    def path(self, rel: str) -> Path:
        p = Path(rel)
        return p if p.is_absolute() else (self.dir / p).resolve()


def config_dir(arg: str | None) -> Path:
    return Path(arg or os.environ.get("YQ_CONFIG") or "config")


def load_config(cfg_dir: Path) -> Config:
    from alerts.config import check_roster_shifts, load_alerts_config
    from pipeline.topics import load_topics
    from storage.config import load_storage_settings

    if not cfg_dir.is_dir():
        raise ConfigError(cfg_dir, None, "config directory not found")
    watch = load_yaml(cfg_dir / "watch.yaml", WatchSettings, required=False)
    load_topics(cfg_dir / "topics.yaml")
    alerts = load_alerts_config(cfg_dir / "alerts.yaml")
    check_roster_shifts(alerts, watch.shifts, cfg_dir / "alerts.yaml")
    return Config(dir=cfg_dir.resolve(), watch=watch, sources=_load_sources_data(cfg_dir),
                  alerts=alerts, storage=load_storage_settings(cfg_dir))


class _ScheduledSource(BaseModel):
    """The scheduling fields of a sources.yaml entry; crawlers.sources owns the full schema."""

    model_config = ConfigDict(extra="allow")
    id: str
    name: str = ""
    interval: float = 300
    enabled: bool = True

    @field_validator("interval", mode="before")
    @classmethod
    def _interval(cls, v):
        return parse_duration(v)


class _ScheduledSources(BaseModel):
    model_config = ConfigDict(extra="allow")
    sources: list[_ScheduledSource] = []


def _load_sources_data(cfg_dir: Path) -> _ScheduledSources:
    """The scheduler may not import crawlers (DESIGN §1): it reads what it needs to schedule and
    `check_sources` has `python -m crawlers.check` validate the rest."""
    return load_yaml(cfg_dir / "sources.yaml", _ScheduledSources)


def crawlers_cmd(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", f"crawlers.{module}", *args]


def check_sources(cfg_dir: Path) -> None:
    """Full validation of sources.yaml by its owner, in a subprocess."""
    r = subprocess.run(crawlers_cmd("check", "--config", str(cfg_dir)), capture_output=True, text=True,
                       timeout=120)
    if r.returncode != 0:
        raise ConfigError(cfg_dir / "sources.yaml", None,
                          (r.stderr.strip().splitlines() or ["invalid"])[-1].removeprefix("配置错误: "))


# --------------------------------------------------------------------------------------------
# Services: the long-lived objects of one watch process
# --------------------------------------------------------------------------------------------
class Services:
    def __init__(self, cfg: Config):
        from alerts.channels import build_channels
        from alerts.engine import AlertEngine
        from alerts.incidents import IncidentBook
        from pipeline.process import Pipeline
        from storage.factory import create_schema, open_index, open_store

        self.cfg = cfg
        self.store = open_store(cfg.storage)
        create_schema(self.store.engine)
        self.index = open_index(cfg.storage)
        self._pipeline: Pipeline | None = None
        self._pipeline_lock = threading.Lock()
        self.source_names = {s.id: s.name or s.id for s in cfg.sources.sources}
        self.engine = AlertEngine(self.store, cfg.alerts, build_channels(cfg.alerts, os.environ),
                                  now=lambda: datetime.now(TZ), source_names=self.source_names,
                                  locality_name=cfg.watch.locality, shifts=cfg.watch.shifts)
        self.incidents = IncidentBook(self.store.engine, now=lambda: datetime.now(TZ))
        self.last_report: list[Path] = []
        self.alerts_sent = 0

    @property
    def pipeline(self):
        """The jieba-backed pipeline is built on first use (query segmentation, analyze)."""
        from pipeline.process import Pipeline

        with self._pipeline_lock:
            if self._pipeline is None:
                self._pipeline = Pipeline.from_config_dir(self.cfg.dir)
            return self._pipeline

    def ensure_index(self) -> None:
        try:
            self.index.ensure()
        except Exception as e:  # an index outage must not stop the watch: the outbox keeps posts
            log.warning("搜索索引暂不可用: %s", e)

    @functools.cached_property
    def crawl_workers(self):
        """Long-lived crawl workers (dispatch/, watch.yaml `workers:`), started on first use."""
        from dispatch.config import load_workers_settings
        from dispatch.factory import open_dispatcher

        return open_dispatcher(self.cfg.dir, load_workers_settings(self.cfg.dir))

    def crawl(self, source_id: str) -> dict | None:
        """One crawl now, waiting for its summary (`yqwatch crawl`)."""
        summary = self.crawl_workers.crawl(source_id)
        self._crawled(source_id, summary)
        self.drain()
        return summary

    def crawl_soon(self, source_id: str) -> None:
        """The scheduled poll: queued for a worker unless the source's last crawl is still queued or
        running (a source's crawls never overlap). The outbox job indexes what it stores."""
        if self.crawl_workers.submit(source_id, on_done=lambda s: self._crawled(source_id, s)) is None:
            log.info("本轮未派发 %s: 上一轮抓取未完成 (或本机不是调度主节点)", source_id)

    def _crawled(self, source_id: str, summary: dict | None) -> None:
        if summary is None or summary.get("error"):
            log.error("抓取失败 %s: %s", source_id, (summary or {}).get("error", "超时"))
        else:
            log.info("抓取 %s: %s", source_id, json.dumps(summary, ensure_ascii=False))

    def drain(self) -> int:
        from storage.outbox import drain_outbox

        try:
            return drain_outbox(self.store, self.index)
        except Exception as e:
            log.warning("索引投递暂停 (稍后重试): %s", e)
            return 0

    def run_rules(self):
        summary = self.engine.run_once()
        self.alerts_sent += summary.alerts_sent
        if summary.alerts_sent:
            log.warning("已发送预警 %d 条 (本轮新事件 %d)", summary.alerts_sent, summary.events_new)
        return summary

    @functools.cached_property
    def reports(self):
        """The report desk; it e-mails issues when alerts.yaml has a `reports:` section."""
        from alerts.reports.delivery import ReportPostbox
        from alerts.reports.desk import ReportDesk

        cfg, mail = self.cfg, self.cfg.alerts.reports
        postbox = None
        if mail is not None:
            # the alert engine's own channel object (alerts.yaml guarantees an enabled e-mail one)
            postbox = ReportPostbox(self.store.engine, self.engine.channels[mail.channel],
                                    now=lambda: datetime.now(TZ),
                                    backoff_seconds=cfg.alerts.retry.backoff_seconds,
                                    backoff_max_seconds=cfg.alerts.retry.backoff_max_seconds)
        return ReportDesk(self.store, self.incidents, out_dir=cfg.path(cfg.watch.reports.out_dir),
                          locality=cfg.watch.locality, now=lambda: datetime.now(TZ),
                          formats=cfg.watch.reports.formats, shifts=cfg.watch.shifts,
                          source_names=self.source_names, postbox=postbox, mail=mail)

    def daily_report(self, day: date, formats=None, out: Path | None = None):
        res = self.reports.daily(day, formats, out)
        self.last_report = list(res.paths)
        return res

    def issue_daily_report(self, day: date):
        """The scheduled 《重要舆情摘报》: written and, when configured, e-mailed once."""
        issue = self.reports.issue_daily(day)
        if issue.result is not None:
            self.last_report = list(issue.result.paths)
        return issue

    def deliver_reports(self):
        try:
            return self.reports.deliver()
        except Exception:  # the database may be busy or down: the next run tries again
            log.exception("报告邮件投递出错")
            return None

    def console_app(self):
        from console.app import create_app
        from console.auth import SecretError, build_auth
        from console.services import ConsoleServices

        con, auth = self.cfg.watch.console, None
        if con.auth:
            try:
                auth = build_auth(self.store.engine, lambda: datetime.now(TZ), os.environ.get(con.secret_env))
            except SecretError as e:
                raise ConfigError(self.cfg.dir / "watch.yaml", None, f"console.secret_env {con.secret_env}: {e}") from None
            if not auth.users.list():
                log.warning("控制台已启用登录但尚无账号: 请用 yqwatch user add 创建")
        return create_app(ConsoleServices(
            store=self.store, index=self.index, query_terms=lambda q: self.pipeline.query_terms(q),
            alerts=self.engine, incidents=self.incidents, source_names=self.source_names,
            locality=self.cfg.watch.locality, now=lambda: datetime.now(TZ),
            report_dir=self.cfg.path(self.cfg.watch.reports.out_dir),
            write_report=lambda day: self.daily_report(day),
            write_special=lambda incident_id, fmt: self.reports.special(incident_id, [fmt]), auth=auth,
            # built lazily: the postbox (and its mail channel) exists only with alerts.yaml `reports:`
            deliveries=(lambda: self.reports.postbox.deliveries()) if self.cfg.alerts.reports is not None else None))

    def gc(self) -> dict:
        return self.store.gc(datetime.now(TZ), self.cfg.storage.raw_retention_days)

    def close(self) -> None:
        if "crawl_workers" in self.__dict__:
            self.crawl_workers.close()
        try:
            self.index.close()
        finally:
            self.store.engine.dispose()


def _last_json_line(text: str) -> dict | None:
    for line in reversed(text.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    return None


# --------------------------------------------------------------------------------------------
# The watch: APScheduler jobs
# --------------------------------------------------------------------------------------------
def build_scheduler(svc: Services, *, demo: bool = False):
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    cfg = svc.cfg
    sources = [s for s in cfg.sources.sources if s.enabled]
    sched = BackgroundScheduler(
        timezone=TZ,
        executors={"default": ThreadPoolExecutor(max(4, len(sources) + 3))},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    now = datetime.now(TZ)
    if sources:
        svc.crawl_workers.start()  # once, before the first poll (not raced by two job threads)
    for i, s in enumerate(sources):
        every = s.interval
        # First polls spread evenly over the interval: a thousand sources must not all start at once.
        first = now + timedelta(seconds=every * i / len(sources))
        sched.add_job(svc.crawl_soon, IntervalTrigger(seconds=every, jitter=min(every * 0.1, 30), timezone=TZ),
                      args=[s.id], id=f"crawl:{s.id}", name=f"抓取 {s.name or s.id}", next_run_time=first)
    sched.add_job(svc.drain, IntervalTrigger(seconds=cfg.watch.outbox_every), id="outbox", name="索引投递")
    sched.add_job(svc.run_rules, IntervalTrigger(seconds=cfg.watch.rules_every), id="rules", name="预警规则",
                  next_run_time=now + timedelta(seconds=5))
    hh, mm = (int(x) for x in cfg.watch.reports.daily_at.split(":"))
    # The morning issue covers the previous day.
    sched.add_job(lambda: svc.issue_daily_report(datetime.now(TZ).date() - timedelta(days=1)),
                  CronTrigger(hour=hh, minute=mm, timezone=TZ), id="report:daily", name="重要舆情摘报")
    for t in sorted(set(cfg.watch.shifts)):
        sh, sm = (int(x) for x in t.split(":"))
        sched.add_job(lambda: svc.reports.issue_handover(), CronTrigger(hour=sh, minute=sm, timezone=TZ),
                      id=f"report:handover:{t}", name=f"交接班 {t}")
    # Retries, and issues a crash left written but unsent.
    sched.add_job(svc.deliver_reports, IntervalTrigger(seconds=60), id="report:mail", name="报告邮件",
                  next_run_time=now + timedelta(seconds=10))
    sched.add_job(svc.gc, CronTrigger(hour=3, minute=30, timezone=TZ), id="gc", name="过期数据清理")
    if demo:
        # In the demo the story plays in minutes, so today's issue is refreshed every minute.
        sched.add_job(lambda: svc.daily_report(datetime.now(TZ).date()), IntervalTrigger(seconds=60),
                      id="report:demo", name="演示摘报", next_run_time=now + timedelta(seconds=45))
    return sched


def cmd_run(args) -> int:
    cfg = load_config(config_dir(args.config))
    check_sources(cfg.dir)
    stop = threading.Event()
    extras = []
    if args.demo:
        extras = _start_demo_helpers(cfg, args)
    svc = Services(cfg)
    svc.ensure_index()
    if cfg.watch.console.enabled:
        from console.server import ConsoleServer

        console = ConsoleServer(svc.console_app(), cfg.watch.console.host, cfg.watch.console.port)
        try:
            console.start()
        except RuntimeError as e:
            for x in extras:
                x.stop()
            raise OSError(f"{e} (端口被占用? 在 watch.yaml 的 console.port 修改)") from None
        extras.append(console)
        print(f"值班控制台: {console.url}/", flush=True)
    sched = build_scheduler(svc, demo=args.demo)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    sched.start()
    print(f"yqwatch 已启动: {len(cfg.sources.sources)} 个信息源, 数据库 {cfg.storage.database_url}", flush=True)
    print(f"  摘报目录: {cfg.path(cfg.watch.reports.out_dir)}", flush=True)
    deadline = time.monotonic() + args.duration if args.duration else None
    try:
        while not stop.wait(args.status_every):
            _print_status(svc)
            if deadline and time.monotonic() >= deadline:
                break
    finally:
        sched.shutdown(wait=True)
        _print_status(svc)
        svc.close()
        for x in extras:
            x.stop()
    return 0


def _print_status(svc: Services) -> None:
    total = svc.store.count_documents()
    relevant = svc.store.count_documents(relevant_only=True)
    report = ", ".join(str(p) for p in svc.last_report) or "尚未生成"
    print(f"[{datetime.now(TZ):%H:%M:%S}] 帖子 {total} · 相关 {relevant} · 已发预警 {svc.alerts_sent} · "
          f"摘报 {report}", flush=True)


def _start_demo_helpers(cfg: Config, args) -> list:
    """`run --demo`: the simulated sites and a local mail catcher, so the whole chain is visible."""
    from demo.mailsink import MailSink
    from demo.server import DemoServer

    server = DemoServer(port=args.demo_port, speed=args.demo_speed)
    server.start()
    sink = MailSink(port=args.mail_port, out_dir=cfg.path("../var/demo-mail"))
    sink.start()
    print(f"演示站点: {server.base_url}/bbs/  {server.base_url}/tieba/f?kw=青溪  {server.base_url}/news/", flush=True)
    print(f"演示邮箱 (SMTP 127.0.0.1:{args.mail_port}): 收到的预警邮件保存在 {sink.out_dir}", flush=True)
    return [server, sink]


# --------------------------------------------------------------------------------------------
# One-shot commands
# --------------------------------------------------------------------------------------------
@contextmanager
def opened(args) -> Iterator[Services]:
    """Services of the config directory named on the command line, closed afterwards."""
    svc = Services(load_config(config_dir(args.config)))
    try:
        yield svc
    finally:
        svc.close()


def cmd_crawl(args) -> int:
    with opened(args) as svc:
        if not any(s.id == args.source_id for s in svc.cfg.sources.sources):
            raise ConfigError(svc.cfg.dir / "sources.yaml", None, f"unknown source id {args.source_id!r}")
        svc.ensure_index()
        summary = svc.crawl(args.source_id)
    if summary is None:
        return 1
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if summary.get("status") != "failed" else 1


def cmd_delegate(module: str):
    """parse-page and `source test` live in crawlers/; run them as a subprocess (DESIGN §1)."""
    def run(args) -> int:
        return subprocess.run(crawlers_cmd(module, *args.rest)).returncode
    return run


def cmd_analyze(args) -> int:
    from pipeline.analyze import run

    return run(config_dir(args.config), sys.stdin, sys.stdout, sys.stderr)


REPORT_FORMATS = {"daily": ("docx", "html"), "special": ("docx", "html"), "handover": ("html", "txt")}


def cmd_report(args) -> int:
    from alerts.incidents import IncidentError

    out = Path(args.out) if args.out else None
    fmt = args.format or (out.suffix.lstrip(".") if out is not None and out.suffix else None)
    if fmt and fmt not in REPORT_FORMATS[args.kind]:
        raise BadInput(f"{args.kind} 报告不支持格式 {fmt} (可用: {'/'.join(REPORT_FORMATS[args.kind])})")
    if args.kind == "special" and args.incident is None:
        raise BadInput("report special 需要 --incident ID")
    if args.send and out is not None:
        raise BadInput("--send 写入报告目录, 不能与 --out 同用")
    # --out FILE writes the single requested format to exactly that path
    out_file = out if out is not None and out.suffix else None
    out_dir = out_file.parent if out_file else out
    formats = [fmt] if fmt else None
    with opened(args) as svc:
        desk = svc.reports
        if args.send and not desk.recipients(args.kind):
            raise BadInput(f"alerts.yaml 未配置 reports.{args.kind} 收件人, 无法发送")
        try:
            line, paths, issue = _write_report(args, svc, desk, formats, out_dir)
        except IncidentError as e:
            raise BadInput(str(e)) from None
        if issue is not None:
            line += " · 邮件" + _mail_state(issue)
    if out_file is not None and paths and paths[0] != out_file:
        paths[0].replace(out_file)
        paths = [out_file]
    print(line)
    for p in paths:
        print(p)
    return 0


def _write_report(args, svc: Services, desk, formats, out_dir):
    """(summary line, files written, the e-mail Issue or None) of one `report` command."""
    issue = None
    if args.kind == "special":
        if args.send:
            issue = desk.issue_special(args.incident)
            res = issue.result
        else:
            res = desk.special(args.incident, formats, out_dir)
        return (f"《{res.report.title}》{res.year}年第{res.issue_no}期 (事件单 {res.incident_id}): "
                f"{res.post_count} 条", list(res.paths), issue)
    if args.kind == "handover":
        at = _parse_since(args.at) if args.at else None
        if args.send:
            issue = desk.issue_handover(at)
            res = issue.result
        else:
            res = desk.handover(at, formats or ("html", "txt"), out_dir)
        r = res.report
        return (f"交接班 {r.shift_label}: 新增帖子 {r.posts} · 预警 {r.alerts_sent} · 新建事件单 {len(r.opened)}",
                list(res.paths), issue)
    day = _parse_date(args.date) if args.date else datetime.now(TZ).date()
    if args.send:
        issue = svc.issue_daily_report(day)
        res = issue.result or svc.daily_report(day)  # e-mailed before: the files are refreshed only
    else:
        res = svc.daily_report(day, formats, out_dir)
    return f"《重要舆情摘报》{res.year}年第{res.issue_no}期 ({day}): {res.item_count} 条", list(res.paths), issue


def _mail_state(issue) -> str:
    d = issue.delivery
    if d is not None and d.status == "sent":
        return "已发送" if issue.queued else "此前已发送, 不重复发送"
    return "发送失败, 值守程序将自动重试" if d is not None and d.last_error else "已排队, 值守程序将发送"


def _parse_date(s: str) -> date:
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise BadInput(f"bad date {s!r}: use YYYY-MM-DD") from None


def _parse_since(s: str | None) -> datetime | None:
    """'24h', '7d', '90m' or an ISO date/time (Beijing time when no zone is given)."""
    if not s:
        return None
    units = {"m": 60, "h": 3600, "d": 86400}
    if s[-1:] in units and s[:-1].isdigit():
        return datetime.now(TZ) - timedelta(seconds=int(s[:-1]) * units[s[-1]])
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        raise BadInput(f"bad --since {s!r}: use e.g. 24h, 7d or 2026-11-25T08:00") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=TZ)


def cmd_search(args) -> int:
    from storage.types import SearchQuery

    since = _parse_since(args.since)
    with opened(args) as svc:
        svc.drain()
        q = SearchQuery(terms=tuple(svc.pipeline.query_terms(args.query)), since=since, limit=args.limit,
                        sort=args.sort, severities=tuple(args.grade or ()), topics=tuple(args.topic or ()),
                        sources=tuple(args.source or ()))
        res = svc.index.search(q)
    if args.json:
        print(json.dumps({"total": res.total, "hits": [
            {"id": h.id, "score": h.score, "title": h.title, "url": h.url, "source": h.source_id,
             "published_at": h.published_at.isoformat() if h.published_at else None,
             "severity": h.severity, "highlight": h.highlight} for h in res.hits]}, ensure_ascii=False))
        return 0
    print(f"共 {res.total} 条")
    for h in res.hits:
        when = h.published_at.astimezone(TZ).strftime("%m-%d %H:%M") if h.published_at else "--"
        print(f"[{h.severity or '-'}] {when} {h.source_id} {h.title}\n    {h.url}")
    return 0


def cmd_check_config(args) -> int:
    from alerts.config import roster_warnings

    d = config_dir(args.dir or args.config)
    cfg = load_config(d)
    check_sources(cfg.dir)
    for warning in roster_warnings(cfg.alerts, cfg.watch.shifts, datetime.now(TZ).date()):
        print(f"警告: {warning}")  # a gap is covered by the fallback, so it does not fail the check
    print(f"配置有效: {cfg.dir} ({len(cfg.sources.sources)} 个信息源)")
    return 0


def cmd_reindex(args) -> int:
    from storage.reindex import reindex

    since = _parse_since(args.since)
    with opened(args) as svc:
        svc.index.ensure()
        n = reindex(svc.store, svc.index, since=since)
    print(f"已重建索引: {n} 条")
    return 0


def cmd_init_index(args) -> int:
    with opened(args) as svc:
        svc.index.ensure()
    print("索引已就绪")
    return 0


def cmd_gc(args) -> int:
    with opened(args) as svc:
        print(json.dumps(svc.gc(), ensure_ascii=False))
    return 0


def cmd_sources(args) -> int:
    from alerts.health import source_health

    with opened(args) as svc:
        rows = [source_health(s.id, svc.store.crawl_runs(s.id, limit=20)) for s in svc.cfg.sources.sources]
    if args.json:
        print(json.dumps([r.to_json() for r in rows], ensure_ascii=False))
        return 0
    for r in rows:
        print(r.line())
    return 0


def cmd_user(args) -> int:
    from console.usercli import read_password, user_command
    from console.users import UserBook, UserError
    from storage.factory import create_schema, make_engine

    engine = make_engine(load_config(config_dir(args.config)).storage.database_url)
    try:
        create_schema(engine)
        return user_command(UserBook(engine, lambda: datetime.now(TZ)), args.action, args.login, name=args.name,
                            role=args.role, password=lambda: read_password(sys.stdin), out=sys.stdout)
    except UserError as e:
        raise BadInput(str(e)) from None
    finally:
        engine.dispose()


def cmd_demo_sites(args) -> int:
    from demo.server import main as demo_main

    return demo_main(args.rest)


class BadInput(Exception):
    """Bad command-line input: exit 2 with a one-line reason."""


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="yqwatch", description="舆情值守: 24 小时网络舆情监测")
    ap.add_argument("--verbose", "-v", action="store_true")
    sub = ap.add_subparsers(dest="command", required=True)

    def add(name, func, help_, config=True):
        p = sub.add_parser(name, help=help_)
        if config:
            p.add_argument("--config", help="config directory (default: $YQ_CONFIG or ./config)")
        p.set_defaults(func=func)
        return p

    p = add("run", cmd_run, "start the watch: crawls, index, rules, reports")
    p.add_argument("--demo", action="store_true", help="also serve the demo sites and a local mail catcher")
    p.add_argument("--demo-port", type=int, default=8765)
    p.add_argument("--demo-speed", type=float, default=60.0)
    p.add_argument("--mail-port", type=int, default=8025)
    p.add_argument("--duration", type=float, default=0, help="stop after this many seconds (0: run until stopped)")
    p.add_argument("--status-every", type=float, default=15.0)
    p = sub.add_parser("demo-sites", help="serve the simulated local sites", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_demo_sites)
    p = add("crawl", cmd_crawl, "crawl one source now")
    p.add_argument("source_id")
    p = sub.add_parser("parse-page", help="parse a saved page and print JSON", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_delegate("parse_page"))
    add("analyze", cmd_analyze, "analyse JSON lines from stdin")
    p = add("report", cmd_report, "write a report: daily 摘报, special 专报 on an incident, shift handover")
    p.add_argument("kind", choices=["daily", "special", "handover"])
    p.add_argument("--date", help="daily: the day (YYYY-MM-DD, default today)")
    p.add_argument("--incident", type=int, help="special: the incident id")
    p.add_argument("--at", help="handover: the shift that had ended by then (default now)")
    p.add_argument("--format", choices=["docx", "html", "txt"])
    p.add_argument("--out")
    p.add_argument("--send", action="store_true", help="also e-mail it (once per issue) to alerts.yaml `reports:`")
    p = add("search", cmd_search, "search the index")
    p.add_argument("query")
    p.add_argument("--since")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--sort", choices=["time", "score"], default="time")
    p.add_argument("--grade", action="append", choices=["red", "orange", "yellow", "blue"])
    p.add_argument("--topic", action="append")
    p.add_argument("--source", action="append")
    p = add("check-config", cmd_check_config, "validate the configuration")
    p.add_argument("dir", nargs="?")
    p = add("reindex", cmd_reindex, "rebuild the search index from the database")
    p.add_argument("--since")
    add("init-index", cmd_init_index, "create the index (template, alias)")
    add("gc", cmd_gc, "drop expired raw pages")
    add("sources", cmd_sources, "show each source's health").add_argument("--json", action="store_true")
    p = add("user", cmd_user, "console accounts (watch.yaml console.auth); password from stdin or a prompt")
    p.add_argument("action", choices=["add", "passwd", "disable", "list"])
    p.add_argument("login", nargs="?")
    p.add_argument("--name", help="add: display name, recorded as the actor of every action")
    p.add_argument("--role", help="add: duty (值班员) | leader (分管领导) | admin")
    p = sub.add_parser("source", help="source tools: `yqwatch source test ID`", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_delegate("source_test"))
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "source":
        if not args.rest or args.rest[0] != "test":
            print("用法: yqwatch source test SOURCE_ID [--config DIR]", file=sys.stderr)
            return 2
        args.rest = args.rest[1:]
    logging.basicConfig(level=logging.INFO if args.verbose or args.command == "run" else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("apscheduler", "jieba", "httpx", "elastic_transport", "mail.log", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return args.func(args)
    except (ConfigError, BadInput, MissingSecret) as e:
        print(f"错误: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except OSError as e:  # e.g. a port already in use
        print(f"错误: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
