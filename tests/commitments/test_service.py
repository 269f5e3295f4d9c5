"""The service functions other features use: create_commitment (votes, minutes) and
completion_rate (monitoring's /status)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commitments import changes, creating, service, views
from bot.commitments.grammar import OwnerSpec, ResourceSpec
from bot.commitments.models import (
    Commitment,
    CommitmentEvent,
    CommitmentOwner,
    CommitmentResource,
)
from bot.core.errors import DomainError
from bot.core.i18n import translator
from bot.core.people import PersonInfo
from bot.groups import service as groups
from bot.groups.models import Group
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, seed_group

NOW = datetime(2030, 3, 15, 12, 0, tzinfo=UTC)


async def gid(bot: Bot) -> int:
    return await bot.scalar(select(Group.id).where(Group.chat_id == NORTE.id))


async def test_create_commitment_for_other_features(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    async with bot.db() as session:
        made = await creating.create_commitment(
            session,
            await gid(bot),
            "  Pedir el presupuesto   a la junta ",
            [LUIS.id, OwnerSpec(JOAO.id, accepted=False), LUIS.id],
            NOW,
            [ResourceSpec("symbolic", "aval de la junta")],
            ANA.id,
            source_kind="proposal",
            source_id=42,
            now=bot.now(),
        )
    found = await bot.scalar(select(Commitment).where(Commitment.id == made.id))
    assert (found.number, found.text, found.source_kind, found.source_id) == (
        1,
        "Pedir el presupuesto a la junta",
        "proposal",
        42,
    )
    rows = await bot.scalars(select(CommitmentOwner).order_by(CommitmentOwner.id))
    assert [(r.person_id, r.accepted_at is not None) for r in rows] == [
        (LUIS.id, True),
        (JOAO.id, False),
    ]
    [resource] = await bot.scalars(select(CommitmentResource))
    assert (resource.type, resource.description) == ("symbolic", "aval de la junta")
    async with bot.db() as session:
        with pytest.raises(DomainError) as refused:
            await creating.create_commitment(
                session, await gid(bot), " ", [LUIS.id], None, [], None, now=bot.now()
            )
    assert refused.value.render(translator("es")).startswith(
        "Escribe qué vas a hacer después del comando, por ejemplo: /commit "
    )


async def test_the_first_card_shows_what_a_new_commitment_stored(bot: Bot) -> None:
    """/commit renders its card from what it inserted (creating.create), not from a read
    back: the same view as load_view's, owner by owner (pending, gone from the group, never
    in it) and resource by resource."""
    await seed_group(bot, LUIS, JOAO, MARY)
    await bot.feed(bot.u.chat_member(NORTE, JOAO, JOAO, "member", "left"))
    stranger = PersonInfo(105, "Rosa", "Pérez")  # known, never a member of this group
    group = await gid(bot)
    async with bot.db() as session:
        await groups.upsert_person(session, stranger, bot.now())
        created = await creating.create(
            session,
            group,
            "Pintar el mural",
            [OwnerSpec(MARY.id, accepted=False), LUIS.id, JOAO.id, OwnerSpec(stranger.id, False)],
            NOW,
            [ResourceSpec("material", "pintura", 4), ResourceSpec("human", "dos manos")],
            LUIS.id,
            context_text="¿quién pinta?",
            now=bot.now(),
        )
        shown = views.created_view(created)
        assert shown == await views.load_view(session, created.commitment)
    assert [(o.id, o.accepted, o.present) for o in shown.owners] == [
        (MARY.id, False, True),
        (LUIS.id, True, True),
        (JOAO.id, True, False),
        (stranger.id, False, False),
    ]


async def test_a_number_taken_meanwhile_is_taken_again_in_the_same_transaction(bot: Bot) -> None:
    """PostgreSQL: two commitments of one group at once: the second waits for the first
    transaction (the group's numbering lock), then takes the next number, with its owners and
    history."""
    if bot.engine.dialect.name != "postgresql":
        pytest.skip("on SQLite writers take turns: a number is never taken meanwhile")
    await seed_group(bot, LUIS, JOAO)
    group = await gid(bot)
    sessions = bot.runtime.sessions

    async def make(session: AsyncSession, what: str, owner: int) -> creating.Created:
        return await creating.create(session, group, what, [owner], None, [], owner, now=bot.now())

    first, second = sessions(), sessions()
    try:
        await make(first, "Uno", LUIS.id)  # number 1, not committed yet
        pid = await second.scalar(text("SELECT pg_backend_pid()"))
        later = asyncio.create_task(make(second, "Dos", JOAO.id))
        waiting = text(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = :pid AND wait_event_type = 'Lock'"
        )
        async with sessions() as watch:  # until the second waits on the first's number
            while not later.done() and not await watch.scalar(waiting, {"pid": pid}):
                pass
        assert not later.done()
        await first.commit()
        made = await later
        await second.commit()
    finally:
        await first.close()
        await second.close()
    assert made.commitment.number == 2
    assert [(o.person_id, o.accepted) for o in made.owners] == [(JOAO.id, True)]
    numbered = select(Commitment.text).order_by(Commitment.number)
    assert await bot.scalars(numbered) == ["Uno", "Dos"]
    assert len(await bot.scalars(select(CommitmentEvent.id))) == 2


async def test_completion_rate(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    group = await gid(bot)
    day = timedelta(days=1)
    async with bot.db() as session:

        async def make(text: str, due: datetime | None) -> Commitment:
            return await creating.create_commitment(
                session, group, text, [LUIS.id], due, [], ANA.id, now=NOW - 10 * day
            )

        late = await make("vencido", NOW - 2 * day)
        done_late = await make("hecho tarde", NOW - 3 * day)
        await make("esta semana", NOW + 2 * day)
        await make("sin fecha", None)
        dropped = await make("descartado", NOW - day)
        done_early = await make("hecho antes", NOW + 5 * day)
        await changes.mark_done(session, done_late, LUIS.id, NOW - day)
        await changes.mark_done(session, done_early, LUIS.id, NOW - 2 * day)
        await changes.drop(session, dropped, "ya no hace falta", LUIS.id, NOW - day)

    async with bot.db() as session:
        # due in the last week, not dropped: "vencido" and "hecho tarde"; one of two done
        assert await service.completion_rate(session, group, NOW - 7 * day, NOW) == 0.5
        assert await service.completion_rate(session, group, NOW - 30 * day, NOW - 20 * day) is None
    assert late.id != done_late.id
