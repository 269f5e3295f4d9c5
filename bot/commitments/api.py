"""What other features may ask of commitments from their handlers: post a commitment's card;
`DECISION_OF`, the hook by which the feature a commitment came from names its decision; and
`STATE_CHANGED`, by which it hears that the commitment was done, dropped, re-planned or is
overdue."""

from __future__ import annotations

from bot.commitments import handlers, service
from bot.commitments.models import Commitment
from bot.core.turn import Turn

DECISION_OF = service.DECISION_OF
STATE_CHANGED = service.STATE_CHANGED


async def show_card(turn: Turn, commitment: Commitment) -> None:
    """Queue the commitment's card (with its buttons) as a reply in the turn's chat."""
    await handlers.show_card(turn, commitment)
