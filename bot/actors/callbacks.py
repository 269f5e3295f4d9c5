"""The profile form's buttons: each names its step, so a press on an old question is stale."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import Callback


@dataclass(frozen=True)
class Skip(Callback):
    prefix = "act:skip"
    step: str


@dataclass(frozen=True)
class Sector(Callback):
    prefix = "act:sec"
    sector: str


@dataclass(frozen=True)
class PublicName(Callback):
    """`/profile public`: 1 = they may be named on public pages, 0 = not."""

    prefix = "act:pub"
    yes: int
