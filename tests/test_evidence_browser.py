"""In a real headless Chromium: a deleted post's card shows the red 已删除 badge with its reason,
an edited one the 已编辑 badge, and the 取证截图 link opens the capture's PNG."""
from __future__ import annotations

import base64
import urllib.request

import pytest

from console.app import create_app
from console.server import ConsoleServer
from test_console_browser import driver  # noqa: F401  (the module-scoped browser fixture)
from test_evidence_console import PNG, env  # noqa: F401  (the env fixture: a deletion, an edit, a capture)


@pytest.fixture
def console(env):  # noqa: F811
    server = ConsoleServer(create_app(env.services), "127.0.0.1", 0)
    server.start()
    yield server.url
    server.stop()


def test_badges_and_capture_link(driver, console):  # noqa: F811
    from selenium.webdriver.common.by import By

    driver.get(console + "/")
    deleted = driver.find_element(By.CSS_SELECTOR, 'article.post[data-id="p002"] .change-badge.deleted')
    assert deleted.is_displayed() and deleted.text == "已删除"
    assert "删帖提示页（该帖已被删除）" in deleted.get_attribute("title")
    colour = driver.execute_script("return getComputedStyle(arguments[0]).backgroundColor", deleted)
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")  # the stylesheet styles it
    edited = driver.find_element(By.CSS_SELECTOR, 'article.post[data-id="p004"] .change-badge.edited')
    assert edited.is_displayed() and edited.text == "已编辑"
    assert not driver.find_elements(By.CSS_SELECTOR, 'article.post[data-id="p001"] .change-badge')
    link = driver.find_element(By.CSS_SELECTOR, 'article.post[data-id="p002"] .capture a')
    assert link.text == "取证截图"
    with urllib.request.urlopen(link.get_attribute("href"), timeout=10) as r:
        assert r.read() == PNG and r.headers["Content-Type"] == "image/png"
    # the PNG is served to the browser too (same origin, under the console's security headers)
    got = driver.execute_async_script(
        "const done = arguments[1]; fetch(arguments[0]).then(r => r.arrayBuffer())"
        ".then(b => done(btoa(String.fromCharCode(...new Uint8Array(b)))))", link.get_attribute("href"))
    assert base64.b64decode(got) == PNG
