"""JSON POST shared by the webhook and group-robot channels."""
from __future__ import annotations

from typing import Any

import httpx

from alerts.channels.base import DeliveryError, PermanentDeliveryError
from alerts.escape import no_bidi

# Client errors that a later retry can still cure (timeouts, rate limits, "too early").
TRANSIENT_4XX = {408, 425, 429}


def post_json(url: str, payload: dict[str, Any], *, headers: dict[str, str] | None = None,
              timeout: float) -> httpx.Response:
    """POST `payload`; a transport error or a non-2xx status raises DeliveryError.

    Errors name the host only: robot URLs carry their access token in the query."""
    try:
        resp = httpx.post(url, json=_inert(payload), headers=headers, timeout=timeout)
    except httpx.HTTPError as e:
        raise DeliveryError(f"POST {host_of(url)}: {type(e).__name__}: {e}") from e
    if resp.is_client_error and resp.status_code not in TRANSIENT_4XX:
        raise PermanentDeliveryError(f"POST {host_of(url)}: HTTP {resp.status_code} (请求被拒收)")
    if not resp.is_success:
        raise DeliveryError(f"POST {host_of(url)}: HTTP {resp.status_code}")
    return resp


def _inert(value: Any) -> Any:
    """Last line of defence for every JSON channel: no string leaves with a bidi override, even
    one a message template forgot to escape."""
    if isinstance(value, str):
        return no_bidi(value)
    if isinstance(value, dict):
        return {k: _inert(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_inert(v) for v in value]
    return value


def robot_errcode(resp: httpx.Response) -> None:
    """DingTalk and WeCom answer HTTP 200 with {"errcode": 0} on success."""
    try:
        body = resp.json()
    except ValueError:
        raise DeliveryError(f"POST {host_of(str(resp.url))}: reply is not JSON") from None
    if not isinstance(body, dict) or body.get("errcode") != 0:
        err = body.get("errmsg") if isinstance(body, dict) else body
        raise DeliveryError(f"POST {host_of(str(resp.url))}: robot refused: {err}")


def host_of(url: str) -> str:
    try:
        return httpx.URL(url).host or "?"
    except httpx.InvalidURL:
        return "?"
