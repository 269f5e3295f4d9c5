"""/mine and the /commitments board: sections, owners, a filter by person, pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from bot.commitments import creating
from bot.commitments.models import Commitment
from bot.groups.models import Group, Person
from tests.commitments.helpers import commit, press
from tests.conftest import ANA, JOAO, LUIS, NORTE, Bot, seed_group
from tests.telegram_double import utf16_len
from tests.updates import TChat, private_chat

SUR = TChat(-1001000000002, "supergroup", "Barrio Sur")


async def group_id(bot: Bot, chat: TChat = NORTE) -> int:
    return await bot.scalar(select(Group.id).where(Group.chat_id == chat.id))


async def make(
    bot: Bot, text: str, owners: list[int], due: datetime | None, chat: TChat = NORTE
) -> Commitment:
    async with bot.db() as session:
        return await creating.create_commitment(
            session, await group_id(bot, chat), text, owners, due, [], ANA.id, now=bot.now()
        )


async def test_mine_lists_open_commitments_overdue_first(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    now = bot.now()
    await make(bot, "Sin fecha", [LUIS.id], None)
    await make(bot, "En dos días", [LUIS.id], now + timedelta(days=2))
    await make(bot, "Vencido", [LUIS.id, JOAO.id], now - timedelta(days=1))
    await make(bot, "De João", [JOAO.id], now + timedelta(days=1))
    done = await make(bot, "Ya hecho", [LUIS.id], now + timedelta(days=1))
    async with bot.db() as session:
        await session.execute(
            update(Commitment).where(Commitment.id == done.id).values(status="done")
        )

    await bot.feed(bot.u.command(NORTE, LUIS, "/mine"))
    lines = bot.tg.last(NORTE.id).text.splitlines()
    assert lines[0] == "Tus compromisos abiertos"
    assert lines[1].startswith("⌛ #3 Vencido · ")
    assert lines[2].startswith("• #2 En dos días · ")
    assert lines[3] == "• #1 Sin fecha"
    assert len(lines) == 4

    await bot.feed(bot.u.command(NORTE, ANA, "/mine"))
    assert bot.tg.last(NORTE.id).text.startswith("No tienes compromisos abiertos.")


async def test_mine_in_private_covers_every_group(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    bot.group(SUR)
    await bot.feed(bot.u.my_chat_member(SUR, ANA, "left", "member"))
    await make(bot, "Pintar el mural", [LUIS.id], None)
    await make(bot, "Limpiar la cancha", [LUIS.id], bot.now() + timedelta(days=3), SUR)
    await bot.feed(bot.u.command(private_chat(LUIS), LUIS, "/mine"))
    assert await bot.scalar(select(Person.has_private_chat).where(Person.id == LUIS.id))
    text = bot.tg.last(LUIS.id).text
    assert text.splitlines() == [
        "Tus compromisos abiertos",
        "🏘 Barrio Sur",
        text.splitlines()[2],
        "🏘 Vecinos del Barrio Norte",
        "• #1 Pintar el mural",
    ]
    assert text.splitlines()[2].startswith("• #1 Limpiar la cancha · ")


async def test_the_board_has_sections_with_owners_and_a_filter(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    now = bot.now()
    await make(bot, "Vencido", [LUIS.id], now - timedelta(hours=2))
    await make(bot, "Esta semana", [JOAO.id, LUIS.id], now + timedelta(days=3))
    await make(bot, "Más adelante", [JOAO.id], now + timedelta(days=30))
    card = await commit(bot, LUIS, "/commit Hecho hoy")
    await press(bot, LUIS, card, "cmt:done")

    await bot.feed(bot.u.command(NORTE, JOAO, "/commitments"))
    board = bot.tg.last(NORTE.id)
    lines = board.text.splitlines()
    assert lines[0] == "Compromisos del grupo"
    assert lines[2] == "⌛ Vencidos"
    assert lines[3].startswith("• #1 Vencido · Luis · ")
    assert lines[5] == "📅 Vencen en los próximos 7 días"
    assert lines[6].startswith("• #2 Esta semana · João, Luis · ")
    assert lines[8] == "🗂 Más adelante"
    assert lines[9].startswith("• #3 Más adelante · João · ")
    assert lines[11] == "✅ Hechos en los últimos 7 días"
    assert lines[12].startswith("• #4 Hecho hoy · Luis · hecho ")
    assert lines[-1] == "Detalle e historial: /commitment 1"
    assert board.buttons == []

    await bot.feed(bot.u.command(NORTE, ANA, "/commitments @joao_sp"))
    text = bot.tg.last(NORTE.id).text
    assert text.startswith("Compromisos de @joao_sp")
    assert "#2 Esta semana" in text and "#3 Más adelante" in text and "#1 Vencido" not in text
    await bot.feed(bot.u.command(NORTE, ANA, "/commitments @ana_barrio"))
    assert bot.tg.last(NORTE.id).text == "@ana_barrio no tiene compromisos en el tablero."


async def test_a_board_of_200_is_paged_under_the_limit(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    gid = await group_id(bot)
    now = bot.now()
    async with bot.db() as session:
        for i in range(200):
            await creating.create_commitment(
                session,
                gid,
                f"Tarea número {i + 1} con un texto bastante largo para llenar la línea " * 2,
                [LUIS.id, JOAO.id, ANA.id],
                now + timedelta(hours=i + 1),
                [],
                ANA.id,
                now=now,
            )
    await bot.feed(bot.u.command(NORTE, LUIS, "/commitments"))
    first = bot.tg.last(NORTE.id)
    assert utf16_len(first.text) <= 4096
    lines = first.text.splitlines()
    shown = [line for line in lines if line.startswith("• #")]
    assert shown[0].startswith("• #1 Tarea número 1 ")
    assert shown[0].endswith("…") or "Luis" in shown[0]
    pages = next(line for line in lines if line.startswith("Página 1 de "))
    total_pages = int(pages.rsplit(" ", 1)[1])
    assert total_pages == -(-200 // len(shown))
    assert f"{200 - len(shown)} más: /commitments 2" in lines
    assert first.button_data == ["cmt:page:2:0"]

    # "More" edits the same message into page 2
    sent = len(bot.tg.sent(NORTE.id))
    await press(bot, ANA, first, "cmt:page")
    second = bot.tg.last(NORTE.id)
    assert len(bot.tg.sent(NORTE.id)) == sent and second.message_id == first.message_id
    assert f"Página 2 de {total_pages}" in second.text
    assert f"• #{len(shown) + 1} Tarea número {len(shown) + 1} " in second.text
    assert second.button_data == ["cmt:page:1:0", "cmt:page:3:0"]
    assert second.text.endswith(f"Detalle e historial: /commitment {len(shown) + 1}")

    # or typed; a page past the end shows the last one
    await bot.feed(bot.u.command(NORTE, LUIS, f"/commitments {total_pages + 5}"))
    last = bot.tg.last(NORTE.id)
    assert f"Página {total_pages} de {total_pages}" in last.text
    assert "• #200 " in last.text
    assert "más: /commitments" not in last.text
    assert utf16_len(last.text) <= 4096


async def test_mine_stays_one_message(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    gid = await group_id(bot)
    async with bot.db() as session:
        for i in range(35):
            await creating.create_commitment(
                session, gid, f"Tarea {i + 1}", [LUIS.id], None, [], ANA.id, now=bot.now()
            )
    await bot.feed(bot.u.command(NORTE, LUIS, "/mine"))
    lines = bot.tg.last(NORTE.id).text.splitlines()
    assert len(lines) == 32
    assert lines[-2] == "• #30 Tarea 30"
    assert lines[-1] == "… y 5 más."
