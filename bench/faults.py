"""The fault proof of issue 18: the real `minga run` process, killed and stopped mid-burst.

    python bench/faults.py [--pg postgresql://postgres@127.0.0.1:5432/test] [--clicks 500]
        [--per-group 10] [--rounds clicks,chatter,shutdown,telegram,names,texts]

Runs a small HTTP Bot API double (getUpdates keeps every update until an offset passes it, as
Telegram does) and `python -m bot run` against it, on a fresh SQLite file — and, with `--pg`,
on a fresh PostgreSQL database created next to the one given (dropped at the end). The
double (`faults_api.py`) refuses HTML Telegram cannot parse and has per-chat fault switches.
Six rounds:

1. clicks: 500 members press a button of one proposal at once; the process is killed with
   SIGKILL after about 100, 250 and 400 toasts, and started again each time. Then every click
   must be a stored position (lost: clicks without one), none answered twice (duplicated).
1b. chatter: 40 members of 10 groups write four plain messages per click (2,000); the process
   is killed with SIGKILL after about a fifth, a half and four fifths are counted, and started
   again each time. Then the per-day message counts must hold every message once (issue 19:
   chatter is counted a batch at a time, `bot/core/chatter.py`).
2. shutdown: 500 /commit commands in 5 groups arrive at once while one group answers every
   send with a 15 s flood wait; SIGTERM comes after the first cards. The process must exit 0
   within 5 s; after a restart every command must be a commitment, and each commitment's card
   sent once or still waiting in the outbox (Telegram allows 20 messages a minute per group,
   so the cards of 100 commands in one group take 5 minutes; waiting is not lost).
3. telegram (`faults_rounds.py`): seven groups, each with one fault on every call about it —
   none, 429 (retry_after 5), 502, hanging requests, 403, 400 chat not found, 400
   migrate_to_chat_id (a basic group upgraded) — and 10 /commit in each; the first three are
   mended after 20 s. Every command must be stored, and every card sent once (to the new chat
   id after a migration) except in the groups the bot cannot reach.
4. names: tests/groups/test_hostile_names.py's hostile names (HTML, RTL override, ZWJ and
   flag sequences, SQL and format metacharacters, 4,000 characters, lone surrogates) join a
   group, press a proposal's button, /commit and write; each must be stored once.
5. texts: the same strings as commitments and proposals.

Prints, per database and round: lost (must be 0), duplicated (0), tracebacks in the process's
log (0), apologies and HTML Telegram refused (0), and the time to exit; the logs are kept
when a round is not clean. Figures are for this machine; it is shared and slow at times.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from faults_api import (
    CREATOR,
    BotApi,
    Minga,
    added,
    command,
    drop,
    fresh,
    group,
    member,
    scalar,
    wait_for,
    waiting_cards,
)
from faults_rounds import ROUNDS

# -- the scenarios -----------------------------------------------------------------------------


def clicks(api: BotApi, url: str, workdir: Path, count: int) -> dict[str, Any]:
    api.reset()
    bot = Minga(api, url, workdir / "clicks")
    bot.workdir.mkdir()
    bot.start()
    chat = group(1)
    api.deliver([added(api, chat), command(api, chat, CREATOR, "/propose Pintar el mural")])
    wait_for(lambda: any("vote:c" in json.dumps(m[3]) for m in api.sent), 60, "no proposal")
    [(chat_id, message_id, shown, markup)] = [m for m in api.sent if "vote:c" in json.dumps(m[3])]
    button = markup["inline_keyboard"][0][0]["callback_data"]
    message = BotApi._message(chat_id, message_id, {"text": shown, "reply_markup": markup})
    presses = [
        api.update(
            callback_query={
                "id": f"q{n}",
                "from": member(n),
                "message": message,
                "chat_instance": "ci1",
                "data": button,
            }
        )
        for n in range(count)
    ]
    api.deliver(presses)
    points = [count // 5, count // 2, count * 4 // 5]
    for point in points:
        wait_for(lambda point=point: len(api.answers) >= point, 300, "the clicks stalled")
        bot.kill()
        bot.start()
    positions = "select count(*) from positions where vote_id = (select max(id) from votes)"
    wait_for(lambda: scalar(url, positions) >= count and api.pending() == 0, 180, "clicks lost")
    seconds, status = bot.stop()
    counted = scalar(url, positions)
    return {
        "clicks": count,
        "killed at toasts": points,
        "counted": counted,
        "lost": count - counted,
        "duplicated": sum(n - 1 for n in api.answers.values() if n > 1),
        "tracebacks": bot.tracebacks(),
        "exit": f"{seconds:.1f} s, status {status}",
    }


def chatter(api: BotApi, url: str, workdir: Path, count: int) -> dict[str, Any]:
    """Plain messages (counted a batch at a time: bot.core.chatter), four per click of the
    click round; kill -9 at three points; every message counted once in the per-day counts."""
    api.reset()
    bot = Minga(api, url, workdir / "chatter")
    bot.workdir.mkdir()
    bot.start()
    chats = [group(30 + n) for n in range(10)]
    people = [member(n) for n in range(40)]
    api.deliver([added(api, chat) for chat in chats])
    api.deliver([say(api, chat, who, "hola") for chat in chats for who in people])
    counted = "select coalesce(sum(messages), 0) from actor_activity"
    known = len(chats) * len(people)
    wait_for(lambda: scalar(url, counted) >= known and api.pending() == 0, 120, "no members")
    burst = count * 4
    api.deliver([say(api, chats[n % 10], people[n * 7 % 40], "buenas") for n in range(burst)])
    points = [burst // 5, burst // 2, burst * 4 // 5]
    for point in points:
        wait_for(lambda point=point: scalar(url, counted) - known >= point, 300, "stalled")
        bot.kill()
        bot.start()
    wait_for(lambda: api.pending() == 0, 180, "messages never confirmed")
    seconds, status = bot.stop()
    total = scalar(url, counted) - known
    return {
        "messages": burst,
        "killed at counted": points,
        "counted": total,
        "lost": max(0, burst - total),
        "duplicated": max(0, total - burst),
        "tracebacks": bot.tracebacks(),
        "exit": f"{seconds:.1f} s, status {status}",
    }


def say(api: BotApi, chat: dict[str, Any], who: dict[str, Any], text: str) -> dict[str, Any]:
    message = {"message_id": next(api.ids), "date": int(time.time()), "chat": chat, "from": who}
    return api.update(message=message | {"text": text})


def shutdown(api: BotApi, url: str, workdir: Path, count: int) -> dict[str, Any]:
    api.reset()
    bot = Minga(api, url, workdir / "shutdown")
    bot.workdir.mkdir()
    bot.start()
    chats = [group(10 + n) for n in range(5)]
    api.deliver([added(api, chat) for chat in chats])
    wait_for(lambda: api.pending() == 0, 60, "the groups were never registered")
    api.flood_until[chats[0]["id"]] = time.monotonic() + 600  # one group in a long flood wait
    commands = [
        command(api, chats[n % 5], member(n), f"/commit Tarea {n} by viernes") for n in range(count)
    ]
    api.deliver(commands)
    wait_for(lambda: sum(m[2].startswith("📌") for m in api.sent) >= 10, 120, "no cards")
    seconds, status = bot.stop()
    stored_at_stop = scalar(url, "select count(*) from commitments")
    api.flood_until.clear()
    bot.start()
    wait_for(lambda: scalar(url, "select count(*) from commitments") >= count, 240, "lost")
    time.sleep(10)  # some of the outbox drains (20 a minute per group)
    again, status_again = bot.stop()
    cards = api.cards()
    again_later = waiting_cards(url) & set(cards)  # sent, yet the outbox will send it again
    stored = scalar(url, "select count(*) from commitments")
    waiting = scalar(url, "select count(*) from outbox where done_at is null and after is not null")
    return {
        "commands": count,
        "stored when stopped": stored_at_stop,
        "exit": f"{seconds:.1f} s, status {status}",
        "stored in the end": stored,
        "cards sent": len(cards),
        "cards waiting in the outbox": waiting,
        "lost": (count - stored) + max(0, stored - len(cards) - waiting),
        "sent and still waiting": len(again_later),
        "duplicated": sum(n - 1 for n in cards.values() if n > 1) + len(again_later),
        "tracebacks": bot.tracebacks(),
        "second exit": f"{again:.1f} s, status {status_again}",
    }


SCENARIOS = (
    ("kill -9 ×3 in a click burst", clicks, "clicks"),
    ("kill -9 ×3 in group chatter", chatter, "chatter"),
    ("SIGTERM with commands queued", shutdown, "shutdown"),
    *ROUNDS,
)


def run(name: str, url: str, count: int, per_group: int, only: set[str]) -> None:
    api = BotApi()
    threading.Thread(target=api.serve_forever, daemon=True).start()
    tmp = tempfile.mkdtemp(prefix="minga-faults-")
    print(f"{name} (logs in {tmp}):", flush=True)
    workdir = Path(tmp)
    clean = True
    for title, scenario, db in SCENARIOS:
        if only and db not in only:
            continue
        scenario_url = fresh(url, db, workdir)
        started = time.monotonic()
        size = per_group if db == "telegram" else count
        figures = scenario(api, scenario_url, workdir, size)
        print(f"  {title} ({time.monotonic() - started:.0f} s):")
        for key, value in figures.items():
            print(f"    {key:28s} {value}")
        print(flush=True)
        clean = clean and not any(figures[k] for k in ("lost", "duplicated", "tracebacks"))
        drop(scenario_url)
    api.shutdown()
    if clean:
        shutil.rmtree(tmp)
    else:
        print(f"  (logs kept in {tmp})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pg", default=None, help="a PostgreSQL URL (a database is made next to it)"
    )
    parser.add_argument("--clicks", type=int, default=500, help="clicks, and commands")
    parser.add_argument("--per-group", type=int, default=10, help="commands per faulty group")
    parser.add_argument("--only-pg", action="store_true", help="skip SQLite")
    names = ", ".join(db for _, _, db in SCENARIOS)
    parser.add_argument("--rounds", default="", help=f"some of: {names} (default: all)")
    args = parser.parse_args()
    only = {r.strip() for r in args.rounds.split(",") if r.strip()}
    if not args.only_pg:
        run("SQLite", "sqlite", args.clicks, args.per_group, only)
    if args.pg:
        run("PostgreSQL", args.pg, args.clicks, args.per_group, only)


if __name__ == "__main__":
    main()
