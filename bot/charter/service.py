"""The charter's rules: versions, acceptance, pending members, pins and welcomes."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import BigInteger, DateTime, exists, func, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.charter import publication
from bot.charter.models import CharterAcceptance, CharterVersion, Welcome
from bot.core.db import insert_for
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.records import frozen
from bot.groups.models import Group, Membership, Person
from bot.groups.roles import accepting
from bot.votes import rules

SECTIONS = ("goals", "schedule", "methods")
MAX_SECTION = 3000  # characters: a section always fits in one message with its heading
MAX_RULE = 500
MAX_RULES = 30
WELCOME_DELAY = timedelta(seconds=10)  # newcomers this close together share one welcome

REJOIN_AFTER = timedelta(hours=1)

RULE_ADDED = "rule_added"
RULE_REMOVED = "rule_removed"


async def current(session: AsyncSession, group_id: int) -> CharterVersion | None:
    return await session.scalar(
        select(CharterVersion)
        .where(CharterVersion.group_id == group_id)
        .order_by(CharterVersion.number.desc())
        .limit(1)
    )


def _clean(text: str, limit: int, example: str) -> str:
    text = text.strip()
    if not text:
        raise DomainError(
            N_("Write the text after the command, for example: {example}"), example=example
        )
    if len(text) > limit:
        raise DomainError(
            N_("That is {length} characters; the most is {limit}. Please shorten it."),
            length=len(text),
            limit=limit,
        )
    return text


async def amend(
    session: AsyncSession,
    group_id: int,
    author_id: int | None,
    change: str,
    value: str,
    *,
    by_vote: bool = False,
) -> CharterVersion:
    """A new version: the last one with one change, to be shown in the chat (the board's
    outbox). `change` is a section name, `rule_added` (value: the rule) or `rule_removed`
    (value: its number, from 1)."""
    last = await current(session, group_id)
    rules = list(last.rules) if last else []
    version = CharterVersion(
        group_id=group_id,
        number=(last.number + 1) if last else 1,
        goals=last.goals if last else "",
        schedule=last.schedule if last else "",
        rules=rules,
        methods=last.methods if last else "",
        change=change,
        author_id=author_id,
        by_vote=by_vote,
    )
    if change in SECTIONS:
        text = _clean(value, MAX_SECTION, f"/rules {change} …")
        setattr(version, change, text)
        version.change_detail = text
    elif change == RULE_ADDED:
        if len(rules) >= MAX_RULES:
            raise DomainError(
                N_("The charter already has {limit} rules. Remove one first: /rules remove 3"),
                limit=MAX_RULES,
            )
        text = _clean(value, MAX_RULE, "/rules add Respetamos los turnos para hablar")
        version.rules = [*rules, text]
        version.change_detail = text
    elif change == RULE_REMOVED:
        number = _rule_number(value, len(rules))
        version.change_detail = rules[number - 1]
        version.rules = rules[: number - 1] + rules[number:]
    else:  # pragma: no cover - the handlers only pass the changes above
        raise ValueError(change)
    try:
        async with session.begin_nested():
            session.add(version)
            await session.flush()
    except IntegrityError as exc:  # another coordinator's change won the same number
        raise DomainError(
            N_("Someone changed the rules at the same moment. Look at /rules and try again.")
        ) from exc
    await publication.mark_due(session, group_id, version.number)
    return version


def _rule_number(value: str, count: int) -> int:
    try:
        number = int(value.strip().lstrip("#"))
    except ValueError:
        number = 0
    if count == 0:
        raise DomainError(N_("There are no rules to remove yet. Add one: /rules add …"))
    if count == 1 and number != 1:
        raise DomainError(
            N_("There is no rule {value}; there is only rule 1: /rules remove 1"),
            value=value.strip() or "?",
        )
    if not 1 <= number <= count:
        raise DomainError(
            N_(
                "There is no rule {value}. Choose a number from 1 to {count}: /rules remove {count}"
            ),
            value=value.strip() or "?",
            count=count,
        )
    return number


@frozen
class Acceptance:
    status: str  # accepted | already | outdated | unknown
    version: CharterVersion | None  # the version accepted, or the current one when outdated


async def accept(
    session: AsyncSession, group_id: int, version_id: int, person_id: int
) -> Acceptance:
    version = await session.get(CharterVersion, version_id)
    if version is None or version.group_id != group_id:
        return Acceptance("unknown", None)
    latest = await current(session, group_id)
    if latest is not None and latest.id != version.id:
        return Acceptance("outdated", latest)
    stmt = insert_for(session, CharterAcceptance).values(version_id=version_id, person_id=person_id)
    result = await session.execute(
        stmt.on_conflict_do_nothing(
            index_elements=[CharterAcceptance.version_id, CharterAcceptance.person_id]
        )
    )
    return Acceptance("accepted" if result.rowcount == 1 else "already", version)


async def accepted_count(session: AsyncSession, version_id: int) -> int:
    return await session.scalar(
        select(func.count())
        .select_from(CharterAcceptance)
        .join(Membership, Membership.person_id == CharterAcceptance.person_id)
        .join(CharterVersion, CharterVersion.id == CharterAcceptance.version_id)
        .where(
            CharterAcceptance.version_id == version_id,
            Membership.group_id == CharterVersion.group_id,
            Membership.left_at.is_(None),
            accepting(),
        )
    )


async def member_count(session: AsyncSession, group_id: int) -> int:
    return await session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.group_id == group_id, Membership.left_at.is_(None), accepting())
    )


async def pending_members(session: AsyncSession, group_id: int) -> list[Person]:
    """Members who have not accepted the current version (all members if there is none);
    observers and members without Telegram are not asked."""
    latest = await current(session, group_id)
    query = (
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.group_id == group_id, Membership.left_at.is_(None), accepting())
        .order_by(Person.first_name, Person.id)
    )
    if latest is not None:
        accepted = exists().where(
            CharterAcceptance.version_id == latest.id, CharterAcceptance.person_id == Person.id
        )
        query = query.where(~accepted)
    return list(await session.scalars(query))


async def history(
    session: AsyncSession, group_id: int, limit: int = 15
) -> list[tuple[CharterVersion, Person | None]]:
    rows = await session.execute(
        select(CharterVersion, Person)
        .outerjoin(Person, Person.id == CharterVersion.author_id)
        .where(CharterVersion.group_id == group_id)
        .order_by(CharterVersion.number.desc())
        .limit(limit)
    )
    return [(version, person) for version, person in rows.tuples()]


async def person(session: AsyncSession, person_id: int | None) -> Person | None:
    return None if person_id is None else await session.get(Person, person_id)


# -- welcomes -----------------------------------------------------------------------------


async def queue_welcome(
    session: AsyncSession, group_id: int, person_ids: list[int], now: datetime
) -> bool:
    """Newcomers wait for a welcome, if the group has a charter to show them: True if one
    of them is waiting anew (one statement each: the charter is asked in the insert)."""
    queued = False
    has_charter = exists().where(CharterVersion.group_id == group_id)
    for person_id in person_ids:
        row = select(
            literal(group_id, BigInteger),
            literal(person_id, BigInteger),
            literal(now, DateTime(timezone=True)),
        ).where(has_charter)
        stmt = insert_for(session, Welcome).from_select(
            [Welcome.group_id, Welcome.person_id, Welcome.joined_at], row
        )
        result = await session.execute(
            stmt.on_conflict_do_update(
                index_elements=[Welcome.group_id, Welcome.person_id],
                set_={"joined_at": now, "welcomed_at": None},
                # Telegram may tell of one arrival twice (chat_member and a service message):
                # only a return after a while is a new arrival
                where=Welcome.joined_at < now - REJOIN_AFTER,
            )
        )
        queued = queued or result.rowcount == 1
    return queued


async def groups_with_due_welcomes(session: AsyncSession, now: datetime) -> list[int]:
    rows = await session.scalars(
        select(Welcome.group_id)
        .join(Group, Group.id == Welcome.group_id)
        .where(
            Welcome.welcomed_at.is_(None),
            Welcome.joined_at <= now - WELCOME_DELAY,
            Group.active.is_(True),
        )
        .distinct()
    )
    return list(rows)


async def claim_welcomes(session: AsyncSession, group_id: int, now: datetime) -> list[Person]:
    """Take every newcomer of the group still waiting: exactly one process gets each (on
    PostgreSQL rows another replica is taking are skipped, not waited for: SKIP LOCKED)."""
    waiting = (
        select(Welcome.id)
        .where(Welcome.group_id == group_id, Welcome.welcomed_at.is_(None))
        .with_for_update(skip_locked=True)
    )
    claimed = await session.scalars(
        update(Welcome)
        .where(Welcome.id.in_(waiting), Welcome.welcomed_at.is_(None))
        .values(welcomed_at=now)
        .returning(Welcome.person_id)
    )
    ids = list(claimed)
    if not ids:
        return []
    people = await session.scalars(select(Person).where(Person.id.in_(ids)).order_by(Person.id))
    return list(people)


async def release_welcomes(
    session: AsyncSession, group_id: int, person_ids: list[int], claimed_at: datetime
) -> None:
    """The welcome claimed at `claimed_at` did not go out: they wait for a later tick."""
    await session.execute(
        update(Welcome)
        .where(
            Welcome.group_id == group_id,
            Welcome.person_id.in_(person_ids),
            Welcome.welcomed_at == claimed_at,
        )
        .values(welcomed_at=None)
    )


# -- changes by vote (/rules propose) ----------------------------------------------------------

AMENDMENT_SECTIONS = {**{s: s for s in SECTIONS}, "add": RULE_ADDED}
AMENDMENT_EXAMPLE = N_("/rules propose add Respetamos los turnos para hablar closes 48h")


@frozen
class NewAmendment:
    section: str  # a charter section or `rule_added`
    text: str
    tail: rules.Tail  # the vote's options: closes …, quorum …


def amendment_from(section: str, text: str, replied: str = "", *, language: str) -> NewAmendment:
    """`/rules propose <section> <text> [closes …] [quorum N%]`: what is proposed, checked, its
    options read in English and the group's `language`. Sent as a reply without a text, the
    replied message's text is the proposed text."""
    change = AMENDMENT_SECTIONS.get(section.lower())
    tail = rules.read_tail(text, language)
    body = tail.text.strip() or replied.strip()
    if change is None or not body:
        raise DomainError(
            N_(
                "Say which part to change (goals, schedule, methods, or add for a new rule) "
                "and the new text. Example: {example}"
            ),
            example=AMENDMENT_EXAMPLE,
        )
    return NewAmendment(change, body, tail)


async def amend_by_vote(
    session: AsyncSession, group_id: int, author_id: int | None, change: str, value: str
) -> int | None:
    """A passed proposal's change as a new version (author: the proposer): its number, or None
    when it cannot be made any more (e.g. the rules are full), which leaves the charter as is."""
    try:
        async with session.begin_nested():
            version = await amend(session, group_id, author_id, change, value, by_vote=True)
    except DomainError:
        return None
    return version.number
