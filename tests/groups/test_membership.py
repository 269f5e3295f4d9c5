"""The bot joins and leaves groups; people join and leave; a group becomes a supergroup."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.core.models import AdminCache
from bot.groups.models import COORDINATOR, Group, Membership, Person
from tests.conftest import ANA, JOAO, LUIS, NORTE, Bot, add_bot
from tests.updates import TChat


async def test_added_to_a_group_registers_it_and_greets_once_in_its_language(bot: Bot) -> None:
    added = bot.u.my_chat_member(NORTE, ANA, "left", "member")
    bot.group(NORTE)
    await bot.feed(added)

    group = await bot.scalar(select(Group).where(Group.chat_id == NORTE.id))
    assert group.active and group.language == "es" and group.title == NORTE.title
    [greeting] = bot.tg.sent(NORTE.id)
    assert "¡Hola, Vecinos del Barrio Norte!" in greeting.text
    assert "/help" in greeting.text

    # Telegram delivers the same update again after a crash; then the bot is made admin
    await bot.feed(added, bot.u.my_chat_member(NORTE, ANA, "member", "administrator"))
    assert len(bot.tg.sent(NORTE.id)) == 1
    assert await bot.scalar(select(func.count()).select_from(Group)) == 1


async def test_a_group_added_by_a_portuguese_speaker_is_greeted_in_portuguese(bot: Bot) -> None:
    await add_bot(bot, NORTE, by=JOAO)
    greeting = bot.tg.last(NORTE.id)
    assert "Olá, Vecinos do Barrio Norte" not in greeting.text
    assert greeting.text.startswith("👋 Olá")
    assert await bot.scalar(select(Group.language)) == "pt_BR"
    # on São Paulo's time, named, with the other common zone of Brazil a tap away
    assert await bot.scalar(select(Group.timezone)) == "America/Sao_Paulo"
    local = bot.now().astimezone(ZoneInfo("America/Sao_Paulo"))
    assert f"🕒 Estou no horário de São Paulo (lá são {local:%H:%M})." in greeting.text
    assert [label for row in greeting.buttons for label, _ in row] == ["✓ São Paulo", "Manaus"]


async def test_the_greeting_names_the_zone_and_a_coordinator_picks_another(bot: Bot) -> None:
    bot.group(NORTE)
    bot.tg.set_admins(NORTE.id, (ANA, "creator"))
    await bot.feed(bot.u.my_chat_member(NORTE, ANA, "left", "member"))
    greeting = bot.tg.last(NORTE.id)
    assert await bot.scalar(select(Group.timezone)) == "America/Bogota"  # DEFAULT_TIMEZONE
    assert "🕒 Uso la hora de Bogotá (allí son las " in greeting.text
    assert [label for row in greeting.buttons for label, _ in row] == [
        "Buenos Aires",
        "Santiago",
        "✓ Bogotá / Lima",
        "Ciudad de México",
        "Guatemala",
        "La Paz",
    ]
    shown = bot.tg.message_json(NORTE.id, greeting.message_id)
    buenos_aires = greeting.button_data[0]
    await bot.feed(bot.u.callback(LUIS, shown, buenos_aires))  # a member may not
    assert bot.tg.toasts()[-1].startswith("Solo la coordinación puede hacer eso.")
    assert await bot.scalar(select(Group.timezone)) == "America/Bogota"
    await bot.feed(bot.u.callback(ANA, shown, buenos_aires))
    assert await bot.scalar(select(Group.timezone)) == "America/Argentina/Buenos_Aires"
    assert bot.tg.toasts()[-1] == "hora de Buenos Aires"
    assert "🕒 Uso la hora de Buenos Aires (allí son las " in greeting.text  # edited in place
    assert greeting.buttons[0][0][0] == "✓ Buenos Aires"
    assert len(bot.tg.sent(NORTE.id)) == 1
    # a forged zone is a stale button
    await bot.feed(bot.u.callback(ANA, shown, "grp:tz:mad"))
    assert await bot.scalar(select(Group.timezone)) == "America/Argentina/Buenos_Aires"


async def test_removed_from_a_group_marks_it_inactive_and_says_nothing(bot: Bot) -> None:
    await add_bot(bot)
    bot.tg.remove_bot(NORTE.id)
    await bot.feed(bot.u.my_chat_member(NORTE, ANA, "member", "kicked"))

    assert await bot.scalar(select(Group.active)) is False
    assert len(bot.tg.sent(NORTE.id)) == 1  # only the greeting, from before
    assert bot.tg.calls_of("sendMessage")[-1].params["chat_id"] == NORTE.id

    # added again later: active again, and greeted again
    await add_bot(bot)
    assert await bot.scalar(select(Group.active)) is True
    assert len(bot.tg.sent(NORTE.id)) == 2


async def test_a_private_chat_is_not_a_group(bot: Bot) -> None:
    me = TChat(ANA.id, "private", None)
    await bot.feed(bot.u.my_chat_member(me, ANA, "left", "member"))
    assert await bot.scalar(select(func.count()).select_from(Group)) == 0
    assert await bot.scalar(select(Person.first_name).where(Person.id == ANA.id)) == "Ana"
    assert bot.tg.sent() == []


async def test_people_joining_and_leaving_are_members_or_not(bot: Bot) -> None:
    await add_bot(bot)
    await bot.feed(bot.u.chat_member(NORTE, LUIS, LUIS, "left", "member"))
    await bot.feed(bot.u.new_members(NORTE, ANA, JOAO))

    async def present() -> set[int]:
        rows = await bot.scalars(select(Membership.person_id).where(Membership.left_at.is_(None)))
        return set(rows)

    assert await present() == {ANA.id, LUIS.id, JOAO.id}
    await bot.feed(bot.u.chat_member(NORTE, LUIS, LUIS, "member", "left"))
    await bot.feed(bot.u.left_member(NORTE, JOAO, JOAO))
    assert await present() == {ANA.id}
    # the sender of a message is a member again
    await bot.feed(bot.u.command(NORTE, LUIS, "/help"))
    assert await present() == {ANA.id, LUIS.id}


async def test_a_promotion_drops_the_cached_admin_list(bot: Bot) -> None:
    await add_bot(bot)
    bot.tg.set_admins(NORTE.id, (ANA, "creator"))
    await bot.feed(bot.u.command(NORTE, ANA, "/timezone"))
    assert await bot.scalar(select(AdminCache.user_ids)) == sorted([ANA.id, 7000000001])

    await bot.feed(bot.u.chat_member(NORTE, ANA, LUIS, "member", "administrator"))
    assert await bot.scalar(select(func.count()).select_from(AdminCache)) == 0


async def test_a_group_that_becomes_a_supergroup_keeps_its_data(bot: Bot) -> None:
    old = TChat(-4001, "group", "Asamblea")
    new = TChat(-1004001, "supergroup", "Asamblea")
    bot.tg.set_admins(old.id, (ANA, "creator"))
    await add_bot(bot, old)
    await bot.feed(bot.u.command(old, ANA, "/timezone America/Lima"))
    await bot.feed(bot.u.command(old, ANA, "/coordinator add @luis_o"))  # unknown yet: refused
    await bot.feed(bot.u.message(old, LUIS, "hola"))
    await bot.feed(bot.u.command(old, ANA, "/coordinator add @luis_o"))
    group_id = await bot.scalar(select(Group.id))

    # the new supergroup speaks first (a member writes), then both migration notices arrive
    bot.group(new)
    await bot.feed(bot.u.message(new, LUIS, "¿ya somos supergrupo?"))
    await bot.feed(*bot.u.migration(old, new, ANA))

    [group] = await bot.scalars(select(Group))
    assert (group.id, group.chat_id, group.type) == (group_id, new.id, "supergroup")
    assert group.timezone == "America/Lima"
    role = await bot.scalar(select(Membership.role).where(Membership.person_id == LUIS.id))
    assert role == COORDINATOR
    # and Luis, the promoted member, still coordinates in the supergroup
    await bot.feed(bot.u.command(new, LUIS, "/timezone America/Bogota"))
    assert await bot.scalar(select(Group.timezone)) == "America/Bogota"
