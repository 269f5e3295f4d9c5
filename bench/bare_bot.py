"""A bare python-telegram-bot bot: the yardstick of bench/startup.py and bench/e2e.py.

BOT_TOKEN=… TELEGRAM_API_URL=http://127.0.0.1:8081/bot python bench/bare_bot.py

A command handler that replies (quoting the command, as Minga does) and a callback handler
that answers the button; nothing else, no database. With BARE_RATE_LIMITER=1 it sends through
PTB's `AIORateLimiter` (Telegram's flood limits: 30 messages a second in all, 20 a minute in a
group), as Minga does, so that a load which asks for more messages than Telegram allows is
compared with a bot that keeps to them too.
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

COMMANDS = ("start", "help", "propose", "status", "commit")


async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text("hello", do_quote=True)


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer("ok")


def main() -> None:
    builder = Application.builder().token(os.environ["BOT_TOKEN"])
    builder = builder.base_url(os.environ["TELEGRAM_API_URL"])
    if os.environ.get("BARE_RATE_LIMITER"):
        builder = builder.rate_limiter(AIORateLimiter())
    application = builder.build()
    application.add_handler(CommandHandler(COMMANDS, reply))
    application.add_handler(CallbackQueryHandler(answer))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
