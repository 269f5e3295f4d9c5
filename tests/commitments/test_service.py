"""The service functions other features use: create_commitment (votes, minutes) and
completion_rate (monitoring's /status)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.commitments import changes, service
from bot.commitments.grammar import OwnerSpec, ResourceSpec
from bot.commitments.models import Commitment, CommitmentOwner, CommitmentResource
from bot.core.errors import DomainError
from bot.core.i18n import translator
from bot.groups.models import Group
from tests.conftest import ANA, JOAO, LUIS, NORTE, Bot, seed_group

NOW = datetime(2030, 3, 15, 12, 0, tzinfo=UTC)


async def gid(bot: Bot) -> int:
    return await bot.scalar(select(Group.id).where(Group.chat_id == NORTE.id))


async def test_create_commitment_for_other_features(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    async with bot.db() as session:
        made = await changes.create_commitment(
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
            await changes.create_commitment(
                session, await gid(bot), " ", [LUIS.id], None, [], None, now=bot.now()
            )
    assert refused.value.render(translator("es")).startswith(
        "Escribe qué vas a hacer después del comando, por ejemplo: /commit "
    )


async def test_completion_rate(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    group = await gid(bot)
    day = timedelta(days=1)
    async with bot.db() as session:

        async def make(text: str, due: datetime | None) -> Commitment:
            return await changes.create_commitment(
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
