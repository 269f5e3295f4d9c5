"""/notice: a notice members acknowledge (👀 or a button), its status, and one reminder."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.core.db import as_utc
from bot.core.models import WorkClaim
from bot.core.quiet import QuietHours
from bot.groups.settings import set_quiet_hours
from bot.reactions.models import Acknowledgement, Notice, ReactionSettings
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, add_bot, seed_group
from tests.telegram_double import Sent, forbidden
from tests.updates import TChat

TEXT = "La asamblea pasa al sábado 10:00 en el salón comunal"


async def post_notice(bot: Bot, text: str = TEXT) -> Sent:
    await bot.feed(bot.u.command(NORTE, ANA, f"/notice {text}"))
    return bot.tg.last(NORTE.id)


async def acked(bot: Bot) -> set[int]:
    return set(await bot.scalars(select(Acknowledgement.person_id)))


async def test_a_coordinator_posts_a_notice_members_acknowledge(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY, bot_status="administrator")
    posted = await post_notice(bot, "Traigan <sus> tazas & cucharas")
    assert posted.text == (
        "📢 Aviso\nTraigan <sus> tazas & cucharas\n\n"
        "Por favor, confirma que lo viste: reacciona con 👀 o toca el botón."
    )
    notice = await bot.scalar(select(Notice))
    assert notice.message_id == posted.message_id and notice.author_id == ANA.id
    assert posted.buttons == [[("👀 Ya lo vi", f"rx:seen:{notice.id}")]]
    assert posted.reply_to is None  # a post of its own, not an answer
    assert await acked(bot) == {ANA.id}  # who posts it has seen it

    # Luis reacts with 👀; Mary with 👍, which does not acknowledge
    await bot.feed(bot.u.reaction(NORTE, LUIS, posted.message_id, ["👀"]))
    await bot.feed(bot.u.reaction(NORTE, MARY, posted.message_id, ["👍"]))
    assert await acked(bot) == {ANA.id, LUIS.id}
    # taking the reaction off later does not un-see it
    await bot.feed(bot.u.reaction(NORTE, LUIS, posted.message_id, [], old=["👀"]))
    assert await acked(bot) == {ANA.id, LUIS.id}

    # João does not react: he presses the button, twice
    message = bot.tg.message_json(NORTE.id, posted.message_id)
    await bot.feed(bot.u.callback(JOAO, message, f"rx:seen:{notice.id}"))
    await bot.feed(bot.u.callback(JOAO, message, f"rx:seen:{notice.id}"))
    assert bot.tg.toasts() == [
        "¡Gracias! Quedó anotado que viste este aviso.",
        "Ya habías confirmado este aviso. ¡Gracias!",
    ]
    assert await acked(bot) == {ANA.id, LUIS.id, JOAO.id}
    rows = await bot.scalars(select(Acknowledgement.via).order_by(Acknowledgement.id))
    assert rows == ["author", "reaction", "button"]


async def test_two_presses_at_once_count_once(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY, bot_status="administrator")
    posted = await post_notice(bot)
    message = bot.tg.message_json(NORTE.id, posted.message_id)
    [data] = posted.button_data
    await asyncio.gather(
        bot.feed(bot.u.callback(MARY, message, data)),
        bot.feed(bot.u.callback(MARY, message, data)),
        bot.feed(bot.u.reaction(NORTE, MARY, posted.message_id, ["👀"])),
    )
    count = select(func.count()).where(Acknowledgement.person_id == MARY.id)
    assert await bot.scalar(count) == 1
    assert len(bot.tg.toasts()) == 2


async def test_the_seen_emoji_follows_the_position_map(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY, bot_status="administrator")
    await bot.feed(bot.u.command(NORTE, ANA, "/positions map 🫡=seen 👀=none"))
    posted = await post_notice(bot)
    assert "reacciona con 🫡" in posted.text
    assert posted.buttons[0][0][0] == "🫡 Ya lo vi"
    await bot.feed(bot.u.reaction(NORTE, LUIS, posted.message_id, ["👀"]))  # 👀 means nothing now
    await bot.feed(bot.u.reaction(NORTE, MARY, posted.message_id, ["🫡"]))
    assert await acked(bot) == {ANA.id, MARY.id}


async def test_a_seen_reaction_that_arrives_before_the_notice_is_saved_counts(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY, bot_status="administrator")
    # the id Telegram will give the notice: the next one after the greeting
    upcoming = bot.tg.last(NORTE.id).message_id + 1
    await bot.feed(bot.u.reaction(NORTE, JOAO, upcoming, ["👀"]))
    posted = await post_notice(bot)
    assert posted.message_id == upcoming
    assert await acked(bot) == {ANA.id, JOAO.id}


async def test_status_shows_who_has_not_seen_it(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY, bot_status="administrator")
    posted = await post_notice(bot)
    await bot.feed(bot.u.reaction(NORTE, LUIS, posted.message_id, ["👀"]))
    notice_json = bot.tg.message_json(NORTE.id, posted.message_id)
    # any member may ask, as a reply to the notice
    await bot.feed(bot.u.command(NORTE, MARY, "/notice status", reply_to=notice_json))
    assert bot.tg.last(NORTE.id).text == (
        "Aviso: 2 integrantes lo vieron.\n2 aún no confirman:\nJoão, Mary"
    )
    # without a reply: the latest notice
    await bot.feed(bot.u.reaction(NORTE, JOAO, posted.message_id, ["👀"]))
    await bot.feed(bot.u.reaction(NORTE, MARY, posted.message_id, ["👀"]))
    await bot.feed(bot.u.command(NORTE, MARY, "/notice status"))
    assert bot.tg.last(NORTE.id).text == "Aviso: 4 integrantes lo vieron.\nTodo el grupo lo vio. 🎉"


async def test_notice_bad_input_gets_an_example(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY, bot_status="administrator")
    await bot.feed(bot.u.command(NORTE, ANA, "/notice status"))
    assert bot.tg.last(NORTE.id).text == (
        "Todavía no hay avisos aquí. Publica uno así: "
        "/notice La asamblea pasa al sábado a las 10:00"
    )
    await bot.feed(bot.u.command(NORTE, ANA, "/notice"))
    assert bot.tg.last(NORTE.id).text == (
        "Escribe el aviso después del comando, por ejemplo: "
        "/notice La asamblea pasa al sábado a las 10:00"
    )
    await bot.feed(bot.u.command(NORTE, ANA, "/notice " + "x" * 3001))
    assert bot.tg.last(NORTE.id).text.startswith("Ese aviso es muy largo: usa menos de 3000")
    not_a_notice = bot.u.message_json(NORTE, LUIS, "hola a todos")
    await bot.feed(bot.u.command(NORTE, ANA, "/notice status", reply_to=not_a_notice))
    assert bot.tg.last(NORTE.id).text == (
        "Ese mensaje no es un aviso. Responde a un aviso con: /notice status"
    )
    # a member cannot post one
    await bot.feed(bot.u.command(NORTE, LUIS, f"/notice {TEXT}"))
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación puede hacer eso.")
    assert await bot.scalar(select(func.count()).select_from(Notice)) == 0


async def test_forged_or_foreign_buttons_get_a_toast(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY, bot_status="administrator")
    posted = await post_notice(bot)
    message = bot.tg.message_json(NORTE.id, posted.message_id)
    await bot.feed(bot.u.callback(LUIS, message, "rx:seen:999999"))
    await bot.feed(bot.u.callback(LUIS, message, "rx:seen:abc"))
    # the notice of another group, pressed from this one
    sur = bot.group(TChat(-1001000000002, "supergroup", "Barrio Sur"))
    bot.tg.set_admins(sur.id, (ANA, "creator"))
    await bot.feed(bot.u.command(sur, ANA, "/notice Feria el domingo"))
    foreign = await bot.scalar(select(Notice.id).where(Notice.text == "Feria el domingo"))
    await bot.feed(bot.u.callback(LUIS, message, f"rx:seen:{foreign}"))
    stale = "Este botón ya no funciona. Envía el comando de nuevo."
    assert bot.tg.toasts() == [stale, stale, stale]
    assert await acked(bot) == {ANA.id}


async def test_an_anonymous_admin_can_post_a_notice(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY, bot_status="administrator")
    await bot.feed(bot.u.anonymous_admin_command(NORTE, f"/notice {TEXT}"))
    notice = await bot.scalar(select(Notice))
    assert notice.author_id is None and notice.message_id == bot.tg.last(NORTE.id).message_id
    assert await acked(bot) == set()


async def tick(bot: Bot, at) -> None:
    await bot.tick(at)


def reminders(bot: Bot) -> list[Sent]:
    return [m for m in bot.tg.sent(NORTE.id) if m.text.startswith("🔔")]


async def test_one_reminder_after_a_day_to_those_who_have_not_seen_it(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY, bot_status="administrator")
    posted = await post_notice(bot)
    await bot.feed(bot.u.reaction(NORTE, LUIS, posted.message_id, ["👀"]))
    created = as_utc(await bot.scalar(select(Notice.created_at)))

    await tick(bot, created + timedelta(hours=23))
    assert reminders(bot) == []
    # two ticks at once (two processes would do the same): one reminder
    later = created + timedelta(hours=24, minutes=1)
    await asyncio.gather(tick(bot, later), tick(bot, later))
    [reminder] = reminders(bot)
    assert reminder.text == (
        "🔔 Recordatorio: por favor, confirma que viste este aviso — reacciona con 👀 o toca el "
        "botón.\nJoão, Mary"
    )
    assert f'<a href="tg://user?id={JOAO.id}">João</a>' in reminder.html
    assert reminder.reply_to == posted.message_id
    assert reminder.button_data == posted.button_data
    # never again, even after a restart
    await tick(bot, later + timedelta(days=2))
    assert len(reminders(bot)) == 1
    notice = await bot.scalar(select(Notice))
    assert notice.reminded_count == 2 and notice.reminded_at is not None
    await bot.feed(bot.u.command(NORTE, ANA, "/notice status"))
    assert bot.tg.last(NORTE.id).text.endswith("El recordatorio ya se envió.")


async def test_no_reminder_when_everyone_has_seen_it(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY, bot_status="administrator")
    posted = await post_notice(bot)
    message = bot.tg.message_json(NORTE.id, posted.message_id)
    for person in (LUIS, JOAO, MARY):
        await bot.feed(bot.u.callback(person, message, posted.button_data[0]))
    created = as_utc(await bot.scalar(select(Notice.created_at)))
    sent = len(bot.tg.calls_of("sendMessage"))
    await tick(bot, created + timedelta(hours=25))
    assert len(bot.tg.calls_of("sendMessage")) == sent
    assert await bot.scalar(select(Notice.reminded_count)) == 0


async def test_the_reminder_waits_for_quiet_hours_to_end(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY, bot_status="administrator")
    await post_notice(bot)
    notice = await bot.scalar(select(Notice))
    due = as_utc(notice.remind_at)
    local = due.astimezone(ZoneInfo("America/Bogota"))
    start = local.hour * 60
    quiet = QuietHours(start, (start + 120) % 1440)  # from the due hour, for two hours
    async with bot.db() as session:
        await set_quiet_hours(session, notice.group_id, quiet)
    await tick(bot, due + timedelta(minutes=30))
    assert reminders(bot) == []
    await tick(bot, due + timedelta(hours=2, minutes=1))
    assert len(reminders(bot)) == 1


async def test_the_delay_is_a_group_setting(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY, bot_status="administrator")
    await bot.feed(bot.u.command(NORTE, ANA, "/notice remind"))
    assert bot.tg.last(NORTE.id).text == (
        "Los avisos recuerdan a quien no haya confirmado después de 1 día. "
        "Para cambiarlo: /notice remind 12h"
    )
    await bot.feed(bot.u.command(NORTE, ANA, "/notice remind 12h"))
    assert bot.tg.last(NORTE.id).text == (
        "Listo: los avisos recordarán a quien no haya confirmado después de 12 horas."
    )
    assert await bot.scalar(select(ReactionSettings.remind_after_minutes)) == 720
    for bad, answer in {
        "/notice remind mañana": "No entendí “mañana” como un plazo.",
        "/notice remind 2m": "El recordatorio puede esperar de 10 minutos a 14 días",
        "/notice remind 30d": "El recordatorio puede esperar de 10 minutos a 14 días",
    }.items():
        await bot.feed(bot.u.command(NORTE, ANA, bad))
        assert bot.tg.last(NORTE.id).text.startswith(answer), bad
    await bot.feed(bot.u.command(NORTE, ANA, "/notice remind 2 días"))
    assert bot.tg.last(NORTE.id).text.endswith("después de 2 días.")
    await bot.feed(bot.u.command(NORTE, ANA, "/notice remind 12h"))
    await bot.feed(bot.u.command(NORTE, LUIS, "/notice remind 1h"))
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación")
    assert await bot.scalar(select(ReactionSettings.remind_after_minutes)) == 720

    # "remind" followed by words that are not a delay is a notice like any other
    posted = await post_notice(bot, "remind everyone to bring chairs")
    assert "remind everyone to bring chairs" in posted.text
    notice = await bot.scalar(select(Notice))
    assert as_utc(notice.remind_at) - as_utc(notice.created_at) == timedelta(hours=12)


async def test_a_reminder_to_a_group_that_removed_the_bot_is_not_retried(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY, bot_status="administrator")
    await post_notice(bot)
    created = as_utc(await bot.scalar(select(Notice.created_at)))
    bot.tg.fail_next("sendMessage", forbidden())
    await tick(bot, created + timedelta(hours=25))
    await tick(bot, created + timedelta(hours=26))
    assert len([c for c in bot.tg.calls_of("sendMessage") if "🔔" in c.params["text"]]) == 1
    assert await bot.scalar(select(WorkClaim.done_at)) is not None


async def test_in_a_forum_topic_the_notice_and_its_reminder_stay_in_the_topic(bot: Bot) -> None:
    forum = bot.group(TChat(-1001000000003, "supergroup", "Coalición Centro", is_forum=True))
    await add_bot(bot, forum, status="administrator")
    bot.tg.set_admins(forum.id, (ANA, "creator"))
    await bot.feed(bot.u.message(forum, LUIS, "hola", thread_id=12))
    await bot.feed(bot.u.command(forum, ANA, f"/notice {TEXT}", thread_id=12))
    posted = bot.tg.last(forum.id)
    assert posted.thread_id == 12 and posted.text.startswith("📢 Aviso")
    created = as_utc(await bot.scalar(select(Notice.created_at)))
    await tick(bot, created + timedelta(hours=25))
    reminder = bot.tg.last(forum.id)
    assert reminder.text.startswith("🔔") and reminder.thread_id == 12
    assert reminder.text.endswith("Luis")
