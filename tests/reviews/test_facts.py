"""A subject's facts: typed in the code, stored as JSON in the shape the first reviews wrote."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.reviews.facts import (
    CommitmentFacts,
    MeetingFacts,
    VoteFacts,
    Why,
    from_json,
    to_json,
)
from bot.reviews.models import ReviewSubject
from tests.conftest import JOAO, LUIS, MARY, Bot, seed_group
from tests.reviews.test_reviews import NOW, reviews

DUE = NOW - timedelta(days=9)
HELD = NOW - timedelta(days=3)
CLOSED = NOW - timedelta(days=2)

# rows as the first reviews stored them: facts were dicts, read by key
OLD_ROWS = [
    ("commitment:1:overdue", "commitment", 1, {
        "number": 1, "text": "Pintar el mural", "owners": ["Luis"], "due_at": DUE.isoformat(),
        "days_late": 9, "status": "open", "reason": None, "why": "overdue",
    }),
    ("commitment:2:dropped", "commitment", 2, {
        "number": 2, "text": "Feria de trueque", "owners": ["Luis"], "due_at": None,
        "days_late": 0, "status": "dropped", "reason": "no hay permiso", "why": "dropped",
    }),
    ("meeting:3:attendance", "meeting", 3, {
        "title": "Asamblea", "starts_at": HELD.isoformat(), "yes": 4, "came": 1,
        "absent": ["Luis", "João", "Mary"], "why": "attendance",
    }),
    ("vote:4:quorum", "vote", 4, {
        "question": "¿Dónde?", "closed_at": CLOSED.isoformat(), "voters": 1, "members": 3,
        "missing": ["Ana", "Mary"], "why": "quorum",
    }),
]  # fmt: skip

TYPED = [
    CommitmentFacts(1, "Pintar el mural", ("Luis",), DUE, 9, "open", None, Why.OVERDUE),
    CommitmentFacts(2, "Feria de trueque", ("Luis",), None, 0, "dropped", "no hay permiso",
                    Why.DROPPED),
    MeetingFacts("Asamblea", HELD, 4, 1, ("Luis", "João", "Mary"), Why.ATTENDANCE),
    VoteFacts("¿Dónde?", CLOSED, 1, 3, ("Ana", "Mary"), Why.QUORUM),
]  # fmt: skip


async def test_rows_stored_in_the_first_shape_still_load(bot: Bot) -> None:
    group_id = await seed_group(bot, LUIS, JOAO, MARY)
    async with bot.db() as session:
        for trigger, kind, subject_id, facts in OLD_ROWS:
            session.add(
                ReviewSubject(
                    group_id=group_id,
                    trigger=trigger,
                    subject_kind=kind,
                    subject_id=subject_id,
                    facts=facts,
                    found_at=NOW,
                )
            )
    stored = await bot.scalars(select(ReviewSubject).order_by(ReviewSubject.id))
    assert [s.details for s in stored] == TYPED
    assert [to_json(s.details) for s in stored] == [facts for *_, facts in OLD_ROWS]

    await bot.tick(NOW)
    [posted] = reviews(bot)
    assert "📌 #1 Pintar el mural — Luis. Vencía " in posted.text
    assert "9 días de atraso." in posted.text
    # a drop with a reason found before such drops were left alone: forgotten, not posted
    assert "Feria de trueque" not in posted.text
    assert (
        "de las 4 personas que dijeron que sí, vino 1. No vinieron: Luis, João, Mary."
        in posted.text
    )
    assert "🗳 ¿Dónde? — cerró" in posted.text and "votó 1 de 3" in posted.text
    assert "No votaron: Ana, Mary." in posted.text
    assert [row[0][0] for row in posted.buttons] == [
        "🔁 Replanificar #1",
        "🔁 Nueva fecha para Asamblea",
        "🔁 Votar de nuevo: ¿Dónde?",
    ]


def test_facts_round_trip_through_json() -> None:
    for facts in TYPED:
        assert from_json(facts.kind, to_json(facts)) == facts


def test_keys_read_with_a_default_may_be_missing() -> None:
    moment = datetime(2031, 5, 1, 18, tzinfo=UTC)
    assert from_json(
        "commitment", {"number": 3, "text": "Cortar el pasto", "owners": ["Ana"]}
    ) == CommitmentFacts(3, "Cortar el pasto", ("Ana",), None, 0, "", None, Why.OVERDUE)
    assert from_json(
        "meeting", {"title": "Asamblea", "starts_at": moment.isoformat(), "yes": 2, "came": 0}
    ) == MeetingFacts("Asamblea", moment, 2, 0, (), Why.ATTENDANCE)
    assert from_json("vote", {"question": "¿Cuándo?", "voters": 0, "members": 2}) == VoteFacts(
        "¿Cuándo?", None, 0, 2, (), Why.QUORUM
    )
