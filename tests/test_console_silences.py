"""The console's 静默 page (Starlette TestClient; one flow in real headless Chromium): silences
are listed in force and ended, set by topic/source/event/text with an end time and a reason, and
ended early; every form is CSRF-checked, every change names who and when, everything is escaped;
with accounts only 分管领导 / admins set one. A silence set here holds back the engine's alerts."""
from __future__ import annotations

import re
import warnings
from datetime import timedelta
from urllib.parse import quote

from alerts.silences import list_silences
from console.app import create_app
from console.server import ConsoleServer
from test_console_browser import _wait, driver  # noqa: F401  (driver is a fixture)
from test_console_support import NOW, build_env, form_post, post, signed_in, with_accounts

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

HOSTILE = '<img src=x onerror=alert(1)>化工厂'
UNTIL = (NOW + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")  # a datetime-local field's value


def _typed(env, name="张三") -> TestClient:
    c = TestClient(create_app(env.services), base_url="http://127.0.0.1:8080")
    c.get("/")
    if name:
        c.cookies.set("yq_actor", quote(name))
    return c


def _ids(html: str, cls: str) -> list[int]:
    return [int(x) for x in re.findall(rf'<tr class="{cls}" data-id="(\d+)">', html)]


def test_set_list_and_end_a_silence_that_holds_back_alerts(tmp_path):
    env = build_env(tmp_path)
    c = _typed(env)
    token = c.cookies["yq_csrf"]
    form = {"match": "text", "value": HOSTILE, "until": UNTIL, "reason": "<b>已知</b>事件，已在处置"}
    assert c.post("/silences", data=form, follow_redirects=False).status_code == 403  # no CSRF token
    assert c.post("/silences", data={**form, "csrf": "x" * 43}, follow_redirects=False).status_code == 403
    nameless = _typed(env, name="")
    assert nameless.post("/silences", data={**form, "csrf": nameless.cookies["yq_csrf"]}).status_code == 400
    past = (NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    r = c.post("/silences", data={**form, "csrf": token, "until": past})
    assert r.status_code == 400 and "已过" in r.text
    r = c.post("/silences", data={**form, "csrf": token, "reason": " "})
    assert r.status_code == 400 and "原因" in r.text and "--reason" not in r.text
    assert c.post("/silences", data={**form, "csrf": token, "until": "明早"}).status_code == 400
    assert list_silences(env.services.store.engine, NOW, include_past=True) == []  # nothing half-made

    r = c.post("/silences", data={**form, "csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    page = c.get(r.headers["location"])
    (sid,) = _ids(page.text, "silence")
    assert "已设置静默" in page.text and "张三" in page.text
    assert HOSTILE not in page.text and "&lt;img src=x onerror=alert(1)&gt;化工厂" in page.text
    assert "<b>已知</b>" not in page.text and "&lt;b&gt;已知&lt;/b&gt;" in page.text
    (silence,) = list_silences(env.services.store.engine, NOW)
    assert (silence.match, silence.value, silence.created_by, silence.created_at) == ("text", HOSTILE, "张三", NOW)
    assert silence.until.isoformat(timespec="minutes").startswith(UNTIL)

    # while it is on, a red post with the text is recorded but not alerted; another one is
    sent = len(env.channel.sent)
    env.clock.advance(minutes=5)
    env.add([post(40, title=f"{HOSTILE}又在偷排", severity="red", negative=True, words=("偷排",), minutes_ago=0),
             post(41, title="西城区垃圾站臭气熏天", severity="red", negative=True, words=("臭气",), minutes_ago=0,
                  simhash=0x1111_2222_3333_4444)])
    assert [m.doc_ids for m in env.channel.sent[sent:]] == [("p041",)]

    c.cookies.set("yq_actor", quote("李四"))
    r = form_post(c, f"/silences/{sid}/end")
    assert r.status_code == 303
    page = c.get("/silences")
    assert _ids(page.text, "silence") == [] and _ids(page.text, "silence-past") == [sid]
    assert re.search(r"李四 于 \d\d-\d\d \d\d:\d\d 提前结束", page.text)
    (ended,) = list_silences(env.services.store.engine, env.clock(), include_past=True)
    assert ended.ended_by == "李四" and ended.ended_at == env.clock()
    assert form_post(c, f"/silences/{sid}/end").status_code == 409  # already ended
    assert form_post(c, "/silences/999/end").status_code == 409
    env.services.alerts.close()


def test_with_accounts_only_leaders_set_silences_and_everyone_may_end_one(tmp_path):
    env = with_accounts(build_env(tmp_path), "jia", "lingdao")
    anonymous = TestClient(create_app(env.services), base_url="http://127.0.0.1:8080")
    assert "/login" in anonymous.get("/silences", follow_redirects=False).headers.get("location", "")
    duty, leader = signed_in(env, "jia"), signed_in(env, "lingdao")
    page = duty.get("/silences")
    assert page.status_code == 200 and 'id="silence-form"' not in page.text and "只有分管领导或管理员" in page.text
    form = {"match": "source", "value": "tieba", "until": UNTIL, "reason": "贴吧刷屏"}
    r = form_post(duty, "/silences", **form)
    assert r.status_code == 403 and list_silences(env.services.store.engine, NOW) == []
    assert 'id="silence-form"' in leader.get("/silences").text
    assert form_post(leader, "/silences", **form).status_code == 303
    (silence,) = list_silences(env.services.store.engine, NOW)
    assert silence.created_by == "李分管"
    page = duty.get("/silences")
    assert "信息源：<span class=\"value\">青溪吧</span>" in page.text  # the source by its name
    assert form_post(duty, f"/silences/{silence.id}/end").status_code == 303
    assert list_silences(env.services.store.engine, NOW, include_past=True)[0].ended_by == "值班员甲"
    env.services.alerts.close()


def test_set_and_end_a_silence_in_chromium(driver, tmp_path):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    env = build_env(tmp_path)
    with ConsoleServer(create_app(env.services), "127.0.0.1", 0) as server:
        driver.get(server.url + "/silences")
        driver.find_element(By.ID, "actor-name").send_keys("王五")
        driver.find_element(By.ID, "actor-save").click()
        _wait(driver, lambda d: d.find_element(By.ID, "actor-name").get_attribute("value") == "王五")
        Select(driver.find_element(By.ID, "silence-match")).select_by_value("topic")
        driver.find_element(By.ID, "silence-value").send_keys("pollution")
        until = driver.find_element(By.ID, "silence-until")
        driver.execute_script("arguments[0].value = arguments[1]", until, UNTIL)  # locale-free
        driver.find_element(By.ID, "silence-reason").send_keys("化工厂事件已转处置")
        driver.find_element(By.ID, "silence-submit").click()
        _wait(driver, lambda d: d.find_elements(By.ID, "silence-done"))
        rows = driver.find_elements(By.CSS_SELECTOR, "#silences-active tr.silence")
        assert len(rows) == 1 and "话题：pollution" in rows[0].text and "王五" in rows[0].text
        sid = rows[0].get_attribute("data-id")
        driver.find_element(By.ID, f"end-silence-{sid}").click()
        _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#silences-past tr.silence-past"))
        assert "王五 于" in driver.find_element(By.CSS_SELECTOR, "#silences-past tr.silence-past").text
        assert driver.find_element(By.CSS_SELECTOR, 'nav a[href="/silences"]').get_attribute("class") == "active"
    env.services.alerts.close()
