"""Telegram updates of the privacy feature: /mydata, /forgetme (and its button), /export,
/privacy; and the tick's retention work."""

from __future__ import annotations

import logging
import tempfile

from bot.core.i18n import translator
from bot.core.messenger import Messenger
from bot.core.people import is_person
from bot.core.scheduler import Tick, run_once
from bot.core.turn import Turn, handler
from bot.privacy import copies, erasure, render, service
from bot.privacy.callbacks import Forget

log = logging.getLogger(__name__)


@handler()
async def privacy(turn: Turn) -> None:
    turn.reply(render.privacy(turn.tr))


@handler()
async def mydata(turn: Turn) -> None:
    if not turn.is_private or not is_person(turn.user):
        turn.reply(render.private_only(turn.tr, "/mydata"))
        return
    assert turn.user is not None
    data = await copies.person_copy(turn.session, turn.user.id, turn.now)
    chat_id, caption = turn.chat.id, render.mydata_caption(turn.tr, copies.SCHEMA_VERSION)

    async def send(messenger: Messenger) -> None:
        await messenger.send_document(chat_id, data, "minga-mydata.zip", caption=caption)

    turn.then(send)


@handler()
async def forgetme(turn: Turn) -> None:
    if not turn.is_private or not is_person(turn.user):
        turn.reply(render.private_only(turn.tr, "/forgetme"))
        return
    assert turn.user is not None
    since = await service.first_seen(turn.session, turn.user.id)
    turn.reply(*render.forget_question(turn.tr, since))


@handler()
async def forget_button(turn: Turn) -> None:
    pressed = turn.pressed(Forget)
    assert turn.user is not None
    if not turn.is_private or pressed.since != await service.first_seen(turn.session, turn.user.id):
        # pressed after the erasure, or forged: the account's registration by this very
        # press is undone, so that a second click does not bring the person back
        await service.drop_fresh(turn.session, turn.user.id, turn.now)
        turn.toast(turn.tr.gettext("This was done already."))
        return
    if not pressed.yes:
        turn.edit(render.kept(turn.tr))
        return
    label = render.former(translator(turn.runtime.settings.default_language))
    done = await erasure.erase(turn.session, turn.user.id, turn.now, label=label)
    turn.edit(render.forgotten(turn.tr))
    if done is None:
        return
    log.info("person erased; tombstone %s", done.tombstone_id)
    for note in done.groups:
        if note.chat_id and note.active and (note.unassigned or note.no_coordinator):
            tr = translator(note.language)
            example = note.orphaned[0] if note.orphaned else None
            turn.send(
                note.chat_id, render.group_note(tr, note.orphaned, note.no_coordinator, example)
            )


@handler(coordinator=True, groups_only=True)
async def export(turn: Turn) -> None:
    user = turn.user
    if not is_person(user) or not await service.can_write_privately(turn.session, user.id):
        turn.reply(render.export_needs_private(turn.tr))
        return
    with tempfile.TemporaryFile() as out:
        await copies.group_export(turn.session, turn.group_id, turn.now, out)
        data = copies.export_bytes(out)
    title = await service.group_title(turn.session, turn.group_id)
    caption = render.export_caption(turn.tr, title, copies.SCHEMA_VERSION)
    person_id = user.id

    async def send(messenger: Messenger) -> None:
        await messenger.send_document(person_id, data, "minga-group.zip", caption=caption)

    turn.then(send)
    turn.reply(render.export_sent(turn.tr))


# -- retention, in the tick ---------------------------------------------------------------


async def retention(tick: Tick) -> None:
    """Groups removed more than 90 days ago are deleted (a notice in the log), and
    bookkeeping past its use is pruned, once a day."""
    runtime = tick.runtime
    async with runtime.db() as session:
        expired = await service.expired_groups(session, tick.now)
    for group in expired:

        async def work(group_id: int = group.id) -> bool:
            async with runtime.db() as session:
                return await service.delete_group(session, group_id, tick.now)

        ran, deleted = await run_once(tick, f"privacy:retention:{group.id}", work)
        if ran and deleted:
            log.warning(
                "deleted group %s (chat %s, %r): the bot left it on %s, over %s days ago",
                group.id,
                group.chat_id,
                group.title,
                group.left_at.isoformat(),
                service.GROUP_RETENTION.days,
            )

    async def prune() -> int:
        async with runtime.db() as session:
            return await service.prune(session, tick.now)

    ran, pruned = await run_once(tick, f"privacy:prune:{tick.now.date().isoformat()}", prune)
    if ran and pruned:
        log.info("pruned %s bookkeeping rows", pruned)
