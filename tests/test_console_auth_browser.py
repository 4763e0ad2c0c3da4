"""Sign-in in a real headless Chromium (the `driver` fixture of test_console_browser: skipped
when Debian's chromium is missing, failed under YQ_REQUIRE_BROWSER=1)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.models import ReportSelectionRow
from console.app import create_app
from console.server import ConsoleServer
from test_console_browser import _click, _row_ids, _wait, driver  # noqa: F401  (driver is a fixture)
from test_console_support import PASSWORDS, build_env, with_accounts


def test_sign_in_through_the_form_and_triage(driver, tmp_path):  # noqa: F811
    from selenium.webdriver.common.by import By

    env = with_accounts(build_env(tmp_path), "jia")
    with ConsoleServer(create_app(env.services), "127.0.0.1", 0) as server:
        driver.get(server.url + "/events")
        _wait(driver, lambda d: d.find_elements(By.ID, "login-name"))
        assert "/login?next=%2Fevents" in driver.current_url and not driver.find_elements(By.ID, "actor-name")
        driver.find_element(By.ID, "login-name").send_keys("jia")
        driver.find_element(By.ID, "login-password").send_keys("wrong-password")
        driver.find_element(By.ID, "login-submit").click()
        _wait(driver, lambda d: d.find_elements(By.ID, "login-error"))
        assert driver.find_element(By.ID, "login-error").text == "登录名或密码错误"
        driver.find_element(By.ID, "login-password").send_keys(PASSWORDS["jia"])
        driver.find_element(By.ID, "login-submit").click()
        _wait(driver, lambda d: d.find_elements(By.ID, "signed-in"))
        assert driver.current_url == server.url + "/events"
        assert driver.find_element(By.ID, "signed-in").text == "值班员甲（值班员）"

        driver.get(server.url + "/")
        assert "p001" in _row_ids(driver)
        _click(driver, "p001", "selected")
        with Session(env.services.store.engine) as s:
            assert s.scalars(select(ReportSelectionRow.selected_by)).all() == ["值班员甲"]

        driver.find_element(By.ID, "logout").click()
        _wait(driver, lambda d: d.find_elements(By.ID, "login-name"))
        driver.get(server.url + "/")
        assert driver.find_elements(By.ID, "login-name") and not driver.find_elements(By.ID, "signed-in")
