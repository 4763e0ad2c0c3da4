"""Is the watch alive? The newest finished crawl, for the header and the red 采集停止 banner.

A stopped watch must not look like a quiet night: when no crawl has finished for
`ConsoleServices.crawl_stale_after`, every page says so (and console.js repeats the check on every
poll, so an open page turns red too)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pipeline.config import TZ as SHANGHAI

RUNS_LOOKED_AT = 200  # newest crawl runs over all sources; a finished one is always among them


@dataclass(frozen=True, slots=True)
class WatchStatus:
    now: datetime
    last_crawl_at: datetime | None  # the newest crawl run that finished without failing
    stale_after: timedelta

    @property
    def last_crawl(self) -> str:
        return self.last_crawl_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M") if self.last_crawl_at else "无记录"

    @property
    def stale(self) -> bool:
        return self.last_crawl_at is None or self.now - self.last_crawl_at > self.stale_after

    @property
    def message(self) -> str | None:
        """The banner text (None: all is well)."""
        if not self.stale:
            return None
        if self.last_crawl_at is None:
            return "采集停止：尚无成功完成的采集记录"
        minutes = int((self.now - self.last_crawl_at).total_seconds() // 60)
        return f"采集停止：已有 {minutes} 分钟没有完成采集（最近一次 {self.last_crawl}）"

    def to_json(self) -> dict:
        return {"now": self.now.isoformat(),
                "last_crawl_at": self.last_crawl_at.isoformat() if self.last_crawl_at else None,
                "last_crawl": self.last_crawl, "stale": self.stale,
                "message": self.message}


def watch_status(services) -> WatchStatus:
    runs = services.store.crawl_runs(limit=RUNS_LOOKED_AT)
    done = [r.finished_at for r in runs if r.status != "failed" and r.finished_at is not None]
    return WatchStatus(services.now(), max(done, default=None), services.crawl_stale_after)
