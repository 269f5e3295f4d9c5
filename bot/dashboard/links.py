"""Where the Mini App lives: its page (`PUBLIC_URL/app`) and a group's direct link."""

from __future__ import annotations

from bot.config import Settings
from bot.dashboard.tokens import group_token

APP_PATH = "/app"


def bot_token(settings: Settings) -> str:
    assert settings.bot_token is not None
    return settings.bot_token.get_secret_value()


def app_url(settings: Settings) -> str | None:
    """The Mini App's page, for `web_app` buttons and the private chats' menu button."""
    return settings.public_url + APP_PATH if settings.public_url else None


def direct_link(settings: Settings, bot_username: str, group_id: int) -> str | None:
    """`https://t.me/<bot>/<short name>?startapp=<token>`, or None until both settings are
    there (the page must be served for the link to open anything)."""
    if not (settings.public_url and settings.miniapp_short_name):
        return None
    token = group_token(bot_token(settings), group_id)
    return f"https://t.me/{bot_username}/{settings.miniapp_short_name}?startapp={token}"
