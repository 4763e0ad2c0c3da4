"""yqwatch composition root: the long-lived objects of one watch (Services) and its APScheduler
jobs. Everything long-lived (engine, index, jieba tokenizer, channels, scheduler) is built here and
passed down; nothing below imports this module. The command line lives in cli/, the watch.yaml
schema in watch_config.py, missed-report catch-up in catchup.py. Crawls run in long-lived crawl
worker processes (`python -m crawlers.worker`, started and supervised by dispatch/, or fed through a
Redis queue shared by crawl hosts)."""
from __future__ import annotations

import functools
import json
import logging
import os
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

from catchup import DAILY_MARK, HANDOVER_MARK, issue_analysis, mark_issued
from cli.reasons import reason_text
from pipeline.config import TZ
from pipeline.config import now as clock
from storage.crawl_reasons import reasons_line
from watch_config import Config, load_config

__all__ = ["Services", "build_scheduler", "load_config", "main"]
log = logging.getLogger("yqwatch")


class Services:
    def __init__(self, cfg: Config):
        from alerts.incidents import IncidentBook
        from storage.factory import create_schema, open_index, open_store

        self.cfg = cfg
        self.store = open_store(cfg.storage)
        create_schema(self.store.engine)
        self.index = open_index(cfg.storage)
        self._query_terms = None
        self._query_terms_lock = threading.Lock()
        self.source_names = {s.id: s.name or s.id for s in cfg.sources.sources}
        self.incidents = IncidentBook(self.store.engine, now=clock)
        # 重大活动 / 敏感期: periods.interval_factor(now) shortens crawl intervals while one is on
        self.periods = cfg.watch.watch_periods()
        self.last_report: list[Path] = []
        self.alerts_sent = 0
        self._drain_down: str | None = None  # the reason while index delivery is failing
        self._drain_state = threading.Lock()

    @functools.cached_property
    def engine(self):
        """The alert engine and its channels, built on first use: only what sends needs the
        channels' secrets (gc, reindex, a report without --send need none)."""
        from alerts.channels import build_channels
        from alerts.engine import AlertEngine

        cfg = self.cfg
        return AlertEngine(self.store, cfg.alerts, build_channels(cfg.alerts, os.environ), now=clock,
                           source_names=self.source_names, locality_name=cfg.watch.locality,
                           shifts=cfg.watch.shifts)

    @property
    def query_terms(self):
        """Search-box text → index terms; the tokenizer is built on first use (the watch itself
        analyses nothing: crawl subprocesses do)."""
        from pipeline.query import QueryTerms

        with self._query_terms_lock:
            if self._query_terms is None:
                self._query_terms = QueryTerms.from_config_dir(self.cfg.dir)
            return self._query_terms

    def ensure_index(self) -> None:
        try:
            self.index.ensure()
        except Exception as e:  # an index outage must not stop the watch: the outbox keeps posts
            log.warning("搜索索引暂不可用: %s", e)

    @functools.cached_property
    def crawl_workers(self):
        """Long-lived crawl workers (dispatch/, watch.yaml `workers:`), started on first use."""
        from dispatch.config import load_workers_settings
        from dispatch.factory import open_dispatcher

        return open_dispatcher(self.cfg.dir, load_workers_settings(self.cfg.dir))

    def crawl(self, source_id: str) -> dict | None:
        """One crawl now, waiting for its summary (`yqwatch crawl`)."""
        summary = self.crawl_workers.crawl(source_id)
        self._crawled(source_id, summary)
        self.drain()
        return summary

    def crawl_soon(self, source_id: str) -> None:
        """The scheduled poll: queued for a worker unless the source's last crawl is still queued or
        running (a source's crawls never overlap). The outbox job indexes what it stores."""
        if self.crawl_workers.submit(source_id, on_done=lambda s: self._crawled(source_id, s)) is None:
            log.info("本轮未派发 %s: 上一轮抓取未完成 (或本机不是调度主节点)", source_id)

    def _crawled(self, source_id: str, summary: dict | None) -> None:
        """A crawl's summary: logged; a failure the database never recorded (disk full) is handed
        to the alert engine, which keeps it in memory and alerts once the database takes writes."""
        if summary is None or summary.get("error") or summary.get("record_error"):
            why = (summary or {}).get("record_error") or (summary or {}).get("error") or "超时"
            log.error("抓取失败 %s: %s", source_id, why)
            if "engine" in self.__dict__:  # the watch (one-off `yqwatch crawl` alerts nobody)
                self.engine.note_crawl_failure(source_id, str(why))
        else:
            log.info("抓取 %s: %s%s", source_id, json.dumps(summary, ensure_ascii=False),
                     f" · {reasons_line(summary['reasons'])}" if summary.get("reasons") else "")
            if "engine" in self.__dict__:
                self.engine.note_crawl_ok(source_id)

    def drain(self) -> int:
        """Deliver the index outbox; an outage is logged once when it starts and once when it ends
        (not a line per attempt every few seconds)."""
        from storage.outbox import drain_outbox

        try:
            n = drain_outbox(self.store, self.index)
        except Exception as e:
            with self._drain_state:
                first, self._drain_down = self._drain_down is None, self._drain_down or reason_text(e)
            if first:
                log.warning("索引投递中断 (文档已保存, 恢复后自动补投): %s", reason_text(e))
            return 0
        with self._drain_state:
            was, self._drain_down = self._drain_down, None
        if was is not None:
            log.warning("索引投递已恢复: 补投 %d 条", n)
        return n

    def deliver_alerts(self) -> None:
        """Due alerts between rules runs: a channel that comes back is used within seconds."""
        try:
            sent, _failed = self.engine.deliver_due()
        except Exception as e:  # the database may be busy or down: the next run tries again
            log.warning("预警投递出错 (稍后重试): %s", reason_text(e))
            return
        self.alerts_sent += sent

    def run_rules(self):
        summary = self.engine.run_once()
        self.alerts_sent += summary.alerts_sent
        if summary.alerts_sent:
            log.info("已发送预警 %d 条 (本轮新事件 %d)", summary.alerts_sent, summary.events_new)
        return summary

    @functools.cached_property
    def reports(self):
        """The report desk; it e-mails issues when alerts.yaml has a `reports:` section."""
        from alerts.reports.delivery import ReportPostbox
        from alerts.reports.desk import ReportDesk
        from alerts.reports.approval import ApprovalBook
        from alerts.reports.letterhead import letterhead

        cfg, mail = self.cfg, self.cfg.alerts.reports
        r = cfg.watch.reports
        postbox = None
        if mail is not None:
            # the alert engine's own channel object (alerts.yaml guarantees an enabled e-mail one)
            postbox = ReportPostbox(self.store.engine, self.engine.channels[mail.channel],
                                    now=clock,
                                    backoff_seconds=cfg.alerts.retry.backoff_seconds,
                                    backoff_max_seconds=cfg.alerts.retry.backoff_max_seconds)
        return ReportDesk(self.store, self.incidents, out_dir=cfg.path(cfg.watch.reports.out_dir),
                          locality=cfg.watch.locality, now=clock,
                          formats=cfg.watch.reports.formats, shifts=cfg.watch.shifts,
                          source_names=self.source_names, postbox=postbox, mail=mail,
                          head=letterhead(cfg.watch.locality, issuer=r.issuer, compiled_by=r.compiled_by,
                                          submit_to=r.submit_to, copy_to=r.copy_to),
                          approvals=ApprovalBook(self.store.engine, now=clock), auto_send=r.auto_send)

    def daily_report(self, day: date, formats=None, out: Path | None = None):
        res = self.reports.daily(day, formats, out)
        self.last_report = list(res.paths)
        return res

    def issue_daily_report(self, day: date):
        """The scheduled 《重要舆情摘报》: written and, when configured, e-mailed once."""
        issue = self.reports.issue_daily(day)
        if issue.result is not None:
            self.last_report = list(issue.result.paths)
        mark_issued(self.store, DAILY_MARK, day.isoformat())
        return issue

    def issue_handover(self, end: datetime | None = None):
        """The 交接班 of the shift that ended last (by `end`): written and e-mailed once."""
        issue = self.reports.issue_handover(end)
        mark_issued(self.store, HANDOVER_MARK, issue.result.end.isoformat())
        return issue

    def deliver_reports(self):
        try:
            return self.reports.deliver()
        except Exception:  # the database may be busy or down: the next run tries again
            log.exception("报告邮件投递出错")
            return None

    def console_app(self):
        from cli.console_app import build_console_app

        return build_console_app(self)

    def gc(self) -> dict:
        return self.store.gc(clock(), self.cfg.storage.raw_retention_days)

    def close(self) -> None:
        if "crawl_workers" in self.__dict__:
            # Crawls still in flight store after the last scheduled drain: deliver them, so a
            # stopped watch leaves its index complete (an outage keeps them queued, logged once).
            self.crawl_workers.close()
            self.drain()
        try:
            if "engine" in self.__dict__:  # built (and its channel workers started) only when used
                self.engine.close()
            self.index.close()
        finally:
            self.store.engine.dispose()


SPREAD = 2.0  # seconds between first polls at start-up


def schedule_crawls(sched, svc: Services, sources, now: datetime) -> None:
    """One polling job per source, its interval shortened while a 敏感期 is on. First polls are
    spread evenly, SPREAD seconds apart, over at most the interval: a thousand sources must not all
    start at once, and a handful need not wait for their interval."""
    from apscheduler.triggers.interval import IntervalTrigger

    factor = svc.periods.interval_factor(now)
    for i, s in enumerate(sources):
        every = max(s.interval * factor, 10)
        first = now + timedelta(seconds=min(every, SPREAD * len(sources)) * i / len(sources))
        sched.add_job(svc.crawl_soon, IntervalTrigger(seconds=every, jitter=min(every * 0.1, 30), timezone=TZ),
                      args=[s.id], id=f"crawl:{s.id}", name=f"抓取 {s.name or s.id}", next_run_time=first,
                      replace_existing=True)


def build_scheduler(svc: Services, *, demo: bool = False):
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    cfg = svc.cfg
    sources = [s for s in cfg.sources.sources if s.enabled]
    sched = BackgroundScheduler(
        timezone=TZ,
        executors={"default": ThreadPoolExecutor(16)},  # jobs only queue crawls: they never wait on one
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    now = datetime.now(TZ)
    if sources:
        svc.crawl_workers.start()  # once, before the first poll (not raced by two job threads)
    schedule_crawls(sched, svc, sources, now)
    # 重大活动 / 敏感期 are whole Beijing days: each midnight the intervals follow the periods on.
    sched.add_job(lambda: schedule_crawls(sched, svc, sources, clock()), CronTrigger(hour=0, minute=0, second=5,
                  timezone=TZ), id="periods:crawl-intervals", name="敏感期采集频率")
    sched.add_job(svc.drain, IntervalTrigger(seconds=cfg.watch.outbox_every), id="outbox", name="索引投递")
    sched.add_job(svc.run_rules, IntervalTrigger(seconds=cfg.watch.rules_every), id="rules", name="预警规则",
                  next_run_time=now + timedelta(seconds=5))
    sched.add_job(svc.deliver_alerts, IntervalTrigger(seconds=10), id="alerts:deliver", name="预警投递")
    hh, mm = (int(x) for x in cfg.watch.reports.daily_at.split(":"))
    # The morning issue covers the previous day. A run the watch missed (down at that time) is
    # caught up by catchup.catch_up when it starts.
    sched.add_job(lambda: svc.issue_daily_report(clock().date() - timedelta(days=1)),
                  CronTrigger(hour=hh, minute=mm, timezone=TZ), id="report:daily", name="重要舆情摘报")
    for t in sorted(set(cfg.watch.shifts)):
        sh, sm = (int(x) for x in t.split(":"))
        sched.add_job(svc.issue_handover, CronTrigger(hour=sh, minute=sm, timezone=TZ),
                      id=f"report:handover:{t}", name=f"交接班 {t}")
    # 舆情分析周报 / 月报 at daily_at on Monday / the 1st, covering the period just ended (drafted
    # for approval unless watch.yaml reports.auto_send names them)
    sched.add_job(lambda: issue_analysis(svc, "weekly"), CronTrigger(day_of_week="mon", hour=hh, minute=mm, timezone=TZ),
                  id="report:weekly", name="舆情分析周报")
    sched.add_job(lambda: issue_analysis(svc, "monthly"), CronTrigger(day=1, hour=hh, minute=mm, timezone=TZ),
                  id="report:monthly", name="舆情分析月报")
    # Retries, and issues a crash left written but unsent.
    sched.add_job(svc.deliver_reports, IntervalTrigger(seconds=20), id="report:mail", name="报告邮件",
                  next_run_time=now + timedelta(seconds=10))
    sched.add_job(svc.gc, CronTrigger(hour=3, minute=30, timezone=TZ), id="gc", name="过期数据清理")
    from cli.evidence import add_evidence_jobs

    add_evidence_jobs(sched, svc)  # 取证截图 and 删帖改帖复查, as crawler subprocesses
    if demo:
        from cli.run import issue_demo_report

        # In the demo the story plays in minutes: today's issue goes out like the scheduled one.
        sched.add_job(lambda: issue_demo_report(svc, clock().date()), IntervalTrigger(seconds=60),
                      id="report:demo", name="演示摘报", next_run_time=now + timedelta(seconds=45))
    return sched


def main(argv: list[str] | None = None) -> int:
    """The `yqwatch` entry point (pyproject), kept here so installed scripts keep working."""
    from cli.main import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    import sys

    sys.exit(main())
