"""The privacy feature's buttons."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import Callback


@dataclass(frozen=True)
class Forget(Callback):
    """/forgetme's answer: `yes` 1 or 0. `since` is when the person was first seen (epoch
    seconds): a press after the erasure, when the same account is a new person, is stale."""

    prefix = "prv:forget"
    yes: int
    since: int
