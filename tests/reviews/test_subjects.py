"""Finding subjects: every active group at once, in a fixed number of statements."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from bot.reviews.subjects import find_subjects
from tests.conftest import JOAO, LUIS, MARY, Bot, seed_group
from tests.reviews.test_reviews import NOW, commitment


async def test_finding_takes_a_fixed_number_of_statements(bot: Bot) -> None:
    group_id = await seed_group(bot, LUIS, JOAO, MARY)

    async def find() -> tuple[int, int]:
        statements: list[str] = []

        def count(conn, cursor, statement, *args) -> None:
            statements.append(statement)

        event.listen(bot.engine.sync_engine, "before_cursor_execute", count)
        try:
            async with bot.db() as session:
                new = await find_subjects(session, NOW)
        finally:
            event.remove(bot.engine.sync_engine, "before_cursor_execute", count)
        return new, len(statements)

    await commitment(bot, group_id, "Pintar el mural", NOW - timedelta(days=9))
    new, few = await find()
    assert new == 1
    for n in range(5):
        await commitment(bot, group_id, f"Tarea {n}", NOW - timedelta(days=8 + n))
    new, many = await find()
    assert new == 5 and many == few
    assert (await find())[0] == 0  # all found already
