"""The reactions feature's buttons."""

from __future__ import annotations

from bot.core.callbacks import Callback
from bot.core.records import frozen


@frozen
class SeenNotice(Callback):
    """ "I've seen it" under a notice, for members who do not react."""

    prefix = "rx:seen"
    notice_id: int
