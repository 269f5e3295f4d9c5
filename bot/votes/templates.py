"""Vote templates: a vote kept under a short name (`/template save asamblea`, replying to it)
and opened again with its question, options and rules (`/template asamblea`). A name is one
word of letters, digits, `-` or `_`, kept in lower case; saving under a name taken replaces
that template."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.db import as_utc, insert_for
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.votes.models import Vote, VoteTemplate
from bot.votes.rules import VoteKind
from bot.votes.service import NewVote

NAME = re.compile(r"[^\W][\w-]{0,31}")
BAD_NAME = N_("A template's name is one word of up to 32 letters or digits, for example: {example}")
UNKNOWN = N_("There is no template named “{name}”. The templates are listed with /template")
SAVE_EXAMPLE = "/template save asamblea"


def template_name(raw: str) -> str:
    """`raw` as a template's name (lower case), or the one-sentence error with an example."""
    if not NAME.fullmatch(raw):
        raise DomainError(BAD_NAME, example=SAVE_EXAMPLE)
    return raw.lower()


async def save(
    session: AsyncSession, group_id: int, name: str, vote: Vote, by: int | None, now: datetime
) -> bool:
    """Keep `vote` as the template `name`: True if it replaced one of that name."""
    opened, closes = as_utc(vote.opened_at), as_utc(vote.closes_at)
    values = {
        "kind": vote.kind,
        "question": vote.question,
        "options": list(vote.options),
        "multi": vote.multi,
        "anonymous": vote.anonymous,
        "quorum": vote.quorum,
        "duration": max(60, int((closes - opened).total_seconds())),
        "saved_by": by,
        "saved_at": now,
    }
    replaced = await _find(session, group_id, name) is not None
    stmt = insert_for(session, VoteTemplate).values(group_id=group_id, name=name, **values)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[VoteTemplate.group_id, VoteTemplate.name], set_=values
        )
    )
    return replaced


async def _find(session: AsyncSession, group_id: int, name: str) -> VoteTemplate | None:
    return await session.scalar(
        select(VoteTemplate).where(VoteTemplate.group_id == group_id, VoteTemplate.name == name)
    )


async def new_vote(session: AsyncSession, group_id: int, name: str, now: datetime) -> NewVote:
    """The vote the template `name` opens now."""
    template = await _find(session, group_id, name)
    if template is None:
        raise DomainError(UNKNOWN, name=name)
    return NewVote(
        kind=VoteKind(template.kind),
        question=template.question,
        options=tuple(template.options),
        multi=template.multi,
        closes_at=now + timedelta(seconds=template.duration),
        quorum=template.quorum,
        anonymous=template.anonymous,
    )


async def names(session: AsyncSession, group_id: int) -> list[tuple[str, str]]:
    """(name, question) of the group's templates, by name."""
    rows = await session.execute(
        select(VoteTemplate.name, VoteTemplate.question)
        .where(VoteTemplate.group_id == group_id)
        .order_by(VoteTemplate.name)
    )
    return list(rows.tuples())


async def remove(session: AsyncSession, group_id: int, name: str) -> None:
    result = await session.execute(
        delete(VoteTemplate).where(VoteTemplate.group_id == group_id, VoteTemplate.name == name)
    )
    if not result.rowcount:
        raise DomainError(UNKNOWN, name=name)
