"""Plain group chatter taken a batch at a time under `minga run` (bot.core.chatter, issue 19):
the per-day message counts stay right after a replay, across both paths, and on a failure."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from telegram import Update

from bot.actors.models import ActivityDay
from bot.app import ALLOWED_UPDATES
from bot.core import polling
from bot.core.chatter import NEVER_A_PLAIN_MESSAGE, heard_in, heard_of
from bot.core.models import ProcessedUpdate
from bot.core.people import person_from_json, person_info
from bot.core.polling import Poller
from bot.core.runtime import runtime_of
from tests.conftest import ANA, JOAO, LUIS, NORTE, Bot, seed_group
from tests.core.test_polling import until
from tests.updates import ANONYMOUS_ADMIN, BOT_USER, TChat, TUser, private_chat


async def counts(bot: Bot) -> dict[int, int]:
    async with bot.db() as session:
        rows = await session.execute(select(ActivityDay.person_id, ActivityDay.messages))
        return dict(rows.tuples().all())


async def poll(bot: Bot, *updates: dict[str, Any]) -> None:
    """Telegram hands out `updates`; a poller runs until it has confirmed all of them."""
    bot.tg.deliver(*updates)
    last, asked = max(u["update_id"] for u in updates), len(bot.tg.offsets)
    stop = asyncio.Event()
    poller = Poller(bot.app, ALLOWED_UPDATES, timeout=1)
    polling = asyncio.create_task(poller.run(stop))
    try:
        await until(lambda: any(o is not None and o > last for o in bot.tg.offsets[asked:]))
    finally:
        stop.set()
        await polling


def chatter(bot: Bot, person: TUser, n: int) -> list[dict[str, Any]]:
    return [bot.u.message(NORTE, person, f"mensaje {i} de {person.first_name}") for i in range(n)]


async def test_a_batch_of_chatter_is_counted_once_and_a_replay_changes_nothing(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    before = await counts(bot)
    batch = chatter(bot, LUIS, 30) + chatter(bot, JOAO, 12) + [bot.u.command(NORTE, ANA, "/help")]
    sent_before = len(bot.tg.calls)
    await poll(bot, *batch)
    after = await counts(bot)
    assert after[LUIS.id] == before[LUIS.id] + 30
    assert after[JOAO.id] == before[JOAO.id] + 12
    # the command in the same batch was answered, once; chatter made no call to Telegram
    replies = [c for c in bot.tg.calls[sent_before:] if c.method != "getUpdates"]
    assert [c.method for c in replies] == ["sendMessage"]
    # each message recorded as handled by the "seen" handler, as the one-by-one path does
    seen = select(func.count()).where(ProcessedUpdate.handler == "groups.seen")
    assert await bot.scalar(seen.select_from(ProcessedUpdate)) == 2 + 42

    # the same batch again, as after a kill -9 before Telegram was told: nothing changes
    await poll(bot, *batch)
    assert await counts(bot) == after
    assert [c.method for c in bot.tg.calls[sent_before:] if c.method != "getUpdates"] == [
        "sendMessage"
    ]


async def test_a_newcomer_in_a_batch_is_registered_and_every_message_counted(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    mary = TUser(180, "María", "maria_ba", "es")
    batch = chatter(bot, LUIS, 5) + chatter(bot, mary, 3) + chatter(bot, LUIS, 5)
    before = await counts(bot)
    await poll(bot, *batch)
    after = await counts(bot)
    assert after[mary.id] == 3  # her first message registered her, the rest counted
    assert after[LUIS.id] == before[LUIS.id] + 10
    await poll(bot, *batch)
    assert await counts(bot) == after


async def test_a_message_counted_in_a_batch_is_not_counted_again_the_other_way(bot: Bot) -> None:
    # counted with its batch; then its sender changes their name, and the message comes again:
    # now it no longer matches what is registered, so it goes the one-by-one way — which
    # recognises it as handled, since both ways write the same processed-update row
    await seed_group(bot, LUIS)
    first = chatter(bot, LUIS, 4)
    await poll(bot, *first)
    counted = (await counts(bot))[LUIS.id]
    renamed = TUser(LUIS.id, "Luis Alberto", LUIS.username, LUIS.language_code)
    await poll(bot, bot.u.message(NORTE, renamed, "ahora con mi nombre completo"))
    assert (await counts(bot))[LUIS.id] == counted + 1
    await poll(bot, *first)
    assert (await counts(bot))[LUIS.id] == counted + 1


async def test_a_batch_the_database_refuses_is_taken_one_by_one(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    before = (await counts(bot))[LUIS.id]
    chatter_of = runtime_of(bot.app).chatter
    assert chatter_of is not None
    known = chatter_of.known
    refused: list[int] = []

    async def locked(session: Any, updates: Any) -> Any:
        refused.append(len(updates))
        raise OperationalError("select …", {}, Exception("database is locked"))

    chatter_of.known = locked
    try:
        await poll(bot, *chatter(bot, LUIS, 6))
    finally:
        chatter_of.known = known
    assert refused == [6]
    assert (await counts(bot))[LUIS.id] == before + 6


async def test_only_what_no_other_handler_takes_is_chatter(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    runtime = runtime_of(bot.app)
    assert runtime.chatter is not None
    await bot.feed(bot.u.command(NORTE, ANA, "/vote ¿Pintamos el mural el sábado?"))
    vote_message = bot.tg.sent(NORTE.id)[-1]
    plain = bot.u.message(NORTE, LUIS, "buenas tardes a todos")
    kinds = {
        "plain": plain,
        "command": bot.u.command(NORTE, LUIS, "/help"),
        "edited": {"update_id": plain["update_id"] + 1000, "edited_message": plain["message"]},
        "reply to the vote": bot.u.message(
            NORTE,
            LUIS,
            "porque llueve",
            reply_to=bot.tg.message_json(NORTE.id, vote_message.message_id),
        ),
        "private": bot.u.message(private_chat(LUIS), LUIS, "hola"),
    }
    updates = [Update.de_json(u, bot.app.bot) for u in kinds.values()]
    quiet, rest = runtime.chatter.split(bot.app, updates)
    names = dict(zip((id(u) for u in updates), kinds, strict=True))
    assert [names[id(u)] for u in quiet] == ["plain"]
    assert [names[id(u)] for u in rest] == list(kinds)[1:]


async def test_a_new_name_or_title_in_a_batch_is_registered_as_usual(bot: Bot) -> None:
    from bot.groups.models import Group, Person

    await seed_group(bot, LUIS, JOAO)
    renamed = TUser(LUIS.id, "Luis Alberto", LUIS.username, LUIS.language_code)
    retitled = TChat(NORTE.id, NORTE.type, "Vecinos del Barrio Norte y Sur")
    await poll(
        bot,
        *chatter(bot, JOAO, 3),
        bot.u.message(NORTE, renamed, "ahora con mi nombre completo"),
        bot.u.message(retitled, JOAO, "cambié el nombre del grupo"),
    )
    assert await bot.scalar(select(Person.first_name).where(Person.id == LUIS.id)) == "Luis Alberto"
    assert await bot.scalar(select(Group.title).where(Group.chat_id == NORTE.id)) == retitled.title


async def test_a_name_with_a_lone_surrogate_in_a_batch_is_cleaned_at_the_edge(bot: Bot) -> None:
    from bot.groups.models import Person

    await seed_group(bot, LUIS)
    broken = TUser(LUIS.id, "Lu\ud800is", LUIS.username, LUIS.language_code)
    await poll(bot, *chatter(bot, LUIS, 2), bot.u.message(NORTE, broken, "hola"))
    assert await bot.scalar(select(Person.first_name).where(Person.id == LUIS.id)) == "Lu\ufffdis"


# -- plain chatter read straight from Telegram's JSON (`heard_in`), never parsed ----------


def kinds_of_messages(bot: Bot, vote_message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Updates that are plain chatter, and updates that look like it and are not."""
    u = bot.u
    plain = u.message(NORTE, LUIS, "buenas tardes a todos")
    return {
        "plain": plain,
        "plain with a mention": u.message(NORTE, LUIS, "gracias @ana_barrio por las sillas"),
        "plain in a topic": u.message(NORTE, LUIS, "en el tema de la feria", thread_id=7),
        "plain in a basic group": u.message(TChat(-4001, "group", "Olla común"), LUIS, "hola"),
        "a long name": u.message(NORTE, TUser(190, "N" * 80, "nombre_largo"), "hola"),
        "a command": u.command(NORTE, LUIS, "/help"),
        "a command further on": u.message(
            NORTE, LUIS, "mira /help", entities=[{"type": "bot_command", "offset": 5, "length": 5}]
        ),
        "edited": {"update_id": plain["update_id"] + 1000, "edited_message": plain["message"]},
        "a reply to the vote": u.message(NORTE, LUIS, "porque llueve", reply_to=vote_message),
        "a reply to a neighbour": u.message(NORTE, JOAO, "yo también", reply_to=plain["message"]),
        "private": u.message(private_chat(LUIS), LUIS, "hola"),
        "from a bot": u.message(NORTE, BOT_USER, "hola"),
        "from an anonymous admin": u.message(NORTE, ANONYMOUS_ADMIN, "aviso", sender_chat=NORTE),
        "from a channel": u.message(
            NORTE, LUIS, "desde el canal", sender_chat=TChat(-1009, "channel", "Canal")
        ),
        "a photo": u._update(
            message=u.message_json(
                NORTE,
                LUIS,
                photo=[{"file_id": "f", "file_unique_id": "u", "width": 9, "height": 9}],
            )
        ),
        "a new member": u.new_members(NORTE, LUIS, JOAO),
        "a member left": u.left_member(NORTE, LUIS, JOAO),
    }


async def test_what_is_read_from_the_json_as_chatter_is_chatter_by_the_handlers_too(
    bot: Bot,
) -> None:
    await seed_group(bot, LUIS)
    runtime = runtime_of(bot.app)
    assert runtime.chatter is not None
    await bot.feed(bot.u.command(NORTE, ANA, "/vote ¿Pintamos el mural el sábado?"))
    shown = bot.tg.message_json(NORTE.id, bot.tg.sent(NORTE.id)[-1].message_id)
    kinds = kinds_of_messages(bot, shown)
    read = {name for name, raw in kinds.items() if heard_in(raw) is not None}
    assert read == {
        "plain",
        "plain with a mention",
        "plain in a topic",
        "plain in a basic group",
        "a long name",
        "a command further on",
    }
    parsed = {name: Update.de_json(raw, bot.app.bot) for name, raw in kinds.items()}
    quiet, _ = runtime.chatter.split(bot.app, list(parsed.values()))
    by_handlers = {name for name, update in parsed.items() if update in quiet}
    # the photo is chatter too, found by asking the handlers once it is parsed
    assert by_handlers == read | {"a photo"}
    for name in read:  # the same message, chat and sender either way (names cut to 64)
        assert heard_in(kinds[name]) == heard_of(parsed[name]), name
    # JSON no Telegram sends (a proxy, a fake client) is left to the parsing, never a crash
    plain = kinds["plain"]
    odd = [
        {
            **plain,
            "message": {**plain["message"], "chat": {**plain["message"]["chat"], "type": []}},
        },
        {**plain, "message": {**plain["message"], "entities": {"type": "bot_command"}}},
        {**plain, "message": {**plain["message"], "entities": ["bot_command"]}},
        {**plain, "message": {**plain["message"], "chat": {"type": "supergroup", "id": "x"}}},
        {**plain, "message": "hola"},
    ]
    assert [heard_in(raw) for raw in odd] == [None] * len(odd)


def test_a_person_read_from_the_json_is_the_one_read_from_the_parsed_user() -> None:
    from telegram import User

    people = [
        LUIS.json(),
        TUser(7, "Ñandú", None, None, "Pérez").json(),
        {**TUser(8, "A" * 70, "u" * 40, "x" * 20, "B" * 70).json()},
    ]
    for data in people:
        assert person_from_json(data) == person_info(User.de_json(data, None))
    not_people = [
        BOT_USER.json(),
        ANONYMOUS_ADMIN.json(),
        {"id": 9, "first_name": "Sin is_bot"},
        {"id": "9", "is_bot": False, "first_name": "id de texto"},
        {"id": 9, "is_bot": False},
        {"id": 9, "is_bot": False, "first_name": "x", "username": 5},
        None,
    ]
    assert [person_from_json(data) for data in not_people] == [None] * len(not_people)


def test_the_handlers_that_take_messages_are_the_ones_the_json_reading_knows(bot: Bot) -> None:
    # `heard_in` takes a text message in a group, from a person, that is no command and no
    # reply, as one only the "seen" handler takes. A new handler that can take a new message
    # breaks that unless it wants one of those: when this fails, make `heard_in` leave the
    # messages it wants to the parsing, then add it here.
    wanted = {
        "chat_migrated": "a service message (migrate_…)",
        "members_joined": "a service message (new_chat_members)",
        "member_left": "a service message (left_chat_member)",
        "form_text": "a private chat",
        "reason": "a reply",
        "reason_reply": "a reply",
        "reply": "a reply",
        "seen": "the chatter itself",
    }
    taking = {
        handler.callback.__name__
        for handlers in bot.app.handlers.values()
        for handler in handlers
        if not isinstance(handler, NEVER_A_PLAIN_MESSAGE)
    }
    assert taking == set(wanted)


async def test_chatter_read_from_the_json_is_not_parsed(bot: Bot, monkeypatch: Any) -> None:
    await seed_group(bot, LUIS, JOAO)
    parsed: list[int] = []
    de_json = Update.de_json

    def counted(data: Any, bot_: Any) -> Any:
        parsed.append(data["update_id"])
        return de_json(data, bot_)

    monkeypatch.setattr(polling.Update, "de_json", counted)
    before = await counts(bot)
    command = bot.u.command(NORTE, ANA, "/help")
    newcomer = TUser(181, "Rosa", "rosa_b", "pt")
    await poll(bot, *chatter(bot, LUIS, 20), command, *chatter(bot, newcomer, 2))
    after = await counts(bot)
    assert after[LUIS.id] == before[LUIS.id] + 20 and after[newcomer.id] == 2
    # parsed: the command, and the newcomer's messages, which go the normal way (her first
    # registers her); the twenty plain messages of a known member never are
    assert parsed[0] == command["update_id"] and len(parsed) == 3
