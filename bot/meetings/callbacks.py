"""The meetings feature's buttons."""

from __future__ import annotations

from bot.core.callbacks import Callback
from bot.core.records import frozen


@frozen
class SlotAnswer(Callback):
    prefix = "mtg:ans"
    slot_id: int
    answer: str  # an Answer: y | m | n


@frozen
class Attended(Callback):
    prefix = "mtg:att"
    meeting_id: int


@frozen
class TakeTask(Callback):
    prefix = "mtg:todo"
    minutes_id: int
    position: int
