"""The votes feature's buttons."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import Callback


@dataclass(frozen=True)
class Choose(Callback):
    """A member takes option `option` (0-based) of vote `vote`."""

    prefix = "vote:c"
    vote: int
    option: int


@dataclass(frozen=True)
class ToCommitment(Callback):
    """Turn passed proposal `vote` into a commitment."""

    prefix = "vote:k"
    vote: int
