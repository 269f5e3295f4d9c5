"""The reviews' buttons."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import Callback


@dataclass(frozen=True)
class TryAgain(Callback):
    prefix = "rev:again"
    subject_id: int
