"""The duty desk tells the truth (issue 17), in real headless Chromium: a red banner when the
console cannot be reached or crawling stopped, a live Beijing-time clock, the last crawl, marks
that say why, a graded new-post banner with a beep for 红/橙 (mutable), counts redrawn after
triage, and reports previewed sandboxed."""
from __future__ import annotations

from datetime import timedelta

import pytest

from console.app import create_app
from console.server import ConsoleServer
from storage.types import CrawlRun
from test_console_browser import _click, _sign_in, _wait, driver  # noqa: F401 (fixture)
from test_console_support import NOW, build_env, post


def _run(env, minutes_ago: int) -> None:
    at = env.clock() - timedelta(minutes=minutes_ago)
    env.services.store.record_crawl_run(CrawlRun("qxbbs", at - timedelta(minutes=1), at, pages=2, items=5,
                                                 new_items=1, errors=0, parse_failures=0, list_items=5))


@pytest.fixture
def desk(tmp_path):
    env = build_env(tmp_path)
    _run(env, 3)
    server = ConsoleServer(create_app(env.services), "127.0.0.1", 0)
    server.start()
    yield env, server
    server.stop()


def _alarm(drv):
    return drv.execute_script("const a = document.getElementById('watch-alarm');"
                              "return a.hidden ? null : a.textContent")


def _poll(drv):
    drv.execute_async_script("poll().then(arguments[arguments.length - 1]);")  # the 15 s timer's job


def test_a_dead_console_turns_the_page_red_within_one_poll(driver, desk):
    env, server = desk
    driver.get(server.url + "/")
    assert _alarm(driver) is None
    _poll(driver)
    assert _alarm(driver) is None
    server.stop()  # the watch is stopped: polls are refused
    _poll(driver)
    assert "连接中断" in _alarm(driver) and "采集可能已停止" in _alarm(driver)


def test_crawling_that_stopped_shows_and_clears(driver, desk):
    env, server = desk
    driver.get(server.url + "/events")  # every page polls, not only the feed
    assert _alarm(driver) is None
    assert driver.find_element("id", "last-crawl").text == "最近采集 05-06 14:57"
    env.clock.advance(minutes=40)  # no crawl finished since
    _poll(driver)
    assert _alarm(driver) == "采集停止：已有 43 分钟没有完成采集（最近一次 05-06 14:57）"
    _run(env, 0)
    _poll(driver)
    assert _alarm(driver) is None and driver.find_element("id", "last-crawl").text == "最近采集 05-06 15:40"


def test_the_header_clock_runs_in_beijing_time(driver, desk):
    _env, server = desk
    driver.get(server.url + "/")
    clock = driver.find_element("id", "clock")
    first = clock.text
    assert first.startswith("北京时间 2024-05-06 15:00:")  # the watch's clock, not the browser's zone
    _wait(driver, lambda d: d.find_element("id", "clock").text != first, timeout=5)


def test_marks_explain_themselves(driver, desk):
    env, server = desk
    env.add([post(20, title="青溪化工厂偷排", text="化工厂又偷排了，青溪东湖区的河水一直偷排", severity="orange",
                  negative=True, words=("偷排",), minutes_ago=2)])
    driver.get(server.url + "/")
    card = driver.find_element("css selector", 'article.post[data-id="p020"]')
    hits = card.find_elements("css selector", ".excerpt mark.hit")
    assert len(hits) == 2  # every occurrence, not once per block
    assert len(card.find_elements("css selector", ".title mark.hit")) == 1
    assert hits[0].get_attribute("title") == "命中词「偷排」：话题「环境污染」，话题定级橙"
    locs = card.find_elements("css selector", "mark.loc")
    assert locs and all("属地词" in m.get_attribute("title") for m in locs)
    assert card.find_element("css selector", ".why").text == "定级依据 橙：话题「环境污染」定级橙；负面，维持橙"


def test_new_post_banner_gives_the_worst_grade_and_beeps_for_red_unless_muted(driver, desk):
    env, server = desk
    driver.get(server.url + "/")
    driver.execute_script("localStorage.removeItem('yq-muted')")
    banner = driver.find_element("id", "new-banner")
    env.add([post(30, title="临江县交通新规", severity="blue", words=("交通",), minutes_ago=1)])
    _poll(driver)
    assert banner.text == "1 条新帖（1 个主题帖），最高等级：蓝，点击刷新" and banner.get_attribute("data-beeps") is None
    env.add([post(31, title="青溪东湖区化工厂爆炸", severity="red", negative=True, words=("爆炸",), minutes_ago=1)])
    _poll(driver)
    assert banner.text == "2 条新帖（2 个主题帖），最高等级：红，点击刷新"
    assert "grade-red" in banner.get_attribute("class") and banner.get_attribute("data-beeps") == "1"
    _poll(driver)  # nothing newer: no second beep
    assert banner.get_attribute("data-beeps") == "1"
    toggle = driver.find_element("id", "sound-toggle")
    assert toggle.text == "提示音：开"
    toggle.click()
    assert toggle.text == "提示音：关"
    env.add([post(32, title="青溪化工厂又爆炸", severity="red", negative=True, words=("爆炸",), minutes_ago=1)])
    _poll(driver)
    assert banner.text.startswith("3 条新帖") and banner.get_attribute("data-beeps") == "1"
    driver.refresh()
    assert driver.find_element("id", "sound-toggle").text == "提示音：关"  # kept per browser
    driver.execute_script("localStorage.removeItem('yq-muted')")


def test_counts_update_after_triage(driver, desk):
    env, server = desk
    _sign_in(driver, server.url)
    counts = lambda: driver.find_element("id", "feed-counts").text  # noqa: E731
    assert counts().startswith("近24小时相关主题 4 个（未处理帖子 4 条）")
    _click(driver, "p004", "ignored")
    assert counts().startswith("近24小时相关主题 3 个（未处理帖子 3 条）")


def test_reports_open_as_a_sandboxed_preview(driver, desk):
    env, server = desk
    env.services.write_report(NOW.date())
    (env.services.report_dir / "crafted.html").write_text(
        "<html><head><title>摘报</title></head><body><p id='x'>正文</p>"
        "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\"></body></html>",
        encoding="utf-8")
    driver.get(server.url + "/reports")
    link = driver.find_element("css selector", "li.report-file a.preview[href$='.html']:not([href*='crafted'])")
    driver.get(link.get_attribute("href"))
    assert "重要舆情摘报" in driver.find_element("tag name", "body").text
    driver.get(server.url + "/reports/view/crafted.html")
    assert driver.find_element("id", "x").text == "正文"
    assert driver.title == "摘报"  # neither the script nor the onerror handler ran
