"""The charter's buttons."""

from __future__ import annotations

from bot.core.callbacks import Callback
from bot.core.records import frozen


@frozen
class Accept(Callback):
    prefix = "chr:ok"
    version_id: int
