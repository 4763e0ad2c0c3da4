"""The duty roster: shift lookup, overrides, gaps, and config errors that name file and line."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from datetime import date, datetime

import pytest

from alerts.config import AlertsConfig, check_roster_shifts, load_alerts_config, roster_warnings
from alerts.roster import RosterConfig, gaps, on_duty, resolve, shift_of
from conftest import ROOT
from pipeline.config import ConfigError
from test_alerts_support import SH

ROSTER = {
    "people": {"张伟": {"email": "zw@qx.cn", "mobile": "13800000001"},
               "李娜": {"email": "ln@qx.cn", "mobile": 13800000002},
               "王局": {"email": "wj@qx.cn", "mobile": "13900000001"},
               "赵处": {"email": "zc@qx.cn", "mobile": "13900000002"},
               "备班": {"email": "bb@qx.cn"}},
    "weekly": {"mon": {"08:00": {"duty": ["张伟"], "leader": ["王局"]},
                       "20:00": {"duty": ["李娜"], "leader": ["赵处"]}},
               "tue": {"08:00": {"duty": ["张伟"], "leader": ["王局"]},
                       "20:00": {"duty": [], "leader": ["王局"]}}},
    "overrides": [{"date": date(2024, 5, 8), "duty": ["备班"], "leader": ["赵处"], "note": "节日"},
                  {"date": date(2024, 5, 7), "shift": "08:00", "leader": ["赵处"]}],
    "fallback": ["备班"],
}


def at(day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2024, 5, day, hh, mm, tzinfo=SH)  # 2024-05-06 is a Monday


def roster() -> RosterConfig:
    return RosterConfig.model_validate(ROSTER)


def test_a_night_shift_belongs_to_the_day_it_started():
    assert shift_of(at(7, 3)) == (date(2024, 5, 6), "20:00")
    assert shift_of(at(7, 7, 59)) == (date(2024, 5, 6), "20:00")
    assert shift_of(at(7, 8)) == (date(2024, 5, 7), "08:00")
    assert shift_of(at(7, 19, 59)) == (date(2024, 5, 7), "08:00")
    # Any clock: the moment is converted to Beijing time first.
    assert shift_of(datetime.fromisoformat("2024-05-06T19:30:00+00:00")) == (date(2024, 5, 6), "20:00")
    assert shift_of(at(7, 13), ["00:00", "08:00", "16:00"]) == (date(2024, 5, 7), "08:00")


def test_on_duty_follows_the_weekly_pattern_and_overrides():
    r = roster()
    assert on_duty(r, at(7, 3)) == {"duty": ["李娜"], "leader": ["赵处"]}  # Monday night
    # Tuesday day shift: the weekly duty person, the override's leader.
    assert on_duty(r, at(7, 10)) == {"duty": ["张伟"], "leader": ["赵处"]}
    assert on_duty(r, at(7, 21)) == {"duty": [], "leader": ["王局"]}
    # A whole-day holiday override replaces both roles in every shift starting that day ...
    assert on_duty(r, at(8, 9)) == on_duty(r, at(9, 2)) == {"duty": ["备班"], "leader": ["赵处"]}
    # ... and the morning after belongs to the next day again (no pattern for Thursday).
    assert on_duty(r, at(9, 9)) == {"duty": [], "leader": []}


def test_resolve_falls_back_only_when_a_role_is_empty():
    r = roster()
    staff = on_duty(r, at(7, 21))
    assert resolve(r, staff, ["leader"], [], "email") == (["wj@qx.cn"], [])
    assert resolve(r, staff, ["duty", "leader"], [], "email") == (["wj@qx.cn", "bb@qx.cn"], ["duty"])
    # A channel's fixed recipients cover the gap: the fallback is not added.
    assert resolve(r, staff, ["duty"], ["desk@qx.cn"], "email") == (["desk@qx.cn"], ["duty"])
    # 备班 has no mobile: a mobile fallback finds nobody, the group message still goes out.
    assert resolve(r, staff, ["duty"], [], "mobile") == ([], ["duty"])


def test_gaps_and_check_config_warnings_cover_the_next_seven_days():
    found = gaps(roster(), ["08:00", "20:00"], date(2024, 5, 6))
    assert (date(2024, 5, 7), "20:00", "duty") in found
    assert (date(2024, 5, 6), "08:00", "duty") not in found
    assert {d for d, _s, _r in found} == {date(2024, 5, d) for d in (7, 9, 10, 11, 12)}
    cfg = AlertsConfig.model_validate({"roster": ROSTER})
    warnings = roster_warnings(cfg, ["08:00", "20:00"], date(2024, 5, 6))
    assert "排班表缺人: 2024-05-07 20:00 班次没有值班员（届时发给备用接收人）" in warnings
    assert len(warnings) == len(found)
    assert roster_warnings(AlertsConfig(), ["08:00"], date(2024, 5, 6)) == []


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


BASE = """\
roster:
  people:
    张伟: {email: zw@qx.cn, mobile: "13800000001"}
    王局: {email: wj@qx.cn}
  weekly:
    mon:
      "08:00":
        duty: [张伟]
        leader: [王局]
      20:00:
        duty: [张伟]
  overrides:
    - {date: 2024-10-01, duty: [张伟]}
  fallback: [王局]
channels:
  mail:
    type: email
    sender: yq@qx.cn
    recipients: [roster:duty, roster:leader]
  ding:
    type: dingtalk
    url_env: YQ_DING
    at_roster: leader
"""


def test_the_base_config_is_valid_and_unquoted_shift_times_still_work(tmp_path):
    p = tmp_path / "alerts.yaml"
    p.write_text(BASE, encoding="utf-8")
    cfg = load_alerts_config(p)
    assert set(cfg.roster.weekly["mon"]) == {"08:00", "20:00"}  # YAML read 20:00 as 1200
    assert cfg.channels["ding"].at_roster == ["leader"]
    assert cfg.channels["mail"].fixed_recipients() == []


@pytest.mark.parametrize("old, new, where, words", [
    ("        leader: [王局]\n", "        leader: [王局, 刘某]\n", "leader: [王局, 刘某]",
     "'刘某' is not in roster.people"),
    ("    mon:\n", "    mun:\n", "mun:", "bad weekday 'mun'"),
    ("    - {date: 2024-10-01, duty: [张伟]}\n",
     "    - {date: 2024-10-01, duty: [张伟]}\n    - {date: 2024-10-01, shift: \"08:00\", duty: [王局]}\n",
     'shift: "08:00", duty: [王局]', "overlaps another override of 2024-10-01"),
    ("      20:00:\n", "      \"8:00pm\":\n", '"8:00pm"', "use HH:MM"),
    ("    recipients: [roster:duty, roster:leader]\n", "    recipients: [roster:boss]\n",
     "roster:boss", "use roster:duty or roster:leader"),
    ("  fallback: [王局]\n", "  fallback: [王五]\n", "fallback: [王五]", "'王五' is not in roster.people"),
])
def test_roster_errors_name_file_and_line(tmp_path, old, new, where, words):
    text = BASE.replace(old, new)
    assert text != BASE
    p = tmp_path / "alerts.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_alerts_config(p)
    assert e.value.line == _line_of(text, where), str(e.value)
    assert words in str(e.value) and str(e.value).startswith(f"{p}:{e.value.line}: ")


@pytest.mark.parametrize("old, new, words", [
    ("  fallback: [王局]\n", "", "only roster recipients; add a fixed address or a roster.fallback"),
    # The fallback person has only a mobile: an e-mail gap would reach nobody.
    ("    王局: {email: wj@qx.cn}\n", "    王局: {mobile: \"13900000001\"}\n",
     "roster.fallback person with an email"),
    (BASE[:BASE.index("channels:")], "", "uses the duty roster but alerts.yaml has no roster section"),
])
def test_a_channel_that_could_drop_an_alert_is_refused(tmp_path, old, new, words):
    p = tmp_path / "alerts.yaml"
    text = BASE.replace(old, new)
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_alerts_config(p)
    assert words in str(e.value) and e.value.line == _line_of(text, "channels:")


def test_shift_times_must_be_the_watch_handover_times(tmp_path):
    p = tmp_path / "alerts.yaml"
    p.write_text(BASE, encoding="utf-8")
    cfg = load_alerts_config(p)
    check_roster_shifts(cfg, ["08:00", "20:00"], p)
    with pytest.raises(ConfigError, match=r"roster: shift 20:00 is not one of watch.yaml shifts \(08:00, 18:00\)"):
        check_roster_shifts(cfg, ["08:00", "18:00"], p)


def test_the_commented_example_in_the_shipped_alerts_yaml_is_valid(tmp_path):
    shipped = (ROOT / "config" / "alerts.yaml").read_text(encoding="utf-8")
    block = re.search(r"^# roster:\n(?:#   .*\n)+", shipped, re.M).group(0)
    p = tmp_path / "alerts.yaml"
    p.write_text(re.sub(r"^# ", "", block, flags=re.M), encoding="utf-8")
    cfg = load_alerts_config(p)
    assert on_duty(cfg.roster, datetime(2024, 10, 1, 21, tzinfo=SH)) == {"duty": ["张伟"], "leader": ["王局"]}
    assert on_duty(cfg.roster, datetime(2024, 10, 3, 3, tzinfo=SH))["duty"] == ["李娜"]  # the swap


def test_check_config_warns_about_roster_gaps(tmp_path):
    d = tmp_path / "config"
    shutil.copytree(ROOT / "config", d, ignore=shutil.ignore_patterns("examples"))
    (d / "watch.yaml").write_text("locality: 青溪市\nstorage: {database_url: 'sqlite:///yq.db'}\n",
                                  encoding="utf-8")
    alerts = (d / "alerts.yaml").read_text(encoding="utf-8")
    (d / "alerts.yaml").write_text(textwrap.dedent("""\
        roster:
          people: {张伟: {email: zw@qx.cn}}
          weekly: {mon: {"08:00": {duty: [张伟], leader: [张伟]}}}
        """) + alerts, encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "scheduler", "check-config", str(d)], capture_output=True,
                       text=True, cwd=ROOT, timeout=180)
    assert r.returncode == 0, r.stderr
    warnings = [line for line in r.stdout.splitlines() if line.startswith("警告: 排班表缺人")]
    assert len(warnings) == 7 * 2 * 2 - 2  # every role of every shift but Monday's day shift
    assert "配置有效" in r.stdout
