"""The votes feature's buttons."""

from __future__ import annotations

from bot.core.callbacks import Callback
from bot.core.records import frozen


@frozen
class Choose(Callback):
    """A member takes option `option` (0-based) of vote `vote`."""

    prefix = "vote:c"
    vote: int
    option: int


@frozen
class ToCommitment(Callback):
    """Turn passed proposal `vote` into a commitment."""

    prefix = "vote:k"
    vote: int


@frozen
class Rank(Callback):
    """A member puts option `option` (0-based) next in their order on ranked vote `vote`."""

    prefix = "vote:r"
    vote: int
    option: int


@frozen
class StartOver(Callback):
    """A member clears their order on ranked vote `vote`."""

    prefix = "vote:o"
    vote: int


@frozen
class Score(Callback):
    """A member gives option `option` of score vote `vote` the score `score` (0..5); -1 only
    asks what they gave it."""

    prefix = "vote:s"
    vote: int
    option: int
    score: int
