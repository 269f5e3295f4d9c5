"""`/public`: the group's public page, on or off, listed by search engines or not."""

from __future__ import annotations

from bot.core.turn import Turn, handler
from bot.publicpage import render, service

ON = {"on", "si", "sí", "sim", "activar", "ativar", "publicar"}
OFF = {"off", "no", "não", "nao", "desactivar", "desativar", "quitar", "tirar"}
INDEX = {"index", "indexar", "indice", "índice"}


def _changes(args: list[str]) -> bool:
    """Looking is for everyone (the page is public anyway); changing is for coordinators."""
    return bool(args)


@handler(coordinator=_changes, groups_only=True)
async def public(turn: Turn) -> None:
    args = [a.lower() for a in turn.args]
    base = turn.runtime.settings.public_url
    if not args:
        now = await service.state(turn.session, turn.group_id)
        turn.reply(render.state(turn.tr, now.published, now.slug, now.indexed, base))
        return
    word, rest = args[0], args[1:]
    if word in ON:
        slug = " ".join(rest) if rest else None  # two words are a bad address, said so
        now = await service.publish(turn.session, turn.group_id, slug, turn.now)
        turn.reply(render.state(turn.tr, now.published, now.slug, now.indexed, base))
    elif word in OFF and not rest:
        turn.reply(
            render.taken_down(
                turn.tr, await service.unpublish(turn.session, turn.group_id, turn.now)
            )
        )
    elif word in INDEX and len(rest) == 1 and (rest[0] in ON or rest[0] in OFF):
        indexed = rest[0] in ON
        await service.set_indexed(turn.session, turn.group_id, indexed, turn.now)
        turn.reply(render.indexing(turn.tr, indexed))
    else:
        turn.reply(render.usage(turn.tr))
