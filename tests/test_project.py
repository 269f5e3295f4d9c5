"""Promises the repository makes about itself."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_ci_runs_the_readme_test_command_as_written() -> None:
    [test_command] = [c for c in readme_commands() if c.endswith("pytest")]
    assert test_command in (ROOT / ".ci" / "run").read_text().splitlines()


def test_the_readme_run_command_installs_and_runs_minga() -> None:
    [run_command] = [c for c in readme_commands() if c.endswith("minga run")]
    assert "pip install ." in run_command and "BOT_TOKEN=" in run_command


def test_ci_never_skips_postgresql() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "export TEST_DATABASE_URL=" in ci
    assert "pg_ctlcluster --skip-systemctl-redirect" in ci
    assert "exit 1" in ci


def test_an_unreachable_postgresql_fails_the_run_instead_of_skipping() -> None:
    import os
    import subprocess
    import sys

    env = os.environ | {"TEST_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_project.py",
            "-k",
            "readme_run_command",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "PostgreSQL cannot be reached" in result.stdout + result.stderr


async def test_the_tests_run_on_the_event_loop_minga_runs_on() -> None:
    from bot.app import new_event_loop

    loop = new_event_loop()
    try:
        assert type(asyncio.get_running_loop()) is type(loop)
        assert type(loop).__module__.startswith("uvloop")  # installed with minga on Linux
    finally:
        loop.close()
