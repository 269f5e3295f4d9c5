"""The profile form's buttons: each names its step, so a press on an old question is stale."""

from __future__ import annotations

from bot.core.callbacks import Callback
from bot.core.records import frozen


@frozen
class Skip(Callback):
    prefix = "act:skip"
    step: str


@frozen
class Sector(Callback):
    prefix = "act:sec"
    sector: str


@frozen
class PublicName(Callback):
    """`/profile public`: 1 = they may be named on public pages, 0 = not."""

    prefix = "act:pub"
    yes: int
