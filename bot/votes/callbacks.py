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


@dataclass(frozen=True)
class Rank(Callback):
    """A member puts option `option` (0-based) next in their order on ranked vote `vote`."""

    prefix = "vote:r"
    vote: int
    option: int


@dataclass(frozen=True)
class StartOver(Callback):
    """A member clears their order on ranked vote `vote`."""

    prefix = "vote:o"
    vote: int


@dataclass(frozen=True)
class Score(Callback):
    """A member gives option `option` of score vote `vote` the score `score` (0..5); -1 only
    asks what they gave it."""

    prefix = "vote:s"
    vote: int
    option: int
    score: int
