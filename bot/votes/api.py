"""What other features may ask of votes from their handlers."""

from __future__ import annotations

from bot.core.db import utcnow
from bot.core.turn import Turn
from bot.votes import handlers, render, rules, service
from bot.votes.models import PROPOSAL


async def propose_amendment(turn: Turn, section: str, text: str) -> None:
    """`/rules propose <section> <text>`: a proposal that, once passed, amends the charter."""
    replied = turn.message.reply_to_message if turn.message else None
    replied_text = (replied.text or replied.caption or "") if replied else ""
    if replied is not None and replied.forum_topic_created is not None:
        replied_text = ""
    new = service.amendment_from(section, text, replied_text)
    question = render.amendment_question(turn.tr, new.section, new.text)
    rules.check_question(question, service.AMENDMENT_EXAMPLE)
    vote = service.NewVote(
        kind=PROPOSAL,
        question=question,
        options=(),
        multi=False,
        closes_at=rules.closing_time(new.tail.closes, tz=turn.identity.timezone, now=utcnow()),
        quorum=new.tail.quorum,
        anonymous=new.tail.anonymous,
    )
    vote_id = await handlers.open_(turn, vote)
    await service.open_amendment(turn.session, vote_id, new)
