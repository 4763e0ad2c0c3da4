"""A local mail catcher for `yqwatch run --demo`: a real SMTP server on 127.0.0.1 that saves each
alert e-mail it receives as an .eml file, so a newcomer sees the alert without a mail server."""
from __future__ import annotations

import email
import email.policy
from datetime import datetime
from pathlib import Path


class _SaveHandler:
    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        path = self.out_dir / f"{datetime.now():%Y%m%d-%H%M%S}-{self.count:03d}.eml"
        path.write_bytes(envelope.content)
        print(f"演示邮箱收到邮件: {msg['Subject']} → {path}", flush=True)
        return "250 OK"


class MailSink:
    def __init__(self, host: str = "127.0.0.1", port: int = 8025, *, out_dir: Path):
        from aiosmtpd.controller import Controller

        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.handler = _SaveHandler(self.out_dir)
        self._controller = Controller(self.handler, hostname=host, port=port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
