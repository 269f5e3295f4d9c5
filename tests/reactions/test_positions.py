"""/positions: the tally of a message, the position map, and a bot that cannot see reactions."""

from __future__ import annotations

from sqlalchemy import select

from bot.reactions.models import ReactionSettings
from bot.reactions.service import sense_check
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, seed_group
from tests.telegram_double import bad_request

USAGE = (
    "Responde a un mensaje con /positions para ver las posturas sobre él. "
    "Para ver qué significa cada reacción: /positions map"
)
INCOMPLETE = "⚠️ No soy admin aquí, así que Telegram no me envía las reacciones"
HINT = "⚠️ Para contar las reacciones como posturas y confirmaciones necesito ser admin"


async def luis_proposes(bot: Bot, status: str = "administrator") -> dict:
    """The group (the bot as `status`), where Luis proposes something: his message."""
    await seed_group(bot, bot_status=status)
    proposal = bot.u.message(NORTE, LUIS, "Propongo pintar el mural el domingo")
    await bot.feed(proposal)
    return proposal["message"]


async def test_the_tally_counts_meanings_names_people_and_counts_who_did_not_react(
    bot: Bot,
) -> None:
    said = await luis_proposes(bot)
    mid = said["message_id"]
    await bot.feed(
        bot.u.reaction(NORTE, ANA, mid, ["👍"]),
        bot.u.reaction(NORTE, JOAO, mid, ["👍", "🤔"]),
        bot.u.reaction(NORTE, MARY, mid, ["❤"]),  # not on the map: ignored in the tally
    )
    await bot.feed(bot.u.command(NORTE, LUIS, "/positions", reply_to=said))
    reply = bot.tg.last(NORTE.id)
    assert reply.text == (
        "Posturas sobre este mensaje:\n"
        "👍 De acuerdo: 2 — Ana, João\n"
        "👎 En desacuerdo: 0\n"
        "🤔 Tiene dudas: 1 — João\n"
        "👀 Visto: 0\n"
        "1 integrante del grupo no ha reaccionado."  # Luis, who proposed
    )
    assert reply.reply_to is not None  # it answers the command


async def test_someone_who_took_their_reaction_off_hides_nobody_after_them(bot: Bot) -> None:
    said = await luis_proposes(bot)
    mid = said["message_id"]
    await bot.feed(
        bot.u.reaction(NORTE, ANA, mid, ["👍"]),
        bot.u.reaction(NORTE, ANA, mid, [], ["👍"]),  # Ana takes it off, before the others react
        bot.u.reaction(NORTE, JOAO, mid, ["👍"]),
        bot.u.reaction(NORTE, MARY, mid, ["👎"]),
    )
    await bot.feed(bot.u.command(NORTE, LUIS, "/positions", reply_to=said))
    assert bot.tg.last(NORTE.id).text == (
        "Posturas sobre este mensaje:\n"
        "👍 De acuerdo: 1 — João\n"
        "👎 En desacuerdo: 1 — Mary\n"
        "🤔 Tiene dudas: 0\n"
        "👀 Visto: 0\n"
        "2 integrantes del grupo no han reaccionado."  # Luis, and Ana now
    )


async def test_anonymous_counts_of_two_emoji_with_one_meaning_are_summed(bot: Bot) -> None:
    said = await luis_proposes(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/positions map 🙏=agree"))
    await bot.feed(
        bot.u.reaction_count(NORTE, said["message_id"], [("👍", 3), ("🙏", 2), ("🔥", 9)])
    )
    await bot.feed(bot.u.command(NORTE, LUIS, "/positions", reply_to=said))
    assert bot.tg.last(NORTE.id).text == (
        "Posturas sobre este mensaje (anónimas, solo cantidades):\n"
        "De acuerdo: 5\n"
        "En desacuerdo: 0\n"
        "Tiene dudas: 0\n"
        "Visto: 0\n"
        "2 integrantes del grupo no han reaccionado."
    )


async def test_positions_without_a_reply_gets_an_example(bot: Bot) -> None:
    await luis_proposes(bot)
    await bot.feed(bot.u.command(NORTE, LUIS, "/positions"))
    assert bot.tg.last(NORTE.id).text == USAGE
    await bot.feed(bot.u.command(NORTE, LUIS, "/positions please"))
    assert bot.tg.last(NORTE.id).text == USAGE
    # in a forum topic, the topic's first message is not a reply someone chose
    topic_start = bot.u.message_json(
        NORTE, ANA, None, forum_topic_created={"name": "Mural", "icon_color": 7322096}
    )
    await bot.feed(bot.u.command(NORTE, LUIS, "/positions", reply_to=topic_start, thread_id=9))
    assert bot.tg.last(NORTE.id).text == USAGE


async def test_the_map_is_shown_and_changed_by_coordinators(bot: Bot) -> None:
    said = await luis_proposes(bot)
    mid = said["message_id"]
    await bot.feed(bot.u.command(NORTE, LUIS, "/positions map"))
    shown = bot.tg.last(NORTE.id).text
    assert shown.startswith("Qué significa cada reacción aquí\n👍 = De acuerdo\n👎 = En desacuerdo")
    assert "🤔 = Tiene dudas\n👀 = Visto" in shown

    # a member cannot change it
    await bot.feed(bot.u.command(NORTE, LUIS, "/positions map 👍=block"))
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación puede hacer eso.")
    assert await bot.scalar(select(ReactionSettings.positions)) is None

    # the README's example adds to the map: what it does not list keeps its meaning
    # (variation selectors and Spanish words are understood)
    await bot.feed(bot.u.command(NORTE, ANA, "/positions map 🙏 = apoyo ❤️=support"))
    saved = bot.tg.last(NORTE.id).text
    assert saved.startswith(  # the whole map after the change
        "Listo: ahora las reacciones significan esto aquí.\n👍 = De acuerdo\n👎 = En desacuerdo\n"
        "🤔 = Tiene dudas\n👀 = Visto\n🙏 = Apoyo\n❤ = Apoyo\n\n"
    )
    # and an emoji can be given another meaning, or none
    await bot.feed(bot.u.command(NORTE, ANA, "/positions map 👍=agree 🤔=nada"))
    assert await bot.scalar(select(ReactionSettings.positions)) == [
        ["👍", "agree"],
        ["👎", "disagree"],
        ["👀", "seen"],
        ["🙏", "support"],
        ["❤", "support"],
    ]
    await bot.feed(
        bot.u.reaction(NORTE, JOAO, mid, ["🙏"]),
        bot.u.reaction(NORTE, MARY, mid, ["❤"]),
        bot.u.reaction(NORTE, ANA, mid, ["🤔"]),  # no meaning any more
    )
    await bot.feed(bot.u.command(NORTE, LUIS, "/positions", reply_to=said))
    tally = bot.tg.last(NORTE.id).text
    assert "🙏❤ Apoyo: 2 — João, Mary" in tally
    assert "Tiene dudas" not in tally

    await bot.feed(bot.u.command(NORTE, ANA, "/positions map reset"))
    assert await bot.scalar(select(ReactionSettings.positions)) is None


async def test_a_bad_map_is_refused_with_an_example(bot: Bot) -> None:
    await luis_proposes(bot)
    cases = {
        "/positions map 🦆=agree": (
            "🦆 no es una reacción que Telegram permita. Elige una del menú de reacciones, "
            "por ejemplo: /positions map 👍=agree 🙏=support"
        ),
        "/positions map 👍=maybe": (
            "No conozco el significado “maybe”. Usa acuerdo, desacuerdo, dudas, visto, apoyo o "
            "bloqueo, por ejemplo: /positions map 👍=agree 🙏=support"
        ),
        "/positions map 👍 agree": (
            "Escribe cada postura como emoji=significado, por ejemplo: "
            "/positions map 👍=agree 👎=disagree 🤔=doubts 👀=seen"
        ),
        "/positions map 👍=agree 👍=block": (
            "👍 aparece dos veces: dale un solo significado a cada emoji, por ejemplo: "
            "/positions map 👍=agree 👎=disagree 🤔=doubts 👀=seen"
        ),
        "/positions map <b>=agree": (
            "&lt;b&gt; no es una reacción que Telegram permita"  # escaped, as HTML
        ),
    }
    for command, answer in cases.items():
        await bot.feed(bot.u.command(NORTE, ANA, command))
        last = bot.tg.last(NORTE.id)
        assert (last.html if "&lt;" in answer else last.text).startswith(answer), command
    assert await bot.scalar(select(ReactionSettings.positions)) is None


async def test_added_without_admin_rights_the_tally_says_it_may_be_incomplete(bot: Bot) -> None:
    said = await luis_proposes(bot, status="member")
    # the greeting already asks to be made admin: no second message
    [greeting] = bot.tg.sent(NORTE.id)
    assert "necesito ser admin" in greeting.text
    await bot.feed(bot.u.command(NORTE, ANA, "/positions", reply_to=said))
    assert INCOMPLETE in bot.tg.last(NORTE.id).text
    assert bot.tg.calls_of("getChatMember") == []  # known from my_chat_member

    # made admin: the tally is complete
    await bot.feed(bot.u.my_chat_member(NORTE, ANA, "member", "administrator"))
    await bot.feed(bot.u.command(NORTE, ANA, "/positions", reply_to=said))
    assert INCOMPLETE not in bot.tg.last(NORTE.id).text


async def test_a_reaction_arriving_proves_the_bot_is_admin(bot: Bot) -> None:
    said = await luis_proposes(bot, status="member")
    # promoted, but that my_chat_member update never arrived; reactions do (admins get them)
    await bot.feed(bot.u.reaction(NORTE, JOAO, said["message_id"], ["👍"]))
    await bot.feed(bot.u.command(NORTE, ANA, "/positions", reply_to=said))
    tally = bot.tg.last(NORTE.id).text
    assert INCOMPLETE not in tally and "👍 De acuerdo: 1 — João" in tally
    row = await bot.scalar(select(ReactionSettings))
    assert row.bot_admin is True and row.admin_hint_at is None


async def test_losing_admin_rights_tells_the_coordinators_once(bot: Bot) -> None:
    await luis_proposes(bot)
    demoted = bot.u.my_chat_member(NORTE, ANA, "administrator", "member")
    await bot.feed(demoted, demoted)
    hint = bot.tg.last(NORTE.id).text
    assert hint.startswith(HINT)
    sent = len(bot.tg.sent(NORTE.id))
    # restricted, still without the rights: already told
    await bot.feed(bot.u.my_chat_member(NORTE, ANA, "member", "restricted"))
    assert len(bot.tg.sent(NORTE.id)) == sent
    row = await bot.scalar(select(ReactionSettings))
    assert row.bot_admin is False and row.admin_hint_at is not None

    # promoted, then demoted again: told again, once
    await bot.feed(bot.u.my_chat_member(NORTE, ANA, "restricted", "administrator"))
    await bot.feed(bot.u.my_chat_member(NORTE, ANA, "administrator", "member"))
    assert len(bot.tg.sent(NORTE.id)) == sent + 1
    assert bot.tg.last(NORTE.id).text.startswith(HINT)


async def test_removed_from_the_group_the_bot_says_nothing(bot: Bot) -> None:
    await luis_proposes(bot)
    bot.tg.remove_bot(NORTE.id)
    await bot.feed(bot.u.my_chat_member(NORTE, ANA, "administrator", "left"))
    assert len(bot.tg.calls_of("sendMessage")) == 1  # the greeting only
    from bot.groups.models import Group

    assert await bot.scalar(select(Group.active)) is False


async def test_unknown_rights_are_asked_of_telegram_when_a_tally_is_asked(bot: Bot) -> None:
    # the bot was added before this feature existed: nothing is known of its rights
    bot.group(NORTE)
    bot.tg.set_admins(NORTE.id, (ANA, "creator"))
    bot.tg.set_bot_status(NORTE.id, "member")
    asked = bot.u.message(NORTE, LUIS, "¿Quién trae pintura?")
    await bot.feed(asked)  # the group is known, its bot's rights are not
    said = asked["message"]
    await bot.feed(bot.u.command(NORTE, ANA, "/positions", reply_to=said))
    assert INCOMPLETE in bot.tg.last(NORTE.id).text
    [call] = bot.tg.calls_of("getChatMember")
    assert int(call.params["user_id"]) == 7000000001
    # within the cache time Telegram is not asked again
    await bot.feed(bot.u.command(NORTE, LUIS, "/positions", reply_to=said))
    assert len(bot.tg.calls_of("getChatMember")) == 1
    assert (await bot.scalar(select(ReactionSettings))).admin_hint_at is not None


async def test_when_telegram_cannot_tell_the_rights_the_tally_still_comes(bot: Bot) -> None:
    bot.group(NORTE)
    asked = bot.u.message(NORTE, LUIS, "¿Quién trae pintura?")
    await bot.feed(asked)
    said = asked["message"]
    bot.tg.fail_next("getChatMember", bad_request("chat not found"))
    await bot.feed(bot.u.command(NORTE, ANA, "/positions", reply_to=said))
    text = bot.tg.last(NORTE.id).text
    assert text.startswith("Posturas sobre este mensaje:") and INCOMPLETE not in text
    assert len(bot.tg.calls_of("getChatMember")) == 1


async def test_sense_check_gives_counts_per_meaning_for_the_votes_feature(bot: Bot) -> None:
    said = await luis_proposes(bot)
    mid = said["message_id"]
    await bot.feed(
        bot.u.reaction(NORTE, ANA, mid, ["👍"]),
        bot.u.reaction(NORTE, JOAO, mid, ["👍", "🤔"]),
        bot.u.reaction(NORTE, MARY, mid, ["🔥"]),
    )
    async with bot.db() as session:
        assert await sense_check(session, NORTE.id, mid) == {"agree": 2, "doubts": 1}
        assert await sense_check(session, NORTE.id, mid + 1000) == {}
        assert await sense_check(session, -999, mid) == {}
    # a message with anonymous counts only
    await bot.feed(bot.u.reaction_count(NORTE, 4242, [("👎", 4), ("🔥", 9)]))
    async with bot.db() as session:
        assert await sense_check(session, NORTE.id, 4242) == {"disagree": 4}
