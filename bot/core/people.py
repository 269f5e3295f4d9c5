"""People as every feature needs them: who is a person, their name and mention, whether a
membership means they are in the chat, and the plain value a service stores of them.

Plain values and functions of Telegram's objects (read by attribute, never imported at run
time), so services, renderers and handlers may all use it.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from bot.core.i18n import N_, speaking
from bot.core.records import frozen

if TYPE_CHECKING:
    from telegram import ChatMember, User

# what a person erased by /forgetme is called
FORMER_MEMBER = N_("a former member")

# Telegram's "Group" user that signs messages of anonymous administrators
ANONYMOUS_ADMIN_ID = 1087968824

# Telegram allows names of 64 characters; a fake or future client may send longer ones, which
# are cut here, where people are read from Telegram's objects, and again wherever one is shown
NAME_LIMIT = 64

# ChatMember statuses (telegram.constants.ChatMemberStatus values)
OWNER, ADMINISTRATOR, MEMBER, RESTRICTED = "creator", "administrator", "member", "restricted"
ADMINS = frozenset({OWNER, ADMINISTRATOR})
PRESENT = ADMINS | {MEMBER, RESTRICTED}


@frozen
class PersonInfo:
    """What is stored of a Telegram person."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


def is_person(user: User | None) -> bool:
    """A human: not a bot, not the signature of an anonymous administrator."""
    return user is not None and not user.is_bot and user.id != ANONYMOUS_ADMIN_ID


def trim(name: str, limit: int = NAME_LIMIT) -> str:
    """A name as Minga keeps it: at most `limit` characters."""
    return name if len(name) <= limit else name[:limit]


def person_info(user: User) -> PersonInfo:
    return _stored(user.id, user.first_name, user.last_name, user.username, user.language_code)


def person_from_json(data: Any) -> PersonInfo | None:
    """`person_info` of a User as Telegram's JSON has it (bot.core.chatter reads plain messages
    without PTB's parsing), when it is a person (`is_person`) and well formed; else None."""
    if type(data) is not dict:
        return None
    user_id, first, is_bot = data.get("id"), data.get("first_name"), data.get("is_bot")
    if type(user_id) is not int or type(first) is not str or is_bot is not False:
        return None
    rest = data.get("last_name"), data.get("username"), data.get("language_code")
    if user_id == ANONYMOUS_ADMIN_ID or any(v is not None and type(v) is not str for v in rest):
        return None
    return _stored(user_id, first, *rest)


def _stored(
    user_id: int,
    first_name: str,
    last_name: str | None,
    username: str | None,
    language_code: str | None,
) -> PersonInfo:
    return PersonInfo(
        id=user_id,
        first_name=trim(first_name),
        last_name=trim(last_name) if last_name else None,
        username=trim(username, 32) if username else None,
        language_code=trim(language_code, 16) if language_code else None,
    )


def is_present(member: ChatMember) -> bool:
    """In the chat: a member, an admin, or restricted but still a member."""
    if member.status == RESTRICTED:
        return bool(getattr(member, "is_member", True))
    return member.status in PRESENT


def person_name(first_name: str, last_name: str | None = None) -> str:
    """The person's name, cut to 64 characters; a tombstone's (no name: bot.privacy.erasure)
    is "a former member"."""
    if not first_name and not last_name:
        return speaking().gettext(FORMER_MEMBER)
    first = trim(first_name)
    return f"{first} {trim(last_name)}" if last_name else first


def is_offline(person_id: int) -> bool:
    """A member without Telegram (`/member add "Doña Rosa"`): persons' ids below zero, which
    no Telegram user has."""
    return person_id < 0


def mention(user_id: int, first_name: str, last_name: str | None = None) -> str:
    """A link to the person that notifies them, as HTML (the name escaped); a member without
    Telegram and a tombstone (ids below zero) are only named."""
    name = escape(person_name(first_name, last_name))
    if is_offline(user_id):
        return name
    return f'<a href="tg://user?id={user_id}">{name}</a>'
