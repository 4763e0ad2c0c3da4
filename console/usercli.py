"""`yqwatch user add|passwd|disable|list`: console accounts from the command line (the scheduler
parses the arguments and opens the database). Passwords come from stdin or a getpass prompt,
never from argv (which other local users can read in the process list)."""
from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import TextIO

from .render import fmt_time
from .users import ROLES, UserBook, UserError, clean_login


def read_password(stdin: TextIO) -> str:
    """Typed twice at a terminal; otherwise the first line of stdin."""
    if stdin.isatty():
        first = getpass.getpass("新密码: ")
        if getpass.getpass("再次输入: ") != first:
            raise UserError("两次输入的密码不一致")
        return first
    return stdin.readline().rstrip("\r\n")


def user_command(users: UserBook, action: str, login: str | None, *, name: str | None = None,
                 role: str | None = None, password: Callable[[], str], out: TextIO) -> int:
    """Run one subcommand; bad input raises UserError (the CLI exits 2 with its message)."""
    if action == "list":
        rows = users.list()
        for u in rows:
            state = "已停用" if u.disabled else "启用"
            print(f"{u.login}\t{u.name}\t{u.role_label}\t{state}\t创建 {fmt_time(u.created_at)}\t"
                  f"最近登录 {fmt_time(u.last_login_at)}", file=out)
        print(f"共 {len(rows)} 个账号", file=out)
        return 0
    if action not in ("add", "passwd", "disable"):
        raise UserError(f"未知操作 {action}")
    clean_login(login or "")  # refuse a bad name before asking for a password
    if action == "add":
        if role not in ROLES:
            raise UserError(f"--role 应为 {'|'.join(ROLES)}")
        u = users.add(login or "", name or "", role, password())
        print(f"已创建账号 {u.login}（{u.name}，{u.role_label}）", file=out)
    elif action == "passwd":
        u = users.set_password(login or "", password())
        print(f"已修改 {u.login} 的密码，原有登录会话已失效", file=out)
    else:
        u = users.disable(login or "")
        print(f"已停用账号 {u.login}，其登录会话已失效", file=out)
    return 0
