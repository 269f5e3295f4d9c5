"""Who is looking, decided on the server for every request: the person from a valid
`initData` (header `X-Telegram-Init-Data`), the group from its signed token (`?g=`), and the
person's role there, checked as the chat commands check it (`core.permissions`: Minga roles
and Telegram admins; a membership for members). A stranger is refused with 403."""

from __future__ import annotations

import logging

from telegram import Chat, User

from bot.core.i18n import N_, Msgid, Translator, normalize_language, translator
from bot.core.permissions import is_coordinator
from bot.core.records import frozen
from bot.core.runtime import Runtime
from bot.dashboard import service
from bot.dashboard.links import bot_token
from bot.dashboard.service import GroupInfo
from bot.dashboard.tokens import read_group_token
from bot.web.miniapp.initdata import InvalidInitData, WebAppUser, validate

log = logging.getLogger(__name__)

INIT_DATA_HEADER = "X-Telegram-Init-Data"

NO_INIT_DATA = N_(
    "Open this page from Telegram: the dashboard button in your group, or /dashboard."
)
NOT_A_GROUP = N_("That group link is not valid. Ask for a new one with /dashboard in the group.")
STRANGER = N_("Only members of this group can see its dashboard.")
COORDINATORS_ONLY = N_("Only coordinators can do that.")


class Refused(Exception):
    """A request refused: its HTTP status and one sentence for the person."""

    def __init__(self, status: int, message: Msgid, tr: Translator | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.tr = status, message, tr


@frozen
class Viewer:
    """A person looking at one group's pages, with what they may see and do."""

    person_id: int
    name: str
    coordinator: bool
    group: GroupInfo
    token: str  # the group's token, for the links of the pages
    tr: Translator


def person(runtime: Runtime, raw: str | None) -> WebAppUser:
    try:
        return validate(raw, bot_token(runtime.settings), runtime.clock.now())
    except InvalidInitData as exc:
        log.info("refused initData: %s", exc)
        raise Refused(401, NO_INIT_DATA) from exc


async def chooser_language(runtime: Runtime, user: WebAppUser) -> Translator:
    """A page about no group: the person's chosen language, else Telegram's, else the default."""
    async with runtime.db() as session:
        chosen = await service.person_language(session, user.id)
    lang = chosen or normalize_language(user.language_code) or runtime.settings.default_language
    return translator(lang)


async def viewer(runtime: Runtime, user: WebAppUser, token: str | None) -> Viewer:
    fallback = translator(
        normalize_language(user.language_code) or runtime.settings.default_language
    )
    group_id = read_group_token(bot_token(runtime.settings), token)
    if group_id is None:
        raise Refused(404, NOT_A_GROUP, fallback)
    async with runtime.db() as session:  # one short read, closed before asking Telegram
        group = await service.active_group(session, group_id)
        seat = await service.seat(session, group_id, user.id) if group else None
    if group is None or seat is None:
        raise Refused(404, NOT_A_GROUP, fallback)
    tr = translator(seat.language or group.language)
    chat = Chat(id=group.chat_id, type=group.type)
    who = User(id=user.id, first_name=user.first_name or "?", is_bot=False)
    coordinator = await is_coordinator(runtime, chat, who)
    if not coordinator and seat.role is None:
        raise Refused(403, STRANGER, tr)
    assert token is not None
    return Viewer(
        person_id=user.id,
        name=user.first_name,
        coordinator=coordinator,
        group=group,
        token=token,
        tr=tr,
    )
