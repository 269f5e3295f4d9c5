"""Hostile display names and texts, through every place a name is shown: joins and the welcome,
/commit with mentions, a vote with reasons and its result, positions, the board, /status and
the digest. The double rejects HTML Telegram cannot parse, so an unescaped path fails here;
names are cut to 64 characters on the way in, and lone surrogates replaced at the edge."""

from __future__ import annotations

import logging

from sqlalchemy import select

from bot.commitments.models import Commitment
from bot.groups.models import Person
from bot.votes.models import Vote
from tests.conftest import ANA, NORTE, Bot, add_bot
from tests.updates import TUser

HOSTILE = [
    TUser(201, "<b>Ana & co</b>", None, "es", last_name="</a><i>"),
    TUser(202, "\u202eanaR", "rtl_override", "es"),  # right-to-left override
    TUser(203, "👩\u200d👩\u200d👧\u200d👦 Familia", None, "pt-br"),  # ZWJ sequence
    TUser(204, "🇧🇷🇨🇴", None, "es", last_name="🏳️\u200d🌈"),  # flags
    TUser(205, "'; DROP TABLE persons; --", None, "en"),
    TUser(206, "{name} %s %(x)s {0}", None, "es", last_name="&amp; &#0; &lt"),
    TUser(207, "L" * 4000, None, "es", last_name="o" * 4000),  # Telegram allows 64
]
LONE = TUser(208, "Lone\ud800surrogate", None, "es", last_name="\udfff")  # no UTF-8 for it
REASON = "<i>porque</i> & {name} %s </b> 🇧🇷 \u202e"


async def test_hostile_names_through_every_message(bot: Bot, caplog) -> None:
    caplog.set_level(logging.WARNING)
    await add_bot(bot)
    bot.tg.set_admins(NORTE.id, (ANA, "creator"))
    await bot.feed(bot.u.command(NORTE, ANA, "/rules goals Cuidar la plaza"))
    await bot.feed(bot.u.new_members(NORTE, ANA, *HOSTILE, LONE))
    await bot.tick(minutes=5)  # the newcomers' welcome
    for person in (*HOSTILE, LONE):
        await bot.feed(bot.u.message(NORTE, person, f"hola {REASON}"))

    # a commitment naming them (text mentions: none of them has to have a username)
    named = {p.first_name[:64]: p for p in HOSTILE}
    text = "/commit Pintar el mural " + " ".join(named) + " el viernes"
    await bot.feed(bot.u.command(NORTE, ANA, text, mentions=named))
    assert await bot.scalar(select(Commitment.id)) is not None, bot.tg.last(NORTE.id).text

    # a proposal: every one of them takes a position and gives a reason; then it closes
    await bot.feed(bot.u.command(NORTE, ANA, f"/propose Pintar el mural {REASON}"))
    vote = await bot.scalar(select(Vote))
    message = bot.tg.messages[(NORTE.id, vote.message_id)]
    for index, person in enumerate((*HOSTILE, LONE)):
        data = message.button_data[index % len(message.button_data)]
        said = bot.tg.message_json(NORTE.id, message.message_id)
        await bot.feed(bot.u.callback(person, said, data))
        await bot.feed(bot.u.message(NORTE, person, REASON, reply_to=said))
    await bot.tick(seconds=5)  # the vote message, refreshed with their names
    await bot.feed(bot.u.command(NORTE, ANA, "/close", reply_to=said))

    # reactions on a message, then the tally
    said = bot.u.message_json(NORTE, HOSTILE[0], "¿Pintamos el jueves?")
    await bot.feed({"update_id": 990001, "message": said})
    for person in HOSTILE:
        await bot.feed(bot.u.reaction(NORTE, person, said["message_id"], ["👍"]))
    for command in ("/positions", "/commitments", "/status", "/participation", "/digest now"):
        await bot.feed(bot.u.command(NORTE, ANA, command, reply_to=said))
    await bot.feed(bot.u.command(NORTE, HOSTILE[0], "/recognize @rtl_override por todo"))

    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    apologies = [m.text for m in bot.tg.sent(NORTE.id) if m.text.startswith("Perdón")]
    assert apologies == []
    people = {p.id: p for p in await bot.scalars(select(Person))}
    assert set(people) >= {p.id for p in (*HOSTILE, LONE)}
    for person in people.values():
        assert len(person.first_name) <= 64 and len(person.last_name or "") <= 64
    assert people[207].first_name == "L" * 64
    assert people[201].first_name == "<b>Ana & co</b>"
    assert people[208].first_name == "Lone\ufffdsurrogate" and people[208].last_name == "\ufffd"
    shown = "\n".join(m.text for m in bot.tg.sent(NORTE.id))
    assert "<b>Ana & co</b> </a><i>" in shown  # shown as typed, never as markup
    assert "L" * 65 not in shown
    surrogate_lines = [r for r in caplog.records if "lone surrogates" in r.getMessage()]
    assert len(surrogate_lines) == 4  # one per update that carried one: joined, wrote, pressed…
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in surrogate_lines)


async def test_a_lone_surrogate_in_a_command_and_a_button_is_replaced(bot: Bot, caplog) -> None:
    await add_bot(bot)
    bot.tg.set_admins(NORTE.id, (ANA, "creator"))
    await bot.feed(bot.u.command(NORTE, ANA, "/commit Barrer la vereda \ud83d mañana"))
    [commitment] = await bot.scalars(select(Commitment))
    assert "\ufffd" in commitment.text
    card = bot.tg.last(NORTE.id)
    forged = bot.u.callback(ANA, bot.tg.message_json(NORTE.id, card.message_id), "cmt:\udc00:1")
    await bot.feed(forged)
    assert bot.tg.toasts()[-1]  # a stale-button toast, not a traceback
    assert [r for r in caplog.records if r.exc_info] == []
