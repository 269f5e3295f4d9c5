"""Hooks: how a feature lets the features above it add to what it does, without importing them.

A feature declares a `Hook` in its `api.py` — a name, and the signature of the functions it
will call — and calls `runtime.hooks.of(hook)` where they belong. A feature above it registers
a function in its `register()` (`runtime.hooks.add(hook, fn)`). The imports then go one way
only: the caller never knows who listens. Wiring, not state: the functions are registered once,
when the application is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from bot.core.records import frozen

F = TypeVar("F")


@frozen
class Hook(Generic[F]):
    name: str  # "<feature>.<what>", e.g. "votes.amendment_passed"


@dataclass
class Hooks:
    _functions: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, hook: Hook[F], function: F) -> None:
        self._functions.setdefault(hook.name, []).append(function)

    def of(self, hook: Hook[F]) -> list[F]:
        return list(self._functions.get(hook.name, ()))
