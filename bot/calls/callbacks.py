"""The calls feature's buttons."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import Callback


@dataclass(frozen=True)
class Answer(Callback):
    """A member answers call `call`: `in` = 1 ("I'm in"), 0 ("I can't")."""

    prefix = "call:a"
    call: int
    willing: int


@dataclass(frozen=True)
class ToCommitment(Callback):
    """The volunteers of call `call` become one commitment."""

    prefix = "call:k"
    call: int
