"""alerts.yaml: the shipped default loads, mistakes are reported with file and line."""
from __future__ import annotations

from pathlib import Path

import pytest

from alerts.channels import (DingTalkChannel, EmailChannel, MissingSecret, WebhookChannel,
                             WeComChannel, build_channels)
from alerts.config import AlertsConfig, NewHitRule, load_alerts_config
from pipeline.config import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_default_config_loads_and_builds_without_secrets():
    cfg = load_alerts_config(ROOT / "config" / "alerts.yaml")
    rule = next(r for r in cfg.rules if isinstance(r, NewHitRule))
    assert rule.min_severity == "orange" and rule.channels == ["email", "webhook"]
    channels = build_channels(cfg, {})
    assert set(channels) == {"email"}  # the webhook is disabled by default
    assert channels["email"].recipients() == ("duty-leader@qingxi.example.cn",)


def _write(tmp_path, text: str) -> Path:
    p = tmp_path / "alerts.yaml"
    p.write_text(text, encoding="utf-8")
    return p


BASE = """channels:
  mail:
    type: email
    sender: a@b.cn
    recipients: [c@d.cn]
rules:
  - id: r1
    name: x
    type: new_hit
    channels: [mail]
"""


def test_unknown_key_names_its_line(tmp_path):
    p = _write(tmp_path, BASE.replace("    sender: a@b.cn", "    sendr: a@b.cn"))
    with pytest.raises(ConfigError) as e:
        load_alerts_config(p)
    assert str(e.value).startswith(f"{p}:4:") and "sendr" in str(e.value)


def test_bad_grade_names_its_line(tmp_path):
    p = _write(tmp_path, BASE + "    min_severity: purple\n")
    with pytest.raises(ConfigError) as e:
        load_alerts_config(p)
    assert str(e.value).startswith(f"{p}:11:") and "min_severity" in str(e.value)


def test_rule_naming_an_unknown_channel(tmp_path):
    p = _write(tmp_path, BASE.replace("channels: [mail]", "channels: [mail, sms]"))
    with pytest.raises(ConfigError) as e:
        load_alerts_config(p)
    assert str(e.value).startswith(f"{p}:6:") and "unknown channel 'sms'" in str(e.value)


def test_escalation_naming_an_unknown_channel(tmp_path):
    p = _write(tmp_path, BASE + "    escalation:\n      - {after_minutes: 30, channels: [boss]}\n")
    with pytest.raises(ConfigError, match="unknown channel 'boss'"):
        load_alerts_config(p)


def test_duplicate_rule_ids(tmp_path):
    p = _write(tmp_path, BASE + BASE.split("rules:\n")[1])
    with pytest.raises(ConfigError, match="duplicate rule id 'r1'"):
        load_alerts_config(p)


def test_webhook_needs_exactly_one_url():
    with pytest.raises(ValueError, match="exactly one of url and url_env"):
        AlertsConfig.model_validate({"channels": {"h": {"type": "webhook"}}})


def test_secrets_come_from_env_only():
    cfg = AlertsConfig.model_validate({"channels": {
        "ding": {"type": "dingtalk", "url_env": "D_URL", "secret_env": "D_SEC"},
        "wx": {"type": "wecom", "url_env": "W_URL"},
        "hook": {"type": "webhook", "url_env": "H_URL", "headers_env": {"Authorization": "H_AUTH"}},
        "mail": {"type": "email", "sender": "a@b.cn", "recipients": ["c@d.cn"],
                 "username_env": "M_USER", "password_env": "M_PASS"},
    }})
    with pytest.raises(MissingSecret, match="D_SEC"):
        build_channels(cfg, {"D_URL": "http://127.0.0.1:1/d"})
    env = {"D_URL": "http://127.0.0.1:1/d", "D_SEC": "SECabc", "W_URL": "http://127.0.0.1:1/w",
           "H_URL": "http://127.0.0.1:1/h", "H_AUTH": "Bearer x", "M_USER": "u", "M_PASS": "p"}
    ch = build_channels(cfg, env)
    assert isinstance(ch["ding"], DingTalkChannel) and ch["ding"].secret == "SECabc"
    assert isinstance(ch["wx"], WeComChannel) and ch["wx"].url == env["W_URL"]
    assert isinstance(ch["hook"], WebhookChannel) and ch["hook"].headers == {"Authorization": "Bearer x"}
    assert isinstance(ch["mail"], EmailChannel) and (ch["mail"].username, ch["mail"].password) == ("u", "p")
