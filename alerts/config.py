"""Schema of `alerts.yaml`: rules, delivery channels, retry policy, duty roster.

Secrets never live in the YAML: channels name the environment variables that hold them
(`*_env` keys). Cross-references (a rule naming a channel) are checked by a field validator
so the loader reports them with the file and line of the `rules` key."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, ValidationError,
                      ValidationInfo, field_validator, model_validator)

from alerts.roster import (ROLES, ROSTER_PREFIX, Role, RosterConfig, contacts, gaps,
                           unknown_shifts)
from pipeline.config import ConfigError, load_yaml

Severity = Literal["red", "orange", "yellow", "blue"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# `at_roster: leader` or `at_roster: [duty, leader]`
Roles = Annotated[list[Role], BeforeValidator(lambda v: [v] if isinstance(v, str) else v)]


class EmailChannelConfig(_Strict):
    type: Literal["email"]
    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(8025, ge=1, le=65535)
    sender: str
    recipients: list[str] = Field(min_length=1)  # addresses and/or roster:duty, roster:leader
    starttls: bool = False
    ssl: bool = False  # implicit TLS (port 465); exclusive with starttls
    username_env: str | None = None
    password_env: str | None = None
    timeout: float = Field(10.0, gt=0)

    @field_validator("recipients")
    @classmethod
    def _roles(cls, v: list[str]) -> list[str]:
        for r in v:
            if r.startswith(ROSTER_PREFIX) and r.removeprefix(ROSTER_PREFIX) not in ROLES:
                raise ValueError(f"{r!r}: use roster:duty or roster:leader")
        return v

    def roster_roles(self) -> list[str]:
        return [r.removeprefix(ROSTER_PREFIX) for r in self.recipients if r.startswith(ROSTER_PREFIX)]

    def fixed_recipients(self) -> list[str]:
        return [r for r in self.recipients if not r.startswith(ROSTER_PREFIX)]

    @model_validator(mode="after")
    def _tls_modes(self):
        if self.starttls and self.ssl:
            raise ValueError("starttls and ssl are exclusive")
        if (self.username_env is None) != (self.password_env is None):
            raise ValueError("username_env and password_env go together")
        return self


class WebhookChannelConfig(_Strict):
    type: Literal["webhook"]
    enabled: bool = True
    url: str | None = None  # a plain URL (local receivers) ...
    url_env: str | None = None  # ... or the env var holding it (URLs carrying tokens)
    headers: dict[str, str] = {}
    headers_env: dict[str, str] = {}  # header name -> env var holding its value
    timeout: float = Field(10.0, gt=0)

    @model_validator(mode="after")
    def _one_url(self):
        if (self.url is None) == (self.url_env is None):
            raise ValueError("give exactly one of url and url_env")
        return self


class DingTalkChannelConfig(_Strict):
    type: Literal["dingtalk"]
    enabled: bool = True
    url_env: str  # https://oapi.dingtalk.com/robot/send?access_token=...
    secret_env: str | None = None  # the robot's 加签 secret (SEC...)
    at_mobiles: list[str] = []
    at_roster: Roles = []  # also @-mention the mobiles of these roster roles on call
    timeout: float = Field(10.0, gt=0)


class WeComChannelConfig(_Strict):
    type: Literal["wecom"]
    enabled: bool = True
    url_env: str  # https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...
    at_roster: Roles = []  # @-mention these roster roles on call (a text message after the markdown)
    timeout: float = Field(10.0, gt=0)


ChannelConfig = Annotated[
    Union[EmailChannelConfig, WebhookChannelConfig, DingTalkChannelConfig, WeComChannelConfig],
    Field(discriminator="type"),
]


class EscalationStep(_Strict):
    """When nobody has acknowledged an event's alert `after_minutes` after it was sent, tell the
    next level of the duty roster (e.g. the 分管领导) over `channels`."""

    after_minutes: float = Field(gt=0)
    channels: list[str] = Field(min_length=1)


class NewHitRule(_Strict):
    """Fires when a relevant document at `min_severity` or worse arrives."""

    id: str
    name: str
    type: Literal["new_hit"]
    enabled: bool = True
    min_severity: Severity = "orange"
    topics: list[str] = []  # empty: any topic
    sources: list[str] = []  # empty: any source
    negative_only: bool = False
    channels: list[str] = Field(min_length=1)
    escalation: list[EscalationStep] = []  # in order: level 1, level 2, ...


class SourceBrokenRule(_Strict):
    """Fires when a source's last `consecutive` crawl runs all failed or came back empty."""

    id: str
    name: str
    type: Literal["source_broken"]
    enabled: bool = True
    consecutive: int = Field(3, ge=1)
    channels: list[str] = Field(min_length=1)


MAX_BASELINE_WINDOWS = 336  # e.g. two weeks of hours: bounds the per-run count query


class SpikeRule(_Strict):
    """Fires when the relevant posts about one key (a topic, a source, or the whole locality) in
    the last `window_minutes` surge above the `baseline_hours` before them, cut into windows of the
    same length: once per surge, plus one 持续升温 follow-up if the count doubles (alerts.spike).
    Topic ids are not checked here: they live in topics.yaml."""

    id: str
    name: str
    type: Literal["spike"]
    enabled: bool = True
    window_minutes: int = Field(60, ge=1, le=24 * 60)
    baseline_hours: float = Field(12.0, gt=0)
    min_posts: int = Field(10, ge=1)  # never fire below this many posts in the window
    min_score: float = Field(3.0, gt=0)  # analysis.volume.spike_score threshold
    by: Literal["topic", "locality", "source"] = "topic"
    topics: list[str] = []  # by: topic only; empty: every topic
    channels: list[str] = Field(min_length=1)
    escalation: list[EscalationStep] = []

    @field_validator("baseline_hours")
    @classmethod
    def _whole_windows(cls, hours: float, info: ValidationInfo) -> float:
        window = info.data.get("window_minutes")
        if window is None:  # window_minutes already failed; that error is reported
            return hours
        n = hours * 60 / window
        if n < 1 - 1e-9 or abs(n - round(n)) > 1e-9:
            raise ValueError(f"must be a whole number (at least 1) of {window}-minute windows")
        if round(n) > MAX_BASELINE_WINDOWS:
            raise ValueError(f"spans {round(n)} windows; at most {MAX_BASELINE_WINDOWS}")
        return hours

    @field_validator("topics")
    @classmethod
    def _topics_need_by_topic(cls, topics: list[str], info: ValidationInfo) -> list[str]:
        if topics and info.data.get("by", "topic") != "topic":
            raise ValueError("a topics filter needs by: topic")
        return topics

    @property
    def baseline_windows(self) -> int:
        return round(self.baseline_hours * 60 / self.window_minutes)


Rule = Annotated[Union[NewHitRule, SourceBrokenRule, SpikeRule], Field(discriminator="type")]

# pydantic puts the discriminator value into error locations (rules.0.new_hit.min_severity),
# which the YAML line lookup cannot follow; AlertsConfig strips it.
_TAGS = {"email", "webhook", "dingtalk", "wecom", "new_hit", "source_broken", "spike"}


class RetryConfig(_Strict):
    max_attempts: int = Field(8, ge=1)
    backoff_seconds: float = Field(60.0, gt=0)  # doubled after each failure ...
    backoff_max_seconds: float = Field(3600.0, gt=0)  # ... up to this


class EventConfig(_Strict):
    window_hours: float = Field(72.0, gt=0)  # an event with no new post for this long is closed


class ReportMailConfig(_Strict):
    """Who receives the reports by e-mail (`reports:`), over one email channel of this file;
    an empty list leaves that report unmailed (still written to the report folder)."""

    channel: str
    daily: list[str] = []  # 《重要舆情摘报》: leadership
    special: list[str] = []  # 专报 on an incident
    handover: list[str] = []  # 交接班 summary: the duty team
    weekly: list[str] = []  # 舆情分析周报
    monthly: list[str] = []  # 舆情分析月报


def roster_roles(channel) -> list[str]:
    """The roster roles a channel addresses: `roster:` e-mail recipients or `at_roster`."""
    if isinstance(channel, EmailChannelConfig):
        return channel.roster_roles()
    return list(getattr(channel, "at_roster", []))


class AlertsConfig(_Strict):
    # Declared in dependency order: channels see `roster`, rules and reports see `channels`.
    roster: RosterConfig | None = None  # the duty roster (alerts.roster)
    channels: dict[str, ChannelConfig] = {}
    rules: list[Rule] = []
    retry: RetryConfig = RetryConfig()
    events: EventConfig = EventConfig()
    console_url: str | None = None  # base URL of the duty console, for links in alerts
    reports: ReportMailConfig | None = None  # e-mail delivery of reports (after `channels`)

    @model_validator(mode="wrap")
    @classmethod
    def _untag_errors(cls, data, handler):
        try:
            return handler(data)
        except ValidationError as e:
            errors = []
            for err in e.errors():
                loc = err["loc"]
                if len(loc) >= 3 and loc[0] in ("channels", "rules") and loc[2] in _TAGS:
                    loc = loc[:2] + loc[3:]
                errors.append({"type": err["type"], "loc": loc, "input": err["input"],
                               **({"ctx": err["ctx"]} if "ctx" in err else {})})
            # A mistyped key explains the "Field required" next to it: report it first.
            errors.sort(key=lambda x: x["type"] != "extra_forbidden")
            raise ValidationError.from_exception_data(e.title, errors) from None

    @field_validator("channels")
    @classmethod
    def _check_roster_use(cls, channels: dict, info: ValidationInfo) -> dict:
        if "roster" not in info.data:  # roster already failed; that error is reported
            return channels
        roster = info.data["roster"]
        for name, c in channels.items():
            if not roster_roles(c):
                continue
            if roster is None:
                raise ValueError(f"{name}: uses the duty roster but alerts.yaml has no roster section")
            if (isinstance(c, EmailChannelConfig) and not c.fixed_recipients()
                    and not contacts(roster, roster.fallback, "email")):
                raise ValueError(f"{name}: only roster recipients; add a fixed address or a roster.fallback "
                                 "person with an email, so a gap in the roster never drops an alert")
        return channels

    @field_validator("rules")
    @classmethod
    def _check_rules(cls, rules: list, info: ValidationInfo) -> list:
        channels = info.data.get("channels")
        if channels is None:  # channels already failed; that error is reported
            return rules
        seen: set[str] = set()
        for i, rule in enumerate(rules):
            if rule.id in seen:
                raise ValueError(f"rules[{i}]: duplicate rule id {rule.id!r}")
            seen.add(rule.id)
            steps = getattr(rule, "escalation", [])
            for name in [*rule.channels, *(c for step in steps for c in step.channels)]:
                if name not in channels:
                    raise ValueError(f"rules[{i}] ({rule.id}): unknown channel {name!r}")
        return rules

    @field_validator("reports")
    @classmethod
    def _check_reports(cls, reports: ReportMailConfig | None, info: ValidationInfo):
        channels = info.data.get("channels")
        if reports is None or channels is None:
            return reports
        c = channels.get(reports.channel)
        if not isinstance(c, EmailChannelConfig) or not c.enabled:
            raise ValueError(f"channel {reports.channel!r} is not an enabled email channel")
        return reports


def load_alerts_config(path: str | Path) -> AlertsConfig:
    """Load and validate `alerts.yaml`; raises pipeline.config.ConfigError."""
    return load_yaml(path, AlertsConfig)



def check_roster_shifts(config: AlertsConfig, shifts: list[str], path: str | Path) -> None:
    """The roster may only name watch.yaml's handover times; raises ConfigError otherwise."""
    if config.roster is not None and (bad := unknown_shifts(config.roster, shifts)):
        raise ConfigError(path, None, f"roster: shift {', '.join(bad)} is not one of watch.yaml "
                                      f"shifts ({', '.join(shifts)})")


def roster_warnings(config: AlertsConfig, shifts: list[str], today: date) -> list[str]:
    """Staff-facing warnings for the roster's empty roles in the next 7 days (check-config)."""
    if config.roster is None:
        return []
    names = {"duty": "值班员", "leader": "带班领导"}
    return [f"排班表缺人: {day.isoformat()} {start} 班次没有{names[role]}（届时发给备用接收人）"
            for day, start, role in gaps(config.roster, shifts, today)]
