"""Every knob in one place: read from the environment or a `.env` file."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

LANGUAGES = ("es", "pt_BR", "en")
TELEGRAM_API_URL = "https://api.telegram.org/bot"


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


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    bot_token: SecretStr | None = None
    database_url: str = "sqlite+aiosqlite:///minga.db"
    telegram_api_url: str = TELEGRAM_API_URL
    default_language: str = "es"
    default_timezone: str = "America/Bogota"
    log_level: str = "INFO"
    # how often the scheduler's tick runs, and how long a Telegram admin list stays fresh
    tick_seconds: float = Field(default=30.0, gt=0)
    admin_cache_seconds: int = Field(default=600, ge=0)
    # how long handled update ids are kept to recognise a redelivered update
    update_retention_days: int = Field(default=3, ge=1)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return normalize_database_url(value)

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        return normalize_api_url(value)

    @field_validator("default_language")
    @classmethod
    def _language(cls, value: str) -> str:
        from bot.core.i18n import normalize_language

        lang = normalize_language(value)
        if lang is None:
            raise ConfigError(f"DEFAULT_LANGUAGE must be one of es, pt, en; got {value!r}")
        return lang

    @field_validator("default_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(
                f"DEFAULT_TIMEZONE is not a known time zone: {value!r} (example: America/Bogota)"
            ) from exc
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR; got {value!r}")
        return value
