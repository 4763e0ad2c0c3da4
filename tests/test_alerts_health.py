"""Source health: failed / empty streaks and parse-failure jumps are flagged; healthy is not."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from alerts.health import source_health
from storage.types import CrawlRun

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def run(i, status="ok", pages=10, parse_failures=0, items=20, reasons=None):
    t = T0 + timedelta(minutes=5 * i)
    return CrawlRun("bbs", t, t + timedelta(seconds=30), pages, items, 3, 0, parse_failures, items,
                    reasons or {}, status)


def newest_first(runs):
    return list(reversed(runs))


def test_never_crawled():
    h = source_health("bbs", [])
    assert h.status == "never" and not h.broken


def test_healthy_source():
    h = source_health("bbs", newest_first([run(i) for i in range(6)]))
    assert h.status == "ok" and not h.broken and h.bad_streak == 0 and h.last_items == 20


def test_failed_streak_names_the_main_reason():
    runs = [run(0), run(1, "failed", reasons={"connection_refused": 3, "dns": 1}), run(2, "failed",
            reasons={"connection_refused": 2})]
    h = source_health("bbs", newest_first(runs))
    assert h.status == "failed" and h.broken and h.bad_streak == 2
    assert "connection_refused" in h.detail and h.streak_started == runs[1].started_at


def test_empty_list_pages_mean_a_layout_change():
    h = source_health("bbs", newest_first([run(0), run(1, "empty", items=0)]))
    assert h.status == "empty" and "改版" in h.detail


def test_parse_failure_jump_against_own_baseline():
    history = [run(i, parse_failures=1) for i in range(6)]  # 10% is this site's normal
    jumped = run(6, parse_failures=6)
    h = source_health("bbs", newest_first(history + [jumped]))
    assert h.status == "parse_jump" and h.broken and "60%" in h.detail
    # The same 60% on a site that always fails that much is not a jump.
    noisy = [run(i, parse_failures=6) for i in range(7)]
    assert source_health("bbs", newest_first(noisy)).status == "ok"
