"""Issue 19's table end to end: the real `minga run` over HTTP against a strict Bot API double,
side by side in the same run with a bare PTB bot against the same kind of double.

    python bench/e2e.py [--pg postgresql://postgres@127.0.0.1:5432/test] [--updates 2000]
        [--only chatter,clicks,mix,paced] [--paced-seconds 40] [--rate 30] [--limited-bare]

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

Minga keeps to Telegram's flood limits (PTB's `AIORateLimiter`: 30 messages a second in all, 20
a minute in a group); the bare bot does not, and the double does not enforce them. A load whose
answers need more messages a second than that (the mix: a reply to each command, the welcomes of
joins, the vote messages' edits) is then bounded for Minga by Telegram's limit, not by its own
cost: the table's "messages to chats" row says how many sendMessage and editMessageText each bot
sent per second of each load. `--limited-bare` also runs the bare bot through `AIORateLimiter`
(`bench/bare_bot.py`, BARE_RATE_LIMITER=1) and adds its column and ratio.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.e2e_world import GROUPS, MEMBERS, MIX, TimedApi, World, answer_key, kind_of
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

TOKEN = "123456:E2E-token-for-the-double"
SETTLE = 4.0  # quiet seconds between loads (a vote's coalesced edit comes 3 s after a click)


@dataclass
class Load:
    count: int
    seconds: float
    cpu: float
    latencies: dict[str, list[float]]
    unanswered: int
    sent: int = 0  # sendMessage and editMessageText calls during the load

    @property
    def sent_rate(self) -> float:
        return self.sent / self.seconds

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
    sent_before = chat_messages(api)
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
    sent = chat_messages(api) - sent_before
    return Load(len(updates), ended - started, used, latencies, len(awaited) - answered, sent)


CHAT_MESSAGES = frozenset({"sendMessage", "editMessageText"})


def chat_messages(api: TimedApi) -> int:
    """The messages sent or edited in chats so far: what Telegram's flood limits count."""
    with api.lock:
        return sum(1 for call in api.tg.calls if call.method in CHAT_MESSAGES)


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
            world.find_proposals(api, bare=name.startswith("bare"))
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
    drained = [name for name in ("chatter", "clicks", "mix") if name in f.loads]
    if drained:
        row["sent"] = ", ".join(f"{name} {f.loads[name].sent_rate:.0f}/s" for name in drained)
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
    if row == "sent":
        return "–"
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
    "sent": "messages to chats (sendMessage + editMessageText) per second of the drained loads",
    "memory": "idle memory / peak (RSS)",
    "start": "start to first getUpdates",
    "faults": "clicks and commands never answered; the bot's log",
}


def table(results: dict[str, Figures], args: argparse.Namespace) -> str:
    baselines = {k: v for k, v in results.items() if k.startswith("bare PTB")}
    ours = {k: v for k, v in results.items() if k not in baselines}
    header = [*ours, *baselines] + [
        f"Minga ÷ {name}" + (" (" + ", ".join(ours) + ")") for name in baselines
    ]
    lines = ["| load | " + " | ".join(header) + " |", "|---" * (len(header) + 1) + "|"]
    rendered = {name: cells(f) for name, f in results.items()}
    for row, title in TITLES.items():
        if not any(row in r for r in rendered.values()):
            continue
        values = [rendered[name].get(row, "–") for name in [*ours, *baselines]]
        ratios = [
            " / ".join(ratio(f, bare, row) for f in ours.values()) for bare in baselines.values()
        ]
        lines.append(f"| {title.format(rate=args.rate)} | " + " | ".join(values + ratios) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", metavar="URL", help="also on PostgreSQL (a database next to it)")
    parser.add_argument("--updates", type=int, default=2000, help="updates per drained load")
    parser.add_argument("--only", default="chatter,clicks,mix,paced", help="loads to run")
    parser.add_argument("--paced-seconds", type=float, default=40.0)
    parser.add_argument("--rate", type=float, default=30.0, help="updates/s of the paced load")
    parser.add_argument("--logs", metavar="DIR", help="keep the bots' logs (and SQLite file) here")
    parser.add_argument(
        "--limited-bare",
        action="store_true",
        help="also the bare bot through PTB's AIORateLimiter (Telegram's flood limits)",
    )
    args = parser.parse_args()
    args.only = set(args.only.split(","))
    subprocess.run([sys.executable, "-m", "compileall", "-q", "bot"], check=True, cwd=ROOT)
    results: dict[str, Figures] = {}
    with tempfile.TemporaryDirectory(prefix="minga-e2e-") as tmp:
        workdir = Path(args.logs or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        bare = [sys.executable, str(ROOT / "bench" / "bare_bot.py")]
        results["bare PTB"] = measure("bare", bare, base_env(), workdir, args)
        if args.limited_bare:
            limited = base_env() | {"BARE_RATE_LIMITER": "1"}
            results["bare PTB, rate-limited"] = measure(
                "bare-limited", bare, limited, workdir, args
            )
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
