"""Source health from crawl runs: a silent spider is the worst failure a 24-hour watch can have.

A source is unhealthy when its latest runs failed (site down, blocked) or came back empty (list
pages parsed to zero items: the layout changed), or when its parse-failure rate jumped well above
its own recent baseline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from statistics import median

from pipeline.config import TZ as SHANGHAI
from storage.crawl_reasons import reason_label
from storage.types import CrawlRun

JUMP_MIN_RATE = 0.3  # a parse-failure rate below this is never a jump
JUMP_FACTOR = 3.0  # ... and it must be this many times the recent median

STATUS_LABELS = {"ok": "正常", "empty": "无内容", "failed": "失败", "parse_jump": "解析异常",
                 "never": "未采集"}


def failure_rate(run: CrawlRun) -> float:
    return run.parse_failures / max(run.pages, 1)


@dataclass(frozen=True)
class SourceHealth:
    source_id: str
    status: str  # ok | empty | failed | parse_jump | never
    bad_streak: int  # consecutive latest runs that were not ok
    streak_started: datetime | None
    last_run: datetime | None
    last_items: int
    last_new: int
    parse_failure_rate: float
    detail: str

    @property
    def broken(self) -> bool:
        return self.status in ("empty", "failed", "parse_jump")

    def to_json(self) -> dict:
        return {"source": self.source_id, "status": self.status, "label": STATUS_LABELS[self.status],
                "bad_streak": self.bad_streak,
                "last_run": self.last_run.isoformat() if self.last_run else None,
                "last_items": self.last_items, "last_new": self.last_new,
                "parse_failure_rate": round(self.parse_failure_rate, 3), "detail": self.detail}

    def line(self) -> str:
        when = self.last_run.astimezone(SHANGHAI).strftime("%m-%d %H:%M") if self.last_run else "--"
        return (f"{self.source_id:<20} {STATUS_LABELS[self.status]:<4} 最近采集 {when}  帖子 {self.last_items}"
                f" (新 {self.last_new})  解析失败率 {self.parse_failure_rate:.0%}  {self.detail}")


def _is_bad(run: CrawlRun, baseline: float | None) -> str | None:
    if run.status in ("empty", "failed"):
        return run.status
    rate = failure_rate(run)
    if baseline is not None and rate >= JUMP_MIN_RATE and rate >= JUMP_FACTOR * max(baseline, 0.02):
        return "parse_jump"
    return None


def source_health(source_id: str, runs: list[CrawlRun]) -> SourceHealth:
    """`runs`: this source's recent crawl runs, newest first."""
    runs = [r for r in runs if r.status != "running"]  # a crawl in progress says nothing yet
    if not runs:
        return SourceHealth(source_id, "never", 0, None, None, 0, 0, 0.0, "尚无采集记录")
    runs = sorted(runs, key=lambda r: r.started_at, reverse=True)
    good_rates = [failure_rate(r) for r in runs if r.status == "ok"]
    # Baseline: the median failure rate of the older runs (so a jump is judged against history).
    baseline = median(good_rates[1:]) if len(good_rates) > 3 else None
    streak: list[tuple[CrawlRun, str]] = []
    for r in runs:
        why = _is_bad(r, baseline)
        if why is None:
            break
        streak.append((r, why))
    last = runs[0]
    status = streak[0][1] if streak else "ok"
    detail = {
        "ok": "",
        "empty": f"连续{len(streak)}次列表页无内容 (可能改版)",
        "failed": f"连续{len(streak)}次采集失败: {_top_reason(last)}",
        "parse_jump": f"解析失败率升至 {failure_rate(last):.0%} (此前约 {baseline or 0:.0%})",
    }[status]
    return SourceHealth(source_id, status, len(streak), streak[-1][0].started_at if streak else None,
                        last.started_at, last.items, last.new_items, failure_rate(last), detail)


def _top_reason(run: CrawlRun) -> str:
    if not run.reasons:
        return "未知原因"
    reason, n = max(run.reasons.items(), key=lambda kv: kv[1])
    return f"{reason_label(reason)} ×{n}"
