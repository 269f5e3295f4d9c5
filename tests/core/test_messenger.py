"""The messenger under Telegram's limits and errors, through the real Application's bot."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, RetryAfter

from bot.core.messenger import split_text, utf16_len
from bot.core.people import mention
from bot.groups.models import Group
from tests.conftest import ANA, NORTE, Bot, add_bot
from tests.telegram_double import (
    bad_request,
    forbidden,
    migrated,
    not_modified,
    parse_html,
    retry_after,
)
from tests.updates import TChat

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Sí", callback_data="x:y:1")]])


def test_short_text_is_one_piece() -> None:
    assert split_text("hola\nchau") == ["hola\nchau"]


def test_long_text_is_cut_between_lines_below_the_limit() -> None:
    lines = [f"<b>{i}</b> " + "compromiso cumplido " * 5 for i in range(200)]
    pieces = split_text("\n".join(lines))
    assert len(pieces) > 1
    assert all(utf16_len(p) <= 4096 for p in pieces)
    assert "\n".join(pieces) == "\n".join(lines)  # nothing lost, every cut between lines


def test_emoji_count_twice_and_a_huge_line_is_cut_at_a_space() -> None:
    line = "🌱 minga " * 700  # 700 × 9 UTF-16 units
    pieces = split_text(line)
    assert all(utf16_len(p) <= 4096 for p in pieces)
    assert all(p.endswith("minga") for p in pieces[:-1])


def test_a_line_of_mentions_longer_than_a_message_is_cut_outside_its_markup() -> None:
    """A welcome naming a hundred people with hostile names is one line over the limit: each
    piece must parse on its own (the cut once fell inside an `<a>` or an `&amp;`)."""
    line = ", ".join(mention(i, "<b>Ana & co</b> " * 4, "x") for i in range(100))
    pieces = split_text(f"Bienvenidos\n{line}")
    assert len(pieces) > 2
    assert all(utf16_len(p) <= 4096 for p in pieces)
    for piece in pieces:
        parse_html(piece)  # raises as Telegram would
        assert piece.count("<a ") == piece.count("</a>")
    assert "".join(pieces).replace(" ", "") == f"Bienvenidos{line}".replace(" ", "")


async def test_a_long_message_goes_as_several_with_the_buttons_on_the_last(bot: Bot) -> None:
    bot.group(NORTE)
    text = "\n".join(f"{i}. " + "vecinos " * 30 for i in range(60))
    sent = await bot.runtime.messenger.send(NORTE.id, text, markup=KEYBOARD)
    assert sent is not None and len(sent) > 1
    messages = bot.tg.sent(NORTE.id)
    assert len(messages) == len(sent)
    assert [m.markup is not None for m in messages] == [False] * (len(sent) - 1) + [True]


async def test_flood_control_is_waited_out_and_retried(bot: Bot) -> None:
    bot.group(NORTE)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    bot.runtime.messenger.sleep = sleep
    bot.tg.fail_next("sendMessage", retry_after(7), times=2)
    sent = await bot.runtime.messenger.send(NORTE.id, "Recordatorio")
    assert sent is not None
    assert waits == [7.0, 7.0]
    assert [m.text for m in bot.tg.sent(NORTE.id)] == ["Recordatorio"]


async def test_flood_control_that_does_not_end_is_raised(bot: Bot) -> None:
    bot.group(NORTE)

    async def sleep(seconds: float) -> None:
        return None

    bot.runtime.messenger.sleep = sleep
    bot.tg.fail_next("sendMessage", retry_after(30), times=10)
    with pytest.raises(RetryAfter):
        await bot.runtime.messenger.send(NORTE.id, "Recordatorio")
    assert bot.tg.sent(NORTE.id) == []


async def test_forbidden_marks_the_group_inactive(bot: Bot) -> None:
    await add_bot(bot)
    bot.tg.fail_next("sendMessage", forbidden())
    assert await bot.runtime.messenger.send(NORTE.id, "¿hay alguien?") is None
    assert await bot.scalar(select(Group.active)) is False


async def test_a_group_the_bot_left_gets_nothing_and_raises_nothing(bot: Bot) -> None:
    await add_bot(bot)
    bot.tg.remove_bot(NORTE.id)
    assert await bot.runtime.messenger.send(NORTE.id, "hola") is None
    assert await bot.runtime.messenger.edit(NORTE.id, 5000, "hola") is False
    assert await bot.scalar(select(Group.active)) is False


async def test_an_edit_that_changes_nothing_is_fine(bot: Bot) -> None:
    bot.group(NORTE)
    [message] = await bot.runtime.messenger.send(NORTE.id, "Votos: 3", markup=KEYBOARD)
    messenger = bot.runtime.messenger
    assert await messenger.edit(NORTE.id, message.message_id, "Votos: 3", markup=KEYBOARD)
    assert await messenger.edit(NORTE.id, message.message_id, "Votos: 4", markup=KEYBOARD)
    assert bot.tg.last(NORTE.id).text == "Votos: 4"
    bot.tg.fail_next("editMessageText", not_modified())
    assert await messenger.edit(NORTE.id, message.message_id, "Votos: 5", markup=KEYBOARD)


async def test_other_bad_requests_are_raised(bot: Bot) -> None:
    bot.group(NORTE)
    bot.tg.fail_next("sendMessage", bad_request("chat not found"))
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.runtime.messenger.send(NORTE.id, "hola")


async def test_a_migrated_group_is_followed_to_the_supergroup(bot: Bot) -> None:
    old = TChat(-4002, "group", "Huerta")
    await add_bot(bot, old)
    bot.tg.fail_next("sendMessage", migrated(-1004002))
    sent = await bot.runtime.messenger.send(old.id, "Reunión mañana")
    assert sent is not None and sent[0].chat_id == -1004002
    assert [m.text for m in bot.tg.sent(-1004002)] == ["Reunión mañana"]
    assert await bot.scalar(select(Group.chat_id)) == -1004002


async def test_pinning_without_the_right_says_false(bot: Bot) -> None:
    bot.group(NORTE)
    [message] = await bot.runtime.messenger.send(NORTE.id, "Reglas")
    assert await bot.runtime.messenger.pin(NORTE.id, message.message_id)
    assert bot.tg.last(NORTE.id).pinned
    bot.tg.cannot_pin.add(NORTE.id)
    assert not await bot.runtime.messenger.pin(NORTE.id, message.message_id)


async def test_a_second_answer_to_a_button_is_swallowed(bot: Bot) -> None:
    await bot.runtime.messenger.answer("q1", "Listo")
    await bot.runtime.messenger.answer("q1", "Listo otra vez")
    assert len(bot.tg.calls_of("answerCallbackQuery")) == 2  # the second was refused, quietly


async def test_a_document_is_sent_with_its_caption(bot: Bot) -> None:
    bot.group(NORTE)
    sent = await bot.runtime.messenger.send_document(
        NORTE.id, b"BEGIN:VCALENDAR", "asamblea.ics", caption="<b>Asamblea</b>"
    )
    assert sent is not None
    assert bot.tg.last(NORTE.id).document == ("asamblea.ics", b"BEGIN:VCALENDAR")
    assert bot.tg.last(NORTE.id).text == "Asamblea"


async def test_a_reply_telegram_refuses_is_logged_and_not_apologised_for(bot: Bot, caplog) -> None:
    # the command was handled and recorded: "try again" would be a lie (issue 18)
    await add_bot(bot)
    before = len(bot.tg.sent(NORTE.id))
    bot.tg.fail_next("sendMessage", bad_request("can't parse entities: boom"))
    await bot.feed(bot.u.command(NORTE, ANA, "/help"))
    # a message Telegram cannot parse is a bug: given up, logged with its traceback
    assert "outbox" in caplog.text and "given up" in caplog.text
    assert "Can't parse entities" in caplog.text
    assert len(bot.tg.sent(NORTE.id)) == before  # no apology
    await bot.tick(seconds=60)
    assert len(bot.tg.sent(NORTE.id)) == before  # and a refused message is not sent again


async def test_the_double_rejects_what_telegram_rejects(bot: Bot) -> None:
    bot.group(NORTE)
    messenger = bot.runtime.messenger
    for bad in ("<script>x</script>", "a < b", "<b>unclosed", "Tom & Jerry"):
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await messenger.send(NORTE.id, bad)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="y" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await messenger.send(NORTE.id, "hola", markup=too_long)
