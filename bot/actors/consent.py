"""Whether a person may be named on their groups' public pages (`/profile public`): no, until
they say yes; `/profile delete` takes the yes away with the profile."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actors.models import Profile
from bot.core.db import insert_for


async def named_publicly(session: AsyncSession, person_id: int) -> bool:
    profile = await session.get(Profile, person_id)
    return profile is not None and profile.public_name_at is not None


async def set_named_publicly(
    session: AsyncSession, person_id: int, yes: bool, now: datetime
) -> bool:
    """Record their answer; False when it was already that."""
    stmt = insert_for(session, Profile).values(person_id=person_id)
    await session.execute(stmt.on_conflict_do_nothing(index_elements=[Profile.person_id]))
    profile = await session.get(Profile, person_id, populate_existing=True)
    assert profile is not None
    if (profile.public_name_at is not None) == yes:
        return False
    profile.public_name_at = now if yes else None
    profile.updated_at = now
    await session.flush()
    return True


async def who_may_be_named(session: AsyncSession, person_ids: Iterable[int]) -> set[int]:
    """Of `person_ids`, those who said yes."""
    ids = list(set(person_ids))
    if not ids:
        return set()
    return set(
        await session.scalars(
            select(Profile.person_id).where(
                Profile.person_id.in_(ids), Profile.public_name_at.is_not(None)
            )
        )
    )
