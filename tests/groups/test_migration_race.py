"""A basic group registered by an update while it is being moved to a supergroup (PostgreSQL,
issue 18): the update waits for the move and joins the moved group. It used to make a second
row for the old chat id, which the next "migrated" answer took the moved group for a young
duplicate of, and deleted it with its commitments (seen once in bench/faults.py)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, text

from bot.core.people import PersonInfo
from bot.groups import service
from bot.groups.models import Group
from tests.conftest import ANA, Bot, add_bot, backends
from tests.updates import TChat

POSTGRESQL_ONLY = pytest.mark.parametrize(
    "database", [p for p in backends() if p.id == "postgresql"], indirect=True
)
BASIC = TChat(-4000000123, "group", "Junta de vecinos")
SUPERGROUP_ID = -1004000000123


@POSTGRESQL_ONLY
async def test_a_registration_during_the_move_joins_the_moved_group(bot: Bot) -> None:
    await add_bot(bot, BASIC, ANA)
    original = await bot.scalar(select(Group.id).where(Group.chat_id == BASIC.id))
    sessions = bot.runtime.sessions
    moving = sessions()
    try:
        assert await service.migrate(moving, BASIC.id, SUPERGROUP_ID)  # not committed yet

        async def newcomer_writes() -> int:
            async with sessions() as session, session.begin():
                group, _, _ = await service.register(
                    session,
                    service.ChatInfo(BASIC.id, "group", BASIC.title),
                    PersonInfo(555, "Rosa"),
                    default_language="es",
                    default_timezone="America/Bogota",
                    now=bot.now(),
                )
                assert group is not None
                return group.id

        writing = asyncio.create_task(newcomer_writes())
        # the move commits only once the newcomer's registration waits on it
        waiting = text("SELECT count(*) FROM pg_locks WHERE NOT granted")
        async with bot.engine.connect() as watch:
            for _ in range(1000):
                if writing.done() or await watch.scalar(waiting):
                    break
                await asyncio.sleep(0.01)
    finally:
        await moving.commit()
        await moving.close()
    assert await writing == original
    assert await bot.scalar(select(func.count()).select_from(Group)) == 1
