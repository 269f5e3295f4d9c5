"""The reactions feature's buttons."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import Callback


@dataclass(frozen=True)
class SeenNotice(Callback):
    """ "I've seen it" under a notice, for members who do not react."""

    prefix = "rx:seen"
    notice_id: int
