"""Groups, people and memberships: registration on sight, roles. A group's settings (language,
time zone, quiet hours) are `settings.py`.

Plain async functions of an `AsyncSession` and plain values; nothing here knows Telegram.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ColumnElement, DateTime, bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.claims import Claim
from bot.core.db import insert_for
from bot.core.i18n import normalize_language
from bot.core.people import PersonInfo
from bot.core.records import frozen
from bot.groups.models import COORDINATOR, MEMBER, Group, Membership, Person
from bot.groups.settings import first_timezone


@frozen
class ChatInfo:
    chat_id: int
    type: str
    title: str | None


@frozen
class GroupSettings:
    id: int
    language: str
    timezone: str
    active: bool


async def upsert_group(
    session: AsyncSession, chat: ChatInfo, language: str, timezone: str
) -> GroupSettings:
    """Register the group, or refresh its title; a group that speaks to us is active."""
    stmt = insert_for(session, Group).values(
        chat_id=chat.chat_id,
        title=chat.title,
        type=chat.type,
        language=language,
        timezone=timezone,
        active=True,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[Group.chat_id],
        set_={
            "title": chat.title,
            "type": chat.type,
            "active": True,
            "left_at": None,
            "not_found": 0,
        },
    ).returning(Group.id, Group.language, Group.timezone, Group.active)
    row = (await session.execute(stmt)).one()
    return GroupSettings(id=row.id, language=row.language, timezone=row.timezone, active=True)


_MOVE_LOCKS = 0x4D4D4F56  # "MMOV": the advisory-lock key space of basic groups' moves
_HOLD_MOVE = text("SELECT pg_advisory_xact_lock(:space, hashtext(:chat_id))")


async def _hold_move(session: AsyncSession, chat_id: int) -> None:
    """A basic group's registration and its move to a supergroup, one at a time (PostgreSQL;
    SQLite's `BEGIN IMMEDIATE` does it already). A registration under way during the move
    waited on the group's row, then made a second row for the old chat id — which the next
    "migrated" answer took the moved group for a young duplicate of, and deleted it with its
    history (seen in bench/faults.py)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(_HOLD_MOVE, {"space": _MOVE_LOCKS, "chat_id": str(chat_id)})


async def _moved(session: AsyncSession, chat: ChatInfo) -> GroupSettings | None:
    """The supergroup a basic group became, for an update still sent from the old chat (it
    was sent before the change): its members' actions belong to the group as it is now."""
    await _hold_move(session, chat.chat_id)
    row = (
        await session.execute(
            select(Group.id, Group.language, Group.timezone).where(
                Group.migrated_from == chat.chat_id
            )
        )
    ).one_or_none()
    if row is None:
        return None
    return GroupSettings(id=row.id, language=row.language, timezone=row.timezone, active=True)


# Upserts as text, the same on SQLite and PostgreSQL: SQLAlchemy 2.0 cannot cache a dialect
# INSERT … ON CONFLICT and would compile it anew for every newcomer (see votes.positions)
_PERSON_UPSERT = (
    "INSERT INTO persons (id, first_name, last_name, username, language_code, "
    "has_private_chat, created_at, updated_at) VALUES (:id, :first_name, :last_name, "
    ":username, :language_code, :has_private_chat, :now, :now) ON CONFLICT (id) DO UPDATE SET "
    "first_name = excluded.first_name, last_name = excluded.last_name, "
    "username = excluded.username, language_code = excluded.language_code, "
    "updated_at = excluded.updated_at{private} RETURNING language"
)
_NOW = bindparam("now", type_=DateTime(timezone=True))
_UPSERT_PERSON = {
    private: text(
        _PERSON_UPSERT.format(
            private=", has_private_chat = excluded.has_private_chat" if private else ""
        )
    ).bindparams(_NOW, bindparam("has_private_chat", type_=Boolean()))
    for private in (False, True)
}


async def upsert_person(
    session: AsyncSession, person: PersonInfo, now: datetime, *, private: bool = False
) -> str | None:
    """Register or refresh a person; returns their chosen language, if any. `private`: they
    wrote to the bot in private (/start, a deep link...), so it may write to them there."""
    result = await session.execute(
        _UPSERT_PERSON[private],
        {
            "id": person.id,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "username": person.username,
            "language_code": person.language_code,
            "has_private_chat": private,
            "now": now,
        },
    )
    return result.scalar_one()


async def set_private_chat(session: AsyncSession, person_id: int, value: bool = True) -> None:
    """Whether the bot may write to the person in private: set by any update of theirs in a
    private chat (see `register`), cleared when a private message finds the bot blocked."""
    await session.execute(
        update(Person)
        .where(Person.id == person_id, Person.has_private_chat.is_not(value))
        .values(has_private_chat=value)
    )


_UPSERT_MEMBERSHIP = text(
    "INSERT INTO memberships (group_id, person_id, role, joined_at) "
    f"VALUES (:group_id, :person_id, '{MEMBER}', :now) "
    "ON CONFLICT (group_id, person_id) DO UPDATE SET left_at = NULL, "
    "joined_at = excluded.joined_at WHERE memberships.left_at IS NOT NULL"
).bindparams(_NOW)


async def upsert_membership(
    session: AsyncSession, group_id: int, person_id: int, now: datetime
) -> None:
    """The person is in the group (again, if they had left)."""
    await session.execute(
        _UPSERT_MEMBERSHIP, {"group_id": group_id, "person_id": person_id, "now": now}
    )


async def register(
    session: AsyncSession,
    chat: ChatInfo,
    person: PersonInfo | None,
    *,
    default_language: str,
    default_timezone: str,
    now: datetime,
    member: bool = True,
    claim: Claim | None = None,
) -> tuple[GroupSettings | None, str | None, str | None]:
    """Everything seen in one update: (the group's settings, the person's chosen language,
    their role in the group). With `claim`, the update's claim is this transaction's first
    statement, or rides on its first read (`claims.Claim.first`)."""
    group: GroupSettings | None = None  # registered already and unchanged
    chosen: str | None = None
    person_known = False  # registered already and unchanged
    if person is not None and chat.type in ("group", "supergroup"):
        seen = await _known(session, chat, person, claim)
        if seen.all is not None:
            return seen.all
        group, person_known, chosen = seen.group, seen.person, seen.chosen
    elif claim is not None:
        await claim.make(session)
    private = chat.type == "private"
    if person is not None and not person_known:
        chosen = await upsert_person(session, person, now, private=private)
    if chat.type not in ("group", "supergroup"):
        return None, chosen, None
    if group is None and chat.type == "group":
        group = await _moved(session, chat)
    if group is None:
        # a new group starts in the language of the first person we meet there, and on the
        # time of the place that language most likely means (a Portuguese speaker: São Paulo)
        language = normalize_language(person.language_code if person else None) or default_language
        timezone = first_timezone(language, default_timezone)
        group = await upsert_group(session, chat, language, timezone)
    role = None
    if person is not None and member:
        await upsert_membership(session, group.id, person.id, now)
        role = await session.scalar(
            select(Membership.role).where(
                Membership.group_id == group.id, Membership.person_id == person.id
            )
        )
    return group, chosen, role


# Built once: this runs on every update, and a statement built per call costs more Python than
# the query costs SQLite (construction, cache key, ORM result handling). Core columns only.
_GROUP, _PERSON, _MEMBERSHIP = Group.__table__.c, Person.__table__.c, Membership.__table__.c
_KNOWN = (
    select(
        _GROUP.id,
        _GROUP.language,
        _GROUP.timezone,
        _GROUP.title,
        _GROUP.type,
        _GROUP.active,
        _GROUP.left_at.label("group_left_at"),
        _GROUP.not_found,
        _PERSON.id.label("person_id"),
        _PERSON.first_name,
        _PERSON.last_name,
        _PERSON.username,
        _PERSON.language_code,
        _PERSON.language.label("chosen"),
        _MEMBERSHIP.id.label("membership_id"),
        _MEMBERSHIP.left_at,
        _MEMBERSHIP.role,
    )
    .select_from(
        Group.__table__.outerjoin(Person.__table__, _PERSON.id == bindparam("person_id")).outerjoin(
            Membership.__table__,
            (_MEMBERSHIP.group_id == _GROUP.id) & (_MEMBERSHIP.person_id == _PERSON.id),
        )
    )
    .where(_GROUP.chat_id == bindparam("chat_id"))
)


@frozen
class _Seen:
    """What `_KNOWN` found registered already and unchanged."""

    # the group, the person and the membership all: `register`'s answer, with no write
    all: tuple[GroupSettings, str | None, str | None] | None = None
    # the group as an upsert would leave it (title, type, active, not given up on)
    group: GroupSettings | None = None
    person: bool = False  # the person as an upsert would leave them (but for `updated_at`)
    chosen: str | None = None  # then their chosen language


async def _known(
    session: AsyncSession, chat: ChatInfo, person: PersonInfo, claim: Claim | None = None
) -> _Seen:
    """The common case in one read and no write: a group, a person and a membership all
    registered already and unchanged (`all`). Else what of them needs no write: the group's
    and the person's rows that an upsert would leave as they are (a newcomer in a known
    group: the person and the membership are written, not the group). Every update passes
    here: writing the group's row each time would make concurrent updates of one group
    queue on its row lock."""
    params = {"person_id": person.id, "chat_id": chat.chat_id}
    if claim is not None:
        row = await claim.first(session, _KNOWN, params)
    else:
        row = (await session.execute(_KNOWN, params)).first()
    if row is None:
        return _Seen()
    group_same = row.active and (row.title, row.type) == (chat.title, chat.type)
    person_same = row.person_id is not None and (
        row.first_name,
        row.last_name,
        row.username,
        row.language_code,
    ) == (person.first_name, person.last_name, person.username, person.language_code)
    group = GroupSettings(id=row.id, language=row.language, timezone=row.timezone, active=True)
    if group_same and person_same and row.membership_id is not None and row.left_at is None:
        return _Seen(all=(group, row.chosen, row.role))
    return _Seen(
        group=group if group_same and row.group_left_at is None and not row.not_found else None,
        person=person_same,
        chosen=row.chosen if person_same else None,
    )


async def member_left(session: AsyncSession, chat_id: int, person_id: int, now: datetime) -> None:
    group_id = select(Group.id).where(Group.chat_id == chat_id).scalar_subquery()
    await session.execute(
        update(Membership)
        .where(
            Membership.group_id == group_id,
            Membership.person_id == person_id,
            Membership.left_at.is_(None),
        )
        .values(left_at=now)
    )


async def deactivate(session: AsyncSession, chat_id: int, now: datetime) -> bool:
    """The bot was removed: nothing more is sent there. True if it was active."""
    result = await session.execute(
        update(Group)
        .where(Group.chat_id == chat_id, Group.active.is_(True))
        .values(active=False, left_at=now)
    )
    return result.rowcount == 1


async def migrate(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> bool:
    """A group became a supergroup: its data follows it to the new chat id.

    If the new chat was registered in the seconds before the migration notice arrived, that
    young duplicate is dropped so the group's history stays whole.
    """
    if old_chat_id == new_chat_id:
        return False
    await _hold_move(session, old_chat_id)
    old = await session.scalar(select(Group).where(Group.chat_id == old_chat_id))
    if old is None:
        return False  # moved already (updates sent before the move are registered to it)
    young = await session.scalar(select(Group).where(Group.chat_id == new_chat_id))
    if young is not None:
        await session.delete(young)
        await session.flush()
    old.chat_id = new_chat_id
    old.migrated_from = old_chat_id
    old.type = "supergroup"
    await session.flush()
    return True


async def find_person_by_username(session: AsyncSession, username: str) -> Person | None:
    name = username.lstrip("@").lower()
    return await session.scalar(
        select(Person)
        .where(func.lower(Person.username) == name)
        .order_by(Person.updated_at.desc())
        .limit(1)
    )


async def set_role(
    session: AsyncSession, group_id: int, person_id: int, role: str, now: datetime
) -> bool:
    """Give `role` to a member (registering the membership if needed). True if it changed."""
    await upsert_membership(session, group_id, person_id, now)
    result = await session.execute(
        update(Membership)
        .where(
            Membership.group_id == group_id,
            Membership.person_id == person_id,
            Membership.role != role,
        )
        .values(role=role)
    )
    return result.rowcount == 1


def has_coordinator_role(chat_id: int, user_id: int) -> ColumnElement[bool]:
    """The condition that the user has the coordinator role in the chat's group (for
    `core.permissions`, which reads it with the cached admin list in one statement)."""
    return (
        select(Membership.id)
        .join(Group, Group.id == Membership.group_id)
        .where(
            Group.chat_id == chat_id,
            Membership.person_id == user_id,
            Membership.role == COORDINATOR,
            Membership.left_at.is_(None),
        )
        .exists()
    )


async def coordinators(session: AsyncSession, group_id: int) -> list[Person]:
    result = await session.scalars(
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.group_id == group_id,
            Membership.role == COORDINATOR,
            Membership.left_at.is_(None),
        )
        .order_by(Person.first_name, Person.id)
    )
    return list(result)


async def groups_of(session: AsyncSession, person_id: int) -> list[str]:
    """The titles of the active groups the person is still in, by title."""
    rows = await session.scalars(
        select(Group.title)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.person_id == person_id, Membership.left_at.is_(None), Group.active)
        .order_by(Group.title, Group.id)
    )
    return [title or "" for title in rows]
