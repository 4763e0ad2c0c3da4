"""E-mail over SMTP: plain text with an HTML alternative, UTF-8 subject, stable Message-ID, and
attachments (reports go out with their DOCX)."""
from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from typing import Literal

from pydantic import Field, field_validator, model_validator

from alerts.channels.base import DeliveryError, PermanentDeliveryError, env_value
from alerts.escape import no_bidi, one_line
from alerts.registry import CHANNEL_KINDS, ChannelKind
from alerts.roster import ROLES, ROSTER_PREFIX
from alerts.schema import ChannelSchema
from alerts.types import AlertMessage

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def message_id(alert_id: str) -> str:
    """Stable per alert, so a re-send after a crash can be deduplicated by the receiver."""
    return f"<alert.{alert_id}@yqwatch>"


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    data: bytes
    mime: str = DOCX_MIME


class EmailChannel:
    def __init__(self, *, host: str, port: int, sender: str, recipients: list[str] | tuple[str, ...],
                 starttls: bool = False, use_ssl: bool = False, username: str | None = None,
                 password: str | None = None, timeout: float = 10.0):
        self.host, self.port, self.sender = host, port, sender
        self._recipients = tuple(recipients)
        self.starttls, self.use_ssl = starttls, use_ssl
        self.username, self.password = username, password
        self.timeout = timeout

    def recipients(self) -> tuple[str, ...]:
        return self._recipients

    def compose(self, *, subject: str, text: str, html: str, message_id: str,
                recipients: Sequence[str] | None = None,
                attachments: Sequence[Attachment] = ()) -> EmailMessage:
        """A message to `recipients` (default: the channel's own list)."""
        msg = EmailMessage()
        msg["Subject"] = one_line(subject)  # crawled titles must not inject headers
        msg["From"] = self.sender
        msg["To"] = ", ".join(recipients or self._recipients)
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = message_id
        msg.set_content(no_bidi(text), charset="utf-8")
        msg.add_alternative(no_bidi(html), subtype="html", charset="utf-8")
        for a in attachments:
            maintype, subtype = a.mime.split("/", 1)
            msg.add_attachment(a.data, maintype=maintype, subtype=subtype, filename=a.filename)
        return msg

    def build(self, message: AlertMessage) -> EmailMessage:
        return self.compose(subject=message.subject, text=message.text, html=message.html,
                            message_id=message_id(message.alert_id))

    def send(self, message: AlertMessage) -> None:
        self.deliver(self.build(message))

    def send_to(self, message: AlertMessage, recipients: Sequence[str]) -> None:
        """`message` to the addresses stored with the alert (the people on duty when it fired)."""
        self.deliver(self.compose(subject=message.subject, text=message.text, html=message.html,
                                  message_id=message_id(message.alert_id), recipients=recipients))

    def deliver(self, msg: EmailMessage) -> None:
        """Hand `msg` to the SMTP server (envelope recipients from its To header)."""
        try:
            if self.use_ssl:
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                        context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as e:
            codes = [code for code, _msg in e.recipients.values()]
            if codes and all(500 <= c < 600 for c in codes):  # every address refused for good
                raise PermanentDeliveryError(f"SMTP {self.host}:{self.port}: 收件人被拒收 {e}") from e
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {e}") from e
        except smtplib.SMTPDataError as e:
            if 500 <= e.smtp_code < 600:  # the server refused this message (size, content)
                raise PermanentDeliveryError(f"SMTP {self.host}:{self.port}: 邮件被拒收 {e}") from e
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {e}") from e
        except (smtplib.SMTPException, OSError) as e:
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {e}") from e


class EmailChannelConfig(ChannelSchema):
    type: Literal["email"]
    host: str = "127.0.0.1"
    port: int = Field(8025, ge=1, le=65535)
    sender: str
    recipients: list[str] = Field(min_length=1)  # addresses and/or roster:duty, roster:leader
    starttls: bool = False
    ssl: bool = False  # implicit TLS (port 465); exclusive with starttls
    username_env: str | None = None
    password_env: str | None = None

    @field_validator("recipients")
    @classmethod
    def _roles(cls, v: list[str]) -> list[str]:
        for r in v:
            if r.startswith(ROSTER_PREFIX) and r.removeprefix(ROSTER_PREFIX) not in ROLES:
                raise ValueError(f"{r!r}: use roster:duty or roster:leader")
        return v

    def needs_roster_fallback(self) -> bool:
        return not self.fixed_recipients()

    def roster_roles(self) -> list[str]:
        return [r.removeprefix(ROSTER_PREFIX) for r in self.recipients if r.startswith(ROSTER_PREFIX)]

    def fixed_recipients(self) -> list[str]:
        return [r for r in self.recipients if not r.startswith(ROSTER_PREFIX)]

    @model_validator(mode="after")
    def _tls_modes(self):
        if self.starttls and self.ssl:
            raise ValueError("starttls and ssl are exclusive")
        if (self.username_env is None) != (self.password_env is None):
            raise ValueError("username_env and password_env go together")
        return self


def _build(c: EmailChannelConfig, env) -> EmailChannel:
    user = env_value(env, c.username_env) if c.username_env else None
    pw = env_value(env, c.password_env) if c.password_env else None
    return EmailChannel(host=c.host, port=c.port, sender=c.sender, recipients=c.fixed_recipients(),
                        starttls=c.starttls, use_ssl=c.ssl, username=user, password=pw, timeout=c.timeout)


CHANNEL_KINDS.register("email", ChannelKind("email", EmailChannelConfig, _build, contact="email"))
