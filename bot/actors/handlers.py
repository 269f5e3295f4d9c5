"""Telegram updates of the actors feature: the profile form, /actors, /participation."""

from __future__ import annotations

from bot.actors import consent, render, service
from bot.actors.callbacks import PublicName, Sector, Skip
from bot.actors.models import SECTORS
from bot.core.callbacks import STALE_BUTTON
from bot.core.errors import DomainError
from bot.core.people import mention
from bot.core.turn import Turn, handler

DELETE = {"delete", "borrar", "eliminar", "apagar", "excluir"}
PUBLIC = {"public", "publico", "público", "publica", "pública"}


@handler()
async def profile(turn: Turn) -> None:
    assert turn.user is not None
    if turn.args and turn.args[0].lower() in DELETE:
        existed = await service.delete_profile(turn.session, turn.user.id)
        turn.reply(render.deleted(turn.tr, existed))
        return
    if not turn.is_private:
        text, markup = render.open_private(turn.tr, turn.context.bot.username)
        turn.reply(text, markup)
        return
    if turn.args and turn.args[0].lower() in PUBLIC:
        named = await consent.named_publicly(turn.session, turn.user.id)
        text = await _summary(turn, named)
        turn.send(turn.chat.id, text, render.public_name_markup(turn.tr, named))
        return
    await _ask(turn, await service.start_form(turn.session, turn.user.id))


async def _summary(turn: Turn, named: bool) -> str:
    assert turn.user is not None
    view = await service.profile_of(turn.session, turn.user.id) or service.ProfileView(
        None, None, None
    )
    return render.summary(
        turn.tr, view.organization, view.sector, view.expectations, view.resources, named
    )


@handler()
async def public_name(turn: Turn) -> None:
    """ "Name me" / "Do not name me" under the profile, in private."""
    assert turn.user is not None
    choice = turn.pressed(PublicName)
    if not turn.is_private:
        raise DomainError(STALE_BUTTON)
    named = choice.yes == 1
    changed = await consent.set_named_publicly(turn.session, turn.user.id, named, turn.now)
    turn.toast(render.public_name_toast(turn.tr, named))
    if changed:
        turn.edit(await _summary(turn, named), render.public_name_markup(turn.tr, named))


@handler()
async def profile_deep_link(turn: Turn) -> None:
    """`/start profile`, from the group's "Open the form" button."""
    assert turn.user is not None
    await _ask(turn, await service.start_form(turn.session, turn.user.id))


async def _ask(turn: Turn, step: str) -> None:
    assert turn.user is not None
    if step == service.DONE:
        named = await consent.named_publicly(turn.session, turn.user.id)
        text = await _summary(turn, named)
        turn.send(turn.chat.id, text, render.public_name_markup(turn.tr, named))
        return
    text, markup = render.question(turn.tr, step)
    turn.send(turn.chat.id, text, markup)


@handler()
async def form_text(turn: Turn) -> None:
    """A plain message in private: the answer to the form's current question."""
    message = turn.message
    assert message is not None and turn.user is not None
    step = await service.form_step(turn.session, turn.user.id)
    if step is None:
        turn.reply(render.no_form(turn.tr))
        return
    if step == "sector":
        turn.reply(render.use_buttons(turn.tr))
        return
    value, cut = service.trim(step, message.text or message.caption or "")
    if not value:
        await _ask(turn, step)
        return
    following = await service.answer(turn.session, turn.user.id, step, value, turn.now)
    if cut:
        turn.send(turn.chat.id, render.trimmed(turn.tr, service.LIMITS[step]))
    await _ask(turn, following)


@handler()
async def skip(turn: Turn) -> None:
    assert turn.user is not None
    choice = turn.pressed(Skip)
    await _press(turn, choice.step, None)


@handler()
async def sector(turn: Turn) -> None:
    assert turn.user is not None
    choice = turn.pressed(Sector)
    if choice.sector not in SECTORS:
        raise DomainError(STALE_BUTTON)
    await _press(turn, "sector", choice.sector)


async def _press(turn: Turn, step: str, value: str | None) -> None:
    assert turn.user is not None
    current = await service.form_step(turn.session, turn.user.id)
    if current != step:  # an old question's button, or a press delivered twice
        raise DomainError(STALE_BUTTON)
    following = await service.answer(turn.session, turn.user.id, step, value, turn.now)
    question, _ = render.question(turn.tr, step)
    shown = render.sector_names(turn.tr).get(value or "", "⏭")
    turn.edit(f"{question}\n→ {shown}")
    turn.toast()
    await _ask(turn, following)


# -- in the group ---------------------------------------------------------------------------


@handler(groups_only=True)
async def actors(turn: Turn) -> None:
    found = await service.actor_map(turn.session, turn.group_id)

    def who(person) -> str:  # type: ignore[no-untyped-def]
        return mention(person.id, person.first_name, person.last_name)

    turn.reply(
        render.actor_map(
            turn.tr,
            found.members,
            {key: [who(p) for p in people] for key, people in found.per_sector.items()},
            found.gaps,
            found.without_profile,
            found.organizations,
            {kind: [(who(p), text) for p, text in rows] for kind, rows in found.resources.items()},
            [(who(p), text) for p, text in found.expectations],
        )
    )


@handler(coordinator=True, groups_only=True)
async def participation(turn: Turn) -> None:
    result = await service.participation(turn.session, turn.group_id, turn.now)
    activity = result.activity()
    share, gini_value = service.top_share(activity), service.gini(activity)
    names = render.sector_names(turn.tr)
    by_sector = [
        (names.get(key or "", turn.tr.gettext("No profile")), dict(metrics))
        for key, metrics in sorted(result.per_sector().items(), key=lambda kv: kv[0] or "~")
    ]
    turn.reply(
        render.participation(
            turn.tr,
            [(mention(p.id, p.first_name, p.last_name), dict(m)) for p, _, m in result.rows],
            by_sector,
            share,
            gini_value,
            service.reading(share, gini_value, len(activity)),
            [mention(p.id, p.first_name, p.last_name) for p in result.silent],
        )
    )
