"""Every reaction update is recorded: the current set per (chat, message, member)."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.core.models import ProcessedUpdate
from bot.groups.models import Group, Membership
from bot.reactions.models import CHAT, ReactionCount, ReactionState
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, add_bot, seed_group
from tests.updates import TChat, custom_emoji, paid


async def luis_proposes(bot: Bot) -> dict:
    """The bot is an admin of Barrio Norte (so it receives reactions); Luis proposes."""
    await seed_group(bot, bot_status="administrator")
    proposal = bot.u.message(NORTE, LUIS, "Propongo reunirnos el sábado en la cancha")
    await bot.feed(proposal)
    return proposal["message"]


async def reactions_of(bot: Bot, message_id: int, actor_id: int) -> list[str] | None:
    return await bot.scalar(
        select(ReactionState.emoji).where(
            ReactionState.message_id == message_id, ReactionState.actor_id == actor_id
        )
    )


async def test_a_member_s_set_replaces_the_previous_one_removals_included(bot: Bot) -> None:
    said = await luis_proposes(bot)
    mid = said["message_id"]
    await bot.feed(bot.u.reaction(NORTE, JOAO, mid, ["👍"]))
    assert await reactions_of(bot, mid, JOAO.id) == ["👍"]
    # João changes his mind, then (premium) puts two, then takes everything off
    await bot.feed(bot.u.reaction(NORTE, JOAO, mid, ["👎"], old=["👍"]))
    assert await reactions_of(bot, mid, JOAO.id) == ["👎"]
    await bot.feed(bot.u.reaction(NORTE, JOAO, mid, ["🤔", "👎"], old=["👎"]))
    assert sorted(await reactions_of(bot, mid, JOAO.id)) == ["👎", "🤔"]
    await bot.feed(bot.u.reaction(NORTE, JOAO, mid, [], old=["🤔", "👎"]))
    assert await reactions_of(bot, mid, JOAO.id) == []
    # one row per (chat, message, member), and the one who reacted is a member now
    assert await bot.scalar(select(func.count()).select_from(ReactionState)) == 1
    assert await bot.scalar(
        select(Membership.id).where(Membership.person_id == JOAO.id, Membership.left_at.is_(None))
    )
    assert bot.tg.sent(NORTE.id)[-1].text.startswith("👋")  # reactions post nothing


async def test_the_same_update_twice_changes_nothing(bot: Bot) -> None:
    said = await luis_proposes(bot)
    mid = said["message_id"]
    add = bot.u.reaction(NORTE, MARY, mid, ["👍"])
    remove = bot.u.reaction(NORTE, MARY, mid, [], old=["👍"])
    await bot.feed(add, add)
    assert await reactions_of(bot, mid, MARY.id) == ["👍"]
    handled = select(func.count()).where(ProcessedUpdate.update_id == add["update_id"])
    assert await bot.scalar(handled) == 1
    # a redelivery of the older update after the newer one does not bring the 👍 back
    await bot.feed(remove, add, remove)
    assert await reactions_of(bot, mid, MARY.id) == []


async def test_quick_add_and_remove_the_final_state_wins(bot: Bot) -> None:
    said = await luis_proposes(bot)
    mid = said["message_id"]
    toggles = []
    current: list[str] = []
    for emoji in ["👍", "", "👎", "", "🤔"]:
        new = [emoji] if emoji else []
        toggles.append(bot.u.reaction(NORTE, ANA, mid, new, old=current))
        current = new
    # handled concurrently, in any order: the last update's set is what stays
    await asyncio.gather(*(bot.feed(u) for u in reversed(toggles)))
    assert await reactions_of(bot, mid, ANA.id) == ["🤔"]
    # and strictly out of order: the removal arrives, then the older add
    add = bot.u.reaction(NORTE, LUIS, mid, ["👍"])
    remove = bot.u.reaction(NORTE, LUIS, mid, [], old=["👍"])
    await bot.feed(remove, add)
    assert await reactions_of(bot, mid, LUIS.id) == []


async def test_custom_emoji_and_paid_reactions_are_kept_but_never_counted(bot: Bot) -> None:
    said = await luis_proposes(bot)
    mid = said["message_id"]
    sticker = custom_emoji("5368324170671202286")
    await bot.feed(bot.u.reaction(NORTE, JOAO, mid, [sticker, paid(), "👍"]))
    assert sorted(await reactions_of(bot, mid, JOAO.id)) == [
        "custom:5368324170671202286",
        "paid",
        "👍",
    ]
    await bot.feed(bot.u.reaction(NORTE, MARY, mid, [sticker]))
    await bot.feed(bot.u.command(NORTE, ANA, "/positions", reply_to=said))
    tally = bot.tg.last(NORTE.id).text
    assert "👍 De acuerdo: 1 — João" in tally
    assert "Mary" not in tally  # her reaction means nothing on the map
    # Ana and Luis have no reaction; Mary and João have one
    assert "2 integrantes del grupo no han reaccionado." in tally


async def test_an_anonymous_admin_counts_as_the_group(bot: Bot) -> None:
    said = await luis_proposes(bot)
    mid = said["message_id"]
    await bot.feed(bot.u.reaction(NORTE, None, mid, ["👎"], actor_chat=NORTE))
    state = await bot.scalar(select(ReactionState))
    assert (state.actor_id, state.actor_kind, state.emoji) == (NORTE.id, CHAT, ["👎"])
    # a channel reacting on its own behalf is named by its title
    channel = TChat(-1002000000077, "channel", "Radio Comunitaria")
    await bot.feed(bot.u.reaction(NORTE, None, mid, ["👍"], actor_chat=channel))
    await bot.feed(bot.u.command(NORTE, ANA, "/positions", reply_to=said))
    tally = bot.tg.last(NORTE.id).text
    assert "👎 En desacuerdo: 1 — el grupo (admin anónimo)" in tally
    assert "👍 De acuerdo: 1 — Radio Comunitaria" in tally


async def test_a_reaction_on_a_message_the_bot_never_saw_is_recorded(bot: Bot) -> None:
    # the bot has never heard of this group nor of message 777 (sent before it was added)
    await bot.feed(bot.u.reaction(NORTE, LUIS, 777, ["👀"]))
    assert await reactions_of(bot, 777, LUIS.id) == ["👀"]
    assert await bot.scalar(select(Group.chat_id)) == NORTE.id


async def test_anonymous_counts_are_stored_and_shown_as_counts(bot: Bot) -> None:
    await add_bot(bot, status="administrator")
    post = bot.u.message_json(NORTE, ANA, "Reenviado del canal: jornada de limpieza")
    counts = [("👍", 12), ("👎", 3), (custom_emoji(), 5), (paid(), 2), ("🔥", 4)]
    first = bot.u.reaction_count(NORTE, post["message_id"], counts)
    await bot.feed(first, first)
    row = await bot.scalar(select(ReactionCount))
    assert row.counts == {"👍": 12, "👎": 3, "custom:5368324170671202286": 5, "paid": 2, "🔥": 4}

    newer = bot.u.reaction_count(NORTE, post["message_id"], [("👍", 13), ("🤔", 1)])
    await bot.feed(newer, first)  # the replayed older snapshot is ignored
    assert await bot.scalar(select(ReactionCount.counts)) == {"👍": 13, "🤔": 1}

    await bot.feed(bot.u.command(NORTE, ANA, "/positions", reply_to=post))
    tally = bot.tg.last(NORTE.id).text
    assert tally.startswith("Posturas sobre este mensaje (anónimas, solo cantidades):")
    assert "De acuerdo: 13" in tally and "Tiene dudas: 1" in tally
    assert "En desacuerdo: 0" in tally
