"""Console accounts and sign-in (watch.yaml `console.auth: true`) through Starlette's TestClient,
plus the 0004_console_users migration on SQLite and (with YQ_PG_URL) PostgreSQL."""
from __future__ import annotations

import uuid
import warnings
from urllib.parse import quote

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.orm import Session

import alerts.models  # noqa: F401  (registers every table on storage's Base)
import alerts.reports.models  # noqa: F401
from alerts.models import AlertRow
from console.app import create_app
from console.auth import SESSION_COOKIE, SESSION_TTL, build_auth, session_secret
from console.models import ConsoleUserRow
from console.users import UserBook, UserError, hash_password, verify_password
from storage.factory import create_schema, make_engine
from storage.migrate import alembic_config, current_revisions, head_revisions
from storage.models import Base
from storage_docs import drop_postgres_schema, postgres_engine
from test_alerts_support import Clock
from test_console_support import NOW, PASSWORDS, build_env, fresh_browser, sign_in, signed_in, with_accounts

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

@pytest.fixture
def env(tmp_path):
    return with_accounts(build_env(tmp_path), "jia", "lingdao")


def _set(c, doc_id, status):
    return c.post(f"/api/docs/{doc_id}/status", json={"status": status},
                  headers={"X-CSRF-Token": c.cookies["yq_csrf"]})


def test_signed_out_pages_go_to_login_and_open_paths_stay_open(env):
    c = fresh_browser(env)
    for path in ("/", "/events", "/incidents", "/sources", "/reports"):
        r = c.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
    assert c.get("/incidents?state=found", follow_redirects=False).headers["location"] == \
        "/login?next=%2Fincidents%3Fstate%3Dfound"
    assert c.get("/api/feed").status_code == 401 and c.get("/api/feed").json() == {"error": "请先登录"}
    assert c.get("/feed/rows").status_code == 401
    assert _set(c, "p002", "read").status_code == 401
    assert env.services.store.statuses(["p002"]) == {"p002": "new"}
    assert c.get("/healthz").json()["ok"] is True
    assert c.get("/static/console.css").status_code == 200
    login = c.get("/login")
    assert login.status_code == 200 and 'name="password"' in login.text
    assert 'id="actor-name"' not in login.text and "舆情动态" not in login.text
    r = c.post("/actor", data={"csrf": c.cookies["yq_csrf"], "name": "冒名"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert "yq_actor" not in c.cookies


def test_wrong_password_and_unknown_user_get_the_same_answer(env):
    c = fresh_browser(env)
    wrong, unknown = sign_in(c, "jia", "not-the-password"), sign_in(c, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "登录名或密码错误" in wrong.text and "登录名或密码错误" in unknown.text
    assert wrong.text == unknown.text.replace('value="nobody"', 'value="jia"')
    assert SESSION_COOKIE not in c.cookies
    no_csrf = c.post("/login", data={"login": "jia", "password": PASSWORDS["jia"]}, follow_redirects=False)
    assert no_csrf.status_code == 403 and SESSION_COOKIE not in c.cookies


def test_failures_back_off_but_never_lock_the_right_password_out(env, caplog):
    c = fresh_browser(env)
    for _ in range(5):
        assert sign_in(c, "jia", "wrong-password").status_code == 401
    locked = sign_in(c, "JIA", PASSWORDS["jia"])  # the right password, same login in another case
    assert locked.status_code == 429 and "失败次数过多，请 30 秒后再试" in locked.text
    assert SESSION_COOKIE not in c.cookies
    assert sign_in(c, "lingdao", PASSWORDS["lingdao"]).status_code == 303  # other accounts unaffected
    env.clock.advance(seconds=31)  # a back-off, not a lock: the wait ends by itself
    assert sign_in(fresh_browser(env), "jia", "wrong-again").status_code == 401  # ... and doubles
    assert sign_in(fresh_browser(env), "jia", PASSWORDS["jia"]).status_code == 429
    env.clock.advance(seconds=61)
    assert sign_in(fresh_browser(env), "jia", PASSWORDS["jia"]).status_code == 303
    for _ in range(4):  # failures spread wider than 15 minutes never hold a name back
        sign_in(c, "nobody", "x" * 8)
        env.clock.advance(minutes=5)
    assert sign_in(c, "nobody", "x" * 8).status_code == 401
    messages = [r.getMessage() for r in caplog.records if r.name == "console.login"]
    assert any("控制台登录失败" in m and "'jia'" in m and "已触发等待" in m for m in messages)
    assert any("控制台登录被限流" in m for m in messages)


def _from(env, address: str) -> TestClient:
    c = TestClient(create_app(env.services), base_url="http://127.0.0.1:8080", client=(address, 50000))
    c.get("/login")
    return c


def test_one_client_guessing_many_names_is_held_back(env):
    guesser = _from(env, "10.0.0.66")
    for n in range(20):
        assert sign_in(guesser, f"guess{n}", "wrong-password").status_code == 401
    assert sign_in(guesser, "lingdao", PASSWORDS["lingdao"]).status_code == 429  # the address waits
    assert sign_in(_from(env, "10.0.0.7"), "lingdao", PASSWORDS["lingdao"]).status_code == 303


def test_someone_guessing_a_name_does_not_lock_out_its_owner(env):
    owner, attacker = _from(env, "10.0.0.7"), _from(env, "10.0.0.66")
    assert sign_in(owner, "jia", PASSWORDS["jia"]).status_code == 303
    for _ in range(8):
        sign_in(attacker, "jia", "wrong-password")
    assert sign_in(attacker, "jia", PASSWORDS["jia"]).status_code == 429
    assert sign_in(_from(env, "10.0.0.7"), "jia", PASSWORDS["jia"]).status_code == 303  # signed in here before
    assert sign_in(_from(env, "10.0.0.8"), "jia", PASSWORDS["jia"]).status_code == 429  # a new place waits


def test_login_records_the_display_name_as_actor(env):
    c = fresh_browser(env)
    c.cookies.set("yq_actor", quote("冒名顶替"))  # the typed-name cookie is ignored with auth on
    r = sign_in(c, "jia", PASSWORDS["jia"], next_="/events")
    assert r.status_code == 303 and r.headers["location"] == "/events"
    cookie = next(x for x in c.cookies.jar if x.name == SESSION_COOKIE)
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.path == "/"
    assert "samesite=strict" in r.headers["set-cookie"].lower()
    page = c.get("/").text
    assert "值班员甲（值班员）" in page and 'id="logout"' in page and 'id="actor-name"' not in page
    assert "冒名顶替" not in page
    assert c.post("/actor", data={"csrf": c.cookies["yq_csrf"], "name": "冒名"}).status_code == 404
    assert _set(c, "p002", "read").status_code == 200
    r = c.post("/api/events/" + _event_of(env, "p002") + "/ack", headers={"X-CSRF-Token": c.cookies["yq_csrf"]})
    assert r.json()["by"] == "值班员甲"
    with Session(env.services.store.engine) as s:
        assert set(s.scalars(select(AlertRow.acknowledged_by).where(AlertRow.acknowledged_by.is_not(None)))) \
            == {"值班员甲"}
    iid = _set(c, "p003", "escalated").json()["incident_id"]
    assert env.services.incidents.get(iid).log[0].actor == "值班员甲"
    assert env.services.auth.users.list()[0].last_login_at == NOW
    assert sign_in(fresh_browser(env), "jia", PASSWORDS["jia"], next_="//evil.example/").headers["location"] == "/"


def _event_of(env, doc_id):
    return env.services.reads.events_of_docs([doc_id])[doc_id]


def test_tampered_expired_and_disabled_sessions_are_refused(env):
    c = signed_in(env, "jia")
    good = c.cookies[SESSION_COOKIE]
    assert c.get("/", follow_redirects=False).status_code == 200
    uid, expires, mac = good.split(".")
    other = next(u for u in env.services.auth.users.list() if u.login == "lingdao")
    forged = [f"{other.id}.{expires}.{mac}", f"{uid}.{int(expires) + 3600}.{mac}", f"{uid}.{expires}.{mac[:-2]}AA",
              f"{uid}.{expires}", "garbage", ""]
    for value in forged:
        c.cookies.set(SESSION_COOKIE, value)
        assert c.get("/", follow_redirects=False).status_code == 303, value
        assert c.get("/api/feed").status_code == 401, value
    c.cookies.set(SESSION_COOKIE, good)
    env.clock.advance(seconds=SESSION_TTL.total_seconds() - 60)
    assert c.get("/", follow_redirects=False).status_code == 200
    env.clock.advance(seconds=120)
    assert c.get("/", follow_redirects=False).status_code == 303  # a shift is over: sign in again

    d = signed_in(env, "jia")
    env.services.auth.users.set_password("jia", "another-pass-2")
    assert d.get("/", follow_redirects=False).status_code == 303  # a password change ends sessions
    PASSWORDS["jia"] = "another-pass-2"
    try:
        e = signed_in(env, "jia")
        env.services.auth.users.disable("jia")
        assert e.get("/", follow_redirects=False).status_code == 303
        assert sign_in(fresh_browser(env), "jia", "another-pass-2").status_code == 401
    finally:
        PASSWORDS["jia"] = "duty-pass-1"


def test_a_key_from_another_secret_does_not_verify(env):
    c = signed_in(env, "jia")
    other = build_auth(env.services.store.engine, env.clock, "x" * 40)
    assert other.user_of(c.cookies[SESSION_COOKIE]) is None
    assert env.services.auth.user_of(c.cookies[SESSION_COOKIE]).name == "值班员甲"


def test_duty_cannot_close_an_incident_leader_can(env):
    duty = signed_in(env, "jia")
    iid = _set(duty, "p002", "escalated").json()["incident_id"]
    form = lambda c, **kw: {"csrf": c.cookies["yq_csrf"], **kw}  # noqa: E731
    assert '<option value="closed">' not in duty.get(f"/incidents/{iid}").text
    r = duty.post(f"/incidents/{iid}/transition", data=form(duty, to="closed"))
    assert r.status_code == 403 and "只有分管领导或管理员可以将事件单办结" in r.text
    ok = duty.post(f"/incidents/{iid}/transition", data=form(duty, to="assessed"), follow_redirects=False)
    assert ok.status_code == 303
    leader = signed_in(env, "lingdao")
    assert '<option value="closed">办结</option>' in leader.get(f"/incidents/{iid}").text
    r = leader.post(f"/incidents/{iid}/transition", data=form(leader, to="closed", note="已处置完毕"),
                    follow_redirects=False)
    assert r.status_code == 303
    inc = env.services.incidents.get(iid)
    assert inc.state.value == "closed"
    assert [(e.actor, e.to_state.value) for e in inc.log] == [
        ("值班员甲", "found"), ("值班员甲", "assessed"), ("李分管", "closed")]


def test_logout_ends_the_session(env):
    c = signed_in(env, "jia")
    stolen = c.cookies[SESSION_COOKIE]
    r = c.post("/logout", data={"csrf": c.cookies["yq_csrf"]}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert SESSION_COOKIE not in c.cookies
    assert c.get("/", follow_redirects=False).status_code == 303
    c.cookies.set(SESSION_COOKIE, stolen)  # a copy of the cookie is dead too
    assert c.get("/", follow_redirects=False).status_code == 303
    assert c.post("/logout", data={}).status_code == 403  # logout needs the CSRF token


def test_auth_off_keeps_the_typed_name(tmp_path):
    env = build_env(tmp_path)
    c = TestClient(create_app(env.services), base_url="http://127.0.0.1:8080")
    page = c.get("/", follow_redirects=False)
    assert page.status_code == 200 and 'id="actor-name"' in page.text and 'id="logout"' not in page.text
    assert c.get("/login").status_code == 404
    c.cookies.set("yq_actor", quote("张三"))
    r = c.post("/api/docs/p002/status", json={"status": "escalated"}, headers={"X-CSRF-Token": c.cookies["yq_csrf"]})
    iid = r.json()["incident_id"]
    closed = c.post(f"/incidents/{iid}/transition", data={"csrf": c.cookies["yq_csrf"], "to": "closed"},
                    follow_redirects=False)
    assert closed.status_code == 303  # no roles without accounts
    assert [e.actor for e in env.services.incidents.get(iid).log] == ["张三", "张三"]


def test_passwords_are_salted_scrypt_and_accounts_validated(tmp_path):
    users = UserBook(make_engine(f"sqlite:///{tmp_path / 'u.db'}"), Clock(NOW))
    create_schema(users.engine)
    a, b = hash_password("same-password"), hash_password("same-password")
    assert a != b and a.startswith("scrypt$") and verify_password("same-password", a)
    assert not verify_password("same-passworD", a) and not verify_password("x", "not-a-hash")
    users.add("Wang", "王五", "admin", "long-enough")
    with Session(users.engine) as s:
        row = s.scalar(select(ConsoleUserRow))
        assert row.login == "wang" and "long-enough" not in row.password_hash
    for bad in [("wang", "重名", "duty", "long-enough"), ("x", "短名", "duty", "long-enough"),
                ("zhao", "", "duty", "long-enough"), ("zhao", "赵", "boss", "long-enough"),
                ("zhao", "赵", "duty", "short")]:
        with pytest.raises(UserError):
            users.add(*bad)
    with pytest.raises(UserError, match="没有登录名"):
        users.disable("nobody")


def test_the_generated_secret_is_kept_in_the_database(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 's.db'}")
    create_schema(engine)
    first = session_secret(engine, None)
    assert len(first) >= 32 and session_secret(engine, None) == first  # a restart keeps sessions
    assert session_secret(engine, "e" * 40) == b"e" * 40
    with pytest.raises(ValueError):
        session_secret(engine, "too-short")


# -- migration 0004_console_users ----------------------------------------------------------------

def _exercise_migration(engine):
    create_schema(engine)
    assert current_revisions(engine) == head_revisions() and len(head_revisions()) == 1  # one history
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if "console_" in str(d)] == []
    auth = build_auth(engine, Clock(NOW), None)
    user = auth.users.add("jia", "值班员甲", "duty", "duty-pass-1")
    assert auth.users.authenticate("jia", "duty-pass-1").last_login_at == NOW
    assert auth.user_of(auth.session_cookie(user)).name == "值班员甲"
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003_reports")
    with engine.connect() as conn:
        tables = set(conn.dialect.get_table_names(conn))
    assert not {"console_users", "console_secrets"} & tables and "report_specials" in tables
    create_schema(engine)
    assert auth.users.list() == []


def test_migration_sqlite(tmp_path):
    _exercise_migration(make_engine(f"sqlite:///{tmp_path / 'yq.db'}"))


@pytest.mark.postgres
def test_migration_postgresql():
    schema = f"yq_console_{uuid.uuid4().hex[:8]}"
    engine = postgres_engine(schema)
    try:
        _exercise_migration(engine)
    finally:
        drop_postgres_schema(engine, schema)
