""" "Try again" reviews: gather what went wrong, ask, learn, re-plan.

A *subject* is one thing that went wrong (a commitment overdue, dropped or blocked for long; a
meeting few came to; a vote closed without quorum), found once per trigger (`subjects.py`).
Automatic subjects wait until the group's daily review message gathers them; a coordinator's
`/review` posts one at once. Members answer the three questions by replying; a coordinator
closes with a summary. A re-plan is recorded as an attempt; a periodic review covers what was
found in its period.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.db import as_utc, insert_for
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.records import frozen
from bot.groups.models import Group, Person
from bot.reviews.facts import Facts, to_json
from bot.reviews.models import (
    AUTOMATIC,
    DEFAULTS,
    MANUAL,
    PERIODIC,
    Attempt,
    Review,
    ReviewAnswer,
    ReviewSettings,
    ReviewSubject,
    Thresholds,
)
from bot.reviews.settled import forget_settled

DAILY = timedelta(days=1)  # at most one automatic review message per group per day
MAX_SUMMARY = 2000
QUESTION_PREFIX = re.compile(r"^\s*([123])\s*[.):\-]\s*")


# -- settings -----------------------------------------------------------------------------


async def thresholds_of(session: AsyncSession, group_id: int) -> Thresholds:
    found = await session.get(ReviewSettings, group_id, populate_existing=True)
    return found.thresholds() if found is not None else DEFAULTS


# -- reviews ----------------------------------------------------------------------------------


async def groups_waiting(session: AsyncSession) -> list[int]:
    rows = await session.scalars(
        select(ReviewSubject.group_id).where(ReviewSubject.review_id.is_(None)).distinct()
    )
    return list(rows)


async def gather(
    session: AsyncSession, group_id: int, now: datetime
) -> tuple[Review, list[ReviewSubject]] | None:
    """The group's daily automatic review: every waiting subject, unless one went out in the
    last day (but those that are settled, which it forgets). The subjects are claimed with
    one UPDATE, so two processes never both post."""
    last = await session.scalar(
        select(func.max(Review.opened_at)).where(
            Review.group_id == group_id, Review.kind == AUTOMATIC
        )
    )
    if last is not None and as_utc(last) > now - DAILY:
        return None
    await forget_settled(session, group_id)
    review = Review(group_id=group_id, kind=AUTOMATIC, opened_at=now)
    session.add(review)
    await session.flush()
    claimed = list(
        await session.scalars(
            update(ReviewSubject)
            .where(
                ReviewSubject.id.in_(
                    select(ReviewSubject.id)
                    .where(ReviewSubject.group_id == group_id, ReviewSubject.review_id.is_(None))
                    .with_for_update(skip_locked=True)  # PostgreSQL: another replica's, skipped
                ),
                ReviewSubject.review_id.is_(None),
            )
            .values(review_id=review.id)
            .returning(ReviewSubject.id)
        )
    )
    if not claimed:
        await session.delete(review)
        return None
    subjects = list(
        await session.scalars(
            select(ReviewSubject).where(ReviewSubject.id.in_(claimed)).order_by(ReviewSubject.id)
        )
    )
    return review, subjects


async def open_manual(
    session: AsyncSession,
    group_id: int,
    subject_id: int,
    facts: Facts,
    opened_by: int | None,
    now: datetime,
) -> tuple[Review, ReviewSubject]:
    review = Review(group_id=group_id, kind=MANUAL, opened_by=opened_by, opened_at=now)
    session.add(review)
    await session.flush()
    subject = ReviewSubject(
        group_id=group_id,
        review_id=review.id,
        trigger=f"manual:{review.id}",
        subject_kind=facts.kind,
        subject_id=subject_id,
        facts=to_json(facts),
        found_at=now,
    )
    session.add(subject)
    await session.flush()
    return review, subject


async def set_message(
    session: AsyncSession, review_id: int, message_id: int, thread_id: int | None
) -> None:
    await session.execute(
        update(Review)
        .where(Review.id == review_id)
        .values(message_id=message_id, thread_id=thread_id)
    )


async def by_message(session: AsyncSession, group_id: int, message_id: int) -> Review | None:
    return await session.scalar(
        select(Review).where(Review.group_id == group_id, Review.message_id == message_id)
    )


async def by_prompt(session: AsyncSession, group_id: int, message_id: int) -> ReviewSubject | None:
    """The subject whose "what is the new plan?" prompt is `message_id`."""
    return await session.scalar(
        select(ReviewSubject).where(
            ReviewSubject.group_id == group_id, ReviewSubject.prompt_message_id == message_id
        )
    )


async def latest_open(session: AsyncSession, group_id: int) -> Review | None:
    return await session.scalar(
        select(Review)
        .where(
            Review.group_id == group_id, Review.closed_at.is_(None), Review.message_id.is_not(None)
        )
        .order_by(Review.opened_at.desc())
        .limit(1)
    )


async def answer(
    session: AsyncSession, review: Review, person_id: int, text: str, now: datetime
) -> int:
    """Store a member's answer; `1. …`, `2) …`, `3: …` choose the question, else the member's
    next unanswered one (the last one once all three are answered). Returns the question."""
    match = QUESTION_PREFIX.match(text)
    if match:
        question, text = int(match.group(1)), text[match.end() :]
    else:
        answered = set(
            await session.scalars(
                select(ReviewAnswer.question).where(
                    ReviewAnswer.review_id == review.id, ReviewAnswer.person_id == person_id
                )
            )
        )
        question = next((q for q in (1, 2, 3) if q not in answered), 3)
    session.add(
        ReviewAnswer(
            review_id=review.id,
            person_id=person_id,
            question=question,
            text=text.strip()[:2000],
            late=review.closed_at is not None,
            at=now,
        )
    )
    await session.flush()
    return question


async def close(session: AsyncSession, review: Review, summary: str, now: datetime) -> None:
    summary = summary.strip()
    if not summary:
        raise DomainError(
            N_("Close it with what the group learnt: {example}"),
            example=N_("/review close Necesitamos confirmar el lugar dos días antes"),
        )
    if review.closed_at is not None:
        raise DomainError(N_("That review is already closed. See /lessons"))
    result = await session.execute(
        update(Review)
        .where(Review.id == review.id, Review.closed_at.is_(None))
        .values(closed_at=now, summary=summary[:MAX_SUMMARY])
    )
    if result.rowcount != 1:
        raise DomainError(N_("That review is already closed. See /lessons"))


@frozen
class Learnings:
    review: Review
    subjects: list[ReviewSubject]
    answers: dict[int, list[tuple[Person, str, bool]]]  # question → (who, text, late)


async def learnings(session: AsyncSession, review: Review) -> Learnings:
    subjects = list(
        await session.scalars(
            select(ReviewSubject)
            .where(ReviewSubject.review_id == review.id)
            .order_by(ReviewSubject.id)
        )
    )
    answers: dict[int, list[tuple[Person, str, bool]]] = defaultdict(list)
    for question, person, text, late in (
        await session.execute(
            select(ReviewAnswer.question, Person, ReviewAnswer.text, ReviewAnswer.late)
            .join(Person, Person.id == ReviewAnswer.person_id)
            .where(ReviewAnswer.review_id == review.id)
            .order_by(ReviewAnswer.at, ReviewAnswer.id)
        )
    ).tuples():
        answers[question].append((person, text, late))
    return Learnings(review, subjects, dict(answers))


async def closed_reviews(session: AsyncSession, group_id: int, limit: int = 10) -> list[Review]:
    rows = await session.scalars(
        select(Review)
        .where(Review.group_id == group_id, Review.closed_at.is_not(None))
        .order_by(Review.closed_at.desc())
        .limit(limit)
    )
    return list(rows)


async def subject(session: AsyncSession, group_id: int, subject_id: int) -> ReviewSubject | None:
    found = await session.get(ReviewSubject, subject_id)
    return found if found is not None and found.group_id == group_id else None


async def record_attempt(
    session: AsyncSession, kind: str, original_id: int, new_id: int, review_id: int | None
) -> int:
    """Link a re-plan to what it tries again; returns its attempt number (2 for the first)."""
    previous = await session.scalar(
        select(Attempt.attempt).where(Attempt.subject_kind == kind, Attempt.new_id == original_id)
    )
    attempt = (previous or 1) + 1
    session.add(
        Attempt(
            subject_kind=kind,
            original_id=original_id,
            new_id=new_id,
            attempt=attempt,
            review_id=review_id,
        )
    )
    await session.flush()
    return attempt


async def periodic_due(
    session: AsyncSession, now: datetime
) -> list[tuple[int, list[ReviewSubject]]]:
    """Groups whose periodic review is due, with the subjects found in their period."""
    groups = (
        (
            await session.execute(
                select(Group.id, ReviewSettings)
                .outerjoin(ReviewSettings, ReviewSettings.group_id == Group.id)
                .where(Group.active.is_(True))
            )
        )
        .tuples()
        .all()
    )
    due = []
    for group_id, settings in groups:
        every = (settings.thresholds() if settings else DEFAULTS).periodic_days
        if every is None:
            continue
        last = as_utc(settings.last_periodic_at) if settings else None
        if last is None:
            due.append((group_id, []))  # the first period starts now
            continue
        if now - last < timedelta(days=every):
            continue
        since = last
        subjects = list(
            await session.scalars(
                select(ReviewSubject)
                .where(ReviewSubject.group_id == group_id, ReviewSubject.found_at >= since)
                .order_by(ReviewSubject.id)
            )
        )
        due.append((group_id, subjects))
    return due


async def mark_periodic(session: AsyncSession, group_id: int, now: datetime) -> bool:
    """Claim the group's periodic review for now: True for exactly one caller."""
    stmt = insert_for(session, ReviewSettings).values(group_id=group_id)  # DEFAULTS
    await session.execute(stmt.on_conflict_do_nothing(index_elements=[ReviewSettings.group_id]))
    settings = await thresholds_of(session, group_id)
    every = timedelta(days=settings.periodic_days or DEFAULTS.periodic_days)
    result = await session.execute(
        update(ReviewSettings)
        .where(
            ReviewSettings.group_id == group_id,
            (ReviewSettings.last_periodic_at.is_(None))
            | (ReviewSettings.last_periodic_at <= now - every),
        )
        .values(last_periodic_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def open_periodic(session: AsyncSession, group_id: int, now: datetime) -> Review:
    review = Review(group_id=group_id, kind=PERIODIC, opened_at=now)
    session.add(review)
    await session.flush()
    return review


async def counts_between(
    session: AsyncSession, group_ids: list[int], start: datetime, end: datetime
) -> dict[int, tuple[int, int]]:
    """(opened, closed) reviews per group in [start, end), for the digest: one query."""
    opened = and_(Review.opened_at >= start, Review.opened_at < end)
    closed = and_(Review.closed_at >= start, Review.closed_at < end)
    rows = await session.execute(
        select(Review.group_id, func.count().filter(opened), func.count().filter(closed))
        .where(Review.group_id.in_(group_ids), or_(opened, closed))
        .group_by(Review.group_id)
    )
    counts = {g: (o, c) for g, o, c in rows.tuples()}
    return {g: counts.get(g, (0, 0)) for g in group_ids}
