"""Actor profiles, the map of a group, and participation with its inequality figures."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actors.models import (
    RESOURCE_TYPES,
    SECTORS,
    ActivityDay,
    OfferedResource,
    Profile,
    ProfileForm,
)
from bot.commitments.models import DONE as COMMITMENT_DONE
from bot.commitments.models import Commitment, CommitmentOwner
from bot.core.db import as_utc, dialect_insert, insert_for
from bot.core.people import is_offline
from bot.core.said import Said
from bot.core.text import shorten
from bot.groups.models import OBSERVER, Membership, Person
from bot.meetings.service import attendance_counts
from bot.votes.models import Position, Vote

# the form's steps, in order; each can be skipped
STEPS = ("organization", "sector", "expectations", "material", "symbolic", "human")
DONE = "done"
LIMITS = {
    "organization": 200,
    "expectations": 1000,
    "material": 300,
    "symbolic": 300,
    "human": 300,
}
WINDOW = timedelta(days=30)
SILENT_AFTER = timedelta(days=28)


def next_step(step: str) -> str:
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else DONE


def trim(step: str, text: str) -> tuple[str, bool]:
    """(the answer within its limit, whether it had to be cut)."""
    text = text.strip()
    limit = LIMITS[step]
    return shorten(text, limit), len(text) > limit


# -- the form -----------------------------------------------------------------------------


async def form_step(session: AsyncSession, person_id: int) -> str | None:
    form = await session.get(ProfileForm, person_id)
    return form.step if form else None


async def start_form(session: AsyncSession, person_id: int) -> str:
    """Begin the form, or resume it where it was left."""
    await _ensure_profile(session, person_id)
    form = await session.get(ProfileForm, person_id)
    if form is None:
        session.add(ProfileForm(person_id=person_id, step=STEPS[0]))
        await session.flush()
        return STEPS[0]
    return form.step


async def _ensure_profile(session: AsyncSession, person_id: int) -> None:
    stmt = insert_for(session, Profile).values(person_id=person_id)
    await session.execute(stmt.on_conflict_do_nothing(index_elements=[Profile.person_id]))


async def answer(
    session: AsyncSession, person_id: int, step: str, value: str | None, now: datetime
) -> str:
    """Store the answer of `step` (None = skipped) and move on. Returns the next step."""
    await _ensure_profile(session, person_id)
    profile = await session.get(Profile, person_id)
    assert profile is not None
    if step in ("organization", "expectations"):
        setattr(profile, step, value or None)
    elif step == "sector":
        profile.sector = value if value in SECTORS else None
    elif step in RESOURCE_TYPES:
        await session.execute(
            delete(OfferedResource).where(
                OfferedResource.person_id == person_id, OfferedResource.type == step
            )
        )
        if value:
            session.add(OfferedResource(person_id=person_id, type=step, text=value))
    profile.updated_at = now
    following = next_step(step)
    if following == DONE:
        await session.execute(delete(ProfileForm).where(ProfileForm.person_id == person_id))
    else:
        form = await session.get(ProfileForm, person_id)
        if form is None:
            session.add(ProfileForm(person_id=person_id, step=following, updated_at=now))
        else:
            form.step, form.updated_at = following, now
    await session.flush()
    return following


async def delete_profile(session: AsyncSession, person_id: int) -> bool:
    await session.execute(delete(ProfileForm).where(ProfileForm.person_id == person_id))
    result = await session.execute(delete(Profile).where(Profile.person_id == person_id))
    return result.rowcount == 1


@dataclass
class ProfileView:
    organization: str | None
    sector: str | None
    expectations: str | None
    resources: dict[str, str] = field(default_factory=dict)


async def profile_of(session: AsyncSession, person_id: int) -> ProfileView | None:
    profile = await session.get(Profile, person_id)
    if profile is None:
        return None
    rows = await session.execute(
        select(OfferedResource.type, OfferedResource.text).where(
            OfferedResource.person_id == person_id
        )
    )
    return ProfileView(
        profile.organization, profile.sector, profile.expectations, dict(rows.tuples().all())
    )


# -- the map of a group -------------------------------------------------------------------


@dataclass
class ActorMap:
    members: int
    per_sector: dict[str, list[Person]]
    without_profile: int
    organizations: list[str]
    resources: dict[str, list[tuple[Person, str]]]
    expectations: list[tuple[Person, str]]

    @property
    def gaps(self) -> list[str]:
        return [s for s in SECTORS if s != "other" and not self.per_sector.get(s)]


async def actor_map(session: AsyncSession, group_id: int) -> ActorMap:
    """Four queries, whatever the size of the group."""
    rows = (
        await session.execute(
            select(Person, Profile)
            .join(Membership, Membership.person_id == Person.id)
            .outerjoin(Profile, Profile.person_id == Person.id)
            .where(Membership.group_id == group_id, Membership.left_at.is_(None))
            .order_by(Person.first_name, Person.id)
        )
    ).tuples()
    per_sector: dict[str, list[Person]] = defaultdict(list)
    organizations: dict[str, str] = {}
    expectations: list[tuple[Person, str]] = []
    members = without = 0
    people: dict[int, Person] = {}
    for person, profile in rows:
        members += 1
        people[person.id] = person
        if profile is None or not (profile.sector or profile.organization or profile.expectations):
            without += 1
        if profile is None:
            continue
        if profile.sector:
            per_sector[profile.sector].append(person)
        if profile.organization:
            organizations.setdefault(profile.organization.casefold(), profile.organization)
        if profile.expectations:
            expectations.append((person, profile.expectations))
    resources: dict[str, list[tuple[Person, str]]] = defaultdict(list)
    if people:
        offered = await session.execute(
            select(OfferedResource.person_id, OfferedResource.type, OfferedResource.text)
            .where(OfferedResource.person_id.in_(list(people)))
            .order_by(OfferedResource.id)
        )
        for person_id, kind, text in offered.tuples():
            resources[kind].append((people[person_id], text))
    return ActorMap(
        members=members,
        per_sector=dict(per_sector),
        without_profile=without,
        organizations=sorted(organizations.values(), key=str.casefold),
        resources=dict(resources),
        expectations=expectations,
    )


async def new_actors(session: AsyncSession, group_id: int, since: datetime) -> int:
    """Members of the group whose profile was created since `since` (for the digest)."""
    return await session.scalar(
        select(func.count())
        .select_from(Profile)
        .join(Membership, Membership.person_id == Profile.person_id)
        .where(
            Membership.group_id == group_id,
            Membership.left_at.is_(None),
            Profile.created_at >= since,
        )
    )


# -- activity and participation -----------------------------------------------------------


async def count_messages(session: AsyncSession, said: Sequence[Said], now: datetime) -> None:
    """The groups feature's message hook: one more message today for each (no text kept), in
    one statement whatever their number (a batch of chatter: bot.core.chatter)."""
    counts = Counter((s.group_id, s.person_id) for s in said)
    if not counts:
        return
    day = now.date()
    rows = [
        {"group_id": group_id, "person_id": person_id, "day": day, "messages": n}
        for (group_id, person_id), n in counts.items()
    ]
    await session.execute(_count_for(session.get_bind().dialect.name), rows)


@cache
def _count_for(dialect: str) -> Any:
    # built once, run with a list of rows (one executemany): a statement with the rows in it
    # would be compiled anew for every batch
    table = ActivityDay.__table__
    stmt = dialect_insert(dialect, table)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.group_id, table.c.person_id, table.c.day],
        set_={"messages": table.c.messages + stmt.excluded.messages},
    )


def gini(values: Sequence[float]) -> float:
    """0 when everyone does the same, towards 1 when one does everything."""
    values = sorted(v for v in values if v >= 0)
    n, total = len(values), sum(values)
    if n == 0 or total == 0:
        return 0.0
    weighted = sum((2 * i - n - 1) * v for i, v in enumerate(values, 1))
    return weighted / (n * total)


def top_share(values: Sequence[float], fraction: float = 0.2) -> float:
    """The share of all activity done by the most active `fraction` of members (at least one)."""
    ordered = sorted(values, reverse=True)
    total = sum(ordered)
    if not ordered or total == 0:
        return 0.0
    top = max(1, round(len(ordered) * fraction))
    return sum(ordered[:top]) / total


def reading(share: float, gini_value: float, members: int) -> str:
    """A key for the one-line reading of the figures: even | uneven | very_uneven | few."""
    if members < 3:
        return "few"
    if gini_value >= 0.6 or share >= 0.7:
        return "very_uneven"
    if gini_value >= 0.35 or share >= 0.45:
        return "uneven"
    return "even"


async def votes_cast(session: AsyncSession, group_id: int, since: datetime) -> dict[int, int]:
    """Votes in which each member holds a position, among the group's votes opened since."""
    rows = await session.execute(
        select(Position.person_id, func.count())
        .join(Vote, Vote.id == Position.vote_id)
        .where(Vote.group_id == group_id, Vote.opened_at >= since, Position.choices != 0)
        .group_by(Position.person_id)
    )
    return dict(rows.tuples().all())


async def commitments_counts(
    session: AsyncSession, group_id: int, since: datetime
) -> tuple[dict[int, int], dict[int, int]]:
    """(commitments each member took on since, commitments of theirs done since): only those
    they accepted — one they were only asked to take is not theirs."""
    taken = dict(
        (
            await session.execute(
                select(CommitmentOwner.person_id, func.count())
                .join(Commitment, Commitment.id == CommitmentOwner.commitment_id)
                .where(
                    Commitment.group_id == group_id,
                    Commitment.created_at >= since,
                    CommitmentOwner.accepted_at.is_not(None),
                )
                .group_by(CommitmentOwner.person_id)
            )
        )
        .tuples()
        .all()
    )
    done = dict(
        (
            await session.execute(
                select(CommitmentOwner.person_id, func.count())
                .join(Commitment, Commitment.id == CommitmentOwner.commitment_id)
                .where(
                    Commitment.group_id == group_id,
                    Commitment.status == COMMITMENT_DONE,
                    Commitment.done_at >= since,
                    CommitmentOwner.accepted_at.is_not(None),
                )
                .group_by(CommitmentOwner.person_id)
            )
        )
        .tuples()
        .all()
    )
    return taken, done


METRICS = ("messages", "votes", "commitments_taken", "commitments_done", "meetings")


@dataclass
class Participation:
    rows: list[tuple[Person, str | None, Counter[str]]]  # person, sector, metrics
    silent: list[Person]

    def activity(self) -> list[int]:
        return [sum(metrics.values()) for _, _, metrics in self.rows]

    def per_sector(self) -> dict[str | None, Counter[str]]:
        result: dict[str | None, Counter[str]] = defaultdict(Counter)
        for _, sector, metrics in self.rows:
            result[sector].update(metrics)
        return dict(result)


async def participation(session: AsyncSession, group_id: int, now: datetime) -> Participation:
    since = now - WINDOW
    members = (
        (
            await session.execute(
                select(Person, Profile.sector, Membership.joined_at, Membership.role)
                .join(Membership, Membership.person_id == Person.id)
                .outerjoin(Profile, Profile.person_id == Person.id)
                .where(Membership.group_id == group_id, Membership.left_at.is_(None))
                .order_by(Person.first_name, Person.id)
            )
        )
        .tuples()
        .all()
    )
    messages = dict(
        (
            await session.execute(
                select(ActivityDay.person_id, func.sum(ActivityDay.messages))
                .where(ActivityDay.group_id == group_id, ActivityDay.day >= since.date())
                .group_by(ActivityDay.person_id)
            )
        )
        .tuples()
        .all()
    )
    last_spoke = dict(
        (
            await session.execute(
                select(ActivityDay.person_id, func.max(ActivityDay.day))
                .where(ActivityDay.group_id == group_id)
                .group_by(ActivityDay.person_id)
            )
        )
        .tuples()
        .all()
    )
    meetings = await attendance_counts(session, group_id, since)
    votes = await votes_cast(session, group_id, since)
    taken, done = await commitments_counts(session, group_id, since)
    rows = []
    silent = []
    quiet_since = (now - SILENT_AFTER).date()
    for person, sector, joined_at, role in members:
        metrics: Counter[str] = Counter()
        metrics["messages"] = int(messages.get(person.id) or 0)
        metrics["meetings"] = meetings.get(person.id, 0)
        metrics["votes"] = votes.get(person.id, 0)
        metrics["commitments_taken"] = taken.get(person.id, 0)
        metrics["commitments_done"] = done.get(person.id, 0)
        rows.append((person, sector, metrics))
        spoke = last_spoke.get(person.id)
        joined = as_utc(joined_at) or now
        # an observer follows without taking part: never among the silent to invite in
        observes = role == OBSERVER or is_offline(person.id)  # or has no Telegram
        if (spoke is None or spoke < quiet_since) and joined <= now - SILENT_AFTER and not observes:
            silent.append(person)
    return Participation(rows=rows, silent=silent)
