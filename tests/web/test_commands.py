"""`minga serve` and `minga setup` as a person runs them, and `minga run` refusing to take a
webhook deployment offline: one line and a status for every mistake."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, normalize_webhook_url
from tests.botapi_http import BotApiServer
from tests.conftest import TOKEN
from tests.test_cli import ENV_KEYS, bot_api  # noqa: F401 - the fixture

SECRET = "s3cret-token-of-the-webhook_0123456789"
WEB_KEYS = (*ENV_KEYS, "WEBHOOK_URL", "WEBHOOK_SECRET", "METRICS_TOKEN", "LOG_FORMAT")


def minga(
    tmp_path: Path, *args: str, timeout: float = 60, **env: str
) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in WEB_KEYS}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def one_line(result: subprocess.CompletedProcess, status: int, words: str) -> None:
    assert result.returncode == status, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_without_a_secret_is_refused_at_start(tmp_path: Path) -> None:
    one_line(minga(tmp_path, "serve", BOT_TOKEN=TOKEN), 2, "WEBHOOK_SECRET is not set")
    one_line(minga(tmp_path, "serve"), 2, "BOT_TOKEN is not set")


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"WEBHOOK_SECRET": "short"}, "WEBHOOK_SECRET must be 16 to 256 characters"),
        ({"WEBHOOK_SECRET": "has spaces in it, sixteen+"}, "WEBHOOK_SECRET must be"),
        ({"WEBHOOK_URL": "http://minga.example.org"}, "WEBHOOK_URL must be the public https"),
        ({"WEBHOOK_URL": "https://minga.example.org:9000"}, "Telegram posts only to 443"),
        ({"LISTEN_PORT": "70000"}, "LISTEN_PORT"),
        ({"LISTEN_PORT": "eighty"}, "LISTEN_PORT"),
        ({"METRICS_TOKEN": "abc"}, "METRICS_TOKEN must be 16 to 256"),
        ({"DB_POOL_SIZE": "0"}, "DB_POOL_SIZE"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be text or json"),
        ({"METRICS_PORT": "8080", "WEBHOOK_SECRET": SECRET}, "METRICS_PORT must differ"),
    ],
)
def test_each_webhook_setting_is_checked_in_one_line(
    tmp_path: Path, env: dict[str, str], words: str
) -> None:
    one_line(minga(tmp_path, "serve", BOT_TOKEN=TOKEN, **env), 2, words)


def test_setup_needs_the_public_url(tmp_path: Path) -> None:
    result = minga(tmp_path, "setup", BOT_TOKEN=TOKEN, WEBHOOK_SECRET=SECRET)
    one_line(result, 2, "WEBHOOK_URL is not set")


def test_webhook_urls_people_paste() -> None:
    assert normalize_webhook_url("https://minga.example.org/") == "https://minga.example.org"
    assert normalize_webhook_url("https://x.org:8443/bots") == "https://x.org:8443/bots"
    with pytest.raises(ConfigError):
        normalize_webhook_url("minga.example.org")
    a = Settings(_env_file=None, webhook_secret=SECRET)
    b = Settings(_env_file=None, webhook_secret=SECRET + "x")
    assert a.webhook_path().startswith("/telegram/") and a.webhook_path() != b.webhook_path()
    assert SECRET not in a.webhook_path()


def test_setup_sets_the_webhook_then_run_refuses_until_setup_polling(
    tmp_path: Path,
    bot_api: BotApiServer,  # noqa: F811
) -> None:
    api = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": f"http://127.0.0.1:{bot_api.server_port}"}
    web = {"WEBHOOK_URL": "https://minga.example.org", "WEBHOOK_SECRET": SECRET}
    done = minga(tmp_path, "setup", **api, **web)
    assert done.returncode == 0, done.stderr
    assert "minga serve" in done.stdout
    [(_, params)] = [c for c in bot_api.calls if c[0] == "setWebhook"]
    assert (
        params["url"]
        == "https://minga.example.org"
        + Settings(_env_file=None, webhook_secret=SECRET).webhook_path()
    )
    assert params["secret_token"] == SECRET
    assert int(params["max_connections"]) == 40
    assert {"message", "callback_query", "message_reaction", "chat_member"} <= set(
        params["allowed_updates"]
    )
    assert any(m == "setMyCommands" for m, _ in bot_api.calls)
    assert (tmp_path / "minga.db").exists()  # migrated

    refused = minga(tmp_path, "run", **api)
    one_line(refused, 2, "minga setup --polling")
    assert "https://minga.example.org/…" in refused.stderr and "/telegram/" not in refused.stderr
    assert not any(m in ("deleteWebhook", "getUpdates") for m, _ in bot_api.calls)

    removed = minga(tmp_path, "setup", "--polling", **api)
    assert removed.returncode == 0, removed.stderr
    assert "minga run" in removed.stdout and bot_api.webhook == ""
