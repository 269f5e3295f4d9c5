"""The ledger's fixed words, as its string columns store them (no database, no Telegram): a
commitment's `Status` and a resource's type. Models, services, the `/commit` grammar and the
renderers share them."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """A commitment's status; the value is what `commitments.status` holds."""

    OPEN = "open"
    DONE = "done"
    BLOCKED = "blocked"
    DROPPED = "dropped"


ACTIVE = (Status.OPEN, Status.BLOCKED)  # still to be done


class Change(StrEnum):
    """A change of state the people behind a commitment's decision are told of
    (`service.STATE_CHANGED`)."""

    DONE = "done"
    OVERDUE = "overdue"
    DROPPED = "dropped"
    REPLANNED = "replanned"  # a new due date


MATERIAL = "material"
SYMBOLIC = "symbolic"
HUMAN = "human"
RESOURCE_TYPES = (MATERIAL, SYMBOLIC, HUMAN)
