"""What other features may ask of commitments from their handlers: post a commitment's card."""

from __future__ import annotations

from bot.commitments import handlers
from bot.commitments.models import Commitment
from bot.core.turn import Turn


async def show_card(turn: Turn, commitment: Commitment) -> None:
    """Queue the commitment's card (with its buttons) as a reply in the turn's chat."""
    await handlers._show_card(turn, commitment)
