"""Pieces of the alerts.yaml schema shared by alerts.config and the channel and rule modules."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from alerts.roster import Role

Severity = Literal["red", "orange", "yellow", "blue"]

# `at_roster: leader` or `at_roster: [duty, leader]`
Roles = Annotated[list[Role], BeforeValidator(lambda v: [v] if isinstance(v, str) else v)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChannelSchema(Strict):
    """What every channel section has; kinds add their own fields."""

    enabled: bool = True
    timeout: float = Field(10.0, gt=0)

    def roster_roles(self) -> list[str]:
        """The roster roles this channel addresses (resolved to people when an alert fires)."""
        return []

    def needs_roster_fallback(self) -> bool:
        """True when a role nobody fills would leave this channel with nobody to reach."""
        return False


class EscalationStep(Strict):
    """When nobody has acknowledged an event's alert `after_minutes` after it was sent, tell the
    next level of the duty roster (e.g. the 分管领导) over `channels`."""

    after_minutes: float = Field(gt=0)
    channels: list[str] = Field(min_length=1)
