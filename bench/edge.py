"""What looking every update over for lone surrogates costs (`bot.core.edge`).

    python bench/edge.py [--rounds 20000]

Prints microseconds per update for a command, a button press and a reaction (the check that
finds nothing, which is every update Telegram itself sends), and for a command that carries a
lone surrogate (the check, the rebuild and its log line). Figures are for comparison between
versions on one machine.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Update

from bot.core.clock import FrozenClock
from bot.core.edge import clean
from tests.updates import TChat, TUser, Updates


def per_update(update: Update, rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        clean(update, None)
    return (time.perf_counter() - start) / rounds * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20000)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    u = Updates(FrozenClock(datetime(2026, 12, 2, 15, tzinfo=UTC)))
    chat, ana = TChat(-1001000000001), TUser(101, "Ana", "ana_barrio")
    command = u.command(chat, ana, "/commit Pintar el mural @luis_o el viernes")
    said = command["message"]
    cases = {
        "command": command,
        "button press": u.callback(ana, said, "vote:pos:12:1"),
        "reaction": u.reaction(chat, ana, said["message_id"], ["👍"]),
        "command with a lone surrogate": u.command(chat, TUser(9, "A\ud800na"), "/help"),
    }
    for name, data in cases.items():
        update = Update.de_json(data, None)
        rounds = args.rounds if "surrogate" not in name else max(args.rounds // 20, 1)
        print(f"{name:32} {per_update(update, rounds):8.1f} µs per update")


if __name__ == "__main__":
    main()
