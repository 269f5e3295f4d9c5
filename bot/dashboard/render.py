"""What /dashboard says: one line and the button that opens the Mini App."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.core.i18n import Translator


def open_in_group(tr: Translator, title: str, link: str) -> tuple[str, InlineKeyboardMarkup]:
    """In a group: a direct link (`t.me/<bot>/<app>?startapp=…`); Telegram opens the Mini
    App on that group (a `web_app` button works only in private chats)."""
    group = f"<b>{escape(title)}</b>"
    text = tr.gettext(
        "📊 The council at a glance: commitments, decisions and votes of {group}.", group=group
    )
    button = InlineKeyboardButton(tr.gettext("📊 Open the dashboard"), url=link)
    return text, InlineKeyboardMarkup([[button]])


def open_in_private(tr: Translator, url: str) -> tuple[str, InlineKeyboardMarkup]:
    text = tr.gettext("📊 Choose one of your groups to see it at a glance.")
    button = InlineKeyboardButton(tr.gettext("📊 Open the dashboard"), web_app=WebAppInfo(url))
    return text, InlineKeyboardMarkup([[button]])


def not_set_up(tr: Translator) -> str:
    return tr.gettext(
        "The dashboard is not set up yet: the bot's operator must set PUBLIC_URL and "
        "MINIAPP_SHORT_NAME (the short name given to @BotFather's /newapp)."
    )


def menu_label(tr: Translator) -> str:
    """The menu button of private chats (one text: Telegram keeps one default button)."""
    return tr.gettext("Dashboard")
