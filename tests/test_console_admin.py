"""/users: account management by admins (Starlette TestClient, real SQLite accounts)."""
from __future__ import annotations

import logging
import re
import warnings

import pytest

from console.app import create_app
from test_console_support import PASSWORDS, build_env, form_post, fresh_browser, sign_in, signed_in, with_accounts

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient


@pytest.fixture
def env(tmp_path):
    return with_accounts(build_env(tmp_path), "guan", "jia", "lingdao")


def _attempt(env, login, password):
    """A fresh browser signing in: (its client, the login response)."""
    c = fresh_browser(env)
    return c, sign_in(c, login, password, "/")


def _account(env, login):
    return env.services.auth.users.find(login)


def test_admin_adds_resets_disables_and_enables_an_account(env, caplog):
    admin = signed_in(env, "guan")
    page = admin.get("/users")
    assert page.status_code == 200 and 'id="nav-users"' in page.text
    logins = re.findall(r'<tr class="account[^"]*" data-login="([^"]+)">', page.text)
    assert logins == ["guan", "jia", "lingdao"]

    caplog.set_level(logging.INFO, logger="console.admin")
    r = form_post(admin, "/users", login="Yi", name="值班员乙", role="duty", password="first-pass-1",
              password2="first-pass-1")
    assert r.status_code == 303 and r.headers["location"] == "/users?done=added&login=yi"
    assert "已创建账号：yi" in admin.get(r.headers["location"]).text
    new, ok = _attempt(env, "yi", "first-pass-1")
    assert ok.status_code == 303 and "值班员乙（值班员）" in new.get("/").text

    r = form_post(admin, "/users/yi/password", password="second-pass-2", password2="second-pass-2")
    assert r.status_code == 303
    assert new.get("/", follow_redirects=False).status_code == 303  # a reset ends the user's sessions
    assert _attempt(env, "yi", "first-pass-1")[1].status_code == 401
    new = signed_in(env, "jia")  # keeps an unrelated session to check it survives
    PASSWORDS["yi"] = "second-pass-2"
    yi = signed_in(env, "yi")

    assert form_post(admin, "/users/yi/disable").status_code == 303
    assert _account(env, "yi").disabled
    assert yi.get("/", follow_redirects=False).status_code == 303
    assert _attempt(env, "yi", "second-pass-2")[1].status_code == 401  # disabled: cannot sign in
    assert "已停用" in admin.get("/users").text
    assert form_post(admin, "/users/yi/enable").status_code == 303
    assert _attempt(env, "yi", "second-pass-2")[1].status_code == 303
    assert new.get("/", follow_redirects=False).status_code == 200

    audit = [r.getMessage() for r in caplog.records if r.name == "console.admin"]
    assert audit == [f"账号管理: {a} yi duty（操作人 guan）" for a in ("创建", "重置密码", "停用", "启用")]
    assert {r.levelno for r in caplog.records if r.name == "console.admin"} == {logging.INFO}
    assert "second-pass-2" not in caplog.text and "first-pass-1" not in caplog.text


def test_role_change_applies_on_the_next_request(env):
    admin = signed_in(env, "guan")
    duty = signed_in(env, "jia")
    assert duty.get("/users").status_code == 403
    assert form_post(admin, "/users/jia/role", role="admin").status_code == 303
    assert _account(env, "jia").role == "admin"
    page = duty.get("/users")  # same session, new role
    assert page.status_code == 200 and "值班员甲（管理员）" in page.text
    assert form_post(admin, "/users/jia/role", role="boss").status_code == 400
    assert _account(env, "jia").role == "admin"


def test_bad_input_is_refused_and_the_form_kept(env):
    admin = signed_in(env, "guan")
    r = form_post(admin, "/users", login="bing", name="值班员丙", role="duty", password="pass-one-1",
              password2="pass-two-2")
    assert r.status_code == 400 and "两次输入的密码不一致" in r.text
    assert 'value="bing"' in r.text and "pass-one-1" not in r.text
    assert _account(env, "bing") is None
    for data, words in ((dict(login="jia", name="重名", role="duty"), "已存在"),
                        (dict(login="x", name="短", role="duty"), "登录名应为"),
                        (dict(login="bing", name="丙", role="root"), "角色应为"),
                        (dict(login="bing", name="<b>丙</b>", role="duty", password="short"), "密码长度")):
        data.setdefault("password", "long-enough-1")
        r = form_post(admin, "/users", password2=data["password"], **data)
        assert r.status_code == 400 and words in r.text, words
        assert "<b>丙</b>" not in r.text
    assert form_post(admin, "/users/nobody/disable").status_code == 404
    assert form_post(admin, "/users/jia/password", password="short", password2="short").status_code == 400
    assert form_post(admin, "/users", login="bing", name="<b>丙</b>", role="duty", password="long-enough-1",
                 password2="long-enough-1").status_code == 303
    page = admin.get("/users").text
    assert "<b>丙</b>" not in page and "&lt;b&gt;丙&lt;/b&gt;" in page


def test_an_admin_cannot_disable_or_demote_themself(env):
    admin = signed_in(env, "guan")
    r = form_post(admin, "/users/guan/disable")
    assert r.status_code == 403 and "不能停用自己的账号" in r.text
    for role in ("duty", "leader"):
        r = form_post(admin, "/users/GUAN/role", role=role)
        assert r.status_code == 403 and "不能取消自己的管理员角色" in r.text
    me = _account(env, "guan")
    assert me.role == "admin" and not me.disabled
    assert admin.get("/users").status_code == 200  # still signed in
    page = admin.get("/users").text
    own = re.search(r'data-login="guan">(.*?)</tr>', page, re.S).group(1)
    assert "/users/guan/disable" not in own and "改角色" not in own


def test_duty_and_leader_get_403_and_no_link(env):
    target = _account(env, "guan")
    for login in ("jia", "lingdao"):
        c = signed_in(env, login)
        assert 'id="nav-users"' not in c.get("/").text
        r = c.get("/users")
        assert r.status_code == 403 and "只有管理员可以管理账号" in r.text
        for path, data in (("/users", dict(login="evil", name="x", role="admin", password="p" * 8,
                                           password2="p" * 8)),
                           ("/users/guan/disable", {}), ("/users/guan/password", dict(password="p" * 8,
                                                                                    password2="p" * 8)),
                           (f"/users/{login}/role", dict(role="admin"))):
            assert form_post(c, path, **data).status_code == 403, path
    assert _account(env, "evil") is None
    assert _account(env, "guan") == target  # same token: nothing changed
    assert {u.role for u in env.services.auth.users.list() if u.login != "guan"} == {"duty", "leader"}


def test_posts_need_the_csrf_token(env):
    admin = signed_in(env, "guan")
    before = _account(env, "jia")
    for path, data in (("/users/jia/disable", {}), ("/users/jia/role", {"role": "admin"}),
                       ("/users", {"login": "bing", "name": "丙", "role": "duty", "password": "p" * 8,
                                   "password2": "p" * 8})):
        r = admin.post(path, data=data, follow_redirects=False)
        assert r.status_code == 403 and "安全校验失败" in r.text, path
        r = admin.post(path, data={**data, "csrf": "x" * 43}, follow_redirects=False)
        assert r.status_code == 403, path
    assert _account(env, "jia") == before and _account(env, "bing") is None


def test_signed_out_and_typed_name_mode(env, tmp_path):
    c = fresh_browser(env)
    r = c.get("/users", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fusers"
    assert form_post(c, "/users/jia/disable").status_code == 303
    assert not _account(env, "jia").disabled
    plain = build_env(tmp_path / "plain")  # auth off: no accounts, no page, header unchanged
    t = TestClient(create_app(plain.services), base_url="http://127.0.0.1:8080")
    assert t.get("/users").status_code == 404
    assert 'id="nav-users"' not in t.get("/").text and 'id="actor-name"' in t.get("/").text
