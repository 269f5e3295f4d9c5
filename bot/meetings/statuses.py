"""A meeting's status and a member's answer for a slot, as the columns store them.

`StrEnum`s: each member is its stored string (`MeetingStatus.HELD == "held"`), so rows,
queries and callback data read and write the same values as before.
"""

from __future__ import annotations

from enum import StrEnum


class MeetingStatus(StrEnum):
    POLLING = "polling"  # members answer the slot poll
    CONFIRMED = "confirmed"  # a slot is chosen: reminders go out before it
    HELD = "held"  # its time is over: attendance was asked
    CANCELLED = "cancelled"


class Answer(StrEnum):
    """A member's answer for one slot of the poll (one letter: it goes in callback data)."""

    YES = "y"
    MAYBE = "m"  # if need be
    NO = "n"
