"""Every message in the code is translated in es, pt_BR and en, placeholders intact."""

from __future__ import annotations

import gettext
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.core.i18n import LANGUAGES, catalog_path, normalize_language, translator
from bot.core.pofile import mo_image

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


def babel_translations(po: str, lang: str) -> dict[object, str]:
    """What Babel's `read_po` and `write_mo` make of `po` (the header left out: Babel writes
    its own)."""
    buf = io.BytesIO()
    write_mo(buf, read_po(io.StringIO(po), locale=lang))
    return {
        k: v
        for k, v in gettext.GNUTranslations(io.BytesIO(buf.getvalue()))._catalog.items()
        if k != ""
    }


def our_translations(po: str) -> dict[object, str]:
    found = gettext.GNUTranslations(io.BytesIO(mo_image(po)))._catalog
    return {k: v for k, v in found.items() if k != ""}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_bot_reads_each_catalog_as_babel_does(lang: str) -> None:
    po = catalog_path(lang).read_text(encoding="utf-8")
    assert our_translations(po) == babel_translations(po, lang)
    assert len(our_translations(po)) > 500


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_loaded_catalog_answers_every_message_as_babel_does(lang: str) -> None:
    """The catalog the bot holds leaves out messages translated as themselves: each message of
    the `.po`, singular, plural at several counts, or with a context, still reads as Babel's
    catalog reads it."""
    from bot.core.pofile import translations

    path = catalog_path(lang)
    catalog = read_po(io.StringIO(path.read_text(encoding="utf-8")), locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    babel = gettext.GNUTranslations(io.BytesIO(buf.getvalue()))
    ours = translations(path)
    checked = 0
    for message in catalog:
        if not message.id:
            continue
        if message.pluralizable:
            one, many = message.id
            for n in (0, 1, 2, 5, 21):
                assert ours.ngettext(one, many, n) == babel.ngettext(one, many, n), (one, n)
        elif message.context:
            got = ours.pgettext(message.context, message.id)
            assert got == babel.pgettext(message.context, message.id)
        else:
            assert ours.gettext(message.id) == babel.gettext(message.id), message.id
        checked += 1
    assert checked > 500
    if lang == "en":  # English is mostly its own source: the bot holds few of its entries
        assert len(ours._catalog) < checked / 2


def test_the_catalog_reader_follows_babel_on_the_odd_entries() -> None:
    po = r"""msgid ""
msgstr ""
"Plural-Forms: nplurals=2; plural=(n != 1);\n"
"Content-Type: text/plain; charset=utf-8\n"

#, python-brace-format
msgid "Hello {name}"
msgstr "Hola {name}"

#: bot/x.py:3
msgid ""
"a long "
"one, with \"quotes\"\n"
"and \\ a tab\t"
msgstr ""
"una larga, "
"con “comillas”\n"
msgctxt "menu"
msgid "Open"
msgstr "Abrir"

msgid "{n} vote"
msgid_plural "{n} votes"
msgstr[0] "{n} voto"
msgstr[1] "{n} votos"

msgid "half done"
msgid_plural "halves done"
msgstr[0] "mitad"
msgstr[1] ""

#, fuzzy
msgid "Unsure"
msgstr "Inseguro"

msgid "Untranslated"
msgstr ""

#~ msgid "Old"
#~ msgstr "Viejo"
"""
    ours = our_translations(po)
    assert ours == babel_translations(po, "es")
    assert ours["Hello {name}"] == "Hola {name}"
    assert ("{n} vote", 1) in ours and "Unsure" not in ours and "Old" not in ours
    reader = gettext.GNUTranslations(io.BytesIO(mo_image(po)))
    assert reader.pgettext("menu", "Open") == "Abrir"
    assert reader.ngettext("{n} vote", "{n} votes", 2) == "{n} votos"
