"""The public page's rules: publishing it (`/public on|off|index`) and reading what it shows —
the charter's goals, the decision log (date and outcome), the commitments (status, progress,
due date, who is responsible as far as each person allowed) and the totals. Nothing here knows
Telegram or HTML; the web route only calls `page`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import case, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actors.models import Profile
from bot.charter import service as charter
from bot.commitments import service as commitments
from bot.commitments.kinds import ACTIVE, Status
from bot.commitments.models import Commitment
from bot.core.db import as_utc, insert_for
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.people import person_name
from bot.core.records import frozen
from bot.groups.models import Group, Membership, Person
from bot.publicpage import slugs, views
from bot.publicpage.models import PublicPage
from bot.votes.decisions import decisions as decision_log

MAX_DECISIONS = 30
MAX_COMMITMENTS = 60  # with MAX_TEXT, the page stays under 100 KB (a test checks)
MAX_TEXT = 200

EXAMPLE = N_("/public on barrio-norte")
BAD_SLUG = N_("The address must be 3 to 40 lowercase letters, digits or dashes. Example: {example}")
TAKEN = N_("The address “{slug}” is taken by another group. Try another, e.g. {example}")


@frozen
class State:
    slug: str | None
    published: bool
    indexed: bool


async def state(session: AsyncSession, group_id: int) -> State:
    row = await session.get(PublicPage, group_id, populate_existing=True)
    if row is None:
        return State(None, False, False)
    return State(row.slug, row.published_at is not None, row.indexed)


async def _free(session: AsyncSession, slug: str, group_id: int) -> bool:
    owner = await session.scalar(select(PublicPage.group_id).where(PublicPage.slug == slug))
    return owner is None or owner == group_id


async def publish(session: AsyncSession, group_id: int, slug: str | None, now: datetime) -> State:
    """Publish the group's page at `slug` (checked), at its old address, or at one made from
    the group's title."""
    row = await session.get(PublicPage, group_id, populate_existing=True)
    asked = slug is not None
    if slug is not None:
        slug = slug.strip().lower()
        if not slugs.is_valid(slug):
            raise DomainError(BAD_SLUG, example=EXAMPLE)
        if not await _free(session, slug, group_id):
            raise DomainError(TAKEN, slug=slug, example=EXAMPLE)
    elif row is not None:
        slug = row.slug
    else:
        title = await session.scalar(select(Group.title).where(Group.id == group_id))
        slug = slugs.from_title(title)
        while not await _free(session, slug, group_id):
            slug = slugs.from_title(title)
    try:
        async with session.begin_nested():
            if row is None:
                stmt = insert_for(session, PublicPage).values(
                    group_id=group_id, slug=slug, published_at=now, created_at=now, updated_at=now
                )
                made = await session.execute(
                    stmt.on_conflict_do_nothing(index_elements=[PublicPage.group_id])
                )
                if made.rowcount == 1:
                    return await state(session, group_id)
                # another coordinator published it at this very moment: theirs stands, unless
                # an address was asked for
                row = await session.get(PublicPage, group_id, populate_existing=True)
                assert row is not None
                if not asked:
                    slug = row.slug
            row.slug, row.updated_at = slug, now
            if row.published_at is None:
                row.published_at = now
            await session.flush()
    except IntegrityError as exc:  # another group took the address at the same moment
        raise DomainError(TAKEN, slug=slug, example=EXAMPLE) from exc
    return await state(session, group_id)


async def unpublish(session: AsyncSession, group_id: int, now: datetime) -> bool:
    """Take the page down at once; False when it was not published."""
    row = await session.get(PublicPage, group_id, populate_existing=True)
    if row is None or row.published_at is None:
        return False
    row.published_at, row.updated_at = None, now
    await session.flush()
    return True


async def set_indexed(session: AsyncSession, group_id: int, indexed: bool, now: datetime) -> bool:
    """Let search engines list the page, or not (the default); False when it already was so.
    It holds for the next `/public on` too."""
    row = await session.get(PublicPage, group_id, populate_existing=True)
    if row is None:
        raise DomainError(N_("Publish the page first: {example}"), example=EXAMPLE)
    if row.indexed == indexed:
        return False
    row.indexed, row.updated_at = indexed, now
    await session.flush()
    return True


# -- the page -------------------------------------------------------------------------------


@frozen
class Lookup:
    """What `/p/<slug>` finds: the page, or None (never published, or taken down) with the
    language of the group the slug was, if any, for the 404."""

    view: views.PageView | None
    language: str | None


async def page(
    session: AsyncSession, slug: str, now: datetime, member_words: Mapping[str, str]
) -> Lookup:
    """The published page at `slug`. `member_words` ("a member" in each language): the group's
    replaces the names of members who did not say yes wherever the group's words hold them."""
    if not slugs.is_valid(slug):
        return Lookup(None, None)
    found = (
        await session.execute(
            select(PublicPage, Group)
            .join(Group, Group.id == PublicPage.group_id)
            .where(PublicPage.slug == slug)
        )
    ).first()
    if found is None:
        return Lookup(None, None)
    row, group = found
    if row.published_at is None:
        return Lookup(None, group.language)
    member_word = member_words.get(group.language) or next(iter(member_words.values()))
    hidden = await _hidden_names(session, group.id)
    shown = await _commitments(session, group.id, hidden, member_word)
    totals, everything = await _totals(session, group.id)
    version = await charter.current(session, group.id)
    goals = views.scrub(version.goals if version else "", hidden, member_word)
    decided = tuple(
        views.DecisionItem(
            line.number,
            views.scrub(line.question, hidden, member_word)[:MAX_TEXT],
            line.kind,
            line.outcome,
            tuple(views.scrub(w, hidden, member_word) for w in line.winners),
            line.decided_at,
        )
        for line in await decision_log(session, group.id, limit=MAX_DECISIONS)
    )
    return Lookup(
        views.PageView(
            slug=row.slug,
            title=group.title or "",
            language=group.language,
            timezone=group.timezone,
            indexed=row.indexed,
            goals=goals,
            decisions=decided,
            commitments=shown,
            totals=totals,
            more_commitments=max(0, everything - len(shown)),
            now=now,
        ),
        group.language,
    )


async def _hidden_names(session: AsyncSession, group_id: int) -> list[str]:
    """Full names and `@usernames` of the group's people who did not say yes."""
    rows = (
        await session.execute(
            select(Person.first_name, Person.last_name, Person.username)
            .join(Membership, Membership.person_id == Person.id)
            .outerjoin(Profile, Profile.person_id == Person.id)
            .where(Membership.group_id == group_id, Profile.public_name_at.is_(None))
        )
    ).tuples()
    hidden: list[str] = []
    for first, last, username in rows:
        if first or last:
            hidden.append(person_name(first, last))
        if username:
            hidden.append("@" + username)
    return hidden


async def _commitments(
    session: AsyncSession, group_id: int, hidden: list[str], member_word: str
) -> tuple[views.CommitmentItem, ...]:
    """Still to do first (soonest due first), then done (latest first), then dropped."""
    order = case((Commitment.status.in_(ACTIVE), 0), (Commitment.status == Status.DONE, 1), else_=2)
    rows = list(
        await session.scalars(
            select(Commitment)
            .where(Commitment.group_id == group_id)
            .order_by(
                order,
                Commitment.due_at.is_(None),
                Commitment.due_at,
                Commitment.done_at.desc(),
                Commitment.number,
            )
            .limit(MAX_COMMITMENTS)
        )
    )
    owners = await commitments.owners_of(session, [c.id for c in rows])
    people = {o.person.id for found in owners.values() for o in found if o.accepted}
    profiles = {
        p.person_id: p
        for p in await session.scalars(select(Profile).where(Profile.person_id.in_(people)))
    } if people else {}  # fmt: skip
    items = []
    for c in rows:
        shown = []
        for owner in owners[c.id]:
            if not owner.accepted:  # asked, not taken on: not theirs
                continue
            profile = profiles.get(owner.person.id)
            shown.append(
                views.Owner(
                    name=person_name(owner.person.first_name, owner.person.last_name)
                    if owner.person.erased_at is None
                    else "",
                    named=profile is not None and profile.public_name_at is not None,
                    organization=profile.organization if profile else None,
                    sector=profile.sector if profile else None,
                )
            )
        items.append(
            views.CommitmentItem(
                number=c.number,
                text=views.scrub(c.text, hidden, member_word)[:MAX_TEXT],
                status=c.status,
                progress=100 if c.status == Status.DONE else max(0, min(100, c.progress or 0)),
                due_at=as_utc(c.due_at),
                done_at=as_utc(c.done_at),
                responsible=views.responsible(shown),
            )
        )
    return tuple(items)


async def _totals(session: AsyncSession, group_id: int) -> tuple[views.Totals, int]:
    """The totals over every commitment of the group, and how many there are."""
    rows = (
        await session.execute(
            select(Commitment.status, Commitment.due_at, Commitment.done_at).where(
                Commitment.group_id == group_id
            )
        )
    ).all()
    found = [(status, as_utc(due), as_utc(done)) for status, due, done in rows]
    return views.totals(found), len(found)
