"""The reviews' buttons."""

from __future__ import annotations

from bot.core.callbacks import Callback
from bot.core.records import frozen


@frozen
class TryAgain(Callback):
    prefix = "rev:again"
    subject_id: int
