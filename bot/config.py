"""Every knob in one place: read from the environment or a `.env` file."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
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
    # `minga serve` and `minga setup` (webhook mode); `minga run` needs none of them
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_max_connections: int = Field(default=40, ge=1, le=100)
    listen_host: str = "0.0.0.0"
    listen_port: int = Field(default=8080, ge=1, le=65535)
    # /metrics answers only with `Authorization: Bearer <METRICS_TOKEN>`, or on its own port
    metrics_token: SecretStr | None = None
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    # PostgreSQL connections per process (kept open, and more for a burst)
    db_pool_size: int = Field(default=20, ge=1, le=500)
    db_max_overflow: int = Field(default=10, ge=0, le=500)
    log_format: str = "text"
    # the coordinators' Mini App (bot.web.miniapp): the public https base of the web server
    # (its pages are PUBLIC_URL/app) and the short name given to @BotFather's /newapp
    public_url: str | None = None
    miniapp_short_name: str | None = None

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

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return normalize_webhook_url(value)

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        url = value.strip().rstrip("/")
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
            raise ConfigError(
                f"PUBLIC_URL must be the public https address of the web server: {value!r} "
                "(example: https://minga.example.org)"
            )
        return url

    @field_validator("miniapp_short_name")
    @classmethod
    def _short_name(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not re.fullmatch(r"[A-Za-z0-9_]{3,30}", value.strip()):
            raise ConfigError(
                f"MINIAPP_SHORT_NAME must be the Mini App's short name from @BotFather's "
                f"/newapp (3-30 letters, digits or _): {value!r} (example: council)"
            )
        return value.strip()

    @field_validator("webhook_secret", "metrics_token")
    @classmethod
    def _secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        name = (info.field_name or "").upper()
        if not SECRET.fullmatch(value.get_secret_value()):
            raise ConfigError(
                f"{name} must be 16 to 256 characters of A-Z, a-z, 0-9, _ and - "
                "(example: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )
        return value

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in {"text", "json"}:
            raise ConfigError(f"LOG_FORMAT must be text or json; got {value!r}")
        return value

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
