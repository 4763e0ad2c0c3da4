"""The console in a real headless Chromium (Debian's /usr/bin/chromium + chromedriver).

Skipped with a reason when the browser is missing; failed instead when YQ_REQUIRE_BROWSER=1
(CI installs it with scripts/ci_browser.sh and sets that)."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.models import ReportSelectionRow
from console.app import create_app
from console.server import ConsoleServer
from test_console_support import HOSTILE_REPLY, HOSTILE_TITLE, build_env, post, thread_posts

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOT = Path(tempfile.gettempdir()) / "yqwatch_console_feed.png"
THREAD_SCREENSHOT = Path(tempfile.gettempdir()) / "yqwatch_console_threads.png"


def _missing() -> str | None:
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        return f"{CHROMIUM} / {CHROMEDRIVER} not installed (run scripts/ci_browser.sh)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed in the venv"
    return None


@pytest.fixture(scope="module")
def driver():
    why = _missing()
    if why:
        if os.environ.get("YQ_REQUIRE_BROWSER") == "1":
            pytest.fail(f"YQ_REQUIRE_BROWSER=1 but {why}")
        pytest.skip(why)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="yq-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", f"--user-data-dir={profile}", "--window-size=1280,900",
                "--lang=zh-CN"):
        opts.add_argument(arg)
    # An explicit driver path: Selenium Manager never runs (it would try to download).
    drv = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    drv.set_page_load_timeout(30)
    yield drv
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def site(tmp_path):
    env = build_env(tmp_path)
    server = ConsoleServer(create_app(env.services), "127.0.0.1", 0)
    server.start()
    yield env, server.url
    server.stop()


def _wait(drv, cond, timeout=10):
    from selenium.webdriver.support.ui import WebDriverWait

    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException

    try:
        # a form post reloads the page: an element found just before the reload goes stale, so
        # the condition is asked again rather than failing the test
        return WebDriverWait(drv, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(cond)
    except TimeoutException:
        toast, rows = drv.execute_script(
            "const t = document.getElementById('toast'), r = document.getElementById('feed-rows');"
            "return [t && t.textContent, r && r.innerText.slice(-700)]")
        raise AssertionError(f"condition not met in {timeout}s; last toast: {toast!r}; rows: {rows!r}") from None


def _gone(element):
    """A wait condition: `element` left the document (a navigation replaced the page). Chrome
    reports that as a stale element, or, mid-navigation, as an inspector error about a node that
    "does not belong to the document"."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def cond(_drv):
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as e:
            if "does not belong to the document" in str(e):
                return True
            raise
        return False
    return cond


def _sign_in(drv, url, name="值班员甲"):
    from selenium.webdriver.common.by import By

    drv.get(url + "/")
    box = drv.find_element(By.ID, "actor-name")
    box.clear()
    box.send_keys(name)
    drv.find_element(By.ID, "actor-save").click()
    # Wait for the form's navigation to finish: with a name saved by an earlier test, the old
    # page already shows it, and a get() issued now would race the redirect.
    _wait(drv, _gone(box))
    _wait(drv, lambda d: d.execute_script(
        "const e = document.getElementById('actor-name'); return e && e.defaultValue") == name)


def _row_ids(drv):
    return drv.execute_script("return [...document.querySelectorAll('article.post')].map(e => e.dataset.id)")


def _click(drv, doc_id, action):
    from selenium.webdriver.common.by import By

    drv.find_element(By.CSS_SELECTOR, f'article.post[data-id="{doc_id}"] button[data-action="{action}"]').click()
    _wait(drv, lambda d: doc_id not in _row_ids(d))
    _settled(drv)


def _settled(drv):
    """The triage is done and the list redrawn with its new counts (#feed loses aria-busy)."""
    _wait(drv, lambda d: d.execute_script("return !document.getElementById('feed').hasAttribute('aria-busy')"))


@pytest.fixture
def thread_site(tmp_path):
    env = build_env(tmp_path, thread_posts())
    server = ConsoleServer(create_app(env.services), "127.0.0.1", 0)
    server.start()
    yield env, server.url
    server.stop()


def test_feed_ranks_and_triages_in_place(driver, site):
    from selenium.webdriver.common.by import By

    env, url = site
    _sign_in(driver, url)
    ids = _row_ids(driver)
    assert ids[0] == "p002" and ids[-1] == "p001"  # red above blue
    badges = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "article.post .head .badge")]
    assert badges[0] == "红" and badges[-1] == "蓝"
    driver.save_screenshot(str(SCREENSHOT))
    driver.execute_script("window.__sameDocument = 42;")

    _click(driver, "p004", "ignored")
    assert env.services.store.statuses(["p004"]) == {"p004": "ignored"}
    _click(driver, "p001", "selected")
    with Session(env.services.store.engine) as s:
        assert s.scalars(select(ReportSelectionRow.selected_by)).all() == ["值班员甲"]
    _click(driver, "p002", "escalated")
    assert "#1" in driver.find_element(By.ID, "toast").text
    assert driver.execute_script("return window.__sameDocument") == 42  # never reloaded
    assert env.services.store.statuses(["p002", "p001"]) == {"p002": "escalated", "p001": "selected"}

    driver.get(url + "/incidents")
    rows = driver.find_elements(By.CSS_SELECTOR, "tr.incident")
    assert len(rows) == 1 and "青溪化工厂夜间偷排污水河水发臭" in rows[0].text and "发现" in rows[0].text


def test_hostile_post_renders_as_text(driver, site):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    _env, url = site
    driver.get(url + "/")
    row = driver.find_element(By.CSS_SELECTOR, 'article.post[data-id="p003"]')
    assert HOSTILE_TITLE in row.find_element(By.CSS_SELECTOR, ".title").text
    assert driver.find_elements(By.CSS_SELECTOR, "main img") == []
    assert row.find_elements(By.CSS_SELECTOR, "a") == []  # javascript: is shown, never linked
    assert "javascript:alert" in row.find_element(By.CSS_SELECTOR, ".rawurl").text
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 (reading it is the check)
    for a in driver.find_elements(By.CSS_SELECTOR, "article.post a"):
        assert a.get_attribute("href").startswith("https://")
        assert a.get_attribute("rel") == "noopener noreferrer" and a.get_attribute("target") == "_blank"
    assert driver.execute_script("return document.querySelectorAll('script').length") == 1


def test_new_posts_banner_refreshes_the_list(driver, site):
    from selenium.webdriver.common.by import By

    env, url = site
    driver.get(url + "/")
    banner = driver.find_element(By.ID, "new-banner")
    assert not banner.is_displayed()
    env.add([post(11, title="青溪东湖区突发化工厂爆炸", severity="red", negative=True,
                  words=("爆炸",), minutes_ago=1, replies=5)])
    driver.execute_script("window.__sameDocument = 7;")
    driver.execute_async_script("poll().then(arguments[arguments.length - 1]);")  # the 15 s timer's job
    assert banner.is_displayed() and banner.text == "1 条新帖（1 个主题帖），最高等级：红，点击刷新"
    assert "grade-red" in banner.get_attribute("class")
    banner.click()
    _wait(driver, lambda d: "p011" in _row_ids(d))
    assert _row_ids(driver)[:2] == ["p002", "p011"]  # both red: the hotter, older one still leads
    assert not driver.find_element(By.ID, "new-banner").is_displayed()
    assert driver.execute_script("return window.__sameDocument") == 7
    marks = [m.text for m in driver.find_elements(By.CSS_SELECTOR, 'article.post[data-id="p011"] mark')]
    assert "爆炸" in marks


def test_incident_workflow_in_the_browser(driver, site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    env, url = site
    _sign_in(driver, url, "值班员乙")
    _click(driver, "p003", "escalated")
    driver.get(url + "/incidents/1")
    Select(driver.find_element(By.ID, "to-state")).select_by_value("assessed")
    driver.find_element(By.NAME, "note").send_keys("情况属实")
    driver.find_element(By.ID, "transition-submit").click()
    _wait(driver, lambda d: d.execute_script(
        "const e = document.getElementById('incident-state'); return e && e.textContent") == "研判")
    audit = driver.find_element(By.CSS_SELECTOR, "table.audit").text
    assert "值班员乙" in audit and "发现 → 研判" in audit and "情况属实" in audit
    assert driver.find_elements(By.CSS_SELECTOR, "main img") == []  # hostile title, escaped here too
    assert HOSTILE_TITLE in driver.find_element(By.TAG_NAME, "h1").text


def test_one_card_per_thread_and_ignoring_the_thread(driver, thread_site):
    from selenium.webdriver.common.by import By

    env, url = thread_site
    _sign_in(driver, url)
    assert _row_ids(driver) == ["p100", "p200", "p300"]  # 30 replies + 2 other threads: 3 cards
    hot = driver.find_element(By.CSS_SELECTOR, 'article.post[data-id="p100"]')
    assert hot.find_element(By.CSS_SELECTOR, ".head .badge").text == "红"  # the worst of its posts
    assert "本帖 31 条相关 · 31 条未处理" in hot.find_element(By.CSS_SELECTOR, ".thread").text
    latest = hot.find_element(By.CSS_SELECTOR, ".thread .latest")
    assert HOSTILE_REPLY in latest.text and driver.find_elements(By.CSS_SELECTOR, "main img") == []
    badge = hot.find_element(By.CSS_SELECTOR, ".event-badge")
    assert badge.text == "跨平台事件 · 2 个信源 · 32 帖"
    assert badge.get_attribute("href").startswith(url + "/events#event-ev-")
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(THREAD_SCREENSHOT))
    driver.execute_script("window.__sameDocument = 5;")

    hot.find_element(By.CSS_SELECTOR, 'button[data-action="ignored"]').click()
    _wait(driver, lambda d: "p100" not in _row_ids(d))
    _settled(driver)
    assert "31 条帖子" in driver.find_element(By.ID, "toast").text
    assert driver.execute_script("return window.__sameDocument") == 5  # never reloaded
    ids = [f"p{n}" for n in range(100, 131)]
    assert set(env.services.store.statuses(ids).values()) == {"ignored"}
    others = ["p200", "p300", "p301"]
    assert env.services.store.statuses(others) == dict.fromkeys(others, "new")

    badge = driver.find_element(By.CSS_SELECTOR, 'article.post[data-id="p200"] .event-badge')
    badge.click()
    _wait(driver, lambda d: d.current_url.split("#")[0] == url + "/events")
    row = driver.find_element(By.CSS_SELECTOR, "tr.event:target")
    assert "青溪化工厂偷排" in row.text


def test_a_card_that_stays_in_view_redraws_its_counts(driver, thread_site):
    from selenium.webdriver.common.by import By

    env, url = thread_site
    _sign_in(driver, url)
    driver.get(url + "/?status=all")
    counts = lambda: driver.execute_script(  # noqa: E731 (the list may be mid-replacement: '' then)
        "return document.querySelector('article.post[data-id=\"p300\"] .thread .counts')?.textContent ?? ''")
    assert "2 条未处理" in counts()
    driver.find_element(By.CSS_SELECTOR, 'article.post[data-id="p300"] button[data-action="read"]').click()
    _wait(driver, lambda d: "0 条未处理" in counts())
    assert _row_ids(driver) == ["p100", "p200", "p300"]
    assert env.services.store.statuses(["p300", "p301"]) == {"p300": "read", "p301": "read"}
