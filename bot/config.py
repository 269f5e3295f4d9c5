"""Every knob in one place: read from the environment or a `.env` file.

Plain Python rather than pydantic-settings: pydantic and pydantic-core held 9 MiB of the idle
bot's memory (issue 17's goal is 80 MiB in all) for twenty knobs read once at start."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

LANGUAGES = ("es", "pt_BR", "en")
TELEGRAM_API_URL = "https://api.telegram.org/bot"
# what Telegram accepts as a webhook's secret_token (1-256 of A-Z a-z 0-9 _ -); 16 at least here
SECRET = re.compile(r"[A-Za-z0-9_-]{16,256}")


class ConfigError(ValueError):
    """A setting that cannot work; its message is one line meant for a person."""


def normalize_database_url(raw: str) -> str:
    """Accept the URLs people paste (`postgresql://…`, `sqlite:///…`) and pick the async driver."""
    try:
        url: URL = make_url(raw)
    except ArgumentError as exc:
        raise ConfigError(
            f"DATABASE_URL is not a database URL: {raw!r} "
            "(example: sqlite+aiosqlite:///minga.db or postgresql://user@host/minga)"
        ) from exc
    backend = url.get_backend_name()
    if backend == "sqlite":
        url = url.set(drivername="sqlite+aiosqlite")
    elif backend == "postgresql":
        url = url.set(drivername="postgresql+asyncpg")
    else:
        raise ConfigError(
            f"DATABASE_URL uses {backend!r}; Minga runs on sqlite or postgresql "
            "(example: postgresql://user@host/minga)"
        )
    return url.render_as_string(hide_password=False)


def normalize_api_url(raw: str) -> str:
    """`http://localhost:8081` and `http://localhost:8081/bot` both mean the same server."""
    url = raw.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ConfigError(
            f"TELEGRAM_API_URL must start with http:// or https://: {raw!r} "
            "(example: http://localhost:8081/bot)"
        )
    return url if url.endswith("/bot") else url + "/bot"


class SecretStr:
    """A value that shows as `**********` in a repr, a log line or an error message."""

    __slots__ = ("_secret",)

    def __init__(self, value: str) -> None:
        self._secret = value

    def get_secret_value(self) -> str:
        return self._secret

    def __repr__(self) -> str:
        return f"SecretStr({str(self)!r})"

    def __str__(self) -> str:
        return "**********" if self._secret else ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretStr) and other._secret == self._secret

    def __hash__(self) -> int:
        return hash(self._secret)


def _number(
    kind: type[int] | type[float], low: float | None, high: float | None, *, above: bool
) -> Callable[[str, Any], Any]:
    """A parser of a whole (`int`) or decimal (`float`) number within bounds; `above`: `low`
    itself is not allowed."""

    def parse(name: str, value: Any) -> Any:
        try:
            number = kind(value.strip() if isinstance(value, str) else value)
        except (TypeError, ValueError):
            number = None
        if number is not None and (
            (low is not None and (number <= low if above else number < low))
            or (high is not None and number > high)
        ):
            number = None
        if number is None:
            what = "a whole number" if kind is int else "a number"
            if low is not None and high is not None:
                what += f" from {low:g} to {high:g}"
            elif low is not None:
                what += f" above {low:g}" if above else f" of at least {low:g}"
            raise ConfigError(f"{name} must be {what}; got {value!r}")
        return number

    return parse


def _text(name: str, value: Any) -> str:
    return str(value)


def _optional_text(name: str, value: Any) -> str | None:
    return str(value).strip() or None


def _database_url(name: str, value: Any) -> str:
    return normalize_database_url(str(value))


def _api_url(name: str, value: Any) -> str:
    return normalize_api_url(str(value))


def _language(name: str, value: Any) -> str:
    from bot.core.i18n import normalize_language

    lang = normalize_language(str(value))
    if lang is None:
        raise ConfigError(f"DEFAULT_LANGUAGE must be one of es, pt, en; got {value!r}")
    return lang


def _timezone(name: str, value: Any) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"DEFAULT_TIMEZONE is not a known time zone: {value!r} (example: America/Bogota)"
        ) from exc
    return str(value)


def _log_level(name: str, value: Any) -> str:
    level = str(value).upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR; got {value!r}")
    return level


def _log_format(name: str, value: Any) -> str:
    form = str(value).strip().lower()
    if form not in {"text", "json"}:
        raise ConfigError(f"LOG_FORMAT must be text or json; got {value!r}")
    return form


def _token(name: str, value: Any) -> SecretStr:
    return value if isinstance(value, SecretStr) else SecretStr(str(value))


def _webhook_url(name: str, value: Any) -> str | None:
    return normalize_webhook_url(str(value)) if str(value).strip() else None


def _public_url(name: str, value: Any) -> str | None:
    if not str(value).strip():
        return None
    url = str(value).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(
            f"PUBLIC_URL must be the public https address of the web server: {value!r} "
            "(example: https://minga.example.org)"
        )
    return url


def _short_name(name: str, value: Any) -> str | None:
    text = str(value).strip()
    if not text:
        return None
    if not re.fullmatch(r"[A-Za-z0-9_]{3,30}", text):
        raise ConfigError(
            f"MINIAPP_SHORT_NAME must be the Mini App's short name from @BotFather's "
            f"/newapp (3-30 letters, digits or _): {value!r} (example: council)"
        )
    return text


def _secret(name: str, value: Any) -> SecretStr | None:
    secret = _token(name, value)
    if not secret.get_secret_value():
        return None
    if not SECRET.fullmatch(secret.get_secret_value()):
        raise ConfigError(
            f"{name} must be 16 to 256 characters of A-Z, a-z, 0-9, _ and - "
            "(example: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return secret


@dataclass(frozen=True, slots=True)
class Knob:
    """One setting: its default, and how a value from the environment (a string) or from
    Python becomes it (raising ConfigError, in one line for a person)."""

    default: Any
    parse: Callable[[str, Any], Any]
    # an empty value (`METRICS_PORT=` in a .env file) means the default
    blank_is_default: bool = False


def _whole(default: int | None, low: int, high: int | None = None) -> Knob:
    return Knob(default, _number(int, low, high, above=False), blank_is_default=True)


KNOBS: dict[str, Knob] = {
    "bot_token": Knob(None, _token, blank_is_default=True),
    "database_url": Knob("sqlite+aiosqlite:///minga.db", _database_url),
    "telegram_api_url": Knob(TELEGRAM_API_URL, _api_url),
    "default_language": Knob("es", _language),
    "default_timezone": Knob("America/Bogota", _timezone),
    "log_level": Knob("INFO", _log_level),
    # how often the scheduler's tick runs, and how long a Telegram admin list stays fresh
    "tick_seconds": Knob(30.0, _number(float, 0, None, above=True), blank_is_default=True),
    "admin_cache_seconds": _whole(600, 0),
    # how long handled update ids are kept to recognise a redelivered update
    "update_retention_days": _whole(3, 1),
    # `minga serve` and `minga setup` (webhook mode); `minga run` needs none of them
    "webhook_url": Knob(None, _webhook_url),
    "webhook_secret": Knob(None, _secret),
    "webhook_max_connections": _whole(40, 1, 100),
    "listen_host": Knob("0.0.0.0", _text),
    "listen_port": _whole(8080, 1, 65535),
    # /metrics answers only with `Authorization: Bearer <METRICS_TOKEN>`, or on its own port
    "metrics_token": Knob(None, _secret),
    "metrics_port": _whole(None, 1, 65535),
    # PostgreSQL connections per process (kept open, and more for a burst)
    "db_pool_size": _whole(20, 1, 500),
    "db_max_overflow": _whole(10, 0, 500),
    "log_format": Knob("text", _log_format),
    # the coordinators' Mini App (bot.web.miniapp): the public https base of the web server
    # (its pages are PUBLIC_URL/app) and the short name given to @BotFather's /newapp
    "public_url": Knob(None, _public_url),
    "miniapp_short_name": Knob(None, _short_name),
}


def read_dotenv(path: str | os.PathLike[str]) -> dict[str, str]:
    """`KEY=value` lines of a `.env` file (names in lower case): `#` comments, an optional
    `export `, values in single quotes taken as they are, in double quotes with `\\n`, `\\"` and
    `\\\\` read as escapes; a missing file is no setting."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        return {}
    found: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.removeprefix("export ").partition("=")
        if not sep:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == "'":
            value = value[1:-1]
        elif len(value) >= 2 and value[0] == value[-1] == '"':
            value = re.sub(r'\\([n"\\])', lambda m: {"n": "\n"}.get(m[1], m[1]), value[1:-1])
        else:
            value = re.split(r"\s+#", value, maxsplit=1)[0]
        found[name.strip().lower()] = value
    return found


class Settings:
    """Every knob (`KNOBS`), from, first to last: the arguments, the environment (names in any
    case: `BOT_TOKEN` or `bot_token`), the `.env` file (`_env_file=None`: none), the default.
    A value that cannot work raises ConfigError, whose message is the one line `minga` prints."""

    bot_token: SecretStr | None
    database_url: str
    telegram_api_url: str
    default_language: str
    default_timezone: str
    log_level: str
    tick_seconds: float
    admin_cache_seconds: int
    update_retention_days: int
    webhook_url: str | None
    webhook_secret: SecretStr | None
    webhook_max_connections: int
    listen_host: str
    listen_port: int
    metrics_token: SecretStr | None
    metrics_port: int | None
    db_pool_size: int
    db_max_overflow: int
    log_format: str
    public_url: str | None
    miniapp_short_name: str | None

    def __init__(self, _env_file: str | os.PathLike[str] | None = ".env", **values: Any) -> None:
        unknown = sorted(set(values) - KNOBS.keys())
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(unknown)}")
        environ = {name.lower(): value for name, value in os.environ.items()}
        dotenv = read_dotenv(_env_file) if _env_file is not None else {}
        for name, knob in KNOBS.items():
            for source in (values, environ, dotenv):
                if name in source:
                    value = source[name]
                    break
            else:
                value = None
            if value is None or (knob.blank_is_default and not str(value).strip()):
                setattr(self, name, knob.default)
            else:
                setattr(self, name, knob.parse(name.upper(), value))

    def __repr__(self) -> str:
        return "Settings(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in KNOBS) + ")"

    def webhook_path(self) -> str:
        """Where Telegram posts updates: a path no one guesses, derived from the secret."""
        assert self.webhook_secret is not None
        digest = hashlib.sha256(b"minga-path:" + self.webhook_secret.get_secret_value().encode())
        return "/telegram/" + digest.hexdigest()[:32]

    def webhook_problem(self) -> str | None:
        """Why `minga serve` / `minga setup` cannot start, in one line; None when they can."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            return "BOT_TOKEN is not set. Get a token from @BotFather (example: BOT_TOKEN=123:ABC)"
        if self.webhook_secret is None:
            return (
                "WEBHOOK_SECRET is not set; Telegram signs each update with it "
                "(example: WEBHOOK_SECRET=$(python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'))"
            )
        if self.metrics_port is not None and self.metrics_port == self.listen_port:
            return f"METRICS_PORT must differ from LISTEN_PORT ({self.listen_port})"
        return None


def normalize_webhook_url(raw: str) -> str:
    """The public base URL Telegram posts to: https, a host, no query."""
    url = raw.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(
            f"WEBHOOK_URL must be the public https address of the proxy: {raw!r} "
            "(example: https://minga.example.org)"
        )
    if parts.port not in (None, 443, 80, 88, 8443):
        raise ConfigError(
            f"WEBHOOK_URL uses port {parts.port}; Telegram posts only to 443, 80, 88 or 8443 "
            "(example: https://minga.example.org)"
        )
    return url
