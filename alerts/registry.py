"""Registries of alert channel kinds and rule kinds: adding a channel or a rule type is one module
that defines its alerts.yaml schema and behaviour and registers itself here. alerts.config builds
its `type:`-tagged unions from these registries; the engine and the channel factory dispatch on
them (no hand-kept tag lists, no isinstance chains)."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar, Union

from pydantic import BaseModel, Field

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, what: str):
        self.what = what
        self._items: dict[str, T] = {}

    def register(self, name: str, item: T) -> T:
        if name in self._items:
            raise ValueError(f"{self.what} {name!r} registered twice")
        self._items[name] = item
        return item

    def __getitem__(self, name: str) -> T:
        return self._items[name]

    def __iter__(self) -> Iterator[T]:
        return iter(self._items.values())

    def names(self) -> tuple[str, ...]:
        return tuple(self._items)


@dataclass(frozen=True, slots=True)
class ChannelKind:
    type: str  # the `type:` value in alerts.yaml
    config: type[BaseModel]  # its schema; must declare `type: Literal[<type>]` and `enabled`
    build: Callable[[Any, Mapping[str, str]], Any]  # (config, environment) -> Channel
    contact: str  # which roster contact it addresses: "email", or "mobile" (group robots)


@dataclass(frozen=True, slots=True)
class RuleKind:
    type: str
    config: type[BaseModel]  # must declare `id`, `type: Literal[<type>]`, `enabled`, `channels`
    # Called once per relevant new document, inside the batch transaction:
    # (engine, session, rule, document, event row, per-batch state, now, re-read?) -> matches recorded
    on_document: Callable[..., int] | None = None
    # Called once per run with every enabled rule of this kind: (engine, rules, now) -> None
    on_run: Callable[..., None] | None = None


CHANNEL_KINDS: Registry[ChannelKind] = Registry("channel type")
RULE_KINDS: Registry[RuleKind] = Registry("rule type")


def tagged_union(models: list[type[BaseModel]]):
    """The pydantic union of `models`, told apart by their `type` field."""
    if len(models) == 1:
        return models[0]
    return Annotated[Union[tuple(models)], Field(discriminator="type")]  # noqa: UP007
