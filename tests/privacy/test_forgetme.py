"""/forgetme: the person becomes "a former member" everywhere, in one transaction."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.commitments.models import Commitment, CommitmentOwner
from bot.groups.models import Membership, Person
from bot.votes.models import Decision, Position
from tests.conftest import ANA, LUIS, NORTE, Bot, seed_group
from tests.privacy.helpers import FILO, busy_member, traces
from tests.updates import private_chat

PRIVATE = private_chat(FILO)


async def ask_and_confirm(bot: Bot, user=FILO, answer: int = 0) -> None:
    await bot.feed(bot.u.command(private_chat(user), user, "/forgetme"))
    question = bot.tg.last(user.id)
    assert "Forget me" in question.text or "Olvidarme" in question.text, question.text
    await bot.feed(
        bot.u.callback(
            user, bot.tg.message_json(user.id, question.message_id), question.button_data[answer]
        )
    )


async def luis_rows(bot: Bot) -> tuple:
    async with bot.db() as session:
        person = (await session.execute(select(Person).where(Person.id == LUIS.id))).scalar_one()
        positions = (
            await session.execute(
                select(Position.vote_id, Position.choices).where(Position.person_id == LUIS.id)
            )
        ).all()
        memberships = (
            await session.execute(
                select(Membership.group_id, Membership.role, Membership.left_at).where(
                    Membership.person_id == LUIS.id
                )
            )
        ).all()
        return (person.first_name, person.username, person.created_at), positions, memberships


async def test_no_trace_of_the_person_is_left_in_any_table(bot: Bot) -> None:
    await seed_group(bot, LUIS, FILO)
    await busy_member(bot)
    assert await traces(bot)  # the walk finds her before: it can fail
    decision = await bot.scalar(select(Decision))
    counts, voters = list(decision.counts), decision.voters
    positions = await bot.scalar(select(func.count()).select_from(Position))
    luis = await luis_rows(bot)
    seen = len(bot.tg.sent(NORTE.id))

    await ask_and_confirm(bot)

    assert await traces(bot) == []
    decision = await bot.scalar(select(Decision))
    assert (list(decision.counts), decision.voters) == (counts, voters)
    assert await bot.scalar(select(func.count()).select_from(Position)) == positions
    assert await luis_rows(bot) == luis
    tomb = await bot.scalar(select(Person).where(Person.erased_at.is_not(None)))
    assert tomb.id < 0 and tomb.first_name == "" and tomb.username is None
    # her positions count, with no reason; her open commitment has no owner, the dropped one
    # keeps her
    assert await bot.scalar(select(Position.reason).where(Position.person_id == tomb.id)) is None
    owned = await bot.scalars(
        select(Commitment.number).join(CommitmentOwner).where(CommitmentOwner.person_id == tomb.id)
    )
    assert owned == [2]
    done = bot.tg.last(FILO.id)
    assert "ex-integrante" in done.text and done.buttons == []
    note = [m.text for m in bot.tg.sent(NORTE.id)[seen:]]
    assert len(note) == 1
    assert "#1" in note[0] and "ex-integrante" in note[0]
    assert "nadie en la coordinación" in note[0]

    # the digest, the decision log and the commitment's history render without her
    seen = len(bot.tg.sent(NORTE.id))
    for text in ("/digest now", "/decisions", "/decision 1", "/commitment 1", "/commitments"):
        await bot.feed(bot.u.command(NORTE, ANA, text))
    shown = "\n".join(m.html for m in bot.tg.sent(NORTE.id)[seen:])
    assert shown
    assert not any(word in shown.lower() for word in ("filomena", "quispe", "filo_quispe"))
    assert str(FILO.id) not in shown


async def test_a_later_message_from_the_same_account_is_a_new_person(bot: Bot) -> None:
    await seed_group(bot, LUIS, FILO)
    await busy_member(bot)
    await ask_and_confirm(bot)
    await bot.feed(bot.u.message(NORTE, FILO, "hola de nuevo"))
    again = await bot.scalar(select(Person).where(Person.id == FILO.id))
    assert again is not None and again.erased_at is None
    assert (
        await bot.scalar(
            select(func.count()).select_from(Position).where(Position.person_id == FILO.id)
        )
        == 0
    )


async def test_no_keeps_everything_and_a_second_press_is_stale(bot: Bot) -> None:
    await seed_group(bot, LUIS, FILO)
    await busy_member(bot)
    before = await traces(bot)
    await ask_and_confirm(bot, answer=1)
    assert bot.tg.last(FILO.id).text == "No se borró nada. Tus datos siguen como estaban."
    # nothing changed but the record of the bot's own messages to her private chat (the outbox)
    assert [t for t in await traces(bot) if not t.startswith("outbox.")] == [
        t for t in before if not t.startswith("outbox.")
    ]

    await bot.feed(bot.u.command(PRIVATE, FILO, "/forgetme"))
    question = bot.tg.last(FILO.id)
    message, yes = bot.tg.message_json(FILO.id, question.message_id), question.button_data[0]
    press = bot.u.callback(FILO, message, yes)
    await bot.feed(press)
    await bot.feed(press)  # the same update again: nothing more happens
    assert bot.tg.last(FILO.id).buttons == []
    await bot.feed(
        bot.u.callback(FILO, message, yes)
    )  # a second press, after the erasure: the button is stale
    assert bot.tg.toasts()[-1] == "Esto ya se hizo."
    assert (
        await bot.scalar(
            select(func.count()).select_from(Person).where(Person.erased_at.is_not(None))
        )
        == 1
    )
    assert await traces(bot) == []  # the stale press did not register her again


async def test_in_a_group_it_says_to_use_the_private_chat(bot: Bot) -> None:
    await seed_group(bot, LUIS, FILO)
    await bot.feed(bot.u.command(NORTE, FILO, "/forgetme"))
    assert "chat privado" in bot.tg.last(NORTE.id).text
    assert bot.tg.last(NORTE.id).buttons == []
    assert await bot.scalar(select(Person.first_name).where(Person.id == FILO.id)) == "Filomena"


async def test_a_coordinator_leaves_the_others_in_place(bot: Bot) -> None:
    await seed_group(bot, LUIS, FILO)
    await bot.feed(bot.u.command(NORTE, ANA, "/coordinator add @luis_o"))
    await bot.feed(bot.u.command(NORTE, ANA, "/coordinator add @filo_quispe"))
    await bot.feed(bot.u.command(NORTE, FILO, "/commit Traer sillas"))
    await ask_and_confirm(bot)
    roles = await bot.scalars(select(Membership.role).where(Membership.person_id == LUIS.id))
    assert roles == ["coordinator"]
    note = bot.tg.last(NORTE.id).text
    assert "#1" in note and "coordinación" not in note


async def test_someone_the_bot_had_never_seen(bot: Bot) -> None:
    await ask_and_confirm(bot)
    assert "ex-integrante" in bot.tg.last(FILO.id).text
    assert await traces(bot) == []


async def test_a_tombstone_is_not_listed_among_the_members_without_telegram(bot: Bot) -> None:
    # both have ids below zero: /member lists only the people added with /member add
    await seed_group(bot, LUIS, FILO)
    await bot.feed(bot.u.command(NORTE, ANA, '/member add "Doña Rosa"'))
    await busy_member(bot)
    await ask_and_confirm(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/member"))
    listing = bot.tg.last(NORTE.id).text
    assert listing.splitlines() == ["Integrantes sin Telegram: 1 persona", "• Doña Rosa"]
