"""The meetings feature's buttons."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import Callback


@dataclass(frozen=True)
class SlotAnswer(Callback):
    prefix = "mtg:ans"
    slot_id: int
    answer: str  # an Answer: y | m | n


@dataclass(frozen=True)
class Attended(Callback):
    prefix = "mtg:att"
    meeting_id: int


@dataclass(frozen=True)
class TakeTask(Callback):
    prefix = "mtg:todo"
    minutes_id: int
    position: int
