"""The privacy feature's reads, and retention: what a removed group leaves behind is deleted
after 90 days, and bookkeeping rows past their use are pruned."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actors.models import ProfileForm
from bot.core.models import AdminCache, TimeQuestion
from bot.core.records import frozen
from bot.groups.models import Group, Membership, Person
from bot.reactions.models import ReactionCount, ReactionState
from bot.reviews.models import ReviewSubject

GROUP_RETENTION = timedelta(days=90)  # a removed group's data, in case it is added back
REACTION_RETENTION = timedelta(days=90)  # reactions as positions: votes and notices are done
FORM_RETENTION = timedelta(days=30)  # a profile form left half way
SUBJECT_RETENTION = timedelta(days=180)  # a review subject never reviewed


async def first_seen(session: AsyncSession, person_id: int) -> int:
    """When the person was first seen, in epoch seconds (0: not known)."""
    created = await session.scalar(select(Person.created_at).where(Person.id == person_id))
    return int(created.timestamp()) if created is not None else 0


async def drop_fresh(session: AsyncSession, person_id: int, now: datetime) -> None:
    """Forget a person registered at `now` (by the update being handled), in no group."""
    await session.execute(
        delete(Person).where(
            Person.id == person_id,
            Person.created_at == now,
            ~select(Membership.id).where(Membership.person_id == Person.id).exists(),
        )
    )


async def can_write_privately(session: AsyncSession, person_id: int) -> bool:
    found = await session.scalar(select(Person.has_private_chat).where(Person.id == person_id))
    return bool(found)


async def group_title(session: AsyncSession, group_id: int) -> str:
    return (await session.scalar(select(Group.title).where(Group.id == group_id))) or ""


@frozen
class Expired:
    id: int
    chat_id: int
    title: str | None
    left_at: datetime


async def expired_groups(session: AsyncSession, now: datetime) -> list[Expired]:
    """Groups the bot was removed from more than `GROUP_RETENTION` ago."""
    rows = await session.execute(
        select(Group.id, Group.chat_id, Group.title, Group.left_at)
        .where(Group.active.is_(False), Group.left_at < now - GROUP_RETENTION)
        .order_by(Group.id)
    )
    return [Expired(*row) for row in rows.all()]


async def delete_group(session: AsyncSession, group_id: int, now: datetime) -> bool:
    """Delete the group and, by its foreign keys' cascades, everything of it, with the people
    Minga knew only from it (in no other group, never in a private chat); unless the group
    was added back meanwhile. True if it was deleted."""
    chat_id = await session.scalar(select(Group.chat_id).where(Group.id == group_id))
    members = list(
        await session.scalars(select(Membership.person_id).where(Membership.group_id == group_id))
    )
    result = await session.execute(
        delete(Group).where(
            Group.id == group_id,
            Group.active.is_(False),
            Group.left_at < now - GROUP_RETENTION,
        )
    )
    if result.rowcount != 1:
        return False
    for model in (AdminCache, TimeQuestion):
        await session.execute(delete(model).where(model.chat_id == chat_id))
    elsewhere = select(Membership.id).where(Membership.person_id == Person.id).exists()
    await session.execute(
        delete(Person).where(Person.id.in_(members), Person.has_private_chat.is_(False), ~elsewhere)
    )
    return True


async def prune(session: AsyncSession, now: datetime) -> int:
    """Bookkeeping past its use: reaction rows, abandoned profile forms, and review subjects
    no review ever took up (the finders look back less far). Rows deleted."""
    result = await session.execute(
        delete(ReviewSubject).where(
            ReviewSubject.review_id.is_(None), ReviewSubject.found_at < now - SUBJECT_RETENTION
        )
    )
    pruned = result.rowcount
    for model, cutoff in (
        (ReactionState, now - REACTION_RETENTION),
        (ReactionCount, now - REACTION_RETENTION),
        (ProfileForm, now - FORM_RETENTION),
    ):
        result = await session.execute(delete(model).where(model.updated_at < cutoff))
        pruned += result.rowcount
    return pruned
