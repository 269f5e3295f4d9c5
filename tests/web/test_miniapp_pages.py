"""The Mini App's actor map, participation, lessons and downloads pages (issue 22), through
httpx's ASGITransport around the real Application and the Telegram double, on SQLite and
PostgreSQL: what a coordinator, a member and a stranger see, the friendly empty states, and
the group's export as a zip and as one JSON document for coordinators only."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.privacy import copies
from tests.actors.test_actors import fill
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, seed_group
from tests.web.miniapp import MiniApp, start_web, token_of
from tests.web.test_miniapp import ZOE

PAGES = ("actors", "participation", "lessons", "downloads")


@pytest.fixture
async def mini(engine: Any, database: Any, clock: Any) -> AsyncIterator[MiniApp]:
    bot, asgi = await start_web(engine, database.url, clock)
    transport = httpx.ASGITransport(app=asgi)
    async with httpx.AsyncClient(transport=transport, base_url="http://minga") as client:
        yield MiniApp(bot, client)
    await bot.app.shutdown()


async def seed_coalition(bot: Bot) -> str:
    """Ana coordinates NORTE; Luis (community) and João (academia) have profiles and offer a
    place and a classroom; Luis's commitment went wrong, was reviewed and its lesson kept;
    Luis voted on a proposal; Mary joined and has been silent for five weeks."""
    await seed_group(bot, MARY)
    bot.clock.advance(days=35)
    await seed_group(bot, LUIS, JOAO)
    await fill(bot, LUIS, "Junta Vecinal", "community", "Recuperar la plaza", "Un galpón")
    await fill(bot, JOAO, "Universidade", "academia", "Pesquisa-ação", "Sala de aula")
    await bot.feed(bot.u.command(NORTE, LUIS, "/commit Pintar el mural by 2d"))
    card = bot.tg.last(NORTE.id)
    await bot.feed(bot.u.command(NORTE, ANA, "/propose Hacer la feria en marzo"))
    vote = bot.tg.last(NORTE.id)
    data = next(d for row in vote.buttons for _, d in row if d)
    await bot.feed(bot.u.callback(LUIS, bot.tg.message_json(NORTE.id, vote.message_id), data))
    card_json = bot.tg.message_json(NORTE.id, card.message_id)
    await bot.feed(bot.u.command(NORTE, ANA, "/review", reply_to=card_json))
    review = bot.tg.message_json(NORTE.id, bot.tg.last(NORTE.id).message_id)
    await bot.feed(bot.u.message(NORTE, LUIS, "Llovió toda la semana", reply_to=review))
    await bot.feed(
        bot.u.command(NORTE, ANA, "/review close Mirar el clima antes de pintar", reply_to=review)
    )
    return await token_of(bot, NORTE)


async def test_every_new_page_has_a_friendly_empty_state(mini: MiniApp) -> None:
    await seed_group(mini.bot)  # nobody has written yet
    token = await token_of(mini.bot, NORTE)
    for key, expected in (
        ("actors", "Todavía no hay perfiles de actores"),
        ("participation", "Todavía no hay actividad en los últimos 30 días"),
        ("lessons", "Todavía no hay revisiones cerradas"),
        ("downloads", "Los datos del grupo"),
    ):
        page = await mini.get(f"/app/page/{key}?g={token}", ANA)
        assert page.status_code == 200, (key, page.text)
        assert expected in page.text, key
        assert "Vecinos del Barrio Norte" in page.text


async def test_the_tabs_show_downloads_to_coordinators_only(mini: MiniApp) -> None:
    token = await seed_coalition(mini.bot)
    coordinator = (await mini.get(f"/app/page/actors?g={token}", ANA)).text
    member = (await mini.get(f"/app/page/actors?g={token}", LUIS)).text
    for title in ("Mapa de actores", "Participación", "Aprendizajes"):
        assert title in coordinator and title in member
    assert "Descargas" in coordinator and "Descargas" not in member


async def test_strangers_get_403_on_every_page_and_members_on_downloads(mini: MiniApp) -> None:
    token = await seed_coalition(mini.bot)
    for key in PAGES:
        page = await mini.get(f"/app/page/{key}?g={token}", ZOE)
        assert page.status_code == 403 and "Pintar" not in page.text, key
    for key in ("actors", "participation", "lessons"):
        assert (await mini.get(f"/app/page/{key}?g={token}", LUIS)).status_code == 200
    refused = await mini.get(f"/app/page/downloads?g={token}", LUIS)
    assert refused.status_code == 403 and "Solo la coordinación puede hacer eso." in refused.text
    assert (await mini.get(f"/app/page/actors?g={token}")).status_code == 401


async def test_the_actor_map_shows_sectors_gaps_and_resources(mini: MiniApp) -> None:
    token = await seed_coalition(mini.bot)
    for person in (ANA, LUIS):
        html = (await mini.get(f"/app/page/actors?g={token}", person)).text
        assert "4 integrantes" in html and "2 integrantes todavía no tienen perfil" in html
        assert "<b>Academia</b> (1)<div>João</div>" in html
        assert "<b>Comunidad / barrio</b> (1)<div>Luis</div>" in html
        gaps = html[html.index("¿a quién podríamos invitar?") :].split("</ul>")[0]
        assert "Sector público" in gaps and "Movimiento social" in gaps
        assert "Academia" not in gaps and "Otro" not in gaps
        assert "Junta Vecinal, Universidade" in html
        assert "Materiales · Luis" in html and "Un galpón" in html and "Sala de aula" in html


async def test_a_hostile_name_or_offer_is_escaped(mini: MiniApp) -> None:
    await seed_group(mini.bot, LUIS)
    await fill(mini.bot, LUIS, "<b>Junta</b>", "community", "x", "<script>alert(1)</script>")
    token = await token_of(mini.bot, NORTE)
    html = (await mini.get(f"/app/page/actors?g={token}", ANA)).text
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Junta&lt;/b&gt;" in html


async def test_participation_for_a_coordinator_names_everyone_and_the_silent(
    mini: MiniApp,
) -> None:
    token = await seed_coalition(mini.bot)
    html = (await mini.get(f"/app/page/participation?g={token}", ANA)).text
    assert "Gini" in html and "El 20% más activo hizo" in html
    assert "<svg" in html and 'class="chart"' in html and "Participación, últimos 30 días" in html
    assert "Por persona" in html and "<b>Luis</b>" in html and "<b>João</b>" in html
    luis = html[html.index("<b>Luis</b>") :].split("</div></div>")[0]
    assert "🗳 1 · 🤝 1/0" in luis  # his vote, and the commitment he took on
    silent = re.search(r"🤫[^<]*", html)
    assert silent is not None and "Mary" in silent.group(0) and "Luis" not in silent.group(0)
    assert "Por sector" in html and "Academia" in html


async def test_participation_for_a_member_is_the_groups_figures_and_their_own_row(
    mini: MiniApp,
) -> None:
    token = await seed_coalition(mini.bot)
    html = (await mini.get(f"/app/page/participation?g={token}", LUIS)).text
    assert "Gini" in html and "<svg" in html
    mine = html[html.index('id="mine"') :].split("</p>")[0]
    assert "🗳 1 · 🤝 1/0" in mine
    # nobody else's name: the silent are only counted
    assert "João" not in html and "Mary" not in html and "Ana" not in html
    assert "2 integrantes llevan cuatro semanas en silencio" in html
    # the chart: their bar and the average member's, no sectors (a sector of one is a person)
    chart = html[html.index("<svg") : html.index("</svg>")]
    assert ">Tú</text>" in chart and ">Promedio</text>" in chart
    assert "Comunidad / barrio" not in html and "Academia" not in html and "Por persona" not in html


async def test_lessons_show_the_summary_the_subject_and_the_answers(mini: MiniApp) -> None:
    token = await seed_coalition(mini.bot)
    for person in (ANA, LUIS, JOAO):
        html = (await mini.get(f"/app/page/lessons?g={token}", person)).text
        assert "Mirar el clima antes de pintar" in html
        assert "📌 #1 Pintar el mural" in html
        assert "1. ¿Qué nos frenó?" in html and "Luis: Llovió toda la semana" in html
        assert "2. ¿Qué cambiamos?" not in html  # nobody answered it


async def test_the_page_follows_the_persons_language(mini: MiniApp) -> None:
    token = await seed_coalition(mini.bot)
    html = (await mini.get(f"/app/page/actors?g={token}", JOAO)).text  # pt-br, no choice: es
    assert "Mapa de actores" in html
    from tests.updates import private_chat

    await mini.bot.feed(mini.bot.u.command(private_chat(MARY), MARY, "/language en"))
    html = (await mini.get(f"/app/page/lessons?g={token}", MARY)).text
    assert "What got in the way?" in html and "Lessons" in html


# -- downloads -------------------------------------------------------------------------------


async def ask(mini: MiniApp, token: str, kind: str, who: Any) -> httpx.Response:
    return await mini.post(f"/app/download/{kind}?g={token}", {}, who)


async def test_a_coordinator_downloads_the_zip_of_csv_files(mini: MiniApp) -> None:
    token = await seed_coalition(mini.bot)
    page = (await mini.get(f"/app/page/downloads?g={token}", ANA)).text
    assert 'data-download="download/zip?g=' in page and 'data-download="download/json' in page
    answer = await ask(mini, token, "zip", ANA)
    assert answer.status_code == 200, answer.text
    link = answer.json()
    assert link["name"] == "minga-group.zip" and link["url"].startswith("file/")
    got = await mini.client.get(f"/app/{link['url']}")  # no header: a plain link
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "application/zip"
    assert got.headers["content-disposition"] == 'attachment; filename="minga-group.zip"'
    archive = zipfile.ZipFile(io.BytesIO(got.content))
    names = set(archive.namelist())
    for table in ("commitments", "commitment_owners", "votes", "positions", "reviews"):
        assert f"{table}.csv" in names, table
    assert copies.EXPORT_JSON in names
    assert "Pintar el mural" in archive.read("commitments.csv").decode()


async def test_the_json_download_is_the_document_of_export(mini: MiniApp) -> None:
    token = await seed_coalition(mini.bot)
    link = (await ask(mini, token, "json", ANA)).json()
    assert link["name"] == "minga-group.json"
    got = await mini.client.get(f"/app/{link['url']}")
    assert got.status_code == 200 and got.headers["content-type"] == "application/json"
    document = json.loads(got.content)
    assert document["schema"] == copies.EXPORT_SCHEMA and document["group"]["title"]
    tables = document["tables"]
    assert [c["text"] for c in tables["commitments"]] == ["Pintar el mural"]
    assert tables["positions"] and tables["commitment_owners"] and tables["reviews"]
    assert {m["first_name"] for m in tables["members"]} >= {"Ana", "Luis", "João", "Mary"}
    # the same document as in the zip of the same moment
    zipped = await mini.client.get(f"/app/{(await ask(mini, token, 'zip', ANA)).json()['url']}")
    inside = json.loads(zipfile.ZipFile(io.BytesIO(zipped.content)).read(copies.EXPORT_JSON))
    assert inside == document


async def test_members_and_strangers_get_403_and_no_link(mini: MiniApp) -> None:
    token = await seed_coalition(mini.bot)
    for who in (LUIS, ZOE):
        for kind in ("zip", "json"):
            answer = await ask(mini, token, kind, who)
            assert answer.status_code == 403, (who, kind)
            assert "file/" not in answer.text
    assert (await ask(mini, token, "zip", None)).status_code == 401
    assert (await ask(mini, token, "csv", ANA)).status_code == 404
    assert (await mini.get(f"/app/download/zip?g={token}", ANA)).status_code == 405


async def test_a_link_expires_and_cannot_be_forged_or_reused_by_the_demoted(
    mini: MiniApp,
) -> None:
    token = await seed_coalition(mini.bot)
    url = (await ask(mini, token, "zip", ANA)).json()["url"]
    group_id, person_id, kind, until, mac = url.removeprefix("file/").split(".")
    # another person's or another kind's link with Ana's signature opens nothing
    for forged in (
        f"{group_id}.{LUIS.id}.{kind}.{until}.{mac}",
        f"{group_id}.{person_id}.json.{until}.{mac}",
        f"{group_id}.{person_id}.{kind}.{int(until) + 3600}.{mac}",
        "nonsense",
    ):
        refused = await mini.client.get(f"/app/file/{forged}")
        assert refused.status_code == 403, forged
        assert "PK" not in refused.text[:2]
    mini.bot.clock.advance(minutes=6)
    expired = await mini.client.get(f"/app/{url}")
    assert expired.status_code == 403 and "venció" in expired.text
    # a fresh link, then Ana leaves the group: the link no longer opens
    url = (await ask(mini, token, "zip", ANA)).json()["url"]
    mini.bot.tg.set_admins(NORTE.id, (MARY, "creator"))
    await mini.bot.feed(mini.bot.u.chat_member(NORTE, ANA, ANA, "creator", "left"))
    assert (await mini.client.get(f"/app/{url}")).status_code == 403
