"""The buttons of ranked and score polls: a tap adds an option to the member's order (↺ starts
it over), or gives an option a score. The answer is a toast only the member sees; the vote
message is refreshed like any vote's (`delivery`)."""

from __future__ import annotations

from bot.core.errors import DomainError
from bot.core.messenger import Messenger
from bot.core.turn import Turn, handler
from bot.groups.models import OBSERVER
from bot.votes import ballot_casts, ballot_render, delivery
from bot.votes.callbacks import Rank, Score, StartOver
from bot.votes.handlers import OBSERVERS_DO_NOT_VOTE, pressed_in_group


def _refresh_soon(turn: Turn, ballot: ballot_casts.Ballot, vote_id: int) -> None:
    if not ballot.changed:
        return
    application, runtime = turn.context.application, turn.runtime

    async def refresh_soon(_messenger: Messenger) -> None:
        delivery.schedule_refresh(application, runtime, vote_id, ballot.rendered_at)

    turn.then(refresh_soon)


def _voter(turn: Turn) -> None:
    if turn.identity.role == OBSERVER:
        raise DomainError(OBSERVERS_DO_NOT_VOTE)


@handler()
async def rank(turn: Turn) -> None:
    pressed, person_id = pressed_in_group(turn, Rank)
    _voter(turn)
    ballot = await ballot_casts.rank(
        turn.session,
        turn.group_id,
        pressed.vote,
        person_id,
        pressed.option,
        turn.now,
        turn.update.update_id,
    )
    turn.toast(
        ballot_render.ranked_toast(
            turn.tr, ballot.options, pressed.option, ballot.choices, ballot.changed
        )
    )
    _refresh_soon(turn, ballot, pressed.vote)


@handler()
async def start_over(turn: Turn) -> None:
    pressed, person_id = pressed_in_group(turn, StartOver)
    _voter(turn)
    ballot = await ballot_casts.start_over(
        turn.session, turn.group_id, pressed.vote, person_id, turn.now
    )
    turn.toast(ballot_render.start_over_toast(turn.tr, ballot.changed))
    _refresh_soon(turn, ballot, pressed.vote)


@handler()
async def score(turn: Turn) -> None:
    pressed, person_id = pressed_in_group(turn, Score)
    _voter(turn)
    ballot = await ballot_casts.score(
        turn.session,
        turn.group_id,
        pressed.vote,
        person_id,
        pressed.option,
        pressed.score,
        turn.now,
        turn.update.update_id,
    )
    turn.toast(
        ballot_render.score_toast(
            turn.tr,
            ballot.options,
            pressed.option,
            ballot.choices,
            ballot.changed,
            asked=pressed.score == -1,
        )
    )
    _refresh_soon(turn, ballot, pressed.vote)
