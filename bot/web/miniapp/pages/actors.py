"""The actor map: who is at the table by sector, the sectors nobody comes from (the same gaps
as `/actors`), the organizations, and the resources members offer. Every member sees it, as
every member sees `/actors` in the chat."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.actors import service
from bot.actors.labels import RESOURCE_TYPES, SECTOR_LABELS
from bot.actors.render import resource_names, sector_names
from bot.core.people import person_name

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.groups.models import Person
    from bot.web.miniapp.access import Viewer


def _name(person: Person) -> str:
    return person_name(person.first_name, person.last_name)


async def load(session: AsyncSession, viewer: Viewer, now: datetime) -> dict[str, Any]:
    tr = viewer.tr
    found = await service.actor_map(session, viewer.group.id)
    names, kinds = sector_names(tr), resource_names(tr)
    sectors = [
        {"name": names[key], "people": [_name(p) for p in people]}
        for key in SECTOR_LABELS
        if (people := found.per_sector.get(key))
    ]
    resources = [
        {"kind": kinds[kind], "who": _name(person), "text": text}
        for kind in RESOURCE_TYPES
        for person, text in found.resources.get(kind, [])
    ]
    profiled = found.members - found.without_profile
    return {
        "has_data": bool(profiled or resources),
        "empty": tr.gettext(
            "No actor profiles yet. Each member fills theirs in a private chat with me: "
            "/profile. Then this map shows who is at the table and who is missing."
        ),
        "members": tr.ngettext("{n} member", "{n} members", found.members),
        "sectors_title": tr.gettext("Sectors"),
        "sectors": sectors,
        "gaps_title": tr.gettext("Nobody from these sectors — who could we invite?"),
        "gaps": [names[g] for g in found.gaps],
        "no_gaps": tr.gettext("Every sector has someone at the table."),
        "without_profile": tr.ngettext(
            "{n} member has no profile yet: /profile",
            "{n} members have no profile yet: /profile",
            found.without_profile,
        )
        if found.without_profile
        else "",
        "organizations_title": tr.gettext("Organizations"),
        "organizations": found.organizations,
        "resources_title": tr.gettext("Resources offered"),
        "resources": resources,
        "no_resources": tr.gettext("Nobody has offered resources yet."),
    }
