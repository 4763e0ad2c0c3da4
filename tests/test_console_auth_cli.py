"""`yqwatch user add|passwd|disable|list` as real subprocesses: passwords on stdin (never argv),
exit 2 with a one-line Chinese reason on bad input, and what the console then accepts."""
from __future__ import annotations

import pytest

from console.users import UserBook
from storage.factory import make_engine
from test_alerts_support import Clock
from test_cli import cfg  # noqa: F401  (a fixture, extended below)
from test_cli import yq as cli_yq
from test_console_support import NOW


def yq(*args: str, stdin: str = ""):
    # never None: a command that prompts (getpass) must read the given stdin, not the terminal
    return cli_yq(*args, stdin=stdin)


@pytest.fixture
def auth_cfg(cfg):
    """The CLI tests' config with console accounts switched on."""
    watch = cfg / "watch.yaml"
    watch.write_text(watch.read_text(encoding="utf-8") + "console: {auth: true}\n", encoding="utf-8")
    return cfg


def _users(cfg) -> UserBook:
    return UserBook(make_engine(f"sqlite:///{cfg / 'yq.db'}"), Clock(NOW))


def test_user_commands_manage_accounts(auth_cfg):
    c = str(auth_cfg)
    r = yq("user", "add", "jia", "--name", "值班员甲", "--role", "duty", "--config", c, stdin="duty-pass-1\n")
    assert r.returncode == 0, r.stderr
    assert "已创建账号 jia（值班员甲，值班员）" in r.stdout and "duty-pass-1" not in r.stdout
    assert yq("user", "add", "li", "--name", "李分管", "--role", "leader", "--config", c,
              stdin="leader-pass-1\n").returncode == 0
    users = _users(auth_cfg)
    assert users.authenticate("jia", "duty-pass-1").name == "值班员甲"
    assert users.authenticate("li", "leader-pass-1").role == "leader"

    listed = yq("user", "list", "--config", c)
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("jia\t值班员甲\t值班员\t启用") and lines[1].startswith("li\t李分管\t分管领导\t启用")
    assert lines[-1] == "共 2 个账号" and "pass" not in listed.stdout

    assert yq("user", "passwd", "jia", "--config", c, stdin="new-pass-22\n").returncode == 0
    assert users.authenticate("jia", "duty-pass-1") is None
    assert users.authenticate("jia", "new-pass-22") is not None

    r = yq("user", "disable", "li", "--config", c)
    assert r.returncode == 0 and "已停用账号 li" in r.stdout
    assert users.authenticate("li", "leader-pass-1") is None
    assert "li\t李分管\t分管领导\t已停用" in yq("user", "list", "--config", c).stdout


@pytest.mark.parametrize("args, stdin, words", [
    (["add", "jia", "--name", "甲", "--role", "boss"], "long-enough\n", "--role 应为 duty|leader|admin"),
    (["add", "jia", "--name", "甲", "--role", "duty"], "short\n", "密码长度应为"),
    (["add", "jia", "--role", "duty"], "long-enough\n", "显示名不能为空"),
    (["add", "--name", "甲", "--role", "duty"], "long-enough\n", "登录名应为"),
    (["add", "a b", "--name", "甲", "--role", "duty"], "long-enough\n", "登录名应为"),
    (["passwd", "nobody"], "long-enough\n", "没有登录名为 nobody 的账号"),
    (["disable", "nobody"], "", "没有登录名为 nobody 的账号"),
])
def test_bad_input_exits_2_with_one_chinese_line(auth_cfg, args, stdin, words):
    r = yq("user", *args, "--config", str(auth_cfg), stdin=stdin)
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("错误: ") and words in r.stderr


def test_a_taken_login_is_refused(auth_cfg):
    add = ("user", "add", "jia", "--name", "值班员甲", "--role", "duty", "--config", str(auth_cfg))
    assert yq(*add, stdin="duty-pass-1\n").returncode == 0
    r = yq(*add, stdin="other-pass-1\n")
    assert r.returncode == 2 and "登录名 jia 已存在" in r.stderr
    assert _users(auth_cfg).authenticate("jia", "duty-pass-1") is not None
