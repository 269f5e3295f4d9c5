"""`minga` as a person runs it: one clear line and a status for every mistake, and a real run
against a Bot API server on this machine (as a self-hosted one would be)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, normalize_api_url, normalize_database_url
from bot.core.clock import SYSTEM
from tests.botapi_http import BotApiServer
from tests.conftest import TOKEN
from tests.updates import TUser, Updates, private_chat

ENV_KEYS = ("BOT_TOKEN", "DATABASE_URL", "TELEGRAM_API_URL", "DEFAULT_LANGUAGE", "LOG_LEVEL")


def minga(
    tmp_path: Path, *args: str, timeout: float = 60, **env: str
) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_run_without_a_token_says_so_in_one_line(tmp_path: Path) -> None:
    result = minga(tmp_path, "run")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "BOT_TOKEN is not set" in result.stderr


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://root@localhost/minga", "Minga runs on sqlite or postgresql"),
        ("not a url", "is not a database URL"),
    ],
)
def test_a_bad_database_url_is_one_line(tmp_path: Path, url: str, words: str) -> None:
    result = minga(tmp_path, "run", BOT_TOKEN=TOKEN, DATABASE_URL=url)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and words in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    result = minga(
        tmp_path, "run", BOT_TOKEN=TOKEN, DATABASE_URL="postgresql://minga:secret@127.0.0.1:9/minga"
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert (
        "cannot use the database at postgresql+asyncpg://minga:***@127.0.0.1:9/minga"
        in result.stderr
    )
    assert "secret" not in result.stderr


def test_a_sqlite_file_in_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    result = minga(tmp_path, "migrate", DATABASE_URL="sqlite:///no/such/folder/minga.db")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "cannot use the database" in result.stderr


def test_migrate_creates_the_tables_in_the_default_sqlite_file(tmp_path: Path) -> None:
    result = minga(tmp_path, "migrate")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "minga.db") as conn:
        tables = {row[0] for row in conn.execute("select name from sqlite_master")}
    assert {"groups", "persons", "memberships", "alembic_version"} <= tables
    assert minga(tmp_path, "migrate").returncode == 0  # twice is harmless


def test_minga_and_python_m_bot_are_the_same_program(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "minga"
    assert script.exists()
    by_script = subprocess.run([script, "--help"], capture_output=True, text=True)
    assert by_script.returncode == 0
    assert by_script.stdout.replace("minga", "") == minga(tmp_path, "--help").stdout.replace(
        "minga", ""
    )


def test_settings_normalise_what_people_paste() -> None:
    assert normalize_database_url("postgresql://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert normalize_database_url("sqlite:///minga.db") == "sqlite+aiosqlite:///minga.db"
    assert normalize_api_url("http://localhost:8081") == "http://localhost:8081/bot"
    assert normalize_api_url("http://localhost:8081/bot/") == "http://localhost:8081/bot"
    with pytest.raises(ConfigError):
        normalize_api_url("localhost:8081")
    settings = Settings(_env_file=None)
    assert settings.telegram_api_url == "https://api.telegram.org/bot"
    assert settings.default_language == "es"


# -- a whole run against a Bot API server on this machine ---------------------------------


@pytest.fixture
def bot_api() -> Iterator[BotApiServer]:
    rosa = TUser(321, "Rosa", "rosa_h", "pt-br")
    # a real `minga run` in another process runs on the wall clock: so does its update
    server = BotApiServer([Updates(SYSTEM).command(private_chat(rosa), rosa, "/help")]).start()
    yield server
    server.stop()


def test_minga_run_migrates_polls_answers_and_stops_on_sigterm(
    tmp_path: Path, bot_api: BotApiServer
) -> None:
    clean = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    env = clean | {
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": f"http://127.0.0.1:{bot_api.server_port}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(m == "sendMessage" for m, _ in bot_api.calls):
            time.sleep(0.1)
        sends = [p for m, p in bot_api.calls if m == "sendMessage"]
        assert sends, "the bot never answered /help"
        assert "o que você pode me pedir" in sends[0]["text"]
        polls = [p for m, p in bot_api.calls if m == "getUpdates"]
        assert set(polls[0]["allowed_updates"]) >= {
            "message",
            "callback_query",
            "message_reaction",
            "message_reaction_count",
            "chat_member",
            "my_chat_member",
            "poll_answer",
        }
        assert any(m == "setMyCommands" for m, _ in bot_api.calls)
        assert (tmp_path / "minga.db").exists()  # migrated before polling
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=10)
        assert time.monotonic() - started < 10
        assert process.returncode == 0
        assert "event loop uvloop" in output
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
