"""What other features may ask of votes from their handlers."""

from __future__ import annotations

from bot.core.callbacks import STALE_BUTTON
from bot.core.errors import DomainError
from bot.core.turn import Turn
from bot.votes import amendments, handlers, rules, service
from bot.votes.models import Amendment, Vote
from bot.votes.rules import VoteKind

AMENDMENT_PASSED = amendments.AMENDMENT_PASSED  # the hook the charter feature applies a change by


async def propose_amendment(
    turn: Turn, question: str, section: str, text: str, tail: rules.Tail, example: str
) -> None:
    """A proposal `question` that, once passed, changes the charter's `section` to `text`
    (`tail`: its options, `closes …` and `quorum …`; `example`: for a question too long)."""
    rules.check_question(question, example)
    vote = service.NewVote(
        kind=VoteKind.PROPOSAL,
        question=question,
        options=(),
        multi=False,
        closes_at=rules.closing_time(tail.closes, tz=turn.identity.timezone, now=turn.now),
        quorum=tail.quorum,
        anonymous=tail.anonymous,
    )
    vote_id = await handlers.open_vote(turn, vote)
    await amendments.open_amendment(turn.session, vote_id, section, text)


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
    new_id = await handlers.open_vote(turn, new)
    amendment = await turn.session.get(Amendment, vote_id)
    if amendment is not None:  # a charter change asked again
        await amendments.open_amendment(turn.session, new_id, amendment.section, amendment.text)
    return new_id
