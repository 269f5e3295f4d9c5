"""Observers (issue 23): `/observer add|remove` gives a member the role of one who follows but
does not decide. Observers read and react; they are never counted for quorum, in "not voted
yet" reminders, in a review's non-voters or among participation's silent members, and their
clicks on a vote are refused with a short explanation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.core.db import as_utc
from bot.groups.models import COORDINATOR, MEMBER, OBSERVER, Membership
from bot.votes.models import Position, Vote
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, seed_group
from tests.updates import TUser
from tests.votes.helpers import open_vote, press


async def role_of(bot: Bot, user: TUser) -> str | None:
    return await bot.scalar(select(Membership.role).where(Membership.person_id == user.id))


async def make_observer(bot: Bot, user: TUser) -> None:
    said = bot.u.message_json(NORTE, user, "sigo el grupo por la municipalidad")
    await bot.feed(bot.u.command(NORTE, ANA, "/observer add", reply_to=said))
    assert await role_of(bot, user) == OBSERVER, bot.tg.last(NORTE.id).text


async def test_a_coordinator_adds_and_removes_an_observer(bot: Bot) -> None:
    await seed_group(bot, LUIS, MARY)
    await bot.feed(bot.u.command(NORTE, LUIS, "/observer"))
    assert "nadie todavía" in bot.tg.last(NORTE.id).text
    await make_observer(bot, MARY)
    said = bot.tg.last(NORTE.id)
    assert said.text.startswith("Mary ahora sigue el grupo con el rol de observación")
    assert f'<a href="tg://user?id={MARY.id}">Mary</a>' in said.html

    # twice: said so, nothing changes
    await bot.feed(bot.u.command(NORTE, ANA, "/observer add @luis_o"))
    await bot.feed(bot.u.command(NORTE, ANA, "/observer add @luis_o"))
    assert bot.tg.last(NORTE.id).text == "Luis ya tiene el rol de observación."
    await bot.feed(bot.u.command(NORTE, JOAO, "/observer"))
    listed = bot.tg.last(NORTE.id).text
    assert "Quienes observan" in listed and "2 personas" in listed
    assert "• Luis" in listed and "• Mary" in listed

    await bot.feed(bot.u.command(NORTE, ANA, "/observer remove @luis_o"))
    assert await role_of(bot, LUIS) == MEMBER
    assert bot.tg.last(NORTE.id).text.startswith("Luis ya no tiene el rol de observación")
    await bot.feed(bot.u.command(NORTE, ANA, "/observer remove @luis_o"))
    assert bot.tg.last(NORTE.id).text == "Luis no tenía el rol de observación."


async def test_only_coordinators_change_observers_and_bad_input_gets_an_example(bot: Bot) -> None:
    await seed_group(bot, LUIS, MARY)
    await bot.feed(bot.u.command(NORTE, LUIS, "/observer add @ana_barrio"))
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación")
    assert await role_of(bot, ANA) != OBSERVER
    await bot.feed(bot.u.command(NORTE, ANA, "/observer add"))
    assert "/observer add @ana" in bot.tg.last(NORTE.id).text
    await bot.feed(bot.u.command(NORTE, ANA, "/observer sumar @luis_o"))
    assert "/observer add @ana" in bot.tg.last(NORTE.id).text
    await bot.feed(bot.u.command(NORTE, ANA, "/observer add @nadie_conocido"))
    assert "todavía no conozco" in bot.tg.last(NORTE.id).text.lower()
    assert await role_of(bot, LUIS) == MEMBER


async def test_a_coordinator_stays_a_coordinator(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, admins=((JOAO, "administrator"),))
    await bot.feed(bot.u.command(NORTE, ANA, "/coordinator add @luis_o"))
    await bot.feed(bot.u.command(NORTE, ANA, "/observer add @luis_o"))
    said = bot.tg.last(NORTE.id).text
    assert said.startswith("Luis es parte de la coordinación, y la coordinación decide")
    assert "/coordinator remove" in said
    assert await role_of(bot, LUIS) == COORDINATOR
    # a Telegram admin coordinates too
    await bot.feed(bot.u.command(NORTE, ANA, "/observer add @joao_sp"))
    assert bot.tg.last(NORTE.id).text.startswith("João es parte de la coordinación")
    assert await role_of(bot, JOAO) == MEMBER


async def test_an_observers_click_is_refused_and_quorum_counts_only_who_decides(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    await make_observer(bot, MARY)
    _, message = await open_vote(bot, "/propose Pintar el mural closes 2 horas quorum 100%")
    await press(bot, MARY, message, 0)
    assert bot.tg.toasts()[-1].startswith("Sigues este grupo con el rol de observación")
    assert await bot.scalars(select(Position)) == []
    for person in (ANA, LUIS, JOAO):
        await press(bot, person, message, 0)
    closes_at = as_utc(await bot.scalar(select(Vote.closes_at)))
    await bot.tick(closes_at + timedelta(seconds=1))
    result = bot.tg.last(NORTE.id).text
    assert "✅ Aprobada" in result, result  # 3 of the 3 who decide: 100%
    assert "3 de 3 integrantes" in result


async def test_reminders_and_native_polls_leave_observers_out(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    await make_observer(bot, MARY)
    _, message = await open_vote(bot, "/propose Pintar closes 48h")
    await press(bot, LUIS, message, 0)
    deadline = as_utc(await bot.scalar(select(Vote.closes_at)))
    await bot.tick(deadline - timedelta(hours=5))
    [reminder] = [m for m in bot.tg.sent(NORTE.id) if m.text.startswith("⏰")]
    for person in (ANA, JOAO):
        assert f'<a href="tg://user?id={person.id}">' in reminder.html
    assert f"tg://user?id={MARY.id}" not in reminder.html

    await bot.feed(bot.u.command(NORTE, ANA, "/poll native ¿Qué día? | Sábado | Domingo"))
    vote = await bot.scalar(select(Vote).where(Vote.kind == "native"))
    await bot.feed(bot.u.poll_answer(vote.native_poll_id, MARY, [0]))
    await bot.feed(bot.u.poll_answer(vote.native_poll_id, JOAO, [1]))
    rows = await bot.scalars(select(Position.person_id).where(Position.vote_id == vote.id))
    assert rows == [JOAO.id]


async def test_an_observer_is_never_among_the_silent_members(bot: Bot) -> None:
    await seed_group(bot, LUIS, MARY)
    await make_observer(bot, MARY)
    bot.clock.advance(days=35)
    await bot.feed(bot.u.message(NORTE, LUIS, "sigo acá"))
    await bot.feed(bot.u.command(NORTE, ANA, "/participation"))
    shown = bot.tg.last(NORTE.id).text
    silent = next(line for line in shown.splitlines() if line.startswith("🤫"))
    assert "Ana" in silent and "Mary" not in silent


async def test_an_observer_made_admin_coordinates_and_votes(bot: Bot) -> None:
    await seed_group(bot, LUIS, MARY)
    await make_observer(bot, MARY)
    bot.tg.set_admins(NORTE.id, (ANA, "creator"), (MARY, "administrator"))
    await bot.feed(bot.u.chat_member(NORTE, ANA, MARY, "member", "administrator"))
    assert await role_of(bot, MARY) == MEMBER
    _, message = await open_vote(bot, "/propose Pintar el mural")
    await press(bot, MARY, message, 0)
    assert await bot.scalar(select(Position.person_id)) == MARY.id


async def test_the_digest_counts_only_who_decides_as_still_to_vote(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    await make_observer(bot, MARY)
    _, message = await open_vote(bot, "/poll ¿Dónde hacemos la feria? | Plaza | Escuela")
    await press(bot, LUIS, message, 0)
    await bot.feed(bot.u.command(NORTE, ANA, "/digest now"))
    digest = next(m for m in reversed(bot.tg.sent(NORTE.id)) if "Votaciones abiertas" in m.text)
    assert "· faltan 2 por votar" in digest.text  # Ana and João; Mary observes


async def test_observers_and_members_offline_are_not_asked_to_accept_the_rules(bot: Bot) -> None:
    # an observer follows, a member without a phone cannot press Accept: "2 de 3", not "2 de 5"
    from tests.charter.helpers import accept, write_charter

    await seed_group(bot, LUIS, JOAO, MARY)
    await make_observer(bot, MARY)
    await bot.feed(bot.u.command(NORTE, ANA, '/member add "Doña Rosa"'))
    await write_charter(bot)
    await bot.feed(bot.u.command(NORTE, LUIS, "/rules"))
    shown = bot.tg.last(NORTE.id)
    assert "✅ 0 de 3 aceptaron esta versión." in shown.text
    await accept(bot, LUIS, shown)
    await accept(bot, MARY, shown)  # an observer may accept: not counted either way
    await bot.feed(bot.u.command(NORTE, ANA, "/digest now"))
    digest = next(m for m in reversed(bot.tg.sent(NORTE.id)) if m.text.startswith("🗞"))
    assert "📜 1 de 3 aceptó la versión 5 de las reglas del chat." in digest.text
