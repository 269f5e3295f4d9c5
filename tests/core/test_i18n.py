"""Every message in the code is translated in es, pt_BR and en, placeholders intact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.core.i18n import LANGUAGES, catalog_path, normalize_language, translator

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{(\w*)\}")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "N_": None,
}


def code_messages() -> set[str]:
    found: set[str] = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT / "bot"), keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.add(f"{context}\x04{msgid}" if context else msgid)
    return found


def catalog(lang: str):
    with catalog_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang)


def test_the_code_has_messages() -> None:
    assert "Saved." in code_messages()
    assert len(code_messages()) > 20


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_in_the_code_is_translated(lang: str) -> None:
    cat = catalog(lang)
    missing = []
    for key in sorted(code_messages()):
        context, _, msgid = key.rpartition("\x04")
        message = cat.get(msgid, context=context or None)
        strings = () if message is None else message.string
        strings = strings if isinstance(strings, tuple) else (strings,)
        if message is None or "fuzzy" in message.flags or not all(strings):
            missing.append(msgid)
    assert missing == [], f"{lang} lacks translations for: {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(lang: str) -> None:
    for message in catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[0])) | set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= wanted | {"n"}, (lang, message.id)
            assert set(PLACEHOLDER.findall(string)) >= set(PLACEHOLDER.findall(ids[0])) - {"n"}, (
                lang,
                message.id,
            )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_html_tags(lang: str) -> None:
    tag = re.compile(r"</?[a-z]+[^>]*>")
    for message in catalog(lang):
        if message.id and isinstance(message.id, str):
            assert tag.findall(message.string) == tag.findall(message.id), (lang, message.id)


def test_no_catalog_has_messages_the_code_no_longer_uses() -> None:
    used = code_messages()
    for lang in LANGUAGES:
        ids = [
            (f"{m.context}\x04" if m.context else "")
            + (m.id[0] if isinstance(m.id, tuple) else m.id)
            for m in catalog(lang)
            if m.id
        ]
        stale = [msgid for msgid in ids if msgid not in used]
        assert stale == [], f"{lang} keeps messages no longer in the code: {stale}"


def test_languages_are_recognised_from_what_telegram_sends() -> None:
    assert normalize_language("pt-br") == "pt_BR"
    assert normalize_language("pt") == "pt_BR"
    assert normalize_language("es-AR") == "es"
    assert normalize_language("EN_us") == "en"
    assert normalize_language("ru") is None
    assert normalize_language(None) is None


def test_translation_happens_before_placeholders_are_filled() -> None:
    tr = translator("pt_BR")
    assert tr.gettext("Done: I will write to you in {language}.", language="{x}") == (
        "Pronto: vou escrever para você em {x}."
    )
    assert translator("xx").lang == "es"


def test_no_translation_hides_inside_an_f_string() -> None:
    """Extraction cannot see `{tr.gettext('…')}` inside an f-string; such a string would
    never be translated."""
    hidden = re.compile(r"""f(["']).*\{[^}]*\b(gettext|ngettext|pgettext|_)\(""")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in (ROOT / "bot").rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if hidden.search(line)
    ]
    assert offenders == []
