"""What the console needs from the rest of the watch, built by the composition root (scheduler)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from alerts.engine import AlertEngine
from alerts.incidents import IncidentBook
from pipeline.periods import Periods
from alerts.ledger import LedgerConfig
from storage.search import SearchIndex
from storage.store import Store

from .auth import ConsoleAuth
from .queries import SqlWatchReads, WatchReads


@dataclass
class ConsoleServices:
    store: Store  # documents, statuses, crawl runs
    index: SearchIndex  # keyword search over relevant documents
    query_terms: Callable[[str], list[str]]  # segments a search-box query (pipeline's tokenizer)
    alerts: AlertEngine  # .alerts(event_id=..., limit=...), .acknowledge(event_id, by)
    incidents: IncidentBook
    source_names: dict[str, str]  # source id -> display name (also: the configured sources)
    locality: str
    now: Callable[[], datetime]  # aware, Asia/Shanghai
    report_dir: Path  # issued reports: listed and downloadable (nothing outside it is served)
    write_report: Callable[[date], object] | None = None  # today's 摘报 on demand (ReportResult)
    # an incident's 专报 on demand: (incident id, "docx"|"html") -> SpecialResult, files in report_dir
    write_special: Callable[[int, str], object] | None = None
    departments: list[str] = field(default_factory=list)  # suggestions for incident assignment
    auth: ConsoleAuth | None = None  # accounts and sign-in (watch.yaml console.auth); None: typed names
    # e-mail delivery state of issued reports (ReportPostbox.deliveries, newest first); None: no mail
    deliveries: Callable[[], list] | None = None
    # Host names served besides 127.0.0.1/localhost/::1 (DNS rebinding guard): the bind host and
    # the names staff type (watch.yaml console.host + console.allowed_hosts).
    allowed_hosts: tuple[str, ...] = ()
    # No crawl finished for this long: every page shows the red 采集停止 banner
    # (watch.yaml console.crawl_stale_minutes).
    crawl_stale_after: timedelta = timedelta(minutes=30)
    # what today's 摘报 will hold, in report order (doc ids): selected posts first, then the
    # automatic ones up to the report's size (alerts.reports.daily); None: only the selected are shown
    daily_items: Callable[[date], list[str]] | None = None
    # the report desk (alerts.reports.desk) whose approvals the /reports/approvals pages edit and
    # approve; None (or a desk without approvals): no approval pages
    report_desk: object | None = None
    # alert events and the ingest sequence (console.queries); None: read from the store's tables
    reads: WatchReads | None = None
    # bearer token that lets a non-loopback Prometheus scrape /metrics (None: loopback only)
    metrics_token: str | None = None
    # 重大活动 / 敏感期 (watch.yaml periods): every page shows the one on now in a banner
    periods: Periods | None = None
    ledger_config: LedgerConfig | None = None  # 台账 deadlines (config/ledger.yaml); None: defaults

    def __post_init__(self):
        if self.reads is None:
            self.reads = SqlWatchReads(self.store.engine)
