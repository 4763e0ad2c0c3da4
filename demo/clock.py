"""Demo time: how far the simulated story has played, and the wall-clock time of each post.

Demo seconds = real seconds since start x speed (running clock), or whatever `advance()` added
(manual clock, for deterministic tests). A post at offset o >= 0 is published at
start + o / speed in wall-clock time, for both clocks; on a manual clock that wall time is
"virtual" (it may run ahead of the real clock), and pages render relative times ("3 分钟前")
against the same virtual now, so they stay consistent with the published times.
Backlog posts (o < 0) are older than the demo: published at start + o, unscaled, so the one-day
backlog really spans the day before the server started.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLOCKS = ("running", "manual")


class DemoClock:
    def __init__(self, *, speed: float = 60.0, mode: str = "running", start: datetime | None = None):
        if speed <= 0:
            raise ValueError("speed must be positive")
        if mode not in CLOCKS:
            raise ValueError(f"clock must be one of {CLOCKS}")
        if start is not None and start.tzinfo is None:
            raise ValueError("start must be an aware datetime")
        self.speed = float(speed)
        self.mode = mode
        self._fixed_start = start
        self.start = start or datetime.now(SHANGHAI).replace(microsecond=0)
        self._t0 = time.monotonic()
        self._manual = 0.0
        self._lock = threading.Lock()

    def begin(self) -> None:
        """(Re)start the clock now: demo time 0 at this wall-clock instant (unless start was fixed)."""
        with self._lock:
            self.start = self._fixed_start or datetime.now(SHANGHAI).replace(microsecond=0)
            self._t0 = time.monotonic()
            self._manual = 0.0

    def demo_seconds(self) -> float:
        if self.mode == "manual":
            with self._lock:
                return self._manual
        return (time.monotonic() - self._t0) * self.speed

    def advance(self, seconds: float) -> None:
        if self.mode != "manual":
            raise RuntimeError("only a manual clock can be advanced")
        if not seconds >= 0:  # also rejects NaN
            raise ValueError("seconds must be >= 0")
        with self._lock:
            self._manual += seconds

    def wall_time(self, offset: float) -> datetime:
        """Publish time of a post at demo offset `offset` (see the module docstring)."""
        seconds = offset if offset < 0 else offset / self.speed
        return self.start + timedelta(seconds=seconds)

    def now(self) -> datetime:
        """The wall-clock 'now' pages are rendered at (virtual on a manual clock)."""
        return self.wall_time(self.demo_seconds())
