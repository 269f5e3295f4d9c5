"""Every example the bot gives reaches the reader in their language, and typed back as it is
(with a real member's @username), does what it says."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.charter.service import AMENDMENT_EXAMPLE
from bot.commitments.grammar import COMMIT_EXAMPLE, DUE_EXAMPLE
from bot.commitments.models import Commitment, CommitmentResource
from bot.core.i18n import N_, translator
from bot.meetings.models import Meeting, MeetingSlot
from bot.meetings.service import SLOT_EXAMPLES, USAGE_EXAMPLE
from bot.votes.models import Vote
from bot.votes.rules import CLOSES_EXAMPLE, POLL_EXAMPLE, PROPOSAL_EXAMPLE
from tests.conftest import ANA, LUIS, NORTE, Bot, seed_group

LANGUAGES = {"es": "es", "pt": "pt_BR", "en": "en"}
# the closing word each language's examples teach
CLOSING_WORD = {"es": "cierra", "pt": "encerra", "en": "closes"}


async def count(bot: Bot, model: type) -> int:
    return await bot.scalar(select(func.count()).select_from(model))


async def typed(bot: Bot, text: str) -> str:
    await bot.feed(bot.u.command(NORTE, ANA, text.replace("@ana", "@luis_o")))
    return bot.tg.last(NORTE.id).text


@pytest.mark.parametrize("language", list(LANGUAGES))
async def test_the_examples_are_in_the_readers_language_and_work(bot: Bot, language: str) -> None:
    await seed_group(bot, LUIS, language=language)
    tr = translator(LANGUAGES[language])
    examples = [tr.gettext(m) for m in (COMMIT_EXAMPLE, POLL_EXAMPLE, PROPOSAL_EXAMPLE)]
    if language != "es":  # no Spanish example reaches a Portuguese or English reader
        assert all(tr.gettext(m) != m for m in (COMMIT_EXAMPLE, DUE_EXAMPLE, USAGE_EXAMPLE))
    assert tr.gettext(CLOSES_EXAMPLE).startswith(CLOSING_WORD[language])
    for example in examples[1:]:
        assert f" {CLOSING_WORD[language]} 48h" in example

    answer = await typed(bot, examples[0])
    commitment = await bot.scalar(select(Commitment))
    assert commitment is not None and commitment.due_at is not None, answer
    resource = await bot.scalar(select(CommitmentResource))
    assert resource is not None and resource.quantity == 500, answer

    await typed(bot, examples[1])
    await typed(bot, examples[2])
    closing = [v.closes_at - v.opened_at for v in await bot.scalars(select(Vote))]
    assert len(closing) == 2 and all(c.total_seconds() == 48 * 3600 for c in closing), closing

    answer = await typed(bot, tr.gettext(USAGE_EXAMPLE))
    assert await count(bot, Meeting) == 1, answer
    assert await count(bot, MeetingSlot) == 2, answer

    number = commitment.number
    answer = await typed(
        bot, tr.gettext(N_("/commitment {number} due viernes 18:00"), number=number)
    )
    assert await count(bot, Commitment) == 1, answer
    assert "18:00" in answer or "18h" in answer, answer


@pytest.mark.parametrize("language", list(LANGUAGES))
async def test_each_slot_example_is_read(bot: Bot, language: str) -> None:
    await seed_group(bot, LUIS, language=language)
    tr = translator(LANGUAGES[language])
    slots = tr.gettext(SLOT_EXAMPLES).split(" · ")
    answer = await typed(bot, "/meeting Asamblea | " + " | ".join(slots))
    assert await count(bot, MeetingSlot) == len(slots) == 3, answer


@pytest.mark.parametrize("language", list(LANGUAGES))
async def test_the_amendment_example_opens_a_vote(bot: Bot, language: str) -> None:
    await seed_group(bot, LUIS, language=language)
    tr = translator(LANGUAGES[language])
    answer = await typed(bot, tr.gettext(AMENDMENT_EXAMPLE))
    vote = await bot.scalar(select(Vote))
    assert vote is not None, answer
    assert (vote.closes_at - vote.opened_at).total_seconds() == 48 * 3600
