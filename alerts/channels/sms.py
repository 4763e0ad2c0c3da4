"""`type: sms`: text messages through an SMS provider's HTTP gateway, described by a template
(url, method, headers, body with {phone} {text} {subject} {severity} {alert_id} and secrets such
as {token} read from the environment), so any provider's API fits without code.

One request per phone number. The text is cut to `max_chars` (SMS-sized) including the prefix.
Crawled text is escaped for where it lands: JSON-escaped in a JSON body, URL-encoded in a GET
query or a form body. A receiver that refuses a request for good (4xx except 408/425/429) makes
the delivery permanently rejected; anything else is retried. A retry after a partial failure
resends to every phone: the gateway receives `Idempotency-Key: <alert id>:<phone>` to dedupe."""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Literal
from urllib.parse import quote

import httpx
from pydantic import Field, field_validator, model_validator

from alerts.channels.base import DeliveryError, PermanentDeliveryError, env_value
from alerts.channels.jsonpost import TRANSIENT_4XX, host_of
from alerts.escape import one_line, truncate
from alerts.registry import CHANNEL_KINDS, ChannelKind
from alerts.schema import ChannelSchema, Roles
from alerts.types import AlertMessage

MESSAGE_FIELDS = ("phone", "text", "subject", "severity", "alert_id")
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_PHONE = re.compile(r"^\+?[0-9]{5,15}$")
_CONTENT_TYPES = {"json": "application/json", "form": "application/x-www-form-urlencoded",
                  "text": "text/plain; charset=utf-8"}

BodyFormat = Literal["json", "form", "text"]


def _escaper(method: str, body_format: str) -> Callable[[str], str]:
    """How a value is written into the body: a GET template is a query string."""
    if method == "GET" or body_format == "form":
        return lambda v: quote(v, safe="")
    if body_format == "json":
        return lambda v: json.dumps(v, ensure_ascii=False)[1:-1]  # inside the template's quotes
    return lambda v: v


def fill(template: str, values: Mapping[str, str], escape: Callable[[str], str]) -> str:
    """Replace {name} placeholders only (JSON braces stay); an unknown name is an error."""
    def one(m: re.Match) -> str:
        if m.group(1) not in values:
            raise KeyError(m.group(1))
        return escape(values[m.group(1)])
    return _PLACEHOLDER.sub(one, template)


def sms_text(message: AlertMessage, prefix: str, max_chars: int) -> str:
    """The prefix and the alert's one-line gist, `max_chars` characters at most."""
    return truncate(prefix + one_line(message.text or message.subject), max_chars)


class SmsChannel:
    def __init__(self, *, url: str, phones: Sequence[str], body: str, method: str = "POST",
                 body_format: BodyFormat = "json", headers: Mapping[str, str] | None = None,
                 secrets: Mapping[str, str] | None = None, prefix: str = "【舆情值守】",
                 max_chars: int = 70, timeout: float = 10.0):
        self.url, self.method, self.body, self.body_format = url, method, body, body_format
        self.phones = tuple(phones)
        self.headers = dict(headers or {})
        self.secrets = dict(secrets or {})
        self.prefix, self.max_chars, self.timeout = prefix, max_chars, timeout

    def recipients(self) -> tuple[str, ...]:
        return ("sms", *self.phones)  # the group-robot shape: roster mobiles are added after "sms"

    def request(self, message: AlertMessage, phone: str) -> httpx.Request:
        values = {**self.secrets, "phone": phone, "text": sms_text(message, self.prefix, self.max_chars),
                  "subject": one_line(message.subject), "severity": message.severity or "",
                  "alert_id": message.alert_id}
        url = fill(self.url, self.secrets, lambda v: quote(v, safe=""))
        headers = {k: fill(v, self.secrets, one_line) for k, v in self.headers.items()}
        headers["Idempotency-Key"] = f"{message.alert_id}:{phone}"
        filled = fill(self.body, values, _escaper(self.method, self.body_format))
        if self.method == "GET":
            sep = "&" if "?" in url else "?"
            return httpx.Request("GET", f"{url}{sep}{filled}" if filled else url, headers=headers)
        headers.setdefault("Content-Type", _CONTENT_TYPES[self.body_format])
        return httpx.Request("POST", url, headers=headers, content=filled.encode("utf-8"))

    def send(self, message: AlertMessage) -> None:
        self.send_to(message, self.recipients())

    def send_to(self, message: AlertMessage, recipients: Sequence[str]) -> None:
        """`recipients` as stored: ("sms", *phones). Every phone is tried; the first error is
        raised, permanent only if every failure was."""
        errors: list[DeliveryError] = []
        with httpx.Client(timeout=self.timeout) as client:
            for phone in recipients[1:]:
                try:
                    self._send_one(client, self.request(message, phone))
                except DeliveryError as e:
                    errors.append(e)
        if errors:
            if all(isinstance(e, PermanentDeliveryError) for e in errors):
                raise errors[0]
            raise DeliveryError(f"{len(errors)} of {len(recipients) - 1} SMS failed: {errors[0]}")

    def _send_one(self, client: httpx.Client, req: httpx.Request) -> None:
        where = f"{req.method} {host_of(str(req.url))}"  # never the URL: it may carry the token
        try:
            resp = client.send(req)
        except httpx.HTTPError as e:
            raise DeliveryError(f"{where}: {type(e).__name__}") from e
        if resp.is_client_error and resp.status_code not in TRANSIENT_4XX:
            raise PermanentDeliveryError(f"{where}: HTTP {resp.status_code} (短信网关拒收)")
        if not resp.is_success:
            raise DeliveryError(f"{where}: HTTP {resp.status_code}")


class SmsChannelConfig(ChannelSchema):
    type: Literal["sms"]
    url: str | None = None  # may hold secret placeholders such as {token}
    url_env: str | None = None
    method: Literal["GET", "POST"] = "POST"
    body_format: BodyFormat = "json"  # POST only; a GET body is the query string
    body: str  # e.g. '{"to": "{phone}", "content": "{text}", "key": "{token}"}'
    headers: dict[str, str] = {}  # values may hold secret placeholders
    token_env: str | None = None  # the env var substituted as {token}
    secrets_env: dict[str, str] = {}  # more placeholders: name -> env var
    phones: list[str] = []
    to_roster: Roles = []  # also text the mobiles of these roster roles on call
    prefix: str = "【舆情值守】"
    max_chars: int = Field(70, ge=10, le=1000)

    @field_validator("phones")
    @classmethod
    def _phones(cls, v: list[str]) -> list[str]:
        bad = [p for p in v if not _PHONE.match(p)]
        if bad:
            raise ValueError(f"not a phone number: {', '.join(bad)}")
        return v

    @model_validator(mode="after")
    def _check(self):
        if (self.url is None) == (self.url_env is None):
            raise ValueError("give exactly one of url and url_env")
        if not self.phones and not self.to_roster:
            raise ValueError("give phones or to_roster")
        secrets = set(self.secret_envs())
        clash = secrets & set(MESSAGE_FIELDS)
        if clash:
            raise ValueError(f"secret placeholder names clash with message fields: {', '.join(sorted(clash))}")
        dummy = {name: "x" for name in (*secrets, *MESSAGE_FIELDS)}
        try:
            body = fill(self.body, dummy, _escaper(self.method, self.body_format))
            for text in (self.url or "", *self.headers.values()):
                fill(text, {name: "x" for name in secrets}, str)
        except KeyError as e:
            raise ValueError(f"unknown placeholder {{{e.args[0]}}} (known: "
                             f"{', '.join(sorted(dummy))}; url and headers take secrets only)") from None
        if self.method == "POST" and self.body_format == "json":
            try:
                json.loads(body)
            except ValueError as e:
                raise ValueError(f"body is not valid JSON: {e}") from None
        return self

    def secret_envs(self) -> dict[str, str]:
        return {**({"token": self.token_env} if self.token_env else {}), **self.secrets_env}

    def roster_roles(self) -> list[str]:
        return list(self.to_roster)

    def needs_roster_fallback(self) -> bool:
        return not self.phones


def _build(c: SmsChannelConfig, env) -> SmsChannel:
    return SmsChannel(url=c.url or env_value(env, c.url_env), phones=c.phones, body=c.body,
                      method=c.method, body_format=c.body_format, headers=c.headers,
                      secrets={name: env_value(env, var) for name, var in c.secret_envs().items()},
                      prefix=c.prefix, max_chars=c.max_chars, timeout=c.timeout)


CHANNEL_KINDS.register("sms", ChannelKind("sms", SmsChannelConfig, _build, contact="mobile"))
