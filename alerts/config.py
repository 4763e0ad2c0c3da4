"""Schema of `alerts.yaml`: rules, delivery channels, retry policy, duty roster.

Secrets never live in the YAML: channels name the environment variables that hold them
(`*_env` keys). Cross-references (a rule naming a channel) are checked by a field validator
so the loader reports them with the file and line of the `rules` key."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator

import alerts.channels  # noqa: F401  (registers the channel kinds)
import alerts.rules  # noqa: F401  (registers the rule kinds)
from alerts.channels.dingtalk import DingTalkChannelConfig
from alerts.channels.mail import EmailChannelConfig
from alerts.channels.webhook import WebhookChannelConfig
from alerts.channels.wecom import WeComChannelConfig
from alerts.registry import CHANNEL_KINDS, RULE_KINDS, tagged_union
from alerts.pacing import ChannelPacing
from alerts.roster import RosterConfig, contacts, gaps, unknown_shifts
from alerts.rules.new_hit import NewHitRule
from alerts.rules.source_broken import SourceBrokenRule
from alerts.rules.spike import SpikeRule
from alerts.schema import EscalationStep, Roles, Severity, Strict
from pipeline.config import ConfigError, load_yaml

_Strict = Strict
# Re-exported: code and tests name the kinds' schemas through this module.
__all__ = ["AlertsConfig", "ChannelConfig", "DingTalkChannelConfig", "EmailChannelConfig", "EscalationStep",
           "NewHitRule", "ReportMailConfig", "RetryConfig", "Roles", "Rule", "Severity", "SourceBrokenRule",
           "SpikeRule", "WebhookChannelConfig", "WeComChannelConfig", "load_alerts_config",
           "roster_roles"]


# Channel kinds live in alerts/channels/ (each module registers its schema); importing the package
# registers them all.
ChannelConfig = tagged_union([kind.config for kind in CHANNEL_KINDS])

# Rule kinds live in alerts/rules/ (each module registers its schema and behaviour).
Rule = tagged_union([kind.config for kind in RULE_KINDS])

# pydantic puts the discriminator value into error locations (rules.0.new_hit.min_severity),
# which the YAML line lookup cannot follow; AlertsConfig strips it.
_TAGS = frozenset(CHANNEL_KINDS.names()) | frozenset(RULE_KINDS.names())


class RetryConfig(_Strict):
    """Failed deliveries are retried until delivered or cancelled by a person (never given up).
    The back-off is capped low so a channel that comes back is used within a minute; a channel
    that stays down is tried once per `backoff_max_seconds`, not once per queued alert."""

    max_attempts: int = Field(8, ge=1)  # failures after which an alert is flagged 持续失败 (still retried)
    backoff_seconds: float = Field(10.0, gt=0)  # doubled after each failure ...
    backoff_max_seconds: float = Field(30.0, gt=0, le=60)  # ... up to this (≤ 60 s: recovery goal)
    lease_seconds: float = Field(120.0, ge=30)  # a send in progress is left alone this long


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
    return channel.roster_roles()


class AlertsConfig(_Strict):
    # Declared in dependency order: channels see `roster`, rules and reports see `channels`.
    roster: RosterConfig | None = None  # the duty roster (alerts.roster)
    channels: dict[str, ChannelConfig] = {}
    # quiet hours / minimum push interval per channel (alerts.pacing), by channel name
    pacing: dict[str, ChannelPacing] = {}
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
            if (c.needs_roster_fallback()
                    and not contacts(roster, roster.fallback, CHANNEL_KINDS[c.type].contact)):
                raise ValueError(f"{name}: only roster recipients; add a fixed address or a roster.fallback "
                                 "person with an email, so a gap in the roster never drops an alert")
        return channels

    @field_validator("pacing")
    @classmethod
    def _check_pacing(cls, pacing: dict, info: ValidationInfo) -> dict:
        channels = info.data.get("channels")
        if channels is None:  # channels already failed; that error is reported
            return pacing
        unknown = [name for name in pacing if name not in channels]
        if unknown:
            raise ValueError(f"unknown channel(s) {', '.join(map(repr, unknown))} (pacing is set per channel "
                             f"of `channels`: {', '.join(channels) or 'none defined'})")
        return pacing

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

    @field_validator("retry")
    @classmethod
    def _lease_outlasts_a_send(cls, retry: RetryConfig, info: ValidationInfo) -> RetryConfig:
        """A lease shorter than a send could let a second worker send the same alert again."""
        channels = info.data.get("channels") or {}
        slow = max((c.timeout for c in channels.values()), default=0.0)
        if retry.lease_seconds < 3 * slow:
            raise ValueError(f"lease_seconds ({retry.lease_seconds:g}) must be at least 3 × the longest "
                             f"channel timeout ({slow:g} s)")
        return retry

    @field_validator("reports")
    @classmethod
    def _check_reports(cls, reports: ReportMailConfig | None, info: ValidationInfo):
        channels = info.data.get("channels")
        if reports is None or channels is None:
            return reports
        c = channels.get(reports.channel)
        if c is None or c.type != "email" or not c.enabled:  # reports go out with attachments
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
