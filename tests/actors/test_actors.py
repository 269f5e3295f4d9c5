"""Actor profiles, the actor map, participation figures."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from bot.actors.models import ActivityDay, OfferedResource, Profile, ProfileForm
from bot.actors.service import gini, reading, top_share
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, add_bot, start_bot
from tests.updates import TChat, private_chat


async def answer_form(bot: Bot, who, replies: list[str | tuple[str, str]]) -> None:
    """Walk the form: a string is typed, ("press", data) presses a button of the last question."""
    chat = private_chat(who)
    for reply in replies:
        if isinstance(reply, tuple):
            question = [m for m in bot.tg.sent(who.id) if m.markup][-1]
            await bot.feed(
                bot.u.callback(who, bot.tg.message_json(who.id, question.message_id), reply[1])
            )
        else:
            await bot.feed(bot.u.message(chat, who, reply))


async def test_the_profile_form_walks_through_six_questions(bot: Bot) -> None:
    me = private_chat(LUIS)
    await bot.feed(bot.u.command(me, LUIS, "/profile"))
    assert bot.tg.last(LUIS.id).text.startswith("1/6 · ¿Eres parte de alguna organización?")
    assert bot.tg.last(LUIS.id).button_data == ["act:skip:organization"]
    await answer_form(bot, LUIS, ["Junta Vecinal Norte"])
    sector_question = bot.tg.last(LUIS.id)
    assert sector_question.text == "2/6 · ¿De qué sector vienes?"
    assert "act:sec:community" in sector_question.button_data
    await answer_form(bot, LUIS, ["vecinos"])  # typed instead of pressed
    assert bot.tg.last(LUIS.id).text == "Elige tu sector con los botones, o sáltalo."
    await answer_form(
        bot,
        LUIS,
        [
            ("press", "act:sec:community"),
            "Que la plaza vuelva a ser del barrio",
            "Herramientas y un galpón",
            ("press", "act:skip:symbolic"),
            "Los sábados a la mañana",
        ],
    )
    assert sector_question.text == "2/6 · ¿De qué sector vienes?\n→ Comunidad / barrio"
    assert sector_question.markup is None
    summary = bot.tg.last(LUIS.id).text
    assert summary.startswith("✅ ¡Gracias! Este es tu perfil")
    for line in (
        "Organización: Junta Vecinal Norte",
        "Sector: Comunidad / barrio",
        "Expectativas: Que la plaza vuelva a ser del barrio",
        "Materiales: Herramientas y un galpón",
        "Simbólicos: —",
        "Humanos: Los sábados a la mañana",
    ):
        assert line in summary
    profile = await bot.scalar(select(Profile))
    assert (profile.organization, profile.sector) == ("Junta Vecinal Norte", "community")
    assert await bot.scalar(select(func.count()).select_from(ProfileForm)) == 0
    assert await bot.scalar(select(func.count()).select_from(OfferedResource)) == 2


async def test_a_form_abandoned_resumes_where_it_was_even_after_a_restart(
    engine, database, clock
) -> None:
    first = await start_bot(engine, database.url, clock)
    me = private_chat(JOAO)
    await first.feed(first.u.command(me, JOAO, "/profile"))
    await answer_form(first, JOAO, ["Universidade Federal"])
    await first.app.shutdown()

    clock.advance(days=3)
    second = await start_bot(engine, database.url, clock)  # days later, another process
    try:
        second.u = first.u  # Telegram's update ids go on
        await second.feed(second.u.command(me, JOAO, "/profile"))
        assert second.tg.last(JOAO.id).text == "2/6 · De qual setor você vem?"
        # a button of the first question, pressed late, is stale
        await second.feed(
            second.u.callback(
                JOAO,
                second.tg.message_json(JOAO.id, second.tg.last(JOAO.id).message_id),
                "act:skip:organization",
            )
        )
        assert second.tg.toasts()[-1] == "Este botão não funciona mais. Envie o comando de novo."
    finally:
        await second.app.shutdown()


async def test_long_answers_are_trimmed_with_a_notice(bot: Bot) -> None:
    await bot.feed(bot.u.command(private_chat(ANA), ANA, "/profile"))
    await answer_form(bot, ANA, ["Organización " + "muy " * 100])
    texts = [m.text for m in bot.tg.sent(ANA.id)]
    assert "(Era largo: guardé los primeros 200 caracteres.)" in texts
    organization = await bot.scalar(select(Profile.organization))
    assert len(organization) == 200 and organization.endswith("…")


async def test_in_a_group_profile_opens_the_private_chat(bot: Bot) -> None:
    await add_bot(bot)
    await bot.feed(bot.u.command(NORTE, LUIS, "/profile"))
    reply = bot.tg.last(NORTE.id)
    assert reply.text.startswith("Tu perfil de actor se completa en un chat privado conmigo")
    assert reply.button_data == ["https://t.me/minga_test_bot?start=profile"]
    # the button opens the private chat with `/start profile`
    await bot.feed(bot.u.command(private_chat(LUIS), LUIS, "/start profile"))
    [question] = bot.tg.sent(LUIS.id)
    assert question.text.startswith("1/6 · ")


async def test_profile_delete_removes_it(bot: Bot) -> None:
    await bot.feed(bot.u.command(private_chat(MARY), MARY, "/profile"))
    await answer_form(bot, MARY, ["Neighbours' network"])
    await bot.feed(bot.u.command(private_chat(MARY), MARY, "/profile delete"))
    assert bot.tg.last(MARY.id).text.startswith("Your profile is deleted.")
    assert await bot.scalar(select(func.count()).select_from(Profile)) == 0
    await bot.feed(bot.u.command(private_chat(MARY), MARY, "/profile delete"))
    assert bot.tg.last(MARY.id).text == "You had no profile. To make one: /profile"


async def test_a_private_message_without_a_form_gets_a_pointer(bot: Bot) -> None:
    await bot.feed(bot.u.message(private_chat(LUIS), LUIS, "hola"))
    assert bot.tg.last(LUIS.id).text.startswith("Aquí solo leo comandos.")


async def fill(
    bot: Bot, who, organization: str, sector: str, expectation: str, material: str
) -> None:
    await bot.feed(bot.u.command(private_chat(who), who, "/profile"))
    await answer_form(
        bot,
        who,
        [organization, ("press", f"act:sec:{sector}"), expectation, material,
         ("press", "act:skip:symbolic"), ("press", "act:skip:human")],
    )  # fmt: skip


async def test_the_actor_map_of_a_group(bot: Bot) -> None:
    await add_bot(bot)
    for person in (LUIS, JOAO, MARY):
        await bot.feed(bot.u.message(NORTE, person, "hola"))
    await fill(bot, LUIS, "Junta Vecinal", "community", "Recuperar la plaza", "Un galpón")
    await fill(bot, JOAO, "Universidade", "academia", "Pesquisa-ação", "Sala de aula")
    await bot.feed(bot.u.command(NORTE, MARY, "/actors"))
    shown = bot.tg.last(NORTE.id).text
    assert shown.startswith("🗺 Mapa de actores · 4 integrantes")
    assert "• Academia (1): João" in shown
    assert "• Comunidad / barrio (1): Luis" in shown
    assert (
        "⚠️ Nadie de: Sector público, Empresa privada, "
        "Sociedad civil / ONG, Movimiento social — ¿a quién podríamos invitar?"
    ) in shown
    assert "2 integrantes todavía no tienen perfil: /profile" in shown
    assert "Organizaciones\nJunta Vecinal, Universidade" in shown
    assert "• Materiales · Luis: Un galpón" in shown
    assert "• João: Pesquisa-ação" in shown

    # the same person in another group: one profile, shown there too
    sur = TChat(-1002000000002, "supergroup", "Red Sur")
    await add_bot(bot, sur, by=JOAO)
    await bot.feed(bot.u.command(sur, JOAO, "/actors"))
    other = bot.tg.last(sur.id).text
    assert other.startswith("🗺 Mapa de atores · 1 integrante")
    assert "• Academia (1): João" in other


async def test_participation_counts_and_inequality(bot: Bot) -> None:
    await add_bot(bot)
    bot.tg.set_admins(NORTE.id, (ANA, "creator"))
    for person, said in ((LUIS, "hola"), (JOAO, "oi"), (MARY, "hi")):
        await bot.feed(bot.u.message(NORTE, person, said))
    bot.clock.advance(days=35)  # five weeks later; Mary has been silent since
    for _ in range(6):
        await bot.feed(bot.u.message(NORTE, LUIS, "mensaje"))
    await bot.feed(bot.u.message(NORTE, JOAO, "oi"))

    await bot.feed(bot.u.command(NORTE, LUIS, "/participation"))
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación")
    await bot.feed(bot.u.command(NORTE, ANA, "/participation"))
    shown = bot.tg.last(NORTE.id).text
    assert shown.startswith("📊 Participación, últimos 30 días")
    assert "• Luis: 💬 6 · 🗳 0 · 🤝 0/0 · 📅 0" in shown
    assert "• Mary: 💬 0 · " in shown
    assert "El 20% más activo hizo el 86% de la actividad; Gini 0.68." in shown  # 19/28
    assert "La participación es muy desigual" in shown
    assert (
        "🤫 En silencio desde hace cuatro semanas — inviten a estas personas a sumarse: Ana, Mary"
        in shown
    )
    assert "Sin perfil: 💬 7 · " in shown


async def test_message_counts_are_exact_under_races_and_redelivery(bot: Bot) -> None:
    await add_bot(bot)
    said = bot.u.message(NORTE, LUIS, "hola")
    await asyncio.gather(*(bot.feed(bot.u.message(NORTE, LUIS, f"m{i}")) for i in range(10)))
    await bot.feed(said, said)
    assert await bot.scalar(select(func.sum(ActivityDay.messages))) == 11
    assert await bot.scalar(select(func.count()).select_from(ActivityDay)) == 1


async def test_a_group_of_one(bot: Bot) -> None:
    await add_bot(bot)
    bot.tg.set_admins(NORTE.id, (ANA, "creator"))
    await bot.feed(bot.u.command(NORTE, ANA, "/participation"))
    shown = bot.tg.last(NORTE.id).text
    assert "El 20% más activo hizo el 0% de la actividad; Gini 0.00." in shown
    assert "Son muy pocas personas para sacar conclusiones" in shown


@pytest.mark.parametrize(
    ("values", "expected_gini", "expected_top"),
    [
        ([], 0.0, 0.0),
        ([0, 0, 0], 0.0, 0.0),
        ([5, 5, 5, 5], 0.0, 0.25),
        ([10, 0, 0, 0, 0], 0.8, 1.0),
        ([1, 2, 3, 4], 0.25, 0.4),
        ([6, 1, 0, 0], 19 / 28, 6 / 7),
    ],
)
def test_inequality_measures(values, expected_gini: float, expected_top: float) -> None:
    assert gini(values) == pytest.approx(expected_gini)
    assert top_share(values) == pytest.approx(expected_top)


def test_the_reading_of_the_figures() -> None:
    assert reading(0.3, 0.1, 10) == "even"
    assert reading(0.5, 0.3, 10) == "uneven"
    assert reading(0.9, 0.7, 10) == "very_uneven"
    assert reading(1.0, 0.0, 2) == "few"


async def test_participation_counts_votes_and_commitments(bot: Bot) -> None:
    await add_bot(bot)
    bot.tg.set_admins(NORTE.id, (ANA, "creator"))
    await bot.feed(bot.u.message(NORTE, JOAO, "oi"))
    await bot.feed(bot.u.command(NORTE, LUIS, "/propose Pintar el mural"))
    proposal = bot.tg.last(NORTE.id)
    await bot.feed(
        bot.u.callback(
            JOAO, bot.tg.message_json(NORTE.id, proposal.message_id), proposal.button_data[0]
        )
    )
    await bot.feed(bot.u.command(NORTE, JOAO, "/commit Comprar pintura"))
    card = bot.tg.last(NORTE.id)
    [done] = [d for d in card.button_data if d.startswith("cmt:done:")]
    await bot.feed(bot.u.callback(JOAO, bot.tg.message_json(NORTE.id, card.message_id), done))
    # only asked to take this one (not accepted): it is not his yet (issue 17)
    await bot.feed(bot.u.command(NORTE, LUIS, "/commit Traer la escalera @joao_sp"))
    await bot.feed(bot.u.command(NORTE, ANA, "/participation"))
    shown = bot.tg.last(NORTE.id).text
    assert "• João: 💬 1 · 🗳 1 · 🤝 1/1 · 📅 0" in shown
