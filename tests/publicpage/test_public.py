"""The opt-in public page (issue 22): `/public on|off|index` by coordinators, `GET /p/<slug>`
on `minga serve`'s app with the group's goals, decisions (date and outcome) and commitments
(status, progress, due date, responsible), and people named only if they said yes."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from sqlalchemy import select

from bot.actors.models import Profile
from bot.publicpage import slugs
from bot.publicpage.models import PublicPage
from tests.conftest import ANA, LUIS, NORTE, Bot, seed_group
from tests.publicpage.helpers import BASE, consent, rich_group, say, slug_of
from tests.updates import TChat, private_chat

NOT_COORDINATOR = "Solo la coordinación"


async def test_a_coordinator_publishes_the_page_and_it_shows_the_groups_record(
    pbot: Bot, client: httpx.AsyncClient
) -> None:
    await rich_group(pbot)
    text = await say(pbot, ANA, "/public on")
    slug = await slug_of(pbot)
    assert re.fullmatch(r"vecinos-del-barrio-norte-[0-9a-f]{4}", slug)
    assert text.startswith(f"🌐 Página pública: activa. Dirección: {BASE}/p/{slug}")
    assert "Les pedimos a los buscadores que no la muestren" in text
    page = await client.get(f"/p/{slug}")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["x-robots-tag"] == "noindex"
    assert page.headers["cache-control"] == "no-cache"
    assert page.headers["content-language"] == "es"
    assert len(page.content) < 100_000
    html = page.text
    assert '<meta name="robots" content="noindex">' in html
    assert '<html lang="es">' in html and "<script" not in html and "@font-face" not in html
    assert "<h1>Vecinos del Barrio Norte</h1>" in html
    assert "Recuperar la plaza del barrio para todas las familias" in html
    # the decision: its date and outcome
    assert "Pintar el mural el sábado<br><b>✅ Aprobada</b>" in html
    # totals: 1 of 4 done; the one done by its date was on time
    assert '<b>25 %</b>Compromisos cumplidos <span class="meta">1 de 4</span>' in html
    assert "<b>100 %</b>Entregados a tiempo" in html
    # the commitments: status, progress, due date, responsible
    assert "#2 Conseguir pintura" in html and "Avance: 50 % · Plazo: dom, 20 dic" in html
    assert "Responsable: Junta Vecinal Norte" in html  # João's organization
    assert "Responsable: Luis" in html  # he said yes
    assert "Responsable: alguien del grupo" in html  # Mary said nothing
    assert '<span class="st st-done">Hecho</span> #1 Pintar el mural' in html
    # a 304 for a browser that has it already
    again = await client.get(f"/p/{slug}", headers={"if-none-match": page.headers["etag"]})
    assert again.status_code == 304


async def test_no_name_or_username_appears_without_a_yes(
    pbot: Bot, client: httpx.AsyncClient
) -> None:
    await rich_group(pbot)
    await say(pbot, ANA, "/public on")
    html = (await client.get(f"/p/{await slug_of(pbot)}")).text
    for hidden in ("Mary", "João", "Joao", "joao_sp", "ana_barrio", ">Ana", " Ana"):
        assert hidden not in html, hidden
    # not even where the group's own words named them
    assert "#4 Hablar con alguien del grupo y alguien del grupo sobre la feria" in html
    # no vote of a person, no counts, no reasons
    for private in ("A favor", "En contra", "Abstención", "votos", "Bloqueo"):
        assert private not in html, private
    # Luis changes his mind: gone from the page at once
    assert await consent(pbot, LUIS, "No mostrarlo") == (
        "Listo: tu nombre no aparecerá en las páginas públicas."
    )
    html = (await client.get(f"/p/{await slug_of(pbot)}")).text
    assert "Luis" not in html
    assert "Responsable: Junta Vecinal Norte" in html


async def test_profile_public_says_no_by_default_and_the_buttons_change_it(pbot: Bot) -> None:
    await seed_group(pbot, LUIS)
    me = private_chat(LUIS)
    await pbot.feed(pbot.u.command(me, LUIS, "/profile public"))
    shown = pbot.tg.last(LUIS.id)
    assert "🌐 Páginas públicas: tu nombre nunca aparece" in shown.text
    assert [t for row in shown.buttons for t, _ in row] == ["Mostrar mi nombre", "✓ No mostrarlo"]
    press = pbot.u.callback(LUIS, pbot.tg.message_json(LUIS.id, shown.message_id), "act:pub:1")
    await pbot.feed(press)
    await pbot.feed(press)  # delivered twice: one change
    shown = pbot.tg.messages[(LUIS.id, shown.message_id)]
    assert "🌐 Páginas públicas: tu nombre puede aparecer" in shown.text
    assert [t for row in shown.buttons for t, _ in row] == ["✓ Mostrar mi nombre", "No mostrarlo"]
    assert shown.edits == 1
    profile = await pbot.scalar(select(Profile).where(Profile.person_id == LUIS.id))
    assert profile.public_name_at is not None
    # a forged button is a stale one
    await pbot.feed(
        pbot.u.callback(LUIS, pbot.tg.message_json(LUIS.id, shown.message_id), "act:pub:x")
    )
    assert pbot.tg.toasts()[-1] == "Este botón ya no funciona. Envía el comando de nuevo."
    # /profile delete takes the yes away with the profile
    await pbot.feed(pbot.u.command(me, LUIS, "/profile delete"))
    await pbot.feed(pbot.u.command(me, LUIS, "/profile public"))
    assert "nunca aparece" in pbot.tg.last(LUIS.id).text


async def test_members_look_but_only_coordinators_change_it(pbot: Bot) -> None:
    await seed_group(pbot, LUIS)
    assert (await say(pbot, LUIS, "/public")).startswith("🌐 Página pública: desactivada.")
    for attempt in ("/public on", "/public on mi-barrio", "/public off", "/public index on"):
        assert (await say(pbot, LUIS, attempt)).startswith(NOT_COORDINATOR), attempt
    assert await pbot.scalar(select(PublicPage)) is None
    # in private it is a group command
    await pbot.feed(pbot.u.command(private_chat(ANA), ANA, "/public on"))
    assert "funciona en un grupo" in pbot.tg.last(ANA.id).text


async def test_bad_and_taken_addresses_get_one_sentence_with_an_example(pbot: Bot) -> None:
    sur = TChat(-1002000000002, "supergroup", "Red Sur")
    pbot.group(sur)
    await pbot.feed(pbot.u.my_chat_member(sur, LUIS, "left", "member"))
    pbot.tg.set_admins(sur.id, (LUIS, "creator"))
    await pbot.feed(pbot.u.command(sur, LUIS, "/public on barrio-norte"))
    assert "/p/barrio-norte" in pbot.tg.last(sur.id).text
    await seed_group(pbot)
    for bad in ("ab", "Mi Barrio", "barrio_norte", "-barrio", "x" * 41):
        assert await say(pbot, ANA, f"/public on {bad}") == (
            "La dirección debe tener de 3 a 40 letras minúsculas, números o guiones. "
            "Ejemplo: /public on barrio-norte"
        ), bad
    assert await say(pbot, ANA, "/public on barrio-norte") == (
        "La dirección “barrio-norte” ya es de otro grupo. Prueba otra, p. ej. "
        "/public on barrio-norte"
    )
    assert await say(pbot, ANA, "/public encender") == (
        "No entendí. Prueba /public, /public on, /public on barrio-norte, /public off o "
        "/public index on."
    )
    assert await say(pbot, ANA, "/public index on") == (
        "Primero publica la página: /public on barrio-norte"
    )
    assert (await say(pbot, ANA, "/public on barrio-norte-2")).startswith(
        f"🌐 Página pública: activa. Dirección: {BASE}/p/barrio-norte-2"
    )


async def test_off_answers_404_at_once_in_the_groups_language_and_on_brings_it_back(
    pbot: Bot, client: httpx.AsyncClient
) -> None:
    await seed_group(pbot, LUIS, language="en")
    await say(pbot, ANA, "/public on north")
    assert (await client.get("/p/north")).status_code == 200
    update = pbot.u.command(NORTE, ANA, "/public off")
    await pbot.feed(update)
    assert pbot.tg.last(NORTE.id).text == (
        "🌐 The public page is down: its address answers “not found” now."
    )
    replies = len(pbot.tg.sent(NORTE.id))
    await pbot.feed(update)  # delivered again: nothing more
    assert len(pbot.tg.sent(NORTE.id)) == replies
    gone = await client.get("/p/north")
    assert gone.status_code == 404
    assert gone.headers["cache-control"] == "no-store"
    assert "<h1>Page not found</h1>" in gone.text and '<html lang="en">' in gone.text
    assert await say(pbot, ANA, "/public off") == (
        "The public page was not published. To publish it: /public on"
    )
    # on again, at the same address
    await say(pbot, ANA, "/public on")
    assert (await client.get("/p/north")).status_code == 200


async def test_an_unknown_address_is_a_404_in_the_readers_language(
    client: httpx.AsyncClient,
) -> None:
    missing = await client.get("/p/no-such-group")
    assert missing.status_code == 404
    assert "Página no encontrada" in missing.text  # DEFAULT_LANGUAGE
    pt = await client.get("/p/no-such-group", headers={"accept-language": "pt-BR,pt;q=0.9"})
    assert "Página não encontrada" in pt.text and '<html lang="pt-BR">' in pt.text
    for odd in ("/p/%3Cscript%3E", "/p/" + "a" * 200, "/p/UPPER"):
        response = await client.get(odd)
        assert response.status_code == 404 and "<script>" not in response.text


async def test_a_group_with_nothing_yet_gets_a_friendly_page(
    pbot: Bot, client: httpx.AsyncClient
) -> None:
    await seed_group(pbot, language="pt")
    await say(pbot, ANA, "/public on bairro")
    page = await client.get("/p/bairro")
    assert page.status_code == 200
    assert "Este grupo está começando" in page.text
    assert "Página pública de prestação de contas" in page.text


async def test_coordinators_choose_whether_search_engines_list_it(
    pbot: Bot, client: httpx.AsyncClient
) -> None:
    await seed_group(pbot)
    await say(pbot, ANA, "/public on barrio")
    assert await say(pbot, ANA, "/public index on") == (
        "Listo: los buscadores pueden mostrar la página pública."
    )
    page = await client.get("/p/barrio")
    assert "x-robots-tag" not in page.headers and 'name="robots"' not in page.text
    assert "Los buscadores pueden mostrarla" in await say(pbot, ANA, "/public")
    await say(pbot, ANA, "/public index off")
    page = await client.get("/p/barrio")
    assert page.headers["x-robots-tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in page.text


async def test_hostile_text_is_escaped(pbot: Bot, client: httpx.AsyncClient) -> None:
    await seed_group(pbot, LUIS)
    await say(pbot, ANA, '/rules goals <script>alert("x")</script> & <b>más</b>')
    await say(pbot, LUIS, "/commit <img src=x onerror=alert(1)> pintar")
    await say(pbot, ANA, "/public on barrio")
    html = (await client.get("/p/barrio")).text
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;más&lt;/b&gt;" in html


async def test_without_public_url_the_reply_says_what_the_operator_must_set(bot: Bot) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/public on barrio"))
    assert bot.tg.last(NORTE.id).text.startswith(
        "🌐 Página pública: activa. Su ruta es /p/barrio; para un enlace completo, quien "
        "administra el servidor debe configurar PUBLIC_URL"
    )


async def test_two_coordinators_publishing_at_once_make_one_page(pbot: Bot) -> None:
    await seed_group(pbot, LUIS, admins=((LUIS, "administrator"),))
    await asyncio.gather(
        pbot.feed(pbot.u.command(NORTE, ANA, "/public on")),
        pbot.feed(pbot.u.command(NORTE, LUIS, "/public on")),
    )
    assert len(await pbot.scalars(select(PublicPage))) == 1
    assert all("activa" in m.text for m in pbot.tg.sent(NORTE.id)[-2:])


def test_slugs_are_checked_and_made_from_the_title() -> None:
    assert slugs.from_title("Vecinos del Barrio Norte", "ab12") == "vecinos-del-barrio-norte-ab12"
    assert slugs.from_title("Asociación São João · Peñalolén", "ab12") == (
        "asociacion-sao-joao-penalolen-ab12"
    )
    assert slugs.from_title("🌳🌳", "ab12") == "minga-ab12"
    assert slugs.from_title(None, "ab12") == "minga-ab12"
    long = slugs.from_title("Coordinadora de organizaciones territoriales del sur", "ab12")
    assert long == "coordinadora-de-organizaciones-ab12" and slugs.is_valid(long)
    assert all(slugs.is_valid(slugs.from_title("x" * n)) for n in range(0, 60, 7))
    assert not slugs.is_valid("a--b") and slugs.is_valid("a-b") and not slugs.is_valid("ab-")


def test_the_fullest_page_stays_under_100_kb() -> None:
    """As many decisions and commitments as the page shows, each with the longest text, in
    two-byte letters, owned by several organizations: still under 100 KB."""
    from datetime import UTC, datetime

    from bot.core.i18n import translator
    from bot.publicpage import service
    from bot.publicpage.views import (
        CommitmentItem,
        DecisionItem,
        PageView,
        Responsible,
        Totals,
        Who,
    )
    from bot.web.public import _context, environment

    now = datetime(2026, 12, 2, 12, tzinfo=UTC)
    text = "ñ" * service.MAX_TEXT
    view = PageView(
        slug="barrio",
        title="T" * 255,
        language="pt_BR",
        timezone="America/Sao_Paulo",
        indexed=False,
        goals="ç" * 3000,
        decisions=tuple(
            DecisionItem(n, text, "poll", "tie", ("a" * 100, "b" * 100), now)
            for n in range(service.MAX_DECISIONS)
        ),
        commitments=tuple(
            CommitmentItem(
                n,
                text,
                "blocked",
                55,
                now,
                None,
                tuple(Responsible(Who.ORGANIZATION, f"Organização {i}") for i in range(3)),
            )
            for n in range(service.MAX_COMMITMENTS)
        ),
        totals=Totals(500, 250, 200, 150),
        now=now,
    )
    html = (
        environment().get_template("public/page.html").render(**_context(translator("pt_BR"), view))
    )
    assert len(html.encode()) < 100_000, len(html.encode())


def test_a_wrong_public_url_is_one_line_with_an_example() -> None:
    from tests.conftest import make_settings

    with pytest.raises(ValueError, match=re.escape("example: https://minga.example.org")):
        make_settings("sqlite:///x.db", public_url="minga.example.org")
    assert make_settings("sqlite:///x.db", public_url=" https://m.org/ ").public_url == (
        "https://m.org"
    )


async def test_a_member_who_is_forgotten_is_a_member_again_and_the_rest_is_counted(
    pbot: Bot, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.publicpage import service

    await rich_group(pbot)
    await say(pbot, ANA, "/public on barrio")
    # Luis said yes, then asks to be forgotten: his name goes with everything else
    await pbot.feed(pbot.u.command(private_chat(LUIS), LUIS, "/forgetme"))
    question = pbot.tg.last(LUIS.id)
    await pbot.feed(
        pbot.u.callback(
            LUIS, pbot.tg.message_json(LUIS.id, question.message_id), question.button_data[0]
        )
    )
    html = (await client.get("/p/barrio")).text
    assert "Luis" not in html and "luis_o" not in html
    assert "#1 Pintar el mural" in html
    # a page shows so many commitments; the others are said and counted
    monkeypatch.setattr(service, "MAX_COMMITMENTS", 2)
    html = (await client.get("/p/barrio")).text
    assert html.count('<span class="st ') == 2
    assert "…y 2 compromisos más, contados en las cifras de arriba." in html
    assert "1 de 4" in html
