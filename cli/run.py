"""`yqwatch run`: the watch itself (console, scheduler, catch-up of missed reports) until stopped."""
from __future__ import annotations

import logging
import signal
import threading
import time

from pipeline.config import now
from watch_config import Config, check_sources, config_dir, load_config

log = logging.getLogger("yqwatch")


def cmd_run(args) -> int:
    from catchup import catch_up
    from scheduler import Services, build_scheduler
    from cli.reasons import reason_text

    cfg = load_config(config_dir(args.config))
    check_sources(cfg.dir)
    stop = threading.Event()
    extras = []
    if args.demo:
        extras = _start_demo_helpers(cfg, args)
    svc = Services(cfg)
    sched, started, console = None, False, None
    # Everything started from here on is stopped in `finally`, also when the start itself fails:
    # crawl workers, channel threads and demo servers must never outlive the watch (a worker left
    # behind holds the parent's pipes open).
    try:
        svc.engine  # noqa: B018 -- builds the channels now: a missing secret stops the start, not every rules run
        svc.ensure_index()
        if cfg.watch.console.enabled:
            from console.server import ConsoleServer

            console = ConsoleServer(svc.console_app(), cfg.watch.console.host, cfg.watch.console.port)
            try:
                console.start()
            except RuntimeError as e:
                raise OSError(f"{e} (端口被占用? 在 watch.yaml 的 console.port 修改)") from None
            extras.append(console)
            print(f"值班控制台: {console.url}/", flush=True)
        sched = build_scheduler(svc, demo=args.demo)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        # before the first crawl, so a brand-new database is seen as such (catchup.py)
        try:
            caught = catch_up(svc, now())
        except Exception as e:  # the database may be down: the next start tries again
            log.error("补发错过的报告失败: %s", reason_text(e))
            caught = []
        if caught:
            print(f"已补发停机期间错过的报告: {'、'.join(caught)}", flush=True)
        sched.start()
        started = True
        from sqlalchemy.engine import make_url

        db = make_url(cfg.storage.database_url).render_as_string(hide_password=True)  # never print a password
        print(f"yqwatch 已启动: {len(cfg.sources.sources)} 个信息源, 数据库 {db}", flush=True)
        print(f"  摘报目录: {cfg.path(cfg.watch.reports.out_dir)}", flush=True)
        log.info("yqwatch 已启动")
        deadline = time.monotonic() + args.duration if args.duration else None
        while not stop.wait(args.status_every):
            _print_status(svc)
            if deadline and time.monotonic() >= deadline:
                break
    finally:
        if started:
            log.info("yqwatch 正在停止: 等待进行中的任务结束")
        # The console stops first: no crawl is scheduled from here on, and the duty desk must
        # say so (连接中断 within one poll) rather than look live while running jobs finish.
        for x in [x for x in extras if x is console]:
            x.stop()
        if sched is not None and sched.running:
            sched.shutdown(wait=True)
            _print_status(svc)
        svc.close()
        for x in extras:
            if x is not console:  # the demo sites last: a crawl still running must not fail on them
                x.stop()
        if started:  # a start that failed says why (one line), not "stopped"
            log.info("yqwatch 已停止")
            print("yqwatch 已停止", flush=True)
    return 0


def issue_demo_report(svc, day) -> None:
    """`run --demo`: the story plays in minutes, so today's 摘报 is issued now instead of at
    tomorrow's daily_at, through the production path: the report desk writes it and the report
    delivery queue e-mails it to alerts.yaml `reports.daily` once (even across a crash); a mailed
    issue is not rewritten (its archived SHA-256 stays true), a draft awaiting approval is. The
    catch-up mark is left alone: it tracks the scheduled issue of the previous day."""
    issue = svc.reports.issue_daily(day)
    if issue.result is not None:
        svc.last_report = list(issue.result.paths)


_MAIL_STATE = {"preparing": "待发送", "pending": "待发送", "sending": "发送中", "failed": "发送失败, 重试中",
               "rejected": "被拒收", "sent": "已发送", "cancelled": "已取消发送"}


def _report_line(svc) -> str:
    """The last 摘报 written and what became of its e-mail (the report delivery queue's row)."""
    files = ", ".join(str(p) for p in svc.last_report)  # written by this run
    postbox = svc.reports.postbox if "reports" in svc.__dict__ else None  # built by the first issue
    last = postbox.deliveries(kind="daily", limit=1) if postbox is not None else []
    if not last:
        return files or "尚未生成"
    d = last[0]
    mail = f"{d.title or d.key} {_MAIL_STATE.get(d.status, d.status)} → {', '.join(d.recipients)}"
    return f"{files} · 邮件 {mail}" if files else f"邮件 {mail}"


def _print_status(svc) -> None:
    total = svc.store.count_documents()
    relevant = svc.store.count_documents(relevant_only=True)
    try:
        report = _report_line(svc)
    except Exception as e:  # the status line must not die with the database
        report = f"状态未知 ({type(e).__name__})"
    try:
        delivery = svc.engine.delivery_state()
        pending = f" · {delivery.line()}" if delivery.undelivered or delivery.unrecorded else ""
    except Exception as e:  # the status line must not die with the database
        pending = f" · 预警投递状态未知 ({type(e).__name__})"
    print(f"[{now().isoformat(timespec='seconds')}] 帖子 {total} · 相关 {relevant} · 已发预警 {svc.alerts_sent} · "
          f"摘报 {report}{pending}", flush=True)


def _start_demo_helpers(cfg: Config, args) -> list:
    """`run --demo`: the simulated sites and a local mail catcher, so the whole chain is visible."""
    from demo.mailsink import MailSink
    from demo.server import DemoServer

    server = DemoServer(port=args.demo_port, speed=args.demo_speed)
    server.start()
    sink = MailSink(port=args.mail_port, out_dir=cfg.path("../var/demo-mail"))
    sink.start()
    print(f"演示站点: {server.base_url}/bbs/  {server.base_url}/tieba/f?kw=青溪  {server.base_url}/news/", flush=True)
    print(f"演示邮箱 (SMTP 127.0.0.1:{args.mail_port}): 收到的预警和摘报邮件保存在 {sink.out_dir}", flush=True)
    return [server, sink]
