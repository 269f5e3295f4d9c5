"""`minga` as a person runs it: one clear line and a status for every mistake, and a real run
against a Bot API server on this machine (as a self-hosted one would be)."""

from __future__ import annotations

import os
import signal
import socket
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
    assert f"the folder {tmp_path / 'no/such/folder'} does not exist" in result.stderr


def test_a_sqlite_folder_that_is_a_file_says_it_must_be_a_writable_folder(tmp_path: Path) -> None:
    # a path under a file stands for a folder Minga cannot write to, also when tests run as root
    (tmp_path / "data").write_text("")
    result = minga(tmp_path, "run", BOT_TOKEN=TOKEN, DATABASE_URL="sqlite:///data/minga.db")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"{tmp_path / 'data'} must be a folder writable by the user running Minga" in (
        result.stderr
    )
    assert f"in Docker that is uid 10001: chown 10001 {tmp_path / 'data'}" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to a folder whatever its mode")
def test_a_read_only_sqlite_folder_says_it_must_be_writable(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o500)  # as a Docker bind mount owned by root looks to uid 10001
    try:
        result = minga(tmp_path, "migrate", DATABASE_URL=f"sqlite:///{data}/minga.db")
    finally:
        data.chmod(0o700)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert f"{data} must be a folder writable by the user running Minga (uid {os.geteuid()})" in (
        result.stderr
    )


def test_the_uid_in_the_message_is_the_docker_images_user() -> None:
    from bot.cli import DOCKER_UID

    dockerfile = (Path(__file__).resolve().parents[1] / "Dockerfile").read_text()
    assert f"--uid {DOCKER_UID} " in dockerfile and "USER minga" in dockerfile


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


def test_minga_run_web_serves_the_mini_app_beside_polling(
    tmp_path: Path, bot_api: BotApiServer
) -> None:
    import urllib.error
    import urllib.request

    port = free_port()
    clean = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    env = clean | {
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": f"http://127.0.0.1:{bot_api.server_port}",
        "LISTEN_HOST": "127.0.0.1",
        "LISTEN_PORT": str(port),
        "PUBLIC_URL": "https://minga.example.org",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--web"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page, deadline = None, time.monotonic() + 30
        while page is None and time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/app", timeout=2) as answer:
                    page = answer.read().decode()
            except OSError:
                time.sleep(0.1)
        assert page is not None and "telegram-web-app.js" in page
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/app/groups", timeout=2)
        assert refused.value.code == 401  # no initData
        while time.monotonic() < deadline and "sendMessage" not in bot_api.methods():
            time.sleep(0.1)
        assert "sendMessage" in bot_api.methods()  # and it polls as `minga run` does
        menu = [p for m, p in bot_api.calls if m == "setChatMenuButton"]
        assert menu and "https://minga.example.org/app" in str(menu[0])
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=10)
        assert time.monotonic() - started < 10
        assert process.returncode == 0, output
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# -- a Bot API that is not there, or that rejects the token ------------------------------

SECRET = "TEST-token-for-the-double"  # the part of TOKEN after the bot's id


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_bot_api_is_one_line_without_the_token(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nobody listens: the connection is refused
    result = minga(tmp_path, "run", BOT_TOKEN=TOKEN, TELEGRAM_API_URL=url)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"minga: cannot reach the Bot API at {url}/bot: ")
    assert SECRET not in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def rejecting_api() -> Iterator[BotApiServer]:
    server = BotApiServer(reject_token=True).start()
    yield server
    server.stop()


def test_a_rejected_token_is_one_line_without_the_token(
    tmp_path: Path, rejecting_api: BotApiServer
) -> None:
    result = minga(tmp_path, "run", BOT_TOKEN=TOKEN, TELEGRAM_API_URL=rejecting_api.url)
    assert rejecting_api.methods() == ["getMe"]
    assert result.returncode == 2  # a wrong setting, as a missing token
    assert result.stderr == (
        "minga: Telegram does not accept this BOT_TOKEN. Check it with @BotFather.\n"
    )


def test_debug_logs_mask_the_token(tmp_path: Path, rejecting_api: BotApiServer) -> None:
    result = minga(
        tmp_path, "run", BOT_TOKEN=TOKEN, TELEGRAM_API_URL=rejecting_api.url, LOG_LEVEL="DEBUG"
    )
    assert result.returncode == 2
    rejected = "minga: Telegram does not accept this BOT_TOKEN. Check it with @BotFather.\n"
    assert f"{rejecting_api.url}/bot123456:***" in result.stderr  # PTB logs its URL
    assert SECRET not in result.stderr
    assert result.stderr.endswith(rejected)
