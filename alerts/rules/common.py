"""Helpers every rule kind uses."""
from __future__ import annotations

import hashlib


def alert_id(rule_id: str, event_id: str, channel: str, kind: str) -> str:
    """Deterministic, so a rebuilt database still yields the same Message-ID for an alert."""
    key = f"{rule_id}\x1f{event_id}\x1f{channel}\x1f{kind}".encode("utf-8")
    return hashlib.sha256(key).hexdigest()[:32]
