"""Settings: from the arguments, the environment, a `.env` file, the defaults; a bad value is
one line naming the variable; a secret never shows in a repr."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, read_dotenv
from tests.test_cli import minga

TOKEN = "123456:ABC-secret-token-value"


def test_a_dotenv_file_is_read_as_people_write_it(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        "# Minga\n"
        f"BOT_TOKEN={TOKEN}\n"
        "export DEFAULT_LANGUAGE=pt\n"
        "DEFAULT_TIMEZONE = 'America/Sao_Paulo'\n"
        'LOG_LEVEL="warning"\n'
        "LISTEN_PORT=8443   # behind the proxy\n"
        "METRICS_PORT=\n"
        "WEBHOOK_SECRET=\n"
        "SOMETHING_ELSE=ignored\n"
        "not a setting\n",
        encoding="utf-8",
    )
    settings = Settings(_env_file=env)
    assert settings.bot_token is not None and settings.bot_token.get_secret_value() == TOKEN
    assert settings.default_language == "pt_BR"
    assert settings.default_timezone == "America/Sao_Paulo"
    assert settings.log_level == "WARNING"
    assert settings.listen_port == 8443
    # an empty value is the default, not an error
    assert settings.metrics_port is None and settings.webhook_secret is None
    assert read_dotenv(tmp_path / "missing.env") == {}


def test_double_quotes_read_escapes_and_single_quotes_do_not(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text('A="say \\"hi\\"\\n#not a comment"\nB=\'a\\nb # kept\'\n', encoding="utf-8")
    assert read_dotenv(env) == {"a": 'say "hi"\n#not a comment', "b": "a\\nb # kept"}


def test_the_environment_wins_over_the_file_and_arguments_over_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = tmp_path / ".env"
    env.write_text("DEFAULT_LANGUAGE=pt\nTICK_SECONDS=5\nLOG_FORMAT=json\n", encoding="utf-8")
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")
    monkeypatch.setenv("tick_seconds", "7.5")  # names in any case, as pydantic-settings read them
    settings = Settings(_env_file=env, log_format="text")
    assert (settings.default_language, settings.tick_seconds, settings.log_format) == (
        "en",
        7.5,
        "text",
    )


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"tick_seconds": "0"}, "TICK_SECONDS must be a number above 0; got '0'"),
        ({"admin_cache_seconds": "-1"}, "ADMIN_CACHE_SECONDS must be a whole number of at least 0"),
        ({"listen_port": "eighty"}, "LISTEN_PORT must be a whole number from 1 to 65535"),
        ({"db_max_overflow": "1.5"}, "DB_MAX_OVERFLOW must be a whole number from 0 to 500"),
        ({"default_timezone": "Mars/Olympus"}, "DEFAULT_TIMEZONE is not a known time zone"),
        ({"public_url": "http://x.org"}, "PUBLIC_URL must be the public https address"),
        ({"miniapp_short_name": "a b"}, "MINIAPP_SHORT_NAME must be the Mini App's short name"),
    ],
)
def test_a_bad_value_names_its_variable(values: dict[str, str], words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings(_env_file=None, **values)
    assert str(caught.value).startswith(words)


def test_a_bad_number_in_the_environment_is_one_line_at_start(tmp_path: Path) -> None:
    result = minga(tmp_path, "run", BOT_TOKEN=TOKEN, TICK_SECONDS="soon")
    assert result.returncode == 2
    assert result.stderr == "minga: TICK_SECONDS must be a number above 0; got 'soon'\n"


def test_secrets_never_show_in_a_repr() -> None:
    settings = Settings(_env_file=None, bot_token=TOKEN, webhook_secret="s" * 20)
    text = repr(settings) + str(settings.bot_token)
    assert TOKEN not in text and "s" * 20 not in text
    assert "bot_token=SecretStr('**********')" in text


def test_an_unknown_argument_is_a_mistake_in_the_code() -> None:
    with pytest.raises(TypeError, match="unknown settings: bot_tokn"):
        Settings(_env_file=None, bot_tokn=TOKEN)
