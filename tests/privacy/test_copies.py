"""/mydata and /export: a zip of one JSON document and CSV files, read back."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from sqlalchemy import func, select

from bot.commitments.models import Commitment
from bot.privacy import copies
from tests.conftest import ANA, LUIS, NORTE, Bot, seed_group
from tests.privacy.helpers import FILO, busy_member
from tests.telegram_double import forbidden
from tests.updates import TUser, private_chat


def read_zip(data: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name).decode() for name in archive.namelist()}


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def same_rows(json_rows: list[dict[str, Any]], csv_rows: list[dict[str, str]]) -> None:
    """The CSV says what the JSON says, value by value."""
    assert len(json_rows) == len(csv_rows)
    for one, other in zip(json_rows, csv_rows, strict=True):
        assert {k: str(copies.csv_value(v)) for k, v in one.items()} == other


async def test_mydata_sends_everything_of_the_person_at_once(bot: Bot) -> None:
    await seed_group(bot, LUIS, FILO)
    await busy_member(bot)
    await bot.feed(bot.u.command(private_chat(FILO), FILO, "/mydata"))
    sent = bot.tg.last(FILO.id)
    assert sent.document is not None and sent.document[0] == "minga-mydata.zip"
    assert "versión del esquema 1" in sent.text
    files = read_zip(sent.document[1])
    document = json.loads(files[copies.MYDATA_JSON])
    assert document["schema"] == "minga.mydata" and document["schema_version"] == 1
    assert document["person"]["first_name"] == "Filomena"
    tables = document["tables"]
    assert {
        "memberships",
        "positions",
        "commitment_owners",
        "recognitions",
        "actor_profiles",
    } <= set(tables)
    assert tables["positions"][0]["reason"] == "Yo, Filomena Quispe, pongo la pintura"
    assert tables["actor_profiles"][0]["organization"] == "Comedor de Filomena"
    assert tables["memberships"][0]["role"] == "coordinator"
    # what her rows are about: the vote she took a position in, her commitments, her group
    related = document["related"]
    assert related["votes"][0]["question"] == "Pintar la plaza"
    assert {c["text"] for c in related["commitments"]} >= {"Traer sillas", "Pedir permiso"}
    assert related["groups"][0]["title"] == NORTE.title
    # nobody else's rows: Luis's position is not in her copy
    assert {p["person_id"] for p in tables["positions"]} == {FILO.id}
    for name, rows in tables.items():
        same_rows(rows, read_csv(files[f"{name}.csv"]))
    for name, rows in related.items():
        same_rows(rows, read_csv(files[f"related/{name}.csv"]))
    same_rows([document["person"]], read_csv(files["persons.csv"]))


async def test_mydata_of_someone_the_bot_had_never_seen(bot: Bot) -> None:
    stranger = TUser(555000111, "Rosa", None, "pt-br")
    await bot.feed(bot.u.command(private_chat(stranger), stranger, "/mydata"))
    sent = bot.tg.last(stranger.id)
    document = json.loads(read_zip(sent.document[1])[copies.MYDATA_JSON])
    assert document["person"]["first_name"] == "Rosa"
    assert document["tables"] == {} and "versão do esquema 1" in sent.text


async def test_mydata_in_the_group_says_to_use_the_private_chat(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await bot.feed(bot.u.command(NORTE, LUIS, "/mydata"))
    last = bot.tg.last(NORTE.id)
    assert last.document is None and "chat privado" in last.text
    assert bot.tg.calls_of("sendDocument") == []


async def test_export_is_sent_to_the_coordinator_in_private(bot: Bot) -> None:
    await seed_group(bot, LUIS, FILO)
    await busy_member(bot)
    await bot.feed(bot.u.command(private_chat(ANA), ANA, "/start"))
    await bot.feed(bot.u.command(NORTE, ANA, "/export"))
    assert bot.tg.last(NORTE.id).text == "📦 Te envié los registros del grupo por mensaje privado."
    sent = bot.tg.last(ANA.id)
    assert sent.document is not None and sent.document[0] == "minga-group.zip"
    files = read_zip(sent.document[1])
    document = json.loads(files[copies.EXPORT_JSON])
    assert document["schema"] == "minga.group-export" and document["schema_version"] == 1
    assert document["group"]["title"] == NORTE.title
    tables = document["tables"]
    assert len(tables["commitments"]) == await bot.scalar(
        select(func.count()).select_from(Commitment)
    )
    assert {m["first_name"] for m in tables["members"]} >= {"Ana", "Luis", "Filomena"}
    assert len(tables["positions"]) == 2 and len(tables["decisions"]) == 1
    # reached through their parents: a slot answer through its slot and meeting, etc.
    assert {
        "commitment_history",
        "charter_acceptances",
        "meeting_answers",
        "meeting_minute_tasks",
    } <= set(tables)
    for name, rows in tables.items():
        same_rows(rows, read_csv(files[f"{name}.csv"]))


async def test_export_refused_to_members_and_in_private(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await bot.feed(bot.u.command(private_chat(LUIS), LUIS, "/start"))
    await bot.feed(bot.u.command(NORTE, LUIS, "/export"))
    assert (
        "Solo la coordinación" in bot.tg.last(NORTE.id).text
        or "coordina" in bot.tg.last(NORTE.id).text
    )
    await bot.feed(bot.u.command(private_chat(ANA), ANA, "/export"))
    assert "grupo" in bot.tg.last(ANA.id).text
    assert bot.tg.calls_of("sendDocument") == []


async def test_export_needs_a_private_chat_first(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await bot.feed(bot.u.command(NORTE, ANA, "/export"))
    assert "Todavía no puedo escribirte en privado" in bot.tg.last(NORTE.id).text
    assert bot.tg.calls_of("sendDocument") == []


async def test_export_when_the_coordinator_blocked_the_bot(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await bot.feed(bot.u.command(private_chat(ANA), ANA, "/start"))
    bot.tg.fail_next("sendDocument", forbidden("Forbidden: bot was blocked by the user"))
    await bot.feed(bot.u.command(NORTE, ANA, "/export"))
    assert len(bot.tg.calls_of("sendDocument")) == 1
    assert bot.tg.last(NORTE.id).text.startswith("📦")
