"""`/vote`: a coordinator records the position of a member who is not in the chat, replying
to the vote: `/vote @name agree [reason]` (a Telegram member) or `/vote "Doña Rosa" disagree`
(a member without Telegram, added with `/member add`)."""

from __future__ import annotations

from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.messenger import Messenger
from bot.core.people import is_person, mention, person_name
from bot.core.turn import Turn, handler
from bot.groups import offline, roles
from bot.groups.api import target_person
from bot.groups.models import OBSERVER
from bot.votes import delivery, proxies, render, service
from bot.votes.models import Vote

NOT_MEMBER = N_(
    "{name} is not a member of this group. Add a member without Telegram with "
    "/member add “{name}”, or ask them to write in the group first."
)
OBSERVER_NO_VOTE = N_("{name} follows this group as an observer, and observers do not vote.")
WHICH_VOTE = N_("Reply to the vote's message, for example: {example}")
_QUOTES = {'"': '"', "“": "”", "«": "»"}


@handler(coordinator=True, groups_only=True)
async def vote_for(turn: Turn) -> None:
    message = turn.message
    assert message is not None and message.text is not None
    vote = await _the_vote(turn)
    rest = message.text[turn.command_end :].lstrip()
    start = len(message.text) - len(rest)
    if rest[:1] in _QUOTES:  # a member without Telegram, by name
        closing = rest.find(_QUOTES[rest[0]], 1)
        if closing < 0:
            raise DomainError(proxies.USAGE, example=proxies.EXAMPLE)
        name = " ".join(rest[1:closing].split())
        person = await offline.find(turn.session, turn.group_id, name)
        if person is None:
            raise DomainError(NOT_MEMBER, name=name)
        person_id, shown, after = person.id, mention(person.id, person.first_name), closing + 1
        position_text = rest[after:]
    else:
        found = turn.mentions(start)
        if not found or found[0].start != start:
            raise DomainError(proxies.USAGE, example=proxies.EXAMPLE)
        target = await target_person(turn, proxies.USAGE)
        person_id = target.id
        name = person_name(target.first_name, target.last_name)
        shown = mention(target.id, target.first_name, target.last_name)
        position_text = message.text[found[0].end :]
        role = await roles.role_of(turn.session, turn.group_id, person_id)
        if role is None:
            raise DomainError(NOT_MEMBER, name=name)
        if role == OBSERVER:
            raise DomainError(OBSERVER_NO_VOTE, name=name)
    choices, reason = proxies.read_position(vote.kind, vote.options, vote.multi, position_text)
    by = turn.user.id if is_person(turn.user) else None  # type: ignore[union-attr]
    await proxies.record(
        turn.session,
        turn.group_id,
        vote.id,
        person_id,
        name,
        choices,
        reason,
        by or 0,
        turn.now,
        turn.update.update_id,
    )
    turn.reply(render.recorded_reply(turn.tr, shown, vote.kind, list(vote.options), choices))
    application, runtime, vote_id = turn.context.application, turn.runtime, vote.id

    async def refresh_soon(_messenger: Messenger) -> None:
        delivery.schedule_refresh(application, runtime, vote_id, None)

    turn.then(refresh_soon)


async def _the_vote(turn: Turn) -> Vote:
    """The replied vote; without a reply, the group's only open vote."""
    replied = turn.replied
    if replied is not None:
        vote = await service.vote_by_message(turn.session, turn.group_id, replied.message_id)
        if vote is not None:
            return vote
    else:
        open_votes = await service.open_votes(turn.session, turn.group_id)
        if len(open_votes) == 1:
            return open_votes[0]
    raise DomainError(WHICH_VOTE, example=proxies.EXAMPLE)
