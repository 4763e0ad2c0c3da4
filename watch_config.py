"""The configuration of one watch: watch.yaml (minus `storage:`, which storage.config owns), the
scheduling view of sources.yaml, and `load_config`, which validates every file of a config
directory. crawlers/ owns the sources.yaml schema; this module reads only the scheduling fields
and has `python -m crawlers.check` validate the rest (DESIGN §1: nothing outside imports crawlers)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pipeline.config import ConfigError, load_yaml, parse_duration
from pipeline.periods import Periods, PeriodSettings

_HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"


class ConsoleSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)
    auth: bool = False  # accounts and sign-in (`yqwatch user add`); off: staff type their name
    secret_env: str = "YQ_CONSOLE_SECRET"  # env var with the session key (else the key file below)
    # session key kept in this 0600 file (relative to the config dir); null keeps it in the database
    session_key_file: str | None = "../var/console-session.key"
    # host names staff type besides 127.0.0.1/localhost/::1 and `host` (others get 421: DNS rebinding)
    allowed_hosts: list[str] = []
    crawl_stale_minutes: int = Field(30, ge=1)  # no crawl finished this long → red 采集停止 banner
    # /metrics: loopback clients, or `Authorization: Bearer $<this env var>` (console/metrics.py)
    metrics_token_env: str = "YQ_METRICS_TOKEN"


class ReportSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    daily_at: str = Field("08:00", pattern=_HHMM)
    out_dir: str = "../var/reports"  # relative to the config directory
    formats: list[Literal["docx", "html", "pdf"]] = ["docx", "html"]  # pdf needs LibreOffice
    # the 公文 letterhead of every report: 红头 line (default "<locality>网络舆情信息"), 编发单位
    # (default "<locality>网络舆情值守组"), and the 版记's 报送 / 抄送 lines
    issuer: str = ""
    compiled_by: str = ""
    submit_to: list[str] = []
    copy_to: list[str] = []
    # kinds e-mailed without a 分管领导's approval in the console (daily, handover, special, weekly,
    # monthly); every other kind with alerts.yaml recipients waits for approval
    auto_send: list[Literal["daily", "handover", "special", "weekly", "monthly"]] = []


class WatchSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    locality: str = "本地"
    timezone: str = "Asia/Shanghai"
    storage: dict = {}  # validated by storage.config
    console: ConsoleSettings = ConsoleSettings()
    reports: ReportSettings = ReportSettings()
    rules_every: float = Field(30, ge=1)  # seconds between runs of the alert rules
    outbox_every: float = Field(5, ge=0.5)  # seconds between index outbox drains
    workers: dict = {}  # crawl workers: validated by dispatch.config (count, slots, redis_url, …)
    shifts: list[str] = Field(["08:00", "20:00"], min_length=1)  # 交接班 times
    periods: list[PeriodSettings] = []  # 重大活动 / 敏感期 (pipeline.periods)

    def watch_periods(self) -> Periods:
        return Periods.of(p.to_period() for p in self.periods)

    @field_validator("shifts")
    @classmethod
    def _shifts(cls, v: list[str]) -> list[str]:
        for t in v:
            if not re.fullmatch(_HHMM, t):
                raise ValueError(f"交接班时间 {t!r}: 应为 HH:MM")
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        if v != "Asia/Shanghai":
            raise ValueError("只支持 Asia/Shanghai (值守时间一律为北京时间)")
        return v


class ScheduledSource(BaseModel):
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


class ScheduledSources(BaseModel):
    model_config = ConfigDict(extra="allow")
    sources: list[ScheduledSource] = []


@dataclass(frozen=True)
class Config:
    """All configuration files of one config directory, validated."""

    dir: Path
    watch: WatchSettings
    sources: ScheduledSources  # the scheduling view of sources.yaml
    alerts: object  # alerts.config.AlertsConfig
    storage: object  # storage.config.StorageSettings

    def path(self, rel: str) -> Path:
        p = Path(rel)
        return p if p.is_absolute() else (self.dir / p).resolve()


def config_dir(arg: str | None) -> Path:
    return Path(arg or os.environ.get("YQ_CONFIG") or "config")


def load_config(cfg_dir: Path) -> Config:
    """Every file validated; the problems of all files are reported together."""
    from alerts.config import check_roster_shifts, load_alerts_config
    from pipeline.topics import load_topics
    from storage.config import load_storage_settings

    if not cfg_dir.is_dir():
        raise ConfigError(cfg_dir, None, "配置目录不存在")
    problems: list[ConfigError] = []

    def attempt(fn, *a):
        try:
            return fn(*a)
        except ConfigError as e:
            problems.append(e)
            return None

    watch = attempt(lambda: load_yaml(cfg_dir / "watch.yaml", WatchSettings, required=False))
    attempt(load_topics, cfg_dir / "topics.yaml")
    alerts = attempt(load_alerts_config, cfg_dir / "alerts.yaml")
    if alerts is not None and watch is not None:
        attempt(check_roster_shifts, alerts, watch.shifts, cfg_dir / "alerts.yaml")
    sources = attempt(load_yaml, cfg_dir / "sources.yaml", ScheduledSources)
    storage = attempt(load_storage_settings, cfg_dir)
    if problems:
        raise ConfigErrors(problems)
    return Config(dir=cfg_dir.resolve(), watch=watch, sources=sources, alerts=alerts, storage=storage)


class ConfigErrors(ConfigError):
    """Several files wrong at once: one line (or more) per problem, each naming its file."""

    def __init__(self, problems: list[ConfigError]):
        first = problems[0]
        super().__init__(first.path, first.line, first.message)
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(Exception.__str__(p) for p in self.problems)


def crawlers_cmd(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", f"crawlers.{module}", *args]


class SourcesInvalid(Exception):
    """`python -m crawlers.check` rejected sources.yaml; its message lines name file and line."""


def check_sources(cfg_dir: Path) -> None:
    """Full validation of sources.yaml by its owner, in a subprocess."""
    r = subprocess.run(crawlers_cmd("check", "--config", str(cfg_dir)), capture_output=True, text=True,
                       timeout=120)
    if r.returncode != 0:
        lines = [x.removeprefix("配置错误: ").removeprefix("错误: ") for x in r.stderr.strip().splitlines()]
        raise SourcesInvalid("\n".join(x for x in lines if x.strip() and not x.startswith(("Traceback", "  ")))
                             or "sources.yaml 无效")
