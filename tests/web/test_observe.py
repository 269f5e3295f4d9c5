"""The log lines of `LOG_FORMAT=json` and what counts as a transient failure."""

from __future__ import annotations

import contextvars
import json
import logging

from sqlalchemy.exc import IntegrityError, OperationalError
from telegram.error import BadRequest, Forbidden, NetworkError, TimedOut

from bot.core.observe import JsonFormatter, bind_log, is_transient, update_kind, work_kind


def test_a_json_line_names_the_update_chat_and_handler() -> None:
    def inside() -> str:
        bind_log(4711, -100123, "votes.click")
        record = logging.LogRecord(
            "bot.x", logging.WARNING, "f.py", 1, "edit <b>%s</b>", ("ok",), None
        )
        return JsonFormatter().format(record)

    line = json.loads(contextvars.copy_context().run(inside))
    assert line["update_id"] == 4711 and line["chat"] == -100123
    assert line["handler"] == "votes.click"
    assert line["message"] == "edit <b>ok</b>" and line["level"] == "WARNING"
    outside = json.loads(
        JsonFormatter().format(logging.LogRecord("x", 20, "f", 1, "tick", (), None))
    )
    assert "update_id" not in outside  # another context: the tick's lines name no update


def test_transient_failures_are_the_database_or_network_away() -> None:
    assert is_transient(OperationalError("SELECT 1", {}, Exception("connection refused")))
    assert is_transient(ConnectionRefusedError())
    assert is_transient(TimeoutError())
    assert is_transient(TimedOut())
    assert is_transient(NetworkError("reset"))
    assert not is_transient(IntegrityError("INSERT", {}, Exception("duplicate")))
    assert not is_transient(BadRequest("message is not modified"))
    assert not is_transient(Forbidden("bot was kicked"))
    assert not is_transient(RuntimeError("a bug"))
    assert not is_transient(None)


def test_labels_have_few_values() -> None:
    assert work_kind("votes:announce:17") == "votes:announce"
    assert work_kind("digest:3:2026-W49") == "digest"  # not one value per group
    assert work_kind("core:prune-updates:2026-12-02") == "core:prune-updates"
    assert update_kind(object()) == "other"
