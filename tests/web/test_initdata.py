"""Telegram's initData checked as Telegram documents it: the signature over every field but
`hash` with the key derived from the bot token, and an `auth_date` at most 24 hours old.
Pure: no database, no Telegram. And the group tokens of the Mini App's links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.dashboard.tokens import group_token, read_group_token
from bot.web.miniapp.initdata import InvalidInitData, validate
from tests.conftest import ANA, JOAO, TOKEN
from tests.web.miniapp import init_data, init_fields

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)


def fields_of(raw: str) -> dict[str, str]:
    return dict(parse_qsl(raw, keep_blank_values=True))


def test_a_good_signature_gives_the_person() -> None:
    user = validate(init_data(JOAO, NOW, start_param="g7_abc"), TOKEN, NOW)
    assert (user.id, user.first_name, user.username) == (JOAO.id, "João", "joao_sp")
    assert user.language_code == "pt-br" and user.start_param == "g7_abc"
    assert user.auth_date == NOW


@pytest.mark.parametrize("field", ["query_id", "user", "auth_date", "hash"])
def test_each_field_tampered_is_refused(field: str) -> None:
    fields = fields_of(init_data(ANA, NOW))
    if field == "user":
        fields[field] = fields[field].replace(str(ANA.id), "999")
    elif field == "auth_date":
        fields[field] = str(int(fields[field]) + 60)
    else:
        fields[field] = fields[field][:-1] + ("0" if fields[field][-1] != "0" else "1")
    with pytest.raises(InvalidInitData):
        validate(urlencode(fields), TOKEN, NOW)


def test_a_field_added_or_removed_after_signing_is_refused() -> None:
    fields = fields_of(init_data(ANA, NOW))
    with pytest.raises(InvalidInitData):
        validate(urlencode(fields | {"start_param": "g1_xxxxxxxxxxxxxxxx"}), TOKEN, NOW)
    del fields["query_id"]
    with pytest.raises(InvalidInitData):
        validate(urlencode(fields), TOKEN, NOW)


def test_a_field_given_twice_is_refused() -> None:
    raw = init_data(ANA, NOW)
    with pytest.raises(InvalidInitData):
        validate(raw + "&auth_date=1", TOKEN, NOW)


def test_an_auth_date_older_than_a_day_is_refused_and_a_day_is_fine() -> None:
    signed = NOW - timedelta(hours=24)
    assert validate(init_data(ANA, signed), TOKEN, NOW).id == ANA.id
    with pytest.raises(InvalidInitData, match="expired"):
        validate(init_data(ANA, signed - timedelta(seconds=1)), TOKEN, NOW)
    with pytest.raises(InvalidInitData, match="future"):
        validate(init_data(ANA, NOW + timedelta(hours=1)), TOKEN, NOW)


def test_another_bots_signature_is_refused() -> None:
    with pytest.raises(InvalidInitData, match="signature"):
        validate(init_data(ANA, NOW, bot_token="654321:ANOTHER-bot"), TOKEN, NOW)


@pytest.mark.parametrize("raw", [None, "", "hash=", "not a query", "a=1&b", "%%%"])
def test_missing_or_garbage_is_refused(raw: str | None) -> None:
    with pytest.raises(InvalidInitData):
        validate(raw, TOKEN, NOW)


def test_signed_but_without_a_person_is_refused() -> None:
    from bot.web.miniapp.initdata import sign

    fields = {k: v for k, v in init_fields(ANA, NOW).items() if k != "user"}
    with pytest.raises(InvalidInitData, match="no user"):
        validate(urlencode(fields | {"hash": sign(fields, TOKEN)}), TOKEN, NOW)


def test_a_group_token_names_its_group_and_cannot_be_forged() -> None:
    token = group_token(TOKEN, 42)
    assert read_group_token(TOKEN, token) == 42
    assert len(token) <= 64 and token.replace("_", "").replace("-", "").isalnum()
    mac = token.split("_", 1)[1]
    assert read_group_token(TOKEN, f"g43_{mac}") is None  # another group, the same signature
    assert read_group_token("654321:ANOTHER-bot", token) is None
    for junk in (None, "", "g42", "42", token + "x", "g042_" + mac, "g-1_" + mac):
        assert read_group_token(TOKEN, junk) is None
