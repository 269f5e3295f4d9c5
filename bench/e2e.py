"""Issue 19's table end to end: the real `minga run` over HTTP against a strict Bot API double,
side by side in the same run with a bare PTB bot against the same kind of double.

    python bench/e2e.py [--pg postgresql://postgres@127.0.0.1:5432/test] [--updates 2000]
        [--only chatter,clicks,mix,paced] [--paced-seconds 40] [--rate 30]

The double is `tests/web/botapi.py` (the strict `tests/telegram_double.py` served over HTTP,
with Telegram's getUpdates semantics: an update is kept until an offset passes it, a poll is
held until one comes). Each bot runs as its own process: the bare PTB bot (`bench/bare_bot.py`:
a command handler that replies, a callback handler that answers), `minga run` on a fresh
SQLite file and, with `--pg`, on a fresh PostgreSQL database created next to the one given
(dropped at the end). Minga's database is migrated (`minga migrate`) before it starts, so its
start is a restart's.

First 50 groups × 40 members are set up: the bot is added as an administrator by the group's
coordinator, who opens a proposal (`/propose`; the bare bot's double gets a message with the
same kind of buttons), and each member writes once. Then each load is handed to getUpdates:
- chatter: plain group messages, all at once (drained);
- clicks: presses on the proposals' buttons, drained;
- mix: 70% chatter, 15% clicks, 5% reactions on the proposal, 5% commands (/status and
  /commit), 5% members joining (chat_member), drained;
- paced: the same mix, one update every 1/`--rate` s for `--paced-seconds`.
A drained load is over when an offset has passed its last update (the bot confirmed it) and
every click and command got its answer (the last update of each is a click, so that the bare
bot, which confirms before it handles, is measured to its end too). Rates and latencies are
measured at the double: from the update being available to getUpdates to the bot's answer
(answerCallbackQuery, or the sendMessage quoting the command) reaching it. CPU is the bot
process's (user + system) over the load, memory its RSS from /proc: idle is after the setup
and a few quiet seconds, peak its high-water mark at the end. The machine is shared: compare
the ratios, and note the load average printed with the table.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import (
    ROOT,
    cpu_seconds,
    drop,
    fresh,
    peak_rss_mib,
    rss_mib,
    terminate,
    wait_for,
)
from bot.core.clock import SYSTEM
from tests.telegram_double import Chat
from tests.updates import TChat, TUser, Updates
from tests.web.botapi import HttpBotApi

TOKEN = "123456:E2E-token-for-the-double"
GROUPS, MEMBERS = 50, 40
SETTLE = 4.0  # quiet seconds between loads (a vote's coalesced edit comes 3 s after a click)
MIX = {"chatter": 70, "click": 15, "reaction": 5, "command": 5, "join": 5}
PHRASES = ("hola a todos", "¿quién trae las sillas?", "mañana no puedo", "gracias!", "👍")


class TimedApi(HttpBotApi):
    """The double, noting when each update was available and when the bot answered it."""

    def __init__(self) -> None:
        super().__init__()
        self.available: dict[int, float] = {}
        self.answered: dict[int, float] = {}
        self.awaited: dict[Any, int] = {}  # a query id or (chat, command's message) → update

    def offer(self, updates: list[dict[str, Any]]) -> None:
        now = time.monotonic()
        for update in updates:
            self.available[update["update_id"]] = now
            if key := answer_key(update):
                self.awaited[key] = update["update_id"]
        self.inbox.deliver(updates)

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, bytes]:
        now = time.monotonic()
        key: Any = None
        if method == "answerCallbackQuery":
            key = params.get("callback_query_id")
        elif method == "sendMessage" and isinstance(params.get("reply_parameters"), dict):
            key = (int(params["chat_id"]), params["reply_parameters"].get("message_id"))
        if key is not None and key in self.awaited:
            self.answered.setdefault(self.awaited[key], now)
        return super().answer(method, params)


def answer_key(update: dict[str, Any]) -> Any:
    if query := update.get("callback_query"):
        return query["id"]
    message = update.get("message") or {}
    if message.get("text", "").startswith("/"):
        return (message["chat"]["id"], message["message_id"])
    return None


def kind_of(update: dict[str, Any]) -> str:
    if "callback_query" in update:
        return "click"
    return "command" if answer_key(update) else "other"


@dataclass
class World:
    """The groups, their people and their proposals, and the updates they make."""

    u: Updates = field(default_factory=lambda: Updates(SYSTEM))
    rng: random.Random = field(default_factory=lambda: random.Random(19))
    groups: list[TChat] = field(default_factory=list)
    coordinators: list[TUser] = field(default_factory=list)
    members: list[list[TUser]] = field(default_factory=list)
    proposals: list[dict[str, Any]] = field(default_factory=list)  # the message, as JSON
    buttons: list[list[str]] = field(default_factory=list)
    newcomers: itertools.count[int] = field(default_factory=lambda: itertools.count(3_000_000))

    def __post_init__(self) -> None:
        for g in range(GROUPS):
            self.groups.append(TChat(-1001000000000 - g, "supergroup", f"Barrio {g}"))
            self.coordinators.append(TUser(2_000_000 + g, f"Coordinadora {g}", f"coord_{g}"))
            people = range(MEMBERS)
            self.members.append(
                [
                    TUser(1_000_000 + g * 100 + m, f"Vecina {g}-{m}", f"vecina_{g}_{m}")
                    for m in people
                ]
            )

    def setup(self, api: TimedApi) -> list[dict[str, Any]]:
        updates = []
        with api.lock:
            for chat, coordinator in zip(self.groups, self.coordinators, strict=True):
                api.tg.add_chat(Chat(chat.id, chat.type, chat.title))
                api.tg.set_admins(chat.id, (coordinator, "creator"))
        for chat, coordinator in zip(self.groups, self.coordinators, strict=True):
            updates.append(self.u.my_chat_member(chat, coordinator, "left", "administrator"))
            updates.append(self.u.command(chat, coordinator, "/propose Pintar el mural del barrio"))
        for chat, people in zip(self.groups, self.members, strict=True):
            updates += [self.u.message(chat, person, "hola, presente") for person in people]
        return updates

    def find_proposals(self, api: TimedApi, bare: bool) -> None:
        """Each group's proposal message (Minga's), or one with such buttons (the bare bot's)."""
        with api.lock:
            for chat in self.groups:
                if bare:
                    markup = {"inline_keyboard": [[
                        {"text": label, "callback_data": f"vote:c:{chat.id % 1000}:{i}"}
                        for i, label in enumerate(("A favor", "En contra", "Me abstengo"))
                    ]]}  # fmt: skip
                    sent = api.tg.api_sendMessage(
                        {"chat_id": chat.id, "text": "Pintar el mural", "reply_markup": markup}
                    )
                    message_id = sent["message_id"]
                else:
                    [message_id] = [
                        mid
                        for (chat_id, mid), sent in api.tg.messages.items()
                        if chat_id == chat.id and any("vote:c" in d for d in sent.button_data)
                    ]
                shown = api.tg.message_json(chat.id, message_id)
                self.proposals.append(shown)
                self.buttons.append(
                    [b["callback_data"] for row in shown["reply_markup"]["inline_keyboard"]
                     for b in row if b["callback_data"].startswith("vote:c")]
                )  # fmt: skip

    def make(self, kind: str) -> dict[str, Any]:
        g = self.rng.randrange(GROUPS)
        chat, person = self.groups[g], self.rng.choice(self.members[g])
        if kind == "chatter":
            return self.u.message(chat, person, self.rng.choice(PHRASES))
        if kind == "click":
            return self.u.callback(person, self.proposals[g], self.rng.choice(self.buttons[g]))
        if kind == "reaction":
            emoji = self.rng.choice(("👍", "👎", "❤"))
            return self.u.reaction(chat, person, self.proposals[g]["message_id"], [emoji])
        if kind == "command":
            if self.rng.random() < 0.5:
                return self.u.command(chat, person, "/status")
            return self.u.command(chat, person, "/commit Llevar las sillas by viernes")
        newcomer = TUser(next(self.newcomers), "Recién llegada", None)
        return self.u.chat_member(chat, newcomer, newcomer, "left", "member")

    def load(self, kinds: dict[str, int], count: int) -> list[dict[str, Any]]:
        total = sum(kinds.values())
        names = [k for k, share in kinds.items() for _ in range(round(count * share / total))]
        self.rng.shuffle(names)
        names = [*names[: count - 1], "click"]  # a click last: its answer ends the load
        return [self.make(kind) for kind in names]


@dataclass
class Load:
    count: int
    seconds: float
    cpu: float
    latencies: dict[str, list[float]]
    unanswered: int

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    @property
    def cpu_per_1000(self) -> float:
        return self.cpu / self.count * 1000

    def p(self, kind: str, q: float) -> float | None:
        values = sorted(self.latencies.get(kind, []))
        return values[min(len(values) - 1, int(q * len(values)))] if values else None


def run_load(
    api: TimedApi, pid: int, updates: list[dict[str, Any]], rate: float | None = None
) -> Load:
    """Hand `updates` to getUpdates (all at once, or `rate` a second) and wait until the bot
    confirmed the last one and answered every click and command (or stopped answering)."""
    ids = [u["update_id"] for u in updates]
    awaited = [i for i, u in zip(ids, updates, strict=True) if answer_key(u)]
    cpu, started = cpu_seconds(pid), time.monotonic()
    if rate is None:
        api.offer(updates)
    else:
        for n, update in enumerate(updates):
            time.sleep(max(0.0, started + n / rate - time.monotonic()))
            api.offer([update])
    quiet_since, answered = time.monotonic(), 0
    while True:
        confirmed = api.inbox.confirmed_past(ids[-1])
        now_answered = sum(1 for i in awaited if i in api.answered)
        if now_answered != answered:
            quiet_since, answered = time.monotonic(), now_answered
        if confirmed is not None and (
            answered == len(awaited) or time.monotonic() - quiet_since > 15
        ):
            break
        if time.monotonic() - quiet_since > 300:
            raise SystemExit("e2e: the bot stopped handling updates")
        time.sleep(0.01)
    used = cpu_seconds(pid) - cpu
    ended = max([confirmed, *(api.answered[i] for i in awaited if i in api.answered)])
    latencies: dict[str, list[float]] = {}
    for update_id, update in zip(ids, updates, strict=True):
        if update_id in api.answered:
            latency = api.answered[update_id] - api.available[update_id]
            latencies.setdefault(kind_of(update), []).append(latency)
            latencies.setdefault("answered", []).append(latency)
    return Load(len(updates), ended - started, used, latencies, len(awaited) - answered)


@dataclass
class Figures:
    start: float = 0.0
    idle: float = 0.0
    peak: float = 0.0
    log_lines: dict[str, int] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)  # Bot API calls by method, in all
    loads: dict[str, Load] = field(default_factory=dict)


def measure(
    name: str, command: list[str], env: dict[str, str], workdir: Path, args: argparse.Namespace
) -> Figures:
    figures = Figures()
    world = World()
    with TimedApi() as api, (workdir / f"{name}.log").open("wb") as log:
        env = env | {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": api.url + "/bot"}
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=log)
        try:
            wait_for(
                lambda: api.inbox.first_poll is not None or process.poll() is not None,
                120,
                f"{name} never polled",
            )
            if process.poll() is not None:
                raise SystemExit(f"e2e: {name} stopped; see {workdir / name}.log")
            figures.start = (api.inbox.first_poll or 0.0) - started
            run_load(api, process.pid, world.setup(api))
            world.find_proposals(api, bare=name == "bare")
            time.sleep(SETTLE)
            figures.idle = rss_mib(process.pid)
            loads = {
                "chatter": lambda: world.load({"chatter": 1}, args.updates),
                "clicks": lambda: world.load({"click": 1}, args.updates),
                "mix": lambda: world.load(MIX, args.updates),
                "paced": lambda: world.load(MIX, int(args.paced_seconds * args.rate)),
            }
            for load, make in loads.items():
                if load in args.only:
                    rate = args.rate if load == "paced" else None
                    figures.loads[load] = run_load(api, process.pid, make(), rate)
                    print(f"  {name} {load}: {figures.loads[load].rate:.0f} updates/s", flush=True)
                    time.sleep(SETTLE)
            figures.peak = peak_rss_mib(process.pid)
            with api.lock:
                figures.calls = Counter(call.method for call in api.tg.calls)
        finally:
            terminate(process)
    text = (workdir / f"{name}.log").read_text(errors="replace")
    figures.log_lines = {w: text.count(w) for w in ("WARNING", "ERROR", "Traceback")}
    return figures


def minga(name: str, url: str, workdir: Path, args: argparse.Namespace) -> Figures:
    env = base_env() | {"DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, cwd=workdir, check=True)
    return measure(name, [sys.executable, "-m", "bot", "run"], env, workdir, args)


def base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}


# -- the table ---------------------------------------------------------------------------------


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds:.1f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def cells(f: Figures) -> dict[str, str]:
    row: dict[str, str] = {}
    if load := f.loads.get("chatter"):
        row["chatter"] = f"{load.rate:,.0f} updates/s ({load.cpu_per_1000:.1f} CPU-s per 1,000)"
    if load := f.loads.get("clicks"):
        row["clicks"] = (
            f"{load.rate:,.0f} /s ({load.cpu_per_1000:.1f} CPU-s per 1,000), "
            f"p50 {ms(load.p('click', 0.5))}"
        )
    if load := f.loads.get("mix"):
        row["mix"] = f"{load.rate:,.0f} /s, p50 {ms(load.p('answered', 0.5))}"
    if load := f.loads.get("paced"):
        row["paced"] = (
            f"click p50 {ms(load.p('click', 0.5))}, command p95 {ms(load.p('command', 0.95))}"
        )
    row["memory"] = f"{f.idle:.0f} MiB / {f.peak:.0f} MiB"
    row["start"] = f"{f.start:.1f} s"
    missing = sum(load.unanswered for load in f.loads.values())
    row["faults"] = f"{missing} unanswered; log: " + ", ".join(
        f"{n} {word}" for word, n in f.log_lines.items()
    )
    return row


def ratio(ours: Figures, bare: Figures, row: str) -> str:
    if row == "memory":
        return f"{ours.idle / bare.idle:.1f}×"
    if row == "start":
        return f"{ours.start / bare.start:.1f}×"
    if row == "paced":
        a, b = ours.loads["paced"].p("command", 0.95), bare.loads["paced"].p("command", 0.95)
        return f"p95 {a / b:.1f}×" if a and b else "–"
    if row in ours.loads and row in bare.loads:
        return f"{ours.loads[row].rate / bare.loads[row].rate:.2f}"
    return "–"


TITLES = {
    "chatter": "plain group chatter, drained",
    "clicks": "vote clicks, drained",
    "mix": "realistic mix (70% chatter, 15% clicks, 5% reactions, 5% commands, 5% joins)",
    "paced": "paced at {rate:g} updates/s",
    "memory": "idle memory / peak (RSS)",
    "start": "start to first getUpdates",
    "faults": "clicks and commands never answered; the bot's log",
}


def table(results: dict[str, Figures], args: argparse.Namespace) -> str:
    bare = results["bare PTB"]
    ours = {k: v for k, v in results.items() if k != "bare PTB"}
    header = [*ours, "bare PTB", "Minga ÷ bare" + (" (" + ", ".join(ours) + ")")]
    lines = ["| load | " + " | ".join(header) + " |", "|---" * (len(header) + 1) + "|"]
    rendered = {name: cells(f) for name, f in results.items()}
    for row, title in TITLES.items():
        if not any(row in r for r in rendered.values()):
            continue
        values = [rendered[name].get(row, "–") for name in [*ours, "bare PTB"]]
        ratios = " / ".join(ratio(f, bare, row) for f in ours.values())
        lines.append(f"| {title.format(rate=args.rate)} | " + " | ".join(values) + f" | {ratios} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", metavar="URL", help="also on PostgreSQL (a database next to it)")
    parser.add_argument("--updates", type=int, default=2000, help="updates per drained load")
    parser.add_argument("--only", default="chatter,clicks,mix,paced", help="loads to run")
    parser.add_argument("--paced-seconds", type=float, default=40.0)
    parser.add_argument("--rate", type=float, default=30.0, help="updates/s of the paced load")
    parser.add_argument("--logs", metavar="DIR", help="keep the bots' logs (and SQLite file) here")
    args = parser.parse_args()
    args.only = set(args.only.split(","))
    subprocess.run([sys.executable, "-m", "compileall", "-q", "bot"], check=True, cwd=ROOT)
    results: dict[str, Figures] = {}
    with tempfile.TemporaryDirectory(prefix="minga-e2e-") as tmp:
        workdir = Path(args.logs or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        bare = [sys.executable, str(ROOT / "bench" / "bare_bot.py")]
        results["bare PTB"] = measure("bare", bare, base_env(), workdir, args)
        sqlite = fresh("sqlite", "e2e", workdir)
        results["Minga SQLite"] = minga("sqlite", sqlite, workdir, args)
        if args.pg:
            url = fresh(args.pg, "e2e", workdir)
            try:
                results["Minga PostgreSQL"] = minga("postgresql", url, workdir, args)
            finally:
                drop(url)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n{GROUPS} groups × {MEMBERS} members, {args.updates} updates per drained load, "
          f"{os.cpu_count()} cores, load average {load}\n")  # fmt: skip
    print(table(results, args))
    print()
    for name, figures in results.items():
        calls = ", ".join(f"{method} {n}" for method, n in figures.calls.most_common())
        print(f"{name}: Bot API calls in the run (setup included): {calls}")


if __name__ == "__main__":
    main()
