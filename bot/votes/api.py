"""What other features may ask of votes from their handlers."""

from __future__ import annotations

from bot.core.callbacks import STALE_BUTTON
from bot.core.errors import DomainError
from bot.core.turn import Turn
from bot.votes import handlers, render, rules, service
from bot.votes.models import PROPOSAL, Amendment, Vote


async def propose_amendment(turn: Turn, section: str, text: str) -> None:
    """`/rules propose <section> <text>`: a proposal that, once passed, amends the charter."""
    replied = turn.replied
    replied_text = (replied.text or replied.caption or "") if replied else ""
    new = service.amendment_from(section, text, replied_text)
    question = render.amendment_question(turn.tr, new.section, new.text)
    rules.check_question(question, service.AMENDMENT_EXAMPLE)
    vote = service.NewVote(
        kind=PROPOSAL,
        question=question,
        options=(),
        multi=False,
        closes_at=rules.closing_time(new.tail.closes, tz=turn.identity.timezone, now=turn.now),
        quorum=new.tail.quorum,
        anonymous=new.tail.anonymous,
    )
    vote_id = await handlers.open_(turn, vote)
    await service.open_amendment(turn.session, vote_id, new)


async def reopen(turn: Turn, vote_id: int, deadline: str) -> int:
    """A vote again (from a review "Try again"): the same question and options, a new deadline
    (`deadline`: e.g. `48h` or `viernes 18:00`). The new vote's id."""
    original = await turn.session.get(Vote, vote_id)
    if original is None or original.group_id != turn.group_id:
        raise DomainError(STALE_BUTTON)
    phrase = deadline.strip()
    for word in rules.CLOSES_WORDS:  # "closes 48h" reads as "48h"
        if phrase.lower().startswith(word + " "):
            phrase = phrase[len(word) :].strip()
    new = service.NewVote(
        kind=original.kind,
        question=original.question,
        options=tuple(original.options),
        multi=original.multi,
        closes_at=rules.closing_time(phrase or None, tz=turn.identity.timezone, now=turn.now),
        quorum=original.quorum,
        anonymous=original.anonymous,
    )
    new_id = await handlers.open_(turn, new)
    amendment = await turn.session.get(Amendment, vote_id)
    if amendment is not None:  # a charter change asked again
        await service.open_amendment(
            turn.session,
            new_id,
            service.NewAmendment(amendment.section, amendment.text, rules.Tail(amendment.text)),
        )
    return new_id
