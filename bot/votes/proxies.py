"""Positions a coordinator records for a member who is not in the chat (a phone call, a
meeting): `/vote @name agree [reason]` or `/vote "Doña Rosa" disagree`, replying to the vote.
The position counts as the member's own (quorum included), shows who recorded it and when,
and the member's own later click replaces it (`positions._CAST` clears `recorded_by`).
The reading of the command is pure; `record` writes (holding the vote, as clicks do)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.callbacks import STALE_BUTTON
from bot.core.db import insert_for
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.votes.models import Position, Vote
from bot.votes.positions import VOTE_CLOSED, hold_vote, mark_dirty
from bot.votes.rules import ABSTAIN, AGREE, BALLOT_KINDS, BLOCK, DISAGREE, VoteKind

EXAMPLE = N_('/vote "Doña Rosa" disagree')
USAGE = N_("Reply to the vote with whom and their position, for example: {example}")
UNREAD_POSITION = N_(
    "I could not read the position “{value}”. Write agree, abstain, disagree or block, "
    "for example: {example}"
)
UNREAD_OPTION = N_(
    "I could not read the option “{value}”. Write its number, for example: {example}"
)
BALLOT = N_(
    "An order of preference or scores can only be given by each member with the vote's "
    "buttons, so they cannot be recorded for others."
)
NATIVE = N_(
    "Positions on a Telegram poll cannot be recorded for others; a poll with buttons can: "
    "/poll … | … | …"
)
VOTED_THEMSELVES = N_("{name} has voted themselves, and their own vote counts.")

# a proposal's positions as typed, in every language (longest first when read)
PROPOSAL_WORDS = {
    AGREE: ("agree", "yes", "de acuerdo", "acuerdo", "a favor", "sí", "si", "concordo", "sim"),
    ABSTAIN: ("abstain", "me abstengo", "abstención", "abstencion", "abstenção", "abstencao",
              "abstenho"),
    DISAGREE: ("disagree", "en desacuerdo", "en contra", "contra", "desacuerdo", "discordo",
               "no", "não", "nao"),
    BLOCK: ("block", "bloqueo", "bloquear", "bloqueio"),
}  # fmt: skip
_PHRASES = sorted(
    ((phrase, option) for option, words in PROPOSAL_WORDS.items() for phrase in words),
    key=lambda item: -len(item[0]),
)


def read_position(kind: str, options: list[str], multi: bool, text: str) -> tuple[int, str]:
    """(choices as a bit set, the reason after them) from `agree porque…`, `en contra`, or
    a poll's option numbers (`2`, `1,3` for a multi-choice poll)."""
    text = " ".join(text.split())
    if not text:
        raise DomainError(USAGE, example=EXAMPLE)
    if kind == VoteKind.NATIVE:
        raise DomainError(NATIVE)
    if kind in BALLOT_KINDS:
        raise DomainError(BALLOT)
    lowered = text.lower()
    if kind == VoteKind.PROPOSAL:
        for phrase, option in _PHRASES:
            after = lowered[len(phrase) : len(phrase) + 1]
            if lowered.startswith(phrase) and not after.isalnum():
                return 1 << option, _reason(text[len(phrase) :])
        raise DomainError(UNREAD_POSITION, value=text.split()[0], example=EXAMPLE)
    first, _, rest = text.partition(" ")
    numbers = [n.strip() for n in first.split(",")]
    example = '/vote "Doña Rosa" 2'
    if not all(n.isdigit() for n in numbers) or (len(numbers) > 1 and not multi):
        raise DomainError(UNREAD_OPTION, value=first, example=example)
    choices = 0
    for n in numbers:
        if not 1 <= int(n) <= len(options):
            raise DomainError(UNREAD_OPTION, value=first, example=example)
        choices |= 1 << (int(n) - 1)
    return choices, _reason(rest)


def _reason(text: str) -> str:
    return text.strip(" :,.-—").strip()[:1000]


async def record(
    session: AsyncSession,
    group_id: int,
    vote_id: int,
    person_id: int,
    name: str,
    choices: int,
    reason: str,
    by: int,
    now: datetime,
    update_id: int,
) -> None:
    """Record `person_id`'s position on an open vote, by coordinator `by`. A member's own
    position is never overwritten by someone else's record of it."""
    await hold_vote(session, vote_id)
    vote = await session.get(Vote, vote_id, populate_existing=True)
    if vote is None or vote.group_id != group_id:
        raise DomainError(STALE_BUTTON)
    if vote.closed_at is not None:
        raise DomainError(VOTE_CLOSED)
    own = await session.scalar(
        select(Position).where(Position.vote_id == vote_id, Position.person_id == person_id)
    )
    if own is not None and own.choices != 0 and own.recorded_by is None:
        raise DomainError(VOTED_THEMSELVES, name=name)
    values = {
        "choices": choices,
        "reason": reason or None,
        "recorded_by": by,
        "recorded_at": now,
        "updated_at": now,
        "update_id": update_id,
    }
    await session.execute(
        insert_for(session, Position)
        .values(vote_id=vote_id, person_id=person_id, **values)
        .on_conflict_do_update(index_elements=["vote_id", "person_id"], set_=values)
    )
    await mark_dirty(session, vote_id)
