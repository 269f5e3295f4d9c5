"""What other features may ask of groups from their handlers: whom a command is about;
`START_LINES`, the hook by which the features above add their lines to a private /start; and
`MEMBERS_JOINED`, by which they hear of newcomers in the turn that registers them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import MessageEntity, User

from bot.core.errors import DomainError
from bot.core.hooks import Hook
from bot.core.i18n import N_
from bot.core.people import PersonInfo, is_person, person_info
from bot.core.turn import Turn
from bot.groups import service

# (turn of a private /start) -> lines for the person, in turn.tr's language (may be none)
START_LINES: Hook[Callable[[Turn], Awaitable[list[str]]]] = Hook("groups.start_lines")
# (turn of a membership update, the people who have just joined its group): called in the
# turn's own transaction, after their memberships are written (the charter queues welcomes)
MEMBERS_JOINED: Hook[Callable[[Turn, list[int]], Awaitable[None]]] = Hook("groups.members_joined")


async def register_person(turn: Turn, user: User) -> int:
    """Register (or refresh) `user` as a person; their id."""
    await service.upsert_person(turn.session, person_info(user), turn.now)
    return user.id


async def target_person(turn: Turn, usage: str) -> PersonInfo:
    """Whom a command is about: the author of the replied message, or the first one named
    (@username of someone seen before, or a mention of someone without a username).
    `usage` is the error (an N_() message with an example) when there is nobody."""
    message = turn.message
    assert message is not None
    replied = turn.replied
    if replied is not None and replied.sender_chat is None:
        user = replied.from_user
        if user is not None and is_person(user):
            await register_person(turn, user)
            return person_info(user)
    for entity in message.entities:
        if entity.type == MessageEntity.TEXT_MENTION and is_person(entity.user):
            assert entity.user is not None
            await register_person(turn, entity.user)
            return person_info(entity.user)
        if entity.type == MessageEntity.MENTION:
            username = message.parse_entity(entity)
            known = await service.find_person_by_username(turn.session, username)
            if known is None:
                raise DomainError(
                    N_(
                        "I don't know {username} yet. Ask them to write in the group, then "
                        "reply to one of their messages with the command."
                    ),
                    username=username,
                )
            return PersonInfo(id=known.id, first_name=known.first_name, last_name=known.last_name)
    raise DomainError(usage)
