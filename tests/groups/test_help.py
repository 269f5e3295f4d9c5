"""/help as a short list by topic, each topic a page edited in place; private /start; the
greeting; and every one of them short, in each language."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from bot.commitments.models import Commitment
from bot.groups.models import Group
from bot.votes.models import Vote
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, add_bot, seed_group
from tests.telegram_double import Sent
from tests.updates import TChat, TUser, private_chat

LIMIT = 900  # characters: no message of these longer (issue 17)
TOPICS = ["📜", "🗳", "👍", "📅", "🤝", "🔁", "🗞", "🗺", "⚙️"]
HEADERS = {
    "es": ("lo que puedes pedirme, por tema", "Toca un tema"),
    "pt_BR": ("o que você pode me pedir, por tema", "Toque em um tema"),
    "en": ("what you can ask me, by topic", "Press a topic"),
}
STALE = "Este botón ya no funciona. Envía el comando de nuevo."


def short(message: Sent) -> Sent:
    assert len(message.text) <= LIMIT, (len(message.text), message.text)
    return message


async def press(bot: Bot, who: TUser, chat: TChat, message: Sent, data: str) -> Sent:
    await bot.feed(bot.u.callback(who, bot.tg.message_json(chat.id, message.message_id), data))
    return message  # edited in place


def topic_button(message: Sent, emoji: str) -> str:
    [data] = [data for row in message.buttons for label, data in row if label.startswith(emoji)]
    return data


@pytest.mark.parametrize("lang", ["es", "pt_BR", "en"])
async def test_help_is_a_short_list_and_each_topic_a_short_page(bot: Bot, lang: str) -> None:
    await add_bot(bot)
    async with bot.db() as session:
        await session.execute(update(Group).values(language=lang))
    await bot.feed(bot.u.command(NORTE, ANA, "/help"))
    shown = short(bot.tg.last(NORTE.id))
    for fragment in HEADERS[lang]:
        assert fragment in shown.text
    labels = [label for row in shown.buttons for label, _ in row]
    assert [label.split()[0] for label in labels] == TOPICS
    assert all(len(row) <= 3 for row in shown.buttons)
    index = shown.text
    for emoji in TOPICS:
        await press(bot, LUIS, NORTE, shown, topic_button(shown, emoji))  # any member may
        short(shown)
        assert shown.text.startswith(emoji), shown.text
        [[(back, back_data)]] = shown.buttons
        assert back.startswith("⬅️")
        await press(bot, LUIS, NORTE, shown, back_data)
        assert shown.text == index
    assert len(bot.tg.sent(NORTE.id)) == 2  # the greeting and /help: pages are edits
    await press(bot, LUIS, NORTE, shown, topic_button(shown, "⚙️"))
    assert "/timezone" in shown.text and "/coordinator" in shown.text


@pytest.mark.parametrize(
    ("lang", "name", "others"),
    [("es", "/llamado", ("/chamado", "/call")), ("pt_BR", "/chamado", ("/llamado", "/call"))],
)
async def test_the_commitments_page_names_the_call_in_its_reader_s_word(
    bot: Bot, lang: str, name: str, others: tuple[str, ...]
) -> None:
    await add_bot(bot)
    async with bot.db() as session:
        await session.execute(update(Group).values(language=lang))
    await bot.feed(bot.u.command(NORTE, ANA, "/help"))
    shown = short(bot.tg.last(NORTE.id))
    await press(bot, LUIS, NORTE, shown, topic_button(shown, "🤝"))
    assert f"{name} — " in shown.text
    assert not any(f"{other} — " in shown.text for other in others)


@pytest.mark.parametrize(
    ("lang", "ranked", "score"),
    [
        ("es", "preferencial", "puntaje"),
        ("pt_BR", "preferencial", "pontuação"),
        ("en", "ranked", "score"),
    ],
)
async def test_the_votes_page_names_ranked_and_score_polls_in_words_the_parser_takes(
    bot: Bot, lang: str, ranked: str, score: str
) -> None:
    from bot.votes.rules import RANKED_WORDS, SCORE_WORDS

    await add_bot(bot)
    async with bot.db() as session:
        await session.execute(update(Group).values(language=lang))
    await bot.feed(bot.u.command(NORTE, ANA, "/help"))
    shown = short(bot.tg.last(NORTE.id))
    await press(bot, LUIS, NORTE, shown, topic_button(shown, "🗳"))
    assert f"“{ranked}”" in shown.text and f"“{score}”" in shown.text
    assert ranked in RANKED_WORDS and score in SCORE_WORDS


async def test_help_addressed_to_the_bot_by_name_works(bot: Bot) -> None:
    await add_bot(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/help@minga_test_bot"))
    assert "lo que puedes pedirme" in bot.tg.last(NORTE.id).text


async def test_start_in_a_group_shows_the_help(bot: Bot) -> None:
    await add_bot(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/start"))
    assert "lo que puedes pedirme" in bot.tg.last(NORTE.id).text


TEACHES = {  # topic: the native words its page teaches, and the example to type back
    "es": {
        "🤝": (["“para”", "“necesita”", " para el viernes necesita "], "/commit "),
        "🗳": (["“cierra”", " cierra 48h"], "/poll "),
        "📅": (["“Acordado:”", "“Tarea:”", "/minutes Acordado: ", "Tarea: comprar"], None),
        "📜": (["“cierra”", " cierra 48h"], None),
    },
    "pt": {
        "🤝": (["“até”", "“precisa”", " até sexta precisa "], "/commit "),
        "🗳": (["“encerra”", " encerra 48h"], "/poll "),
        "📅": (["“Combinado:”", "“Tarefa:”", "/minutes Combinado: ", "Tarefa: comprar"], None),
        "📜": (["“encerra”", " encerra 48h"], None),
    },
}


@pytest.mark.parametrize("language", ["es", "pt"])
async def test_a_topic_teaches_the_native_words_and_its_example_works(
    bot: Bot, language: str
) -> None:
    await seed_group(bot, LUIS, language=language)
    await bot.feed(bot.u.command(NORTE, ANA, "/help"))
    shown = bot.tg.last(NORTE.id)
    for emoji, (words, command) in TEACHES[language].items():
        await press(bot, ANA, NORTE, shown, topic_button(shown, emoji))
        page = shown.text
        for word in words:
            assert word in page, (word, page)
        assert "needs" not in page and "closes" not in page and "Agreed" not in page
        if command is not None:
            [example] = [
                line for line in page.splitlines() if line.startswith(command) and " — " not in line
            ]
            await bot.feed(bot.u.command(NORTE, ANA, example.replace("@ana", "@luis_o")))
        await press(bot, ANA, NORTE, shown, shown.button_data[0])  # back to the list
    commitment = await bot.scalar(select(Commitment))
    assert commitment is not None and commitment.due_at is not None
    vote = await bot.scalar(select(Vote))
    assert vote is not None and (vote.closes_at - vote.opened_at).total_seconds() == 48 * 3600


async def test_stale_forged_and_repeated_help_buttons(bot: Bot) -> None:
    await add_bot(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/help"))
    shown = bot.tg.last(NORTE.id)
    index = shown.text
    for forged in ("grp:help:nothing", "grp:help:votes:1", "grp:helpx:1"):
        await press(bot, LUIS, NORTE, shown, forged)
        assert bot.tg.toasts()[-1] == STALE
        assert shown.text == index
    votes = topic_button(shown, "🗳")
    pressed = bot.u.callback(LUIS, bot.tg.message_json(NORTE.id, shown.message_id), votes)
    await bot.feed(pressed, pressed)  # Telegram delivers the same press twice
    assert shown.text.startswith("🗳 Votaciones")
    assert len(bot.tg.calls_of("editMessageText")) == 1
    # two members press the same topic at once: both see it, no error
    again = [
        bot.u.callback(who, bot.tg.message_json(NORTE.id, shown.message_id), votes)
        for who in (ANA, LUIS)
    ]
    await bot.feed(*again)
    assert shown.text.startswith("🗳 Votaciones")
    assert bot.tg.toasts()[-2:] == [None, None]


# -- private /start --------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "hello"), [(JOAO, "👋 Oi, João!"), (MARY, "👋 Hi, Mary!")])
async def test_start_for_someone_in_no_group_says_how_to_add_the_bot(
    bot: Bot, who: TUser, hello: str
) -> None:
    await bot.feed(bot.u.command(private_chat(who), who, "/start"))
    reply = short(bot.tg.last(who.id))
    assert reply.text.startswith(hello)
    assert "Adicionar membros" in reply.text or "Add members" in reply.text
    assert reply.text.endswith("/help")


async def test_start_names_the_shared_groups_and_open_commitments(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    sur = bot.group(TChat(-1001000000002, "supergroup", "Huerta del Sur"))
    await bot.feed(bot.u.my_chat_member(sur, ANA, "left", "member"))
    await bot.feed(bot.u.message(sur, LUIS, "hola"))
    for text in ("Pintar el mural para el viernes", "Traer sillas", "Barrer", "Llamar al club"):
        await bot.feed(bot.u.command(NORTE, LUIS, f"/commit {text}"))
    await bot.feed(bot.u.command(private_chat(LUIS), LUIS, "/start"))
    reply = short(bot.tg.last(LUIS.id))
    lines = reply.text.splitlines()
    assert lines[0].startswith("👋 ¡Hola, Luis! Soy Minga: ayudo a que el chat de una coalición")
    assert lines[1] == "🏘 Nuestros grupos en común: Huerta del Sur, Vecinos del Barrio Norte"
    assert lines[2] == "🤝 Tienes 4 compromisos abiertos (/mine):"
    assert lines[3].startswith("• #1 Pintar el mural · ")  # with its due date, first
    assert (
        len(lines) == 9 and lines[6] == "… y 1 más." and lines[8] == "Lo que puedes pedirme: /help"
    )
    assert lines[7].startswith("🔒 Nunca guardo los mensajes") and lines[7].endswith("/privacy")
    assert "Añadir miembros" not in reply.text


async def test_start_for_a_member_of_one_group_without_commitments(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await bot.feed(bot.u.command(private_chat(LUIS), LUIS, "/start"))
    assert bot.tg.last(LUIS.id).text.splitlines()[1:] == [
        "🏘 Nuestro grupo en común: Vecinos del Barrio Norte",
        "🔒 Nunca guardo los mensajes de la conversación, solo lo que me envías. "
        "Qué guardo y cómo obtenerlo o borrarlo: /privacy",
        "Lo que puedes pedirme: /help",
    ]


@pytest.mark.parametrize("who", [ANA, JOAO, MARY])
async def test_private_help_lists_the_private_commands(bot: Bot, who: TUser) -> None:
    await bot.feed(bot.u.command(private_chat(who), who, "/help"))
    reply = short(bot.tg.last(who.id))
    assert "/language · /profile · /mine" in reply.text
    assert len(reply.buttons) == 3
    chat = private_chat(who)
    await press(bot, who, chat, reply, topic_button(reply, "🤝"))  # a page, in private too
    assert short(reply).text.startswith("🤝") and "/mine" in reply.text
    await press(bot, who, chat, reply, reply.button_data[0])
    assert "/language · /profile · /mine" in reply.text
    assert len(bot.tg.sent(who.id)) == 1


async def test_an_unknown_language_code_falls_back_to_the_default(bot: Bot) -> None:
    ivan = TUser(150, "Ivan", None, "ru")
    await bot.feed(bot.u.command(private_chat(ivan), ivan, "/help"))
    assert "Aquí, en privado" in bot.tg.last(ivan.id).text


async def test_replies_land_in_the_forum_topic_they_came_from(bot: Bot) -> None:
    forum = TChat(-1009, "supergroup", "Foro del barrio", is_forum=True)
    await add_bot(bot, forum)
    await bot.feed(bot.u.command(forum, ANA, "/help", thread_id=77))
    call = bot.tg.calls_of("sendMessage")[-1]
    assert call.params["message_thread_id"] == 77
    assert bot.tg.last(forum.id).thread_id == 77


async def test_an_edited_command_is_not_run_again(bot: Bot) -> None:
    await add_bot(bot)
    await bot.feed(bot.u.edited(NORTE, ANA, "/help"))
    assert len(bot.tg.sent(NORTE.id)) == 1  # the greeting only


# -- the greeting ----------------------------------------------------------------------------

ASKS_ADMIN = {
    "es": "necesito ser admin",
    "pt_BR": "preciso ser admin",
    "en": "I need to be an admin",
}


@pytest.mark.parametrize("by", [ANA, JOAO, MARY])
@pytest.mark.parametrize("status", ["member", "administrator"])
async def test_the_greeting_asks_to_be_admin_only_when_it_is_not(
    bot: Bot, by: TUser, status: str
) -> None:
    bot.tg.set_admins(NORTE.id, (by, "creator"))
    await add_bot(bot, by=by, status=status)
    greeting = short(bot.tg.last(NORTE.id))
    lang = await bot.scalar(select(Group.language))
    assert (ASKS_ADMIN[lang] in greeting.text) == (status == "member"), greeting.text
    assert "/help" in greeting.text
    # a coordinator picks a zone under it: the same message, saying the same about admin
    await press(bot, by, NORTE, greeting, greeting.button_data[-1])
    assert (ASKS_ADMIN[lang] in greeting.text) == (status == "member"), greeting.text
    assert greeting.buttons[-1][-1][0].startswith("✓ ")
    assert await bot.scalar(select(func.count()).select_from(Group)) == 1
