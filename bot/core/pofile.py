"""A `.po` catalog read into a gettext translation, without Babel's catalog machinery.

Babel's `read_po` builds a `Catalog` of `Message` objects (locations, comments, flags) that
the bot dropped as soon as it had written the `.mo` image from them; with `babel.messages`
imported for it, that was about 1.5 MiB the idle bot held for nothing. The catalogs are
written by Babel, so this reader needs only what gettext reads from them: `msgctxt`, `msgid`,
`msgid_plural`, `msgstr` and `msgstr[n]`, strings continued on the next lines, C escapes, the
`fuzzy` flag and obsolete `#~` entries. Like Babel's `write_mo` it leaves out fuzzy and
untranslated entries, and an untranslated plural form is the English one.
`tests/core/test_i18n.py` checks it against Babel on every catalog.
"""

from __future__ import annotations

import gettext
import io
import struct
from pathlib import Path

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
_KEYWORDS = ("msgctxt", "msgid_plural", "msgid", "msgstr")


def _unquote(text: str) -> str:
    """The value of a quoted `.po` string (`"a \\"b\\"\\n"` → `a "b"` and a newline)."""
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted string: {text!r}")
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _entries(lines: list[str]) -> list[tuple[dict[str, str], bool]]:
    """Each entry's fields (`msgstr[1]` is its own key) and whether it is fuzzy."""
    entries: list[tuple[dict[str, str], bool]] = []
    fields: dict[str, str] = {}
    fuzzy = False
    key: str | None = None

    def close() -> None:
        nonlocal fields, fuzzy, key
        if fields:
            entries.append((fields, fuzzy))
        fields, fuzzy, key = {}, False, None

    for raw in lines:
        line = raw.strip()
        if not line:
            close()
        elif line.startswith("#"):
            if key is not None and key.startswith("msgstr"):
                close()  # a comment after a msgstr starts the next entry
            if line.startswith("#,") and "fuzzy" in line[2:].replace(",", " ").split():
                fuzzy = True
        elif line.startswith('"'):
            if key is None:
                raise ValueError(f"a string outside an entry: {line!r}")
            fields[key] += _unquote(line)
        else:
            word, _, rest = line.partition(" ")
            name = word.split("[")[0]
            if name not in _KEYWORDS:
                raise ValueError(f"unknown line: {line!r}")
            if name in ("msgctxt", "msgid") and key is not None and key.startswith("msgstr"):
                close()  # a new entry without a blank line between
            key = word
            fields[key] = _unquote(rest)
    close()
    return entries


def mo_image(text: str) -> bytes:
    """The `.mo` file that `msgfmt` (and Babel's `write_mo`) would write for this `.po`."""
    pairs: dict[bytes, bytes] = {}
    for fields, fuzzy in _entries(text.splitlines()):
        msgid = fields.get("msgid")
        if msgid is None or (fuzzy and msgid):
            continue
        if "msgid_plural" in fields:
            # an empty form shows the English one, as in Babel's `write_mo`
            plural = fields["msgid_plural"]
            forms = [
                fields[k] or (msgid if _form(k) == 0 else plural)
                for k in sorted(fields, key=_form)
                if k.startswith("msgstr[")
            ]
            key, value = msgid + "\0" + plural, "\0".join(forms)
        else:
            key, value = msgid, fields.get("msgstr", "")
            if not value:
                continue
        if "msgctxt" in fields:
            key = fields["msgctxt"] + "\x04" + key
        pairs[key.encode()] = value.encode()
    return _write(pairs)


def _form(key: str) -> int:
    return int(key[len("msgstr[") : -1]) if key.startswith("msgstr[") else -1


def _write(pairs: dict[bytes, bytes]) -> bytes:
    """The GNU `.mo` layout: a header, two tables of (length, offset), then the strings."""
    keys = sorted(pairs)
    count = len(keys)
    ids = b"".join(key + b"\0" for key in keys)
    strs = b"".join(pairs[key] + b"\0" for key in keys)
    start = 7 * 4 + 16 * count  # the header and both tables
    id_table, str_table = [], []
    offset = start
    for key in keys:
        id_table += [len(key), offset]
        offset += len(key) + 1
    for key in keys:
        str_table += [len(pairs[key]), offset]
        offset += len(pairs[key]) + 1
    header = struct.pack("<Iiiiiii", 0x950412DE, 0, count, 7 * 4, 7 * 4 + 8 * count, 0, 0)
    tables = struct.pack(f"<{4 * count}i", *id_table, *str_table)
    return header + tables + ids + strs


# One copy of each source string for all the catalogs: every language's catalog is keyed by the
# same English messages, and three copies of them cost about 0.3 MiB of an idle bot
_SOURCES: dict[object, object] = {}


def translations(path: Path) -> gettext.GNUTranslations:
    """The catalog at `path`, ready for `gettext` / `ngettext` / `pgettext`.

    A message translated as itself (most of the English catalog, and format strings such as
    `{name}: {value}` everywhere) is left out: gettext gives back the message it does not
    find, which is the same text. Plural entries stay, as the language's plural rule may differ
    from gettext's default."""
    found = gettext.GNUTranslations(io.BytesIO(mo_image(path.read_text(encoding="utf-8"))))
    found._catalog = {  # type: ignore[attr-defined]
        _SOURCES.setdefault(key, key): text
        for key, text in found._catalog.items()  # type: ignore[attr-defined]
        if text != key
    }
    return found
