"""The privacy feature's buttons."""

from __future__ import annotations

from bot.core.callbacks import Callback
from bot.core.records import frozen


@frozen
class Forget(Callback):
    """/forgetme's answer: `yes` 1 or 0. `since` is when the person was first seen (epoch
    seconds): a press after the erasure, when the same account is a new person, is stale."""

    prefix = "prv:forget"
    yes: int
    since: int
