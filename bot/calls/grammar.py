"""`/call` read from its text (pure): what is needed, how many people, and an optional date."""

from __future__ import annotations

from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.records import frozen

MAX_TARGET = 10  # the volunteers become one commitment, which has at most 10 owners
MAX_TEXT = 500

EXAMPLE = N_("/call Hand out flyers at the market | 3 | saturday 10:00")
USAGE = N_("Say what is needed and how many people, for example: {example}")
BAD_TARGET = N_("A call asks for 1 to {limit} people, for example: {example}")
TOO_LONG = N_("Please keep the call under {limit} characters, for example: {example}")


@frozen
class CallSpec:
    text: str
    target: int
    date: str  # as typed ("" when the call has no date); read by `commitments.grammar.read_due`


def parse_call(arguments: str) -> CallSpec:
    """`We need 3 people to hand out flyers | 3 | sábado 10:00` → its parts; a missing part,
    a target that is not a whole number from 1 to MAX_TARGET, is one sentence with an example."""
    parts = [part.strip() for part in arguments.split("|")]
    if len(parts) < 2 or len(parts) > 3 or not parts[0]:
        raise DomainError(USAGE, example=EXAMPLE)
    text, count = " ".join(parts[0].split()), parts[1].replace(".", "").replace(",", "")
    if not count.isdigit() or not 1 <= int(count) <= MAX_TARGET:
        raise DomainError(BAD_TARGET, limit=MAX_TARGET, example=EXAMPLE)
    if len(text) > MAX_TEXT:
        raise DomainError(TOO_LONG, limit=MAX_TEXT, example=EXAMPLE)
    return CallSpec(text, int(count), parts[2] if len(parts) == 3 else "")
