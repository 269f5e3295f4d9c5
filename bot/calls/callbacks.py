"""The calls feature's buttons."""

from __future__ import annotations

from bot.core.callbacks import Callback
from bot.core.records import frozen


@frozen
class Answer(Callback):
    """A member answers call `call`: `in` = 1 ("I'm in"), 0 ("I can't")."""

    prefix = "call:a"
    call: int
    willing: int


@frozen
class ToCommitment(Callback):
    """The volunteers of call `call` become one commitment."""

    prefix = "call:k"
    call: int
