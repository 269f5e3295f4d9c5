"""Several replicas on one database, in one test: each its own Application, engine and
JobQueue, one Telegram (the double) between them, as behind a load balancer. The short
JobQueue jobs (the vote refresh, the welcome batch) run where the click or the arrival
landed; the database keeps them right wherever that is."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import build_application
from bot.charter.models import Welcome
from bot.charter.service import WELCOME_DELAY, claim_welcomes
from bot.core.scheduler import claim
from bot.votes import service as votes_service
from bot.votes.models import Vote
from tests.charter.helpers import write_charter
from tests.conftest import JOAO, LUIS, MARY, NORTE, Bot, Database, make_settings, seed_group
from tests.telegram_double import TelegramDouble
from tests.updates import TUser, Updates
from tests.votes.helpers import open_vote, press


@pytest.fixture
async def replicas(engine, database: Database, clock) -> AsyncIterator[tuple[Bot, Bot]]:
    tg = TelegramDouble(clock)
    bots = []
    for _ in range(2):
        own = database.engine()  # a process's own pool
        app = build_application(
            make_settings(database.url), request=tg, engine=own, clock=clock, polling=False
        )
        await app.initialize()
        await app.job_queue.start()  # type: ignore[union-attr]
        bots.append(Bot(app=app, tg=tg, u=Updates(clock), engine=own, clock=clock))
    yield bots[0], bots[1]
    for bot in bots:
        await bot.app.job_queue.stop(wait=False)  # type: ignore[union-attr]
        await bot.app.shutdown()
        await bot.engine.dispose()


def edits(bot: Bot) -> int:
    return len(bot.tg.calls_of("editMessageText"))


async def test_clicks_on_two_replicas_make_one_right_tally(replicas: tuple[Bot, Bot]) -> None:
    a, b = replicas
    await seed_group(a, LUIS, JOAO, MARY)
    vote, message = await open_vote(a, "/propose Pintar el mural")
    job = f"votes:refresh:{vote.id}"
    await press(a, LUIS, message, 0)  # Agree, on replica A
    await press(b, JOAO, message, 2)  # Disagree, on replica B
    await press(b, MARY, message, 0)
    # each replica asked for its own refresh; the first to run edits, the other finds it done
    assert a.app.job_queue.get_jobs_by_name(job) and b.app.job_queue.get_jobs_by_name(job)
    a.clock.advance(votes_service.EDIT_INTERVAL)
    await b.run_jobs(job)
    await a.run_jobs(job)
    assert edits(a) == 1
    assert "✅ De acuerdo: 2 — Luis, Mary" in message.text
    assert "👎 En desacuerdo: 1 — João" in message.text

    # a change of mind on A right after B's edit: A's job waits the interval, then edits
    await press(a, MARY, message, 2)
    await a.run_jobs(job)
    assert edits(a) == 1
    a.clock.advance(votes_service.EDIT_INTERVAL)
    await a.run_jobs(job)
    await b.run_jobs(job)
    assert edits(a) == 2
    assert "👎 En desacuerdo: 2 — João, Mary" in message.text
    assert await a.scalar(select(Vote.dirty).where(Vote.id == vote.id)) is False


async def test_a_click_whose_replica_dies_before_its_refresh_is_swept(
    replicas: tuple[Bot, Bot],
) -> None:
    a, b = replicas
    await seed_group(a, LUIS)
    vote, message = await open_vote(a, "/propose Pintar el mural")
    await press(a, LUIS, message, 0)
    await a.app.job_queue.stop(wait=False)  # type: ignore[union-attr]  # A dies, job and all
    await b.tick(seconds=4)  # B's tick sweeps dirty votes
    assert "✅ De acuerdo: 1 — Luis" in message.text
    assert await b.scalar(select(Vote.dirty).where(Vote.id == vote.id)) is False


async def test_newcomers_arriving_on_two_replicas_get_one_welcome(
    replicas: tuple[Bot, Bot],
) -> None:
    a, b = replicas
    await seed_group(a, LUIS)
    await write_charter(a)
    rosa, pedro = TUser(301, "Rosa", "rosa_h", "es"), TUser(302, "Pedro", None, "es")
    before = len(a.tg.sent(NORTE.id))
    await a.feed(a.u.chat_member(NORTE, rosa, rosa, "left", "member"))
    await b.feed(b.u.chat_member(NORTE, pedro, pedro, "left", "member"))
    a.clock.advance(WELCOME_DELAY)
    ran = await asyncio.gather(a.run_jobs("charter:welcome:"), b.run_jobs("charter:welcome:"))
    assert ran == [1, 1]  # each replica's job ran; one of them found both
    welcomes = [m for m in a.tg.sent(NORTE.id)[before:] if m.text.startswith("👋")]
    assert len(welcomes) == 1
    assert "Rosa" in welcomes[0].text and "Pedro" in welcomes[0].text
    await a.tick(minutes=1)
    await b.tick(minutes=1)
    assert len([m for m in a.tg.sent(NORTE.id)[before:] if m.text.startswith("👋")]) == 1
    waiting = select(func.count()).select_from(Welcome).where(Welcome.welcomed_at.is_(None))
    assert await a.scalar(waiting) == 0


async def test_a_replica_skips_a_claim_another_is_taking_instead_of_waiting(
    replicas: tuple[Bot, Bot], database: Database
) -> None:
    """PostgreSQL: a key (or a welcome row) another replica's open transaction is claiming is
    skipped at once (advisory try-lock, SKIP LOCKED); once that replica committed, it is
    claimed for good. SQLite is one process's, and waits its turn."""
    if database.backend != "postgresql":
        pytest.skip("several processes are a PostgreSQL deployment")
    a, b = replicas
    await seed_group(a, LUIS)
    await write_charter(a)
    rosa = TUser(301, "Rosa", None, "es")
    await a.feed(a.u.chat_member(NORTE, rosa, rosa, "left", "member"))
    now = a.clock.now() + timedelta(minutes=5)
    group_id = await a.scalar(select(Welcome.group_id))
    async with a.runtime.sessions() as held, held.begin():
        assert await claim(held, "test:one-key", "A", now)
        assert len(await claim_welcomes(held, group_id, now)) == 1
        async with b.runtime.sessions() as other, other.begin():
            assert not await asyncio.wait_for(claim(other, "test:one-key", "B", now), 2)
            assert await asyncio.wait_for(claim_welcomes(other, group_id, now), 2) == []
    async with b.runtime.sessions() as other, other.begin():
        assert not await claim(other, "test:one-key", "B", now)
        assert await claim_welcomes(other, group_id, now) == []
