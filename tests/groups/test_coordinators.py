"""Who coordinates: Telegram admins (creator, admins, anonymous admins) and promoted members."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.models import AdminCache
from bot.groups.models import COORDINATOR, MEMBER, Group, Membership
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, seed_group, start_bot
from tests.telegram_double import bad_request
from tests.updates import TUser

COORD_ONLY = "Solo la coordinación puede hacer eso."


async def timezone(bot: Bot) -> str:
    return await bot.scalar(select(Group.timezone))


async def role_of(bot: Bot, user: TUser) -> str | None:
    return await bot.scalar(select(Membership.role).where(Membership.person_id == user.id))


async def test_creator_and_admins_are_coordinators(bot: Bot) -> None:
    await seed_group(bot, admins=((JOAO, "administrator"),))
    await bot.feed(bot.u.command(NORTE, ANA, "/timezone America/Lima"))
    assert await timezone(bot) == "America/Lima"
    await bot.feed(bot.u.command(NORTE, JOAO, "/timezone America/Caracas"))
    assert await timezone(bot) == "America/Caracas"


async def test_an_anonymous_admin_posting_as_the_group_is_a_coordinator(bot: Bot) -> None:
    await seed_group(bot, admins=((JOAO, "administrator"),))
    await bot.feed(bot.u.anonymous_admin_command(NORTE, "/timezone America/Lima"))
    assert await timezone(bot) == "America/Lima"
    assert bot.tg.last(NORTE.id).text.startswith("Listo")


async def test_a_plain_member_is_refused(bot: Bot) -> None:
    await seed_group(bot, admins=((JOAO, "administrator"),))
    await bot.feed(bot.u.command(NORTE, LUIS, "/timezone America/Lima"))
    assert await timezone(bot) == "America/Bogota"
    assert bot.tg.last(NORTE.id).text.startswith(COORD_ONLY)
    await bot.feed(bot.u.command(NORTE, LUIS, "/coordinator add @luis_o"))
    assert await role_of(bot, LUIS) == MEMBER


async def test_promote_by_reply_then_demote(bot: Bot) -> None:
    await seed_group(bot, admins=((JOAO, "administrator"),))
    luis_said = bot.u.message_json(NORTE, LUIS, "yo me ocupo de las actas")
    await bot.feed(bot.u.command(NORTE, ANA, "/coordinator add", reply_to=luis_said))
    assert await role_of(bot, LUIS) == COORDINATOR
    reply = bot.tg.last(NORTE.id)
    assert reply.text == "Luis ahora es parte de la coordinación de este grupo."
    assert f'<a href="tg://user?id={LUIS.id}">Luis</a>' in reply.html

    await bot.feed(bot.u.command(NORTE, LUIS, "/timezone America/Lima"))
    assert await timezone(bot) == "America/Lima"
    await bot.feed(bot.u.command(NORTE, ANA, "/coordinator add", reply_to=luis_said))
    assert bot.tg.last(NORTE.id).text == "Luis ya es parte de la coordinación."

    await bot.feed(bot.u.command(NORTE, ANA, "/coordinator"))
    listing = bot.tg.last(NORTE.id).text
    assert "Coordinación" in listing and "• Luis" in listing

    await bot.feed(bot.u.command(NORTE, JOAO, "/coordinator remove", reply_to=luis_said))
    assert await role_of(bot, LUIS) == MEMBER
    assert bot.tg.last(NORTE.id).text == "Luis ya no es parte de la coordinación."
    await bot.feed(bot.u.command(NORTE, LUIS, "/timezone America/Bogota"))
    assert await timezone(bot) == "America/Lima"


async def test_promote_by_username_or_by_name(bot: Bot) -> None:
    await seed_group(bot, admins=((JOAO, "administrator"),))
    await bot.feed(bot.u.command(NORTE, ANA, "/coordinator add @luis_o"))
    assert bot.tg.last(NORTE.id).text.startswith("Todavía no conozco a @luis_o. Pídele")
    assert await role_of(bot, LUIS) is None

    await bot.feed(bot.u.message(NORTE, LUIS, "buenas"))
    await bot.feed(bot.u.command(NORTE, ANA, "/coordinator add @Luis_O"))
    assert await role_of(bot, LUIS) == COORDINATOR

    # Mary has no username: Telegram sends a text_mention with her user
    await bot.feed(bot.u.command(NORTE, ANA, "/coordinator add Mary", mentions={"Mary": MARY}))
    assert await role_of(bot, MARY) == COORDINATOR


async def test_role_commands_without_a_person_get_an_example(bot: Bot) -> None:
    await seed_group(bot, admins=((JOAO, "administrator"),))
    for text in ("/coordinator add", "/coordinator promote @luis_o"):
        await bot.feed(bot.u.command(NORTE, ANA, text))
        assert bot.tg.last(NORTE.id).text == (
            "Responde a un mensaje de la persona con /coordinator add (o remove), "
            "o nómbrala: /coordinator add @ana"
        )


async def test_an_admin_stays_coordinator_while_admin(bot: Bot) -> None:
    await seed_group(bot, admins=((JOAO, "administrator"),))
    await bot.feed(bot.u.command(NORTE, JOAO, "/timezone America/Lima"))  # fills the cache
    joao_said = bot.u.message_json(NORTE, JOAO, "hola")
    await bot.feed(bot.u.command(NORTE, ANA, "/coordinator remove", reply_to=joao_said))
    assert "sigue en la coordinación mientras sea admin" in bot.tg.last(NORTE.id).text


async def test_a_hostile_name_does_not_break_the_message(bot: Bot) -> None:
    await seed_group(bot, admins=((JOAO, "administrator"),))
    hostile = TUser(166, "<b>Ana & co</b>", None, "es")
    said = bot.u.message_json(NORTE, hostile, "hola")
    await bot.feed(bot.u.command(NORTE, ANA, "/coordinator add", reply_to=said))
    assert bot.tg.last(NORTE.id).text.startswith("<b>Ana & co</b> ahora es parte")


async def test_the_admin_list_is_cached_and_refreshed_on_membership_change(bot: Bot) -> None:
    await seed_group(bot, admins=((JOAO, "administrator"),))
    for zone in ("America/Lima", "America/Bogota", "America/Caracas"):
        await bot.feed(bot.u.command(NORTE, JOAO, f"/timezone {zone}"))
    assert len(bot.tg.calls_of("getChatAdministrators")) == 1

    # Luis is promoted in Telegram: the cache is dropped and he counts at once
    bot.tg.set_admins(NORTE.id, (ANA, "creator"), (JOAO, "administrator"), (LUIS, "administrator"))
    await bot.feed(bot.u.chat_member(NORTE, ANA, LUIS, "member", "administrator"))
    await bot.feed(bot.u.command(NORTE, LUIS, "/timezone America/Lima"))
    assert await timezone(bot) == "America/Lima"
    assert len(bot.tg.calls_of("getChatAdministrators")) == 2


async def test_a_stale_cache_is_refetched(engine, database, clock) -> None:
    bot = await start_bot(engine, database.url, clock, admin_cache_seconds=0)
    try:
        await seed_group(bot, admins=((JOAO, "administrator"),))
        await bot.feed(bot.u.command(NORTE, JOAO, "/timezone America/Lima"))
        await bot.feed(bot.u.command(NORTE, JOAO, "/timezone America/Caracas"))
        assert len(bot.tg.calls_of("getChatAdministrators")) == 2
        assert await bot.scalar(select(AdminCache.chat_id)) == NORTE.id
    finally:
        await bot.app.shutdown()


async def test_when_telegram_cannot_list_admins_members_are_still_refused(bot: Bot) -> None:
    await seed_group(bot, admins=((JOAO, "administrator"),))
    bot.tg.fail_next("getChatAdministrators", bad_request("chat not found"))
    await bot.feed(bot.u.command(NORTE, LUIS, "/timezone America/Lima"))
    assert await timezone(bot) == "America/Bogota"
    assert bot.tg.last(NORTE.id).text.startswith(COORD_ONLY)


async def test_the_list_counts_coordinators_with_plural_forms(bot: Bot) -> None:
    await seed_group(bot, admins=((JOAO, "administrator"),))
    await bot.feed(bot.u.command(NORTE, LUIS, "/coordinator"))
    assert bot.tg.last(NORTE.id).text.startswith(
        "Coordinación: quienes administran el grupo, nadie más por ahora."
    )
    for person in (LUIS, MARY):
        said = bot.u.message_json(NORTE, person, "hola")
        await bot.feed(bot.u.command(NORTE, ANA, "/coordinator add", reply_to=said))
        await bot.feed(bot.u.command(NORTE, LUIS, "/coordinator"))
        listing = bot.tg.last(NORTE.id).text
        if person is LUIS:
            assert listing.startswith("Coordinación: quienes administran el grupo y 1 integrante:")
        else:
            assert listing.startswith("Coordinación: quienes administran el grupo y 2 integrantes:")
            assert "• Luis\n• Mary" in listing


def test_portuguese_counts_zero_and_one_as_singular() -> None:
    from bot.core.i18n import translator
    from bot.groups.render import coordinators_list

    pt = translator("pt_BR")
    assert "e 1 integrante:" in coordinators_list(pt, ["Luis"])
    assert "e 2 integrantes:" in coordinators_list(pt, ["Luis", "Mary"])
    assert pt.ngettext(
        "<b>Coordinators</b>: the group's admins and {n} member:",
        "<b>Coordinators</b>: the group's admins and {n} members:",
        0,
    ).endswith("e 0 integrante:")
