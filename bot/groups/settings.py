"""A group's settings and a person's language: language, time zone (and the common zones a new
group is offered), quiet hours. Plain async functions of an `AsyncSession`."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import DomainError
from bot.core.i18n import N_, normalize_language
from bot.core.quiet import QuietHours
from bot.core.records import frozen
from bot.groups.models import Group, Person

TIMEZONE_EXAMPLE = "America/Bogota"


@frozen
class CommonZone:
    key: str  # what its button carries
    zone: str  # the IANA time zone
    city: str  # as people name it


# The zones a new group is offered, by its language. Spanish and English groups start on
# DEFAULT_TIMEZONE, Portuguese ones on São Paulo's (`first_timezone`).
_SPANISH = (
    CommonZone("ba", "America/Argentina/Buenos_Aires", "Buenos Aires"),
    CommonZone("scl", "America/Santiago", "Santiago"),
    CommonZone("bog", "America/Bogota", "Bogotá / Lima"),
    CommonZone("mex", "America/Mexico_City", "Ciudad de México"),
    CommonZone("gua", "America/Guatemala", "Guatemala"),
    CommonZone("lpb", "America/La_Paz", "La Paz"),
)
_PORTUGUESE = (
    CommonZone("sao", "America/Sao_Paulo", "São Paulo"),
    CommonZone("mao", "America/Manaus", "Manaus"),
)
COMMON_ZONES = {"es": _SPANISH, "pt_BR": _PORTUGUESE, "en": _SPANISH + _PORTUGUESE}


def first_timezone(language: str, default: str) -> str:
    """The time zone a new group starts on: São Paulo's for Portuguese, else `default`."""
    return "America/Sao_Paulo" if language == "pt_BR" else default


async def get_group(session: AsyncSession, group_id: int) -> Group:
    group = await session.get(Group, group_id)
    assert group is not None
    return group


async def set_group_language(session: AsyncSession, group_id: int, raw: str) -> str:
    lang = parse_language(raw)
    group = await get_group(session, group_id)
    group.language = lang
    return lang


async def set_person_language(session: AsyncSession, person_id: int, raw: str) -> str:
    lang = parse_language(raw)
    await session.execute(update(Person).where(Person.id == person_id).values(language=lang))
    return lang


def parse_language(raw: str) -> str:
    lang = normalize_language(_language_aliases().get(raw.strip().lower(), raw))
    if lang is None:
        raise DomainError(
            N_("I don't know the language “{value}”. Use es, pt or en, for example: /language pt"),
            value=raw,
        )
    return lang


def _language_aliases() -> dict[str, str]:
    return {
        "español": "es",
        "espanol": "es",
        "spanish": "es",
        "castellano": "es",
        "português": "pt",
        "portugues": "pt",
        "portuguese": "pt",
        "english": "en",
        "inglés": "en",
        "ingles": "en",
        "inglês": "en",
    }


@cache
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def parse_timezone(raw: str) -> str:
    name = _zones().get(raw.strip().lower())
    if name is not None:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
        else:
            return name
    raise DomainError(
        N_("I don't know the time zone “{value}”. Use a name like this: /timezone {example}"),
        value=raw,
        example=TIMEZONE_EXAMPLE,
    )


async def set_group_timezone(session: AsyncSession, group_id: int, raw: str) -> str:
    zone = parse_timezone(raw)
    group = await get_group(session, group_id)
    group.timezone = zone
    return zone


async def quiet_hours(session: AsyncSession, group_id: int) -> tuple[QuietHours | None, str]:
    """The group's quiet hours (None if it has none) and its time zone."""
    row = (
        await session.execute(
            select(Group.quiet_start, Group.quiet_end, Group.timezone).where(Group.id == group_id)
        )
    ).one()
    return QuietHours.of(row.quiet_start, row.quiet_end), row.timezone


async def set_quiet_hours(session: AsyncSession, group_id: int, quiet: QuietHours | None) -> None:
    await session.execute(
        update(Group)
        .where(Group.id == group_id)
        .values(quiet_start=quiet.start if quiet else None, quiet_end=quiet.end if quiet else None)
    )
