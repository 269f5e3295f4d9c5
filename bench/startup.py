"""How soon `minga run` polls and how much memory it holds when idle, against a bare PTB bot.

    python bench/startup.py [--idle 30] [--latency 0.1] [--pg postgresql://user@host/db]

Serves a small Bot API double over HTTP on this machine (`tests/botapi_http.py`), then runs,
one after the other, each as a subprocess pointed at it with `TELEGRAM_API_URL`:

- a bare python-telegram-bot bot with one command handler (`bench/bare_bot.py`);
- the real `minga run` on a new SQLite file (it applies every migration first), then again on
  the same file (a restart: the migrations are already there);
- with `--pg URL`, the same two on that PostgreSQL database (it is migrated: give it a database
  of its own).

For each it prints the time from starting the process to its first `getUpdates`, the CPU time
the process used until then (user + system, with its children's: the migrations of a first
start run in one; on a busy machine the wall time grows with the load, the CPU time much less),
and the resident memory (RSS, from /proc) `--idle` seconds
after the start. It also prints how long
`import bot.app` and `import telegram.ext` take in a fresh interpreter (the best of three).
`--latency` adds that many seconds to every answer of the double, as the round trip to
api.telegram.org does. The sources are compiled first (an installed package has its .pyc
files; PYTHONDONTWRITEBYTECODE in a development shell would make every start compile them).
`--src DIR` runs Minga from another checkout (PYTHONPATH), to compare before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import cpu_seconds, rss_mib, terminate  # noqa: E402
from tests.botapi_http import BotApiServer  # noqa: E402

TOKEN = "123456:BENCH-token-for-the-double"
IGNORED = {"DATABASE_URL", "LOG_LEVEL", "PYTHONDONTWRITEBYTECODE"}


def measure(
    server: BotApiServer, command: list[str], env: dict[str, str], cwd: Path, idle: float
) -> tuple[float, float, float]:
    """(seconds to the first getUpdates, CPU seconds until then, RSS in MiB after `idle` s)."""
    server.reset()
    base = {k: v for k, v in os.environ.items() if k not in IGNORED}
    env = base | {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": server.url + "/bot"} | env
    with tempfile.TemporaryFile("w+") as errors:
        started = time.monotonic()
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors, text=True
        )
        try:
            while server.first_poll is None:
                if process.poll() is not None or time.monotonic() - started > 120:
                    errors.seek(0)
                    raise SystemExit(f"{' '.join(command)} did not poll:\n{errors.read()}")
                time.sleep(0.01)
            cpu = cpu_seconds(process.pid)
            first = server.first_poll - started
            time.sleep(max(0.0, started + idle - time.monotonic()))
            rss = rss_mib(process.pid)
        finally:
            terminate(process)
    return first, cpu, rss


ENV = {k: v for k, v in os.environ.items() if k not in IGNORED}


def import_seconds(module: str, src: str) -> float:
    times = []
    for _ in range(3):
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True, cwd=src, env=ENV)
        times.append(time.monotonic() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=30.0, help="seconds before reading RSS")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per Bot API call")
    parser.add_argument("--src", metavar="DIR", help="run Minga from this checkout")
    parser.add_argument("--pg", metavar="URL", help="also measure on this PostgreSQL database")
    args = parser.parse_args()

    minga = [sys.executable, "-m", "bot", "run"]
    src = str(Path(args.src).resolve()) if args.src else str(ROOT)
    bare = [sys.executable, str(ROOT / "bench" / "bare_bot.py")]
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "bot", "migrations"],
        check=True,
        cwd=src,
        env=ENV,
    )
    server = BotApiServer(hold=1.0, latency=args.latency).start()
    rows: list[tuple[str, float, float, float]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cwd = Path(tmp)
            rows.append(("bare PTB bot", *measure(server, bare, {}, cwd, args.idle)))
            sqlite = {"DATABASE_URL": f"sqlite:///{cwd / 'minga.db'}", "PYTHONPATH": src}
            rows.append(("minga, SQLite, new", *measure(server, minga, sqlite, cwd, args.idle)))
            rows.append(("minga, SQLite, restart", *measure(server, minga, sqlite, cwd, args.idle)))
            if args.pg:
                pg = {"DATABASE_URL": args.pg, "PYTHONPATH": src}
                rows.append(("minga, PostgreSQL, 1st", *measure(server, minga, pg, cwd, args.idle)))
                rows.append(
                    ("minga, PostgreSQL, restart", *measure(server, minga, pg, cwd, args.idle))
                )
    finally:
        server.stop()

    idle = f"RSS after {args.idle:g} s"
    print(f"{'':28} {'first getUpdates':>17} {'CPU until then':>15} {idle:>17}")
    for name, first, cpu, rss in rows:
        print(f"{name:28} {first:>15.2f} s {cpu:>13.2f} s {rss:>13.1f} MiB")
    print()
    minga_first = statistics.median(row[1] for row in rows if row[0].startswith("minga"))
    print(f"minga's median first poll: {minga_first:.2f} s")
    for module in ("bot.app", "telegram.ext"):
        seconds = import_seconds(module, src)
        print(f"import {module}: {seconds:.2f} s (best of 3)")


if __name__ == "__main__":
    main()
