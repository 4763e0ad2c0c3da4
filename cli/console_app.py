"""The duty console's app for one watch: its ConsoleServices wired from the watch's Services and
watch.yaml `console:` (auth and session key, allowed hosts, staleness banner, metrics token)."""
from __future__ import annotations

import logging
import os
from datetime import timedelta

from alerts.ledger import load_ledger_config
from alerts.reports.daily import daily_report_plan
from console.app import create_app
from console.auth import SecretError, build_auth
from console.services import ConsoleServices
from pipeline.config import ConfigError
from pipeline.config import now as clock

log = logging.getLogger("yqwatch")


def build_console_app(svc):
    """`svc`: scheduler.Services (not imported: scheduler sits above cli)."""
    con, auth = svc.cfg.watch.console, None
    if con.auth:
        try:
            auth = build_auth(svc.store.engine, clock, os.environ.get(con.secret_env),
                              key_file=svc.cfg.path(con.session_key_file) if con.session_key_file else None)
        except SecretError as e:
            raise ConfigError(svc.cfg.dir / "watch.yaml", None, f"console.secret_env {con.secret_env}: {e}") from None
        if not auth.users.list():
            log.warning("控制台已启用登录但尚无账号: 请用 yqwatch user add 创建")
    return create_app(ConsoleServices(
        store=svc.store, index=svc.index, query_terms=lambda q: svc.query_terms(q),
        alerts=svc.engine, incidents=svc.incidents, source_names=svc.source_names,
        locality=svc.cfg.watch.locality, now=clock,
        report_dir=svc.cfg.path(svc.cfg.watch.reports.out_dir),
        write_report=lambda day: svc.daily_report(day),
        write_special=lambda incident_id, fmt: svc.reports.special(incident_id, [fmt]), auth=auth,
        # built lazily: the postbox (and its mail channel) exists only with alerts.yaml `reports:`
        deliveries=(lambda: svc.reports.postbox.deliveries()) if svc.cfg.alerts.reports is not None else None,
        allowed_hosts=(con.host, *con.allowed_hosts), crawl_stale_after=timedelta(minutes=con.crawl_stale_minutes),
        metrics_token=os.environ.get(con.metrics_token_env) or None, periods=svc.periods,
        daily_items=lambda day: [p.doc.id for p in daily_report_plan(svc.store, day=day, now=clock())],
        ledger_config=load_ledger_config(svc.cfg.dir), report_desk=svc.reports))
