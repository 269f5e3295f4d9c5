"""Polling that confirms to Telegram only what is finished, and a shutdown that neither waits
out flood control nor confirms what it did not finish (issue 18)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from telegram import Update
from telegram.error import RetryAfter

from bot.app import ALLOWED_UPDATES
from bot.commitments.models import Commitment
from bot.core import outbox
from bot.core.polling import Poller
from tests.conftest import ANA, LUIS, NORTE, Bot, seed_group
from tests.telegram_double import retry_after
from tests.updates import TUser


async def until(condition: Callable[[], bool], seconds: float = 10) -> None:
    """Wait for work running on other tasks (the poller's), not for the clock."""
    for _ in range(int(seconds * 100)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


def hold_cards(bot: Bot) -> asyncio.Event:
    """Cards ("📌 …") are not answered by the double until the event is set."""
    release = asyncio.Event()

    async def hold(params: dict[str, Any]) -> None:
        if str(params.get("text", "")).startswith("📌"):
            await release.wait()

    bot.tg.before["sendMessage"] = hold
    return release


def helps(bot: Bot) -> int:
    return sum("lo que puedes pedirme" in m.text for m in bot.tg.sent(NORTE.id))


async def test_the_offset_never_passes_an_update_whose_turn_is_not_over(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    release = hold_cards(bot)
    card = bot.u.command(NORTE, LUIS, "/commit Pintar el mural by viernes")
    later = [bot.u.command(NORTE, ANA, "/help") for _ in range(6)]
    bot.tg.deliver(card, *later)
    stop = asyncio.Event()
    poller = Poller(bot.app, ALLOWED_UPDATES, concurrency=4, timeout=1)
    polling = asyncio.create_task(poller.run(stop))
    try:
        await until(lambda: helps(bot) == 6)
        # the updates after the held one are done, but Telegram still has it and them
        asked = [o for o in bot.tg.offsets if o is not None]
        assert max(asked, default=0) <= card["update_id"]
        assert bot.tg.inbox[0]["update_id"] == card["update_id"]  # Telegram still has it
        release.set()
        await until(lambda: any(o and o > later[-1]["update_id"] for o in bot.tg.offsets))
        assert helps(bot) == 6  # each handled once, though fetched again while one was held
        assert await bot.scalar(select(func.count()).select_from(Commitment)) == 1
    finally:
        stop.set()
        await polling


async def test_an_update_fetched_again_while_unfinished_is_parsed_once(
    bot: Bot, monkeypatch
) -> None:
    # Telegram answers from the oldest unfinished update on: those come back in every answer
    # until they finish, and are skipped by their id before PTB parses them
    await seed_group(bot, LUIS)
    release = hold_cards(bot)
    card = bot.u.command(NORTE, LUIS, "/commit Pintar el mural by viernes")
    first = [bot.u.command(NORTE, ANA, "/help") for _ in range(3)]
    bot.tg.deliver(card, *first)
    parsed: Counter[int] = Counter()
    de_json = Update.de_json

    def counting(data: dict[str, Any], bot: Any = None) -> Update:
        parsed[data["update_id"]] += 1
        return de_json(data, bot)

    monkeypatch.setattr(Update, "de_json", staticmethod(counting))
    stop = asyncio.Event()
    poller = Poller(bot.app, ALLOWED_UPDATES, concurrency=4, limit=8, timeout=1)
    polling = asyncio.create_task(poller.run(stop))
    try:
        await until(lambda: helps(bot) == 3)
        then = [bot.u.command(NORTE, ANA, "/help") for _ in range(3)]
        bot.tg.deliver(*then)  # fetched with the held card, which comes back each time
        await until(lambda: helps(bot) == 6)
        asked = [o for o in bot.tg.offsets if o is not None]
        assert asked.count(card["update_id"]) >= 2  # the card came back at least once
        release.set()
        await until(lambda: any(o and o > then[-1]["update_id"] for o in bot.tg.offsets))
        assert dict(parsed) == {u["update_id"]: 1 for u in (card, *first, *then)}
    finally:
        stop.set()
        await polling


async def test_updates_that_finish_while_a_fetch_is_in_flight_are_not_run_again(
    bot: Bot,
) -> None:
    # the fetch carries the old offset, so Telegram answers with the updates that have just
    # finished: running them again (handled already) and fetching at that offset again would
    # go round forever, never confirming them (seen in bench/faults.py after a kill -9)
    await seed_group(bot, LUIS)
    helps_asked = [bot.u.command(NORTE, ANA, "/help") for _ in range(3)]
    bot.tg.deliver(*helps_asked)
    stop = asyncio.Event()
    poller = Poller(bot.app, ALLOWED_UPDATES, timeout=1)

    async def in_flight(params: dict[str, Any]) -> None:
        if poller.pending:  # answer only once they are done, with the offset asked before
            await until(lambda: not poller.pending)

    bot.tg.before["getUpdates"] = in_flight
    processed: list[int] = []
    handle = bot.app.process_update

    async def counting(update: Any) -> None:
        processed.append(update.update_id)
        await handle(update)

    bot.app.process_update = counting  # type: ignore[method-assign]
    polling = asyncio.create_task(poller.run(stop))
    try:
        last = helps_asked[-1]["update_id"]
        await until(lambda: any(o and o > last for o in bot.tg.offsets))  # confirmed
        assert sorted(processed) == [u["update_id"] for u in helps_asked]  # each run once
        assert helps(bot) == 3
    finally:
        stop.set()
        await polling


async def test_a_shutdown_hands_back_what_it_did_not_finish(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    release = hold_cards(bot)
    card = bot.u.command(NORTE, LUIS, "/commit Pintar el mural by viernes")
    bot.tg.deliver(card)
    stop = asyncio.Event()
    poller = Poller(bot.app, ALLOWED_UPDATES, timeout=1)
    polling = asyncio.create_task(poller.run(stop))
    await until(lambda: bool(poller.started))
    await until(lambda: any(str(c.params.get("text", "")).startswith("📌") for c in bot.tg.calls))
    stop.set()
    await asyncio.wait_for(polling, 2)  # the long poll does not hold the stop
    assert await poller.drain(grace=0.1) == 1  # the card's send never ended: cancelled
    assert poller.offset is None or poller.offset <= card["update_id"]  # not confirmed
    assert await outbox.release_mine(bot.runtime) == 1  # the card, for the next start
    release.set()
    await bot.tick(seconds=1)
    assert sum(m.text.startswith("📌 #1") for m in bot.tg.sent(NORTE.id)) == 1


async def test_a_flood_wait_under_way_ends_at_shutdown(bot: Bot) -> None:
    bot.group(NORTE)
    messenger = bot.runtime.messenger
    bot.tg.fail_next("sendMessage", retry_after(15))
    sending = asyncio.create_task(messenger.send(NORTE.id, "Asamblea el jueves"))
    await until(lambda: bool(messenger._waits))
    messenger.stop_waiting()
    with pytest.raises(RetryAfter):
        await asyncio.wait_for(sending, 1)
    bot.tg.fail_next("sendMessage", retry_after(15))
    with pytest.raises(RetryAfter):  # and after it, none begins
        await asyncio.wait_for(messenger.send(NORTE.id, "Asamblea el jueves"), 1)


async def test_under_minga_run_a_turn_is_over_at_its_commit_and_its_card_follows(
    bot: Bot,
) -> None:
    # a group's flood limit or a slow Telegram must not hold the turn (and the offset)
    await seed_group(bot, LUIS)
    bot.runtime.send_after_turns = True
    release = hold_cards(bot)
    await asyncio.wait_for(bot.feed(bot.u.command(NORTE, LUIS, "/commit Pintar by viernes")), 2)
    await asyncio.wait_for(bot.feed(bot.u.command(NORTE, LUIS, "/commit Barrer by viernes")), 2)
    assert await bot.scalar(select(func.count()).select_from(Commitment)) == 2
    assert not any(m.text.startswith("📌") for m in bot.tg.sent(NORTE.id))
    release.set()
    assert await outbox.settle(bot.runtime, 5) == 0
    cards = [m.text.split(" ", 2)[1] for m in bot.tg.sent(NORTE.id) if m.text.startswith("📌")]
    assert cards == ["#1", "#2"]  # one chat's messages in the order of their turns


async def test_a_turn_that_met_a_locked_database_is_run_again_not_confirmed_lost(
    bot: Bot, monkeypatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from bot.commitments import creating

    await seed_group(bot, LUIS)
    bot.runtime.retries = set()
    real, failures = creating.create, []

    async def locked_once(*args: Any, **kwargs: Any) -> Any:
        if not failures:
            failures.append(1)
            raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))
        return await real(*args, **kwargs)

    monkeypatch.setattr(creating, "create", locked_once)
    card = bot.u.command(NORTE, LUIS, "/commit Pintar el mural by viernes")
    bot.tg.deliver(card)
    stop = asyncio.Event()
    poller = Poller(bot.app, ALLOWED_UPDATES, timeout=1)
    polling = asyncio.create_task(poller.run(stop))
    try:
        await until(lambda: any(o and o > card["update_id"] for o in bot.tg.offsets))
    finally:
        stop.set()
        await polling
    assert failures == [1]
    assert await bot.scalar(select(func.count()).select_from(Commitment)) == 1
    texts = [m.text for m in bot.tg.sent(NORTE.id)]
    assert sum(t.startswith("📌 #1") for t in texts) == 1
    assert not any("Perdón, algo falló" in t for t in texts)  # no "try again"


async def test_telegram_is_not_asked_again_after_every_finished_update(bot: Bot) -> None:
    # each answer of getUpdates starts at the oldest unfinished update, so asking after every
    # finished one parsed up to a hundred updates again to get one (issue 19)
    from bot.groups.models import Membership

    await seed_group(bot, LUIS)
    newcomers = [TUser(500 + n, f"Vecina {n}", None, "es") for n in range(40)]
    first_words = [bot.u.message(NORTE, person, "hola, soy nueva") for person in newcomers]
    fetches = len(bot.tg.offsets)
    bot.tg.deliver(*first_words)
    stop = asyncio.Event()
    poller = Poller(bot.app, ALLOWED_UPDATES, concurrency=4, timeout=1)
    polling = asyncio.create_task(poller.run(stop))
    try:
        last = first_words[-1]["update_id"]
        await until(lambda: any(o and o > last for o in bot.tg.offsets[fetches:]))
        assert len(bot.tg.offsets) - fetches <= 6
    finally:
        stop.set()
        await polling
    members = select(func.count()).select_from(Membership)
    assert await bot.scalar(members) == 2 + 40  # Ana, Luis and each newcomer, registered
