"""/language and /timezone: coordinators change them; everyone else gets a short answer."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.groups.models import Group, Person
from tests.conftest import ANA, JOAO, LUIS, NORTE, Bot, seed_group
from tests.updates import private_chat


async def group_language(bot: Bot) -> str:
    return await bot.scalar(select(Group.language))


async def test_a_coordinator_sets_the_group_language(bot: Bot) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/language pt"))
    assert await group_language(bot) == "pt_BR"
    assert bot.tg.last(NORTE.id).text == "Pronto: o idioma deste grupo agora é Português (Brasil)."

    await bot.feed(bot.u.command(NORTE, LUIS, "/help"))
    assert "o que você pode me pedir" in bot.tg.last(NORTE.id).text

    await bot.feed(bot.u.command(NORTE, ANA, "/language English"))
    assert await group_language(bot) == "en"


async def test_an_unknown_language_gets_an_example(bot: Bot) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/language klingon"))
    assert await group_language(bot) == "es"
    assert bot.tg.last(NORTE.id).text == (
        "No conozco el idioma “klingon”. Usa es, pt o en, por ejemplo: /language pt"
    )


async def test_a_member_cannot_change_the_language(bot: Bot) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, LUIS, "/language en"))
    assert await group_language(bot) == "es"
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación puede hacer eso.")


async def test_language_buttons(bot: Bot) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/language"))
    prompt = bot.tg.last(NORTE.id)
    assert prompt.button_data == ["grp:lang:es", "grp:lang:pt_BR", "grp:lang:en"]
    assert prompt.buttons[0][0][0] == "✓ Español"
    message = bot.tg.message_json(NORTE.id, prompt.message_id)

    # a member presses: a toast, nothing changes
    await bot.feed(bot.u.callback(LUIS, message, "grp:lang:en"))
    assert bot.tg.toasts()[-1].startswith("Solo la coordinación")
    assert await group_language(bot) == "es"

    # a forged payload: a toast, nothing changes
    await bot.feed(bot.u.callback(ANA, message, "grp:lang:xx"))
    assert bot.tg.toasts()[-1] == (
        "No conozco el idioma “xx”. Usa es, pt o en, por ejemplo: /language pt"
    )
    await bot.feed(bot.u.callback(ANA, message, "grp:lang:es:extra"))
    assert bot.tg.toasts()[-1] == "Este botón ya no funciona. Envía el comando de nuevo."

    # the coordinator presses: the prompt is edited in place, in the new language
    press = bot.u.callback(ANA, message, "grp:lang:en")
    await bot.feed(press)
    assert await group_language(bot) == "en"
    assert prompt.text == "Done: this group's language is now English."
    assert prompt.markup is None
    assert bot.tg.toasts()[-1] == "Saved."
    # the same press delivered twice changes and sends nothing more
    sent_before = len(bot.tg.calls)
    await bot.feed(press)
    assert len(bot.tg.calls) == sent_before


async def test_two_coordinators_press_at_once(bot: Bot) -> None:
    await seed_group(bot)
    bot.tg.set_admins(NORTE.id, (ANA, "creator"), (JOAO, "administrator"))
    await bot.feed(bot.u.command(NORTE, ANA, "/language"))
    prompt = bot.tg.last(NORTE.id)
    message = bot.tg.message_json(NORTE.id, prompt.message_id)
    await asyncio.gather(
        bot.feed(bot.u.callback(ANA, message, "grp:lang:en")),
        bot.feed(bot.u.callback(JOAO, message, "grp:lang:pt_BR")),
    )
    assert await group_language(bot) in {"en", "pt_BR"}
    assert len(bot.tg.calls_of("answerCallbackQuery")) == 2


async def test_language_in_private_is_the_person_own(bot: Bot) -> None:
    me = private_chat(LUIS)
    await bot.feed(bot.u.command(me, LUIS, "/language pt"))
    assert bot.tg.last(LUIS.id).text == "Pronto: vou escrever para você em Português (Brasil)."
    assert await bot.scalar(select(Person.language).where(Person.id == LUIS.id)) == "pt_BR"
    await bot.feed(bot.u.command(me, LUIS, "/help"))
    assert "Aqui, no privado" in bot.tg.last(LUIS.id).text


async def test_a_coordinator_sets_the_time_zone(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await bot.feed(bot.u.command(NORTE, ANA, "/timezone america/sao_paulo"))
    assert await bot.scalar(select(Group.timezone)) == "America/Sao_Paulo"
    assert bot.tg.last(NORTE.id).text.startswith(
        "Listo: el grupo ahora usa la hora de São Paulo (America/Sao_Paulo; allí son las "
    )

    await bot.feed(bot.u.command(NORTE, ANA, "/timezone"))
    answer = bot.tg.last(NORTE.id)
    assert answer.text.startswith("El grupo usa la hora de São Paulo (America/Sao_Paulo;")
    assert answer.text.endswith("/timezone America/Argentina/Buenos_Aires")
    assert answer.buttons[0][0][0] == "Buenos Aires"

    # a tap on a common zone sets it, in the same message; a member's tap changes nothing
    await bot.feed(
        bot.u.callback(
            LUIS, bot.tg.message_json(NORTE.id, answer.message_id), answer.button_data[2]
        )
    )
    assert await bot.scalar(select(Group.timezone)) == "America/Sao_Paulo"
    assert bot.tg.toasts()[-1].startswith("Solo la coordinación")
    await bot.feed(
        bot.u.callback(ANA, bot.tg.message_json(NORTE.id, answer.message_id), answer.button_data[2])
    )
    assert await bot.scalar(select(Group.timezone)) == "America/Bogota"
    assert answer.text.startswith("Listo: el grupo ahora usa la hora de Bogotá (America/Bogota;")
    assert "✓ Bogotá / Lima" in [label for row in answer.buttons for label, _ in row]


async def test_an_unknown_time_zone_gets_an_example(bot: Bot) -> None:
    await seed_group(bot)
    for wrong in ("Mars/Olympus", "<b>", "../../etc/passwd"):
        await bot.feed(bot.u.command(NORTE, ANA, f"/timezone {wrong}"))
        assert bot.tg.last(NORTE.id).text == (
            f"No conozco la zona horaria “{wrong}”. "
            "Usa un nombre como este: /timezone America/Bogota"
        )
    assert await bot.scalar(select(Group.timezone)) == "America/Bogota"


async def test_time_zone_is_for_coordinators_and_groups(bot: Bot) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, LUIS, "/timezone Europe/Madrid"))
    assert await bot.scalar(select(Group.timezone)) == "America/Bogota"
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación")

    await bot.feed(bot.u.command(private_chat(LUIS), LUIS, "/timezone Europe/Madrid"))
    assert bot.tg.last(LUIS.id).text.startswith("Ese comando funciona en un grupo.")
