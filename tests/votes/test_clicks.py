"""Clicks: coalesced edits, restarts, deleted messages, duplicates, races and forged buttons."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import event, func, select, text

from bot.app import build_application
from bot.groups.models import Membership
from bot.votes import decisions, positions, service
from bot.votes.models import Decision, Position, Vote
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, make_settings, seed_group
from tests.updates import TChat, TUser
from tests.votes.helpers import later, open_vote, press


def edits(bot: Bot) -> int:
    return len(bot.tg.calls_of("editMessageText"))


async def test_a_burst_of_clicks_is_one_edit_and_edits_are_spaced(bot: Bot) -> None:
    people = [TUser(300 + i, f"Vecina {i}", None, "es") for i in range(12)]
    await seed_group(bot, *people)
    vote, message = await open_vote(bot, "/poll ¿Qué día? | Sábado | Domingo")
    for i, person in enumerate(people):
        await press(bot, person, message, i % 2)
    # every click was answered at once; one refresh job is waiting for the whole burst
    assert len(bot.tg.toasts()) == 12
    assert len(bot.app.job_queue.get_jobs_by_name(f"votes:refresh:{vote.id}")) == 1
    assert edits(bot) == 0
    await later(bot)
    assert edits(bot) == 1
    assert "Sábado: 6" in message.text and "Domingo: 6" in message.text

    await press(bot, people[0], message, 1)
    await later(bot, 1)  # too soon after the last edit
    assert edits(bot) == 1
    await later(bot, 3)
    assert edits(bot) == 2
    assert "Domingo: 7" in message.text


async def test_the_refresh_job_edits_after_the_burst(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    vote, message = await open_vote(bot, "/propose Pintar")
    for person in (LUIS, JOAO, MARY, LUIS, JOAO):
        await press(bot, person, message, 0 if person is not JOAO else 2)
    job = f"votes:refresh:{vote.id}"
    assert await bot.run_jobs(job) == 1  # one job for the whole burst
    assert edits(bot) == 1
    assert "✅ De acuerdo: 2 — Luis, Mary" in message.text
    assert "👎 En desacuerdo: 1 — João" in message.text

    # a click right after the edit: its job finds it too soon, and waits for the interval
    await press(bot, MARY, message, 2)
    assert await bot.run_jobs(job) == 1
    assert edits(bot) == 1
    bot.clock.advance(service.EDIT_INTERVAL)
    assert await bot.run_jobs(job) == 1
    assert edits(bot) == 2
    assert "👎 En desacuerdo: 2 — João, Mary" in message.text
    assert bot.app.job_queue.get_jobs_by_name(job) == ()  # nothing left to do


async def test_after_a_restart_the_pending_edit_still_happens(bot: Bot, database) -> None:
    await seed_group(bot, LUIS)
    _, message = await open_vote(bot, "/propose Pintar")
    await press(bot, LUIS, message, 0)
    await bot.app.shutdown()  # the process stops before its refresh job ran

    app = build_application(
        make_settings(database.url), request=bot.tg, engine=bot.engine, clock=bot.clock
    )
    await app.initialize()
    try:
        restarted = Bot(app=app, tg=bot.tg, u=bot.u, engine=bot.engine, clock=bot.clock)
        await later(restarted)
        assert "✅ De acuerdo: 1 — Luis" in message.text
    finally:
        await app.shutdown()
    await bot.app.initialize()  # for the fixture's own shutdown


async def test_a_deleted_vote_message_does_not_crash_or_loop(bot: Bot, caplog) -> None:
    await seed_group(bot, LUIS)
    _vote, message = await open_vote(bot, "/propose Pintar")
    shown = bot.tg.message_json(NORTE.id, message.message_id)
    del bot.tg.messages[(NORTE.id, message.message_id)]  # an admin deleted it
    bot.tg.order.remove((NORTE.id, message.message_id))
    await bot.feed(
        bot.u.callback(LUIS, shown, shown["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    )
    assert bot.tg.toasts() == ["Tu voto: ✅ De acuerdo"]
    await later(bot)
    await later(bot)
    await later(bot)
    assert edits(bot) == 1  # tried once, then it stops trying
    assert await bot.scalar(select(Vote.message_id)) is None
    # it still closes at the deadline, with the result as a new message
    await later(bot, 4 * 24 * 3600)
    result = bot.tg.last(NORTE.id)
    assert result.text.startswith("🗳 Decisión #1: Pintar") and result.reply_to is None


async def test_the_same_callback_twice_changes_and_answers_once(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    _vote, message = await open_vote(bot, "/poll multi Q | a | b")
    click = bot.u.callback(
        LUIS, bot.tg.message_json(NORTE.id, message.message_id), message.button_data[0]
    )
    await bot.feed(click)
    await bot.feed(click)  # Telegram delivered it again
    assert bot.tg.toasts() == ["Tu voto: a"]  # a second toggle would have unticked it
    assert await bot.scalar(select(Position.choices)) == 1


async def test_two_members_clicking_at_the_same_moment_both_count(bot: Bot) -> None:
    people = [TUser(400 + i, f"Vecino {i}", None, "es") for i in range(8)]
    await seed_group(bot, *people)
    _vote, message = await open_vote(bot, "/propose Pintar")
    shown = bot.tg.message_json(NORTE.id, message.message_id)
    await asyncio.gather(
        *(
            bot.feed(bot.u.callback(p, shown, message.button_data[i % 4]))
            for i, p in enumerate(people)
        )
    )
    # and one member pressing two buttons at once: one of them is their position
    await asyncio.gather(
        bot.feed(bot.u.callback(ANA, shown, message.button_data[0])),
        bot.feed(bot.u.callback(ANA, shown, message.button_data[2])),
    )
    async with bot.db() as session:
        rows = dict((await session.execute(select(Position.person_id, Position.choices))).all())
    assert {p.id: rows[p.id] for p in people} == {p.id: 1 << (i % 4) for i, p in enumerate(people)}
    assert rows[ANA.id] in (1, 4)
    assert len(bot.tg.toasts()) == 10


async def test_forged_and_foreign_buttons_get_a_toast(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    vote, message = await open_vote(bot, "/propose Pintar")
    shown = bot.tg.message_json(NORTE.id, message.message_id)
    stale = "Este botón ya no funciona. Envía el comando de nuevo."
    for data in (
        f"vote:c:{vote.id}:9",
        f"vote:c:{vote.id + 50}:0",
        "vote:c:99999999999:0",  # no vote's id, nor an advisory lock's key on PostgreSQL
        "vote:c:x:0",
        f"vote:c:{vote.id}",
    ):
        await bot.feed(bot.u.callback(LUIS, shown, data))
    # a person in another group pressing a button that names this vote
    sur = bot.group(TChat(-1002000000002, "supergroup", "Barrio Sur"))
    await bot.feed(bot.u.my_chat_member(sur, MARY, "left", "member"))
    elsewhere = bot.tg.message_json(sur.id, bot.tg.last(sur.id).message_id)
    await bot.feed(bot.u.callback(MARY, elsewhere, f"vote:c:{vote.id}:0"))
    # (Barrio Sur speaks English: Mary added the bot there)
    assert bot.tg.toasts() == [stale] * 5 + ["This button no longer works. Send the command again."]
    assert await bot.scalar(select(func.count()).select_from(Position)) == 0


async def test_a_reason_from_someone_without_a_position_is_ignored(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    _vote, message = await open_vote(bot, "/propose Pintar")
    await bot.feed(
        bot.u.message(
            NORTE, LUIS, "yo opino", reply_to=bot.tg.message_json(NORTE.id, message.message_id)
        )
    )
    assert await bot.scalar(select(func.count()).select_from(Position)) == 0
    assert await bot.scalar(select(Vote.dirty)) is False


async def test_an_older_click_handled_late_does_not_overwrite_a_newer_one(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    _, message = await open_vote(bot, "/propose Pintar")
    shown = bot.tg.message_json(NORTE.id, message.message_id)
    older = bot.u.callback(LUIS, shown, message.button_data[0])
    newer = bot.u.callback(LUIS, shown, message.button_data[2])
    await bot.feed(newer, older)  # handled out of order (concurrent handling can do that)
    assert await bot.scalar(select(Position.choices)) == 1 << 2
    assert bot.tg.toasts()[-1] == "Ya elegiste: 👎 En desacuerdo"


async def test_a_click_is_at_most_three_statements_changed_or_not(bot: Bot) -> None:
    # issue 19: the update's claim (which holds the vote, on PostgreSQL), who is who, and the
    # click, which returns the position also when it stays as it was; on PostgreSQL the claim
    # and who is who are one statement (bot.core.claims)
    await seed_group(bot, LUIS)
    _, message = await open_vote(bot, "/propose Pintar")
    await press(bot, LUIS, message, 2)  # the vote is dirty from now on: no click marks it
    statements: list[str] = []

    def count(_conn, _cursor, statement: str, *_args) -> None:
        if statement.split(None, 1)[0].upper() not in {"BEGIN", "SAVEPOINT", "RELEASE"}:
            statements.append(statement)

    event.listen(bot.engine.sync_engine, "before_cursor_execute", count)
    try:
        await press(bot, LUIS, message, 0)
        changed = len(statements)
        taken = await bot.scalar(select(Position.updated_at))
        bot.clock.advance(timedelta(seconds=5))
        before = len(statements)
        await press(bot, LUIS, message, 0)  # the same again
        same = len(statements) - before
    finally:
        event.remove(bot.engine.sync_engine, "before_cursor_execute", count)
    expected = 2 if bot.engine.dialect.name == "postgresql" else 3
    assert (changed, same) == (expected, expected)
    assert bot.tg.toasts()[-2:] == ["Tu voto: ✅ De acuerdo", "Ya elegiste: ✅ De acuerdo"]
    assert await bot.scalar(select(Position.choices)) == 1
    assert await bot.scalar(select(Position.updated_at)) == taken  # as it was


async def test_two_open_votes_of_a_group_share_the_edit_budget(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    _, first = await open_vote(bot, "/propose Pintar")
    _, second = await open_vote(bot, "/propose Fiesta")
    await later(bot)
    await press(bot, LUIS, first, 0)
    await press(bot, LUIS, second, 0)
    await later(bot)  # one of the two now, the other 3 s later
    assert edits(bot) == 1
    await later(bot, 1)
    assert edits(bot) == 1
    await later(bot, 3)
    assert edits(bot) == 2
    assert "✅ De acuerdo: 1 — Luis" in first.text and "✅ De acuerdo: 1 — Luis" in second.text


async def test_someone_unknown_or_gone_who_presses_is_a_member_again(bot: Bot) -> None:
    # Telegram only lets people who are in the chat press its buttons: a press from someone
    # the bot never saw, or had seen leave, registers them as a member and counts
    await seed_group(bot, LUIS)
    await bot.feed(bot.u.left_member(NORTE, LUIS, LUIS))
    stranger = TUser(777, "Nueva", None, "es")
    _, message = await open_vote(bot, "/propose Pintar")
    assert "Votaron: 0 · faltan: 1" in message.text  # Ana only
    await press(bot, LUIS, message, 0)
    await press(bot, stranger, message, 2)
    await later(bot)
    assert "Votaron: 2 · faltan: 1" in message.text
    left = await bot.scalars(select(Membership.left_at))
    assert left == [None, None, None]


async def paused_click(bot: Bot, monkeypatch, user: TUser, message, option: int):
    """`user`'s click, stopped after its position is written and before its commit."""
    inside, go_on = asyncio.Event(), asyncio.Event()
    cast = positions.cast

    async def slow_cast(*args, **kwargs):
        result = await cast(*args, **kwargs)
        inside.set()
        await go_on.wait()
        return result

    monkeypatch.setattr(positions, "cast", slow_cast)
    clicking = asyncio.create_task(press(bot, user, message, option))
    await asyncio.wait_for(inside.wait(), 5)
    monkeypatch.setattr(positions, "cast", cast)
    return clicking, go_on


async def held_back(bot: Bot, other: asyncio.Task) -> bool:
    """Whether `other` is held back by the paused click, found by looking, not by sleeping: on
    PostgreSQL, a backend waits for the vote's advisory lock; on SQLite the process's
    transactions take turns, so once `other` has had every chance to run it waits for its
    turn (no I/O comes before that turn)."""
    if bot.engine.dialect.name != "postgresql":
        for _ in range(100):
            await asyncio.sleep(0)  # yields to the loop; no time passes
        return not other.done()
    waiting = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
    async with bot.engine.connect() as conn:
        async with asyncio.timeout(5):
            while not other.done():
                if await conn.scalar(waiting):
                    return True
                await asyncio.sleep(0.01)  # the next look at pg_locks
    return False


async def waits_for_the_click(
    bot: Bot, other: asyncio.Task, clicking: asyncio.Task, go_on: asyncio.Event
):
    """(whether `other` was held back while the click was paused, what it returned)"""
    try:
        waited = await held_back(bot, other)
    finally:
        go_on.set()  # a failed check must not leave the click hanging
        await clicking
        result = await other
    return waited, result


async def test_a_refresh_while_a_click_is_in_flight_shows_that_click(bot: Bot, monkeypatch) -> None:
    from bot.votes.delivery import refresh

    await seed_group(bot, LUIS, JOAO)
    vote, message = await open_vote(bot, "/propose Pintar")
    await press(bot, LUIS, message, 0)  # the vote is dirty: João's click does not mark it again
    clicking, go_on = await paused_click(bot, monkeypatch, JOAO, message, 2)
    refreshing = asyncio.create_task(
        refresh(bot.runtime, vote.id, bot.now() + timedelta(seconds=10))
    )
    waited, _ = await waits_for_the_click(bot, refreshing, clicking, go_on)
    assert waited  # for the click in flight to commit
    assert "✅ De acuerdo: 1 — Luis" in message.text
    assert "👎 En desacuerdo: 1 — João" in message.text  # not left out of the message
    assert await bot.scalar(select(Vote.dirty)) is False


async def test_closing_while_a_click_is_in_flight_counts_that_click(bot: Bot, monkeypatch) -> None:
    await seed_group(bot, LUIS, JOAO)
    vote, message = await open_vote(bot, "/propose Pintar")
    await press(bot, LUIS, message, 0)
    clicking, go_on = await paused_click(bot, monkeypatch, JOAO, message, 0)

    async def close() -> bool:
        async with bot.db() as session:
            return await decisions.close_vote(session, vote.id, bot.now(), hooks=bot.runtime.hooks)

    closing = asyncio.create_task(close())
    waited, closed = await waits_for_the_click(bot, closing, clicking, go_on)
    assert waited and closed  # waited for the click in flight, then closed the vote
    decision = await bot.scalar(select(Decision))
    assert (decision.voters, decision.counts[0]) == (2, 2)  # João's position is in the decision
    assert "Tu voto: ✅ De acuerdo" in bot.tg.toasts()[-1]


async def test_a_click_during_a_refresh_waits_for_it_and_leaves_the_vote_dirty(
    bot: Bot, monkeypatch
) -> None:
    # the click holds the vote from its first statement on (on PostgreSQL its claim takes the
    # lock): it reads the dirty flag only after the refresh committed, so it marks the vote
    # again and the next refresh shows it
    from bot.votes.delivery import refresh

    await seed_group(bot, LUIS, JOAO)
    vote, message = await open_vote(bot, "/propose Pintar")
    await press(bot, LUIS, message, 0)
    inside, go_on = asyncio.Event(), asyncio.Event()
    view = service.view

    async def slow_view(*args, **kwargs):  # the refresh, paused after its claim
        result = await view(*args, **kwargs)
        inside.set()
        await go_on.wait()
        return result

    monkeypatch.setattr(service, "view", slow_view)
    now = bot.now() + timedelta(seconds=10)
    refreshing = asyncio.create_task(refresh(bot.runtime, vote.id, now))
    await asyncio.wait_for(inside.wait(), 5)
    monkeypatch.setattr(service, "view", view)
    clicking = asyncio.create_task(press(bot, JOAO, message, 2))
    waited, _ = await waits_for_the_click(bot, clicking, refreshing, go_on)
    assert waited  # for the refresh to commit
    assert "👎 En desacuerdo: 0" in message.text  # the refresh read the tally before the click
    assert await bot.scalar(select(Vote.dirty)) is True  # so the click marked the vote again
    await refresh(bot.runtime, vote.id, now + service.EDIT_INTERVAL)
    assert "👎 En desacuerdo: 1 — João" in message.text
    assert await bot.scalar(select(Vote.dirty)) is False


async def test_a_click_the_vote_cannot_take_changes_nothing_and_says_why(bot: Bot) -> None:
    # the click is one statement that takes the position only from an open vote of the group
    # with that option; when it takes nothing, a second read says why (positions.cast)
    await seed_group(bot, LUIS)
    ranked, _ = await open_vote(bot, "/poll ranked ¿Qué primero? | Plaza | Escuela")
    poll, message = await open_vote(bot, "/poll multi Q | a | b | c")
    shown = bot.tg.message_json(NORTE.id, message.message_id)
    await press(bot, LUIS, message, 0)  # a position: what follows would update it
    stale = "Este botón ya no funciona. Envía el comando de nuevo."
    for data in (
        f"vote:c:{poll.id}:3",  # a poll of 3 (a proposal has 4)
        f"vote:c:{poll.id}:99",
        f"vote:c:{poll.id}:-1",
        f"vote:c:{ranked.id}:0",  # a ranked vote's positions are no clicks
    ):
        await bot.feed(bot.u.callback(LUIS, shown, data))
    assert bot.tg.toasts() == ["Tu voto: a"] + [stale] * 4
    await press(bot, LUIS, message, 0)  # a toggle: unticked
    assert bot.tg.toasts()[-1] == "Ahora no tienes ninguna opción marcada."
    assert await bot.scalar(select(Position.choices).where(Position.vote_id == poll.id)) == 0
    await press(bot, LUIS, message, 2)
    await bot.feed(bot.u.command(NORTE, ANA, "/close", reply_to=shown))
    await bot.feed(bot.u.callback(LUIS, shown, f"vote:c:{poll.id}:1"))  # a stale message
    assert bot.tg.toasts()[-1] == "Esta votación está cerrada. Mira el resultado con /decisions"
    async with bot.db() as session:
        rows = (await session.execute(select(Position.vote_id, Position.choices))).all()
    assert rows == [(poll.id, 1 << 2)]
