"""The rounds of `bench/faults.py` after kill -9 and SIGTERM: Telegram misbehaving in one group
each, and hostile names and texts. Each returns its figures; `lost`, `duplicated` and
`tracebacks` must be 0."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from faults_api import CREATOR, BotApi, Minga, added, command, group, member, scalar, settle

from tests.groups.test_hostile_names import HOSTILE, LONE, REASON

APOLOGY = "Perdón, algo falló"  # the error handler's apology (es)
# what is wrong with each group's chat; `mended` faults pass after WINDOW seconds
FAULTS = (
    ("none", None, False),
    ("429", 5, True),
    ("5xx", None, True),
    ("timeout", None, True),
    ("403", None, False),
    ("not found", None, False),
    ("migrated", None, False),
)
WINDOW = 20.0
FAULT_LINE = r"WARNING .*telegram \w+ failed for chat"


def _start(api: BotApi, workdir: Path, url: str, name: str) -> Minga:
    api.reset()
    bot = Minga(api, url, workdir / name)
    bot.workdir.mkdir()
    bot.start()
    return bot


def _apologies(api: BotApi) -> int:
    return sum(body.startswith(APOLOGY) for _, _, body, _ in list(api.sent))


def telegram(api: BotApi, url: str, workdir: Path, per_group: int) -> dict[str, Any]:
    """One group per fault; `per_group` members /commit in each while it lasts."""
    bot = _start(api, workdir, url, "telegram")
    chats = [group(30 + n) for n in range(len(FAULTS))]
    chats[-1] = chats[-1] | {"type": "group"}  # a basic group, about to be upgraded
    new = group(90)["id"]
    api.deliver([added(api, chat) for chat in chats])
    wait_for_groups = f"select count(*) from groups where chat_id in ({_ids(chats)})"
    settle(lambda: scalar(url, wait_for_groups) >= len(chats) and api.pending() == 0, 90)
    for chat, (kind, argument, _) in zip(chats, FAULTS, strict=True):
        if kind == "migrated":
            argument = new
        if kind != "none":
            api.fail(chat["id"], kind, argument)
    started = time.monotonic()
    api.deliver(
        [
            command(api, chat, member(100 * i + n), f"/commit Tarea {n} de {kind} by viernes")
            for n in range(per_group)
            for i, (chat, (kind, _, _)) in enumerate(zip(chats, FAULTS, strict=True))
        ]
    )
    settle(lambda: time.monotonic() - started > WINDOW, WINDOW + 1)
    for chat, (_, _, mended) in zip(chats, FAULTS, strict=True):
        if mended:
            api.mend(chat["id"])

    def stored(chat: dict[str, Any]) -> int:
        return scalar(
            url,
            "select count(*) from commitments c join groups g on g.id = c.group_id "
            f"where g.chat_id = {chat['id']} or g.migrated_from = {chat['id']}",
        )

    def delivered(chat: dict[str, Any], kind: str) -> int:
        return len(api.cards(new if kind == "migrated" else chat["id"]))

    reachable = [
        (chat, kind) for chat, (kind, _, _) in zip(chats, FAULTS, strict=True) if kind != "403"
    ]
    reachable = [(c, k) for c, k in reachable if k != "not found"]
    settle(
        lambda: all(stored(c) >= per_group and delivered(c, k) >= per_group for c, k in reachable),
        240,
    )
    settled_in = time.monotonic() - started
    seconds, status = bot.stop()
    figures: dict[str, Any] = {"commands": f"{per_group} in each of {len(chats)} groups"}
    lost = duplicated = 0
    for chat, (kind, _, _) in zip(chats, FAULTS, strict=True):
        target = new if kind == "migrated" else chat["id"]
        cards = api.cards(target)
        waiting = scalar(
            url, f"select count(*) from outbox where chat_id = {target} and done_at is null"
        )
        active = scalar(
            url,
            "select count(*) from groups where active and "
            f"(chat_id = {chat['id']} or migrated_from = {chat['id']})",
        )
        kept = stored(chat)
        expected = kind not in ("403", "not found")  # a chat gone gets no cards
        missing = max(0, kept - len(cards) - waiting) if expected else 0
        lost += (per_group - kept) + missing
        duplicated += sum(n - 1 for n in cards.values() if n > 1)
        figures[f"group {kind}"] = (
            f"stored {kept}/{per_group}, cards {len(cards)}, waiting {waiting}, "
            f"faulted calls {api.faulted[chat['id']]}, {'active' if active else 'inactive'}"
        )
    figures |= {
        "settled after": f"{settled_in:.0f} s",
        "lost": lost,
        "duplicated": duplicated,
        "apologies": _apologies(api),
        "HTML refused": len(api.rejected),
        "fault WARNING lines": bot.count(FAULT_LINE),
        "tracebacks": bot.tracebacks(),
        "exit": f"{seconds:.1f} s, status {status}",
    }
    return figures


def _ids(chats: list[dict[str, Any]]) -> str:
    return ", ".join(str(c["id"]) for c in chats)


def names(api: BotApi, url: str, workdir: Path, _count: int) -> dict[str, Any]:
    """The hostile-name set joins a group, presses a proposal's button, commits and talks."""
    bot = _start(api, workdir, url, "names")
    chat = group(50)
    people = [p.json() for p in (*HOSTILE, LONE)]
    joined = api.update(message=_message(api, chat, CREATOR, new_chat_members=people))
    api.deliver([added(api, chat), command(api, chat, CREATOR, f"/propose Pintar {REASON}")])
    api.deliver([joined])
    settle(lambda: any("vote:c" in json.dumps(m[3]) for m in list(api.sent)), 60)
    proposals = [m for m in list(api.sent) if "vote:c" in json.dumps(m[3])]
    if not proposals:
        raise SystemExit("faults: the hostile proposal was never sent")
    chat_id, message_id, shown, markup = proposals[0]
    button = markup["inline_keyboard"][0][0]["callback_data"]
    said = BotApi._message(chat_id, message_id, {"text": shown, "reply_markup": markup})
    updates = []
    for n, person in enumerate(people):
        press = {
            "id": f"h{n}",
            "from": person,
            "message": said,
            "chat_instance": "ci",
            "data": button,
        }
        updates += [
            api.update(callback_query=press),
            command(api, chat, person, f"/commit Tarea {n} {REASON} by viernes"),
            api.update(message=_message(api, chat, person, text=f"hola {REASON}")),
        ]
    api.deliver(updates)
    ids = ", ".join(str(p["id"]) for p in people)
    commitments = "select count(*) from commitments"
    positions = "select count(*) from positions where vote_id = (select max(id) from votes)"
    persons = f"select count(*) from persons where id in ({ids})"
    started = time.monotonic()
    settle(
        lambda: (
            scalar(url, commitments) >= len(people)
            and scalar(url, positions) >= len(people)
            and api.pending() == 0
            and len(api.cards()) >= len(people)
        ),
        120,
    )
    settled_in = time.monotonic() - started
    seconds, status = bot.stop()
    longest = scalar(
        url, "select max(length(first_name) + coalesce(length(last_name), 0)) from persons"
    )
    kept = {
        "persons": scalar(url, persons),
        "positions": scalar(url, positions),
        "commitments": scalar(url, commitments),
    }
    return {
        "members": len(people),
        **{f"{k} stored": f"{v}/{len(people)}" for k, v in kept.items()},
        "cards sent": len(api.cards()),
        "longest stored name": longest,
        "settled after": f"{settled_in:.0f} s",
        "lost": sum(len(people) - v for v in kept.values()),
        "duplicated": sum(n - 1 for n in api.answers.values() if n > 1)
        + sum(n - 1 for n in api.cards().values() if n > 1),
        "apologies": _apologies(api),
        "HTML refused": len(api.rejected),
        "surrogate WARNING lines": bot.count(r"WARNING .*lone surrogate"),
        "tracebacks": bot.tracebacks(),
        "exit": f"{seconds:.1f} s, status {status}",
    }


def texts(api: BotApi, url: str, workdir: Path, _count: int) -> dict[str, Any]:
    """The hostile-text set as commitments and as proposals."""
    bot = _start(api, workdir, url, "texts")
    chat = group(60)
    said = [p.first_name for p in (*HOSTILE, LONE)] + [REASON]
    said = [s[:200] for s in said]  # a commitment's text is short; the 4,000 are names'
    api.deliver([added(api, chat)])
    updates = []
    for n, line in enumerate(said):
        updates += [
            command(api, chat, member(n), f"/commit {line} by viernes"),
            command(api, chat, member(n), f"/propose {line}"),
        ]
    api.deliver(updates)
    commitments, votes = "select count(*) from commitments", "select count(*) from votes"
    started = time.monotonic()
    settle(
        lambda: (
            scalar(url, commitments) >= len(said)
            and scalar(url, votes) >= len(said)
            and len(api.cards()) >= len(said)
        ),
        120,
    )
    settled_in = time.monotonic() - started
    seconds, status = bot.stop()
    kept = {"commitments": scalar(url, commitments), "proposals": scalar(url, votes)}
    return {
        "texts": len(said),
        **{f"{k} stored": f"{v}/{len(said)}" for k, v in kept.items()},
        "cards sent": len(api.cards()),
        "settled after": f"{settled_in:.0f} s",
        "lost": sum(len(said) - v for v in kept.values()),
        "duplicated": sum(n - 1 for n in api.cards().values() if n > 1),
        "apologies": _apologies(api),
        "HTML refused": len(api.rejected),
        "tracebacks": bot.tracebacks(),
        "exit": f"{seconds:.1f} s, status {status}",
    }


def _message(api: BotApi, chat: dict[str, Any], who: dict[str, Any], **body: Any) -> dict[str, Any]:
    return {"message_id": next(api.ids), "date": int(time.time()), "chat": chat, "from": who} | body


ROUNDS = (
    ("Telegram faults, one group each", telegram, "telegram"),
    ("hostile names", names, "names"),
    ("hostile texts", texts, "texts"),
)
