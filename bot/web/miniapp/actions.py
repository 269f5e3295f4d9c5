"""Coordinators' actions from the Mini App: mark a commitment done, give it a new due date.

They go through the same services as the chat (`commitments.changes`: a conditional UPDATE,
so a double click changes it once; `check_can_change` again on the server) and are
announced in the group the way `/commitment <n> due` is: the commitment's card, through the
outbox, stored in the action's transaction and sent after its commit — with one line above
it naming who changed it from the dashboard. Pure of HTTP: `run` takes the form's fields."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

from bot.commitments import changes, render, service, views
from bot.commitments.grammar import read_due
from bot.commitments.handlers import CARD_SENT
from bot.commitments.models import Commitment
from bot.core import outbox
from bot.core.errors import DomainError
from bot.core.i18n import N_, translator
from bot.core.moments import Local
from bot.core.people import mention
from bot.core.timeparse import UnsureTime

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.web.miniapp.access import Viewer

DUE_EXAMPLE = N_("friday 18:00")
NO_NUMBER = N_("Choose a commitment on the page.")
TWO_READINGS = N_(
    "That date can be read two ways. Write the day and the time, like this: {example}"
)

Result = tuple[str, list[outbox.Outgoing]]  # the notice, and what the group is told
Action = Callable[["AsyncSession", "Viewer", dict[str, str], datetime], Awaitable[Result]]


async def _commitment(session: AsyncSession, viewer: Viewer, form: dict[str, str]) -> Commitment:
    raw = form.get("number", "").strip().lstrip("#")
    if not raw.isdigit() or len(raw) > 9:
        raise DomainError(NO_NUMBER)
    found = await service.by_number(session, viewer.group.id, int(raw))
    await changes.check_can_change(session, found, viewer.person_id, viewer.coordinator)
    return found


async def _announce(
    session: AsyncSession, viewer: Viewer, found: Commitment, line: str, now: datetime
) -> outbox.Outgoing:
    """The card in the group's language, with `line` (already in it) above."""
    group = viewer.group
    tr = translator(group.language)
    view = await views.load_view(session, found)
    text = line + "\n\n" + render.card_text(tr, view, Local(group.timezone, now))
    markup = outbox.keyboard(render.card_markup(tr, view))
    return outbox.Outgoing(
        group.chat_id, text, markup=markup, after=CARD_SENT, after_args={"commitment_id": found.id}
    )


def _who(viewer: Viewer) -> str:
    return mention(viewer.person_id, viewer.name, None)


async def mark_done(
    session: AsyncSession, viewer: Viewer, form: dict[str, str], now: datetime
) -> Result:
    found = await _commitment(session, viewer, form)
    if not await changes.mark_done(session, found, viewer.person_id, now):
        return viewer.tr.gettext("It was already closed."), []
    line = translator(viewer.group.language).gettext(
        "✅ {name} marked #{number} done (from the dashboard).",
        name=_who(viewer),
        number=found.number,
    )
    notice = viewer.tr.gettext("#{number} is done. The group was told.", number=found.number)
    return notice, [await _announce(session, viewer, found, line, now)]


async def change_due(
    session: AsyncSession, viewer: Viewer, form: dict[str, str], now: datetime
) -> Result:
    found = await _commitment(session, viewer, form)
    example = viewer.tr.gettext(DUE_EXAMPLE)
    try:
        due = read_due(form.get("due", ""), tz=viewer.group.timezone, now=now, example=example)
    except UnsureTime as exc:
        raise DomainError(TWO_READINGS, example=example) from exc
    if not await changes.set_due(session, found, due, viewer.person_id, now):
        return viewer.tr.gettext("#{number} already had that date.", number=found.number), []
    group_tr = translator(viewer.group.language)
    line = group_tr.gettext(
        "🗓 {name} gave #{number} a new due date (from the dashboard).",
        name=_who(viewer),
        number=found.number,
    )
    notice = viewer.tr.gettext(
        "#{number} is now due {moment}. The group was told.",
        number=found.number,
        moment=Local(viewer.group.timezone, now).moment(viewer.tr, due),
    )
    return notice, [await _announce(session, viewer, found, line, now)]


ACTIONS: dict[str, tuple[Action, str]] = {
    # key in the URL: (the action, the page shown again after it)
    "done": (mark_done, "overview"),
    "due": (change_due, "overview"),
}
