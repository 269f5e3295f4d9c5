"""The bot token is masked as `123456:***` in every log line, argument and traceback."""

from __future__ import annotations

import io
import logging
import subprocess
import sys

import pytest

from bot.core.secrets import MaskTokens, mask

TOKEN = "7012345678:AAH3xq-Yt0k_EXAMPLEexampleEXAMPLE12"


def test_mask_hides_the_secret_and_keeps_the_bot_id() -> None:
    url = f"POST https://api.telegram.org/bot{TOKEN}/getMe"
    assert mask(url) == "POST https://api.telegram.org/bot7012345678:***/getMe"
    assert mask(f"The token `{TOKEN}` was rejected") == "The token `7012345678:***` was rejected"


@pytest.mark.parametrize(
    "text",
    ["at 04:31:44,911", "meeting 2026-12-02 19:00", "chat -1001234567890:5", "/commit 3: paint"],
)
def test_mask_leaves_times_and_ids_alone(text: str) -> None:
    assert mask(text) == text


def test_a_configured_token_of_any_shape_is_masked() -> None:
    assert mask("token=abc:short", ["abc:short"]) == "token=***"
    assert mask("bot12:xyz/getMe", ["12:xyz"]) == "bot12:***/getMe"


def test_the_filter_masks_message_arguments_and_traceback() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(MaskTokens(["12:weird"]))
    logger = logging.getLogger("test.secrets")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning('HTTP Request: POST %s "%s"', f"http://x/bot{TOKEN}/getMe", "200 OK")
        try:
            raise ValueError(f"The token `{TOKEN}` and 12:weird were rejected")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    text = out.getvalue()
    assert "http://x/bot7012345678:***/getMe" in text
    assert "The token `7012345678:***` and 12:*** were rejected" in text
    assert "EXAMPLE" not in text and "weird" not in text


def test_uncaught_errors_in_the_main_thread_and_others_are_masked() -> None:
    program = (
        "import threading\n"
        "from bot.core.secrets import install\n"
        "install(None)\n"
        f"def boom(): raise RuntimeError('The token `{TOKEN}` was rejected')\n"
        "thread = threading.Thread(target=boom, name='worker'); thread.start(); thread.join()\n"
        "boom()\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert result.returncode == 1
    assert "Exception in thread worker:" in result.stderr
    assert result.stderr.count("RuntimeError: The token `7012345678:***` was rejected") == 2
    assert "EXAMPLE" not in result.stderr
