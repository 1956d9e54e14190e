"""Every sentence the code can say has an Arabic translation, with its placeholders intact,
and Arabic plurals take the right form for 0, 1, 2, 3–10, 11–99 and 100+."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from bot.config import PROJECT_ROOT
from bot.i18n import catalog, texts

KEYWORDS = {"_": None, "ngettext": (1, 2)}
FIELD = re.compile(r"\{(\w*)[^{}]*\}")


def used_messages() -> list[tuple[str, str | tuple[str, str]]]:
    found = []
    for folder in ("bot", "handlers"):
        for filename, _line, message, _comments, _context in extract_from_dir(
            PROJECT_ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            if isinstance(message, tuple) or _is_sentence(message):
                found.append((f"{folder}/{filename}", message))
    return found


def _is_sentence(message: str) -> bool:
    """Babel also picks up a dictionary key inside `tr._(TABLE["key"])`: not a sentence."""
    if re.fullmatch(r"[a-z_]+", message):
        return False
    return bool(re.search("[A-Za-z]", FIELD.sub("", message)))


MESSAGES = used_messages()


def test_there_are_messages_to_check() -> None:
    assert len(MESSAGES) > 100


@pytest.mark.parametrize("where,message", MESSAGES, ids=[f"{w}:{str(m)[:40]}" for w, m in MESSAGES])
def test_every_message_has_an_arabic_translation(where: str, message) -> None:
    arabic = catalog("ar")
    if isinstance(message, tuple):
        forms = [arabic.ngettext(message[0], message[1], n) for n in (0, 1, 2, 3, 11, 100)]
        assert all(form not in message for form in forms[1:]), f"{where}: untranslated plural {message[0]!r}"
        expected = set(FIELD.findall(message[1])) - {"n"}
        for form in forms:
            assert set(FIELD.findall(form)) - {"n"} <= expected | {"n"}, f"{where}: {form!r}"
        return
    translated = arabic.gettext(message)
    assert translated != message, f"{where}: no Arabic for {message!r}"
    assert set(FIELD.findall(translated)) == set(FIELD.findall(message)), (
        f"{where}: placeholders differ: {message!r} → {translated!r}")


@pytest.mark.parametrize("n,expected", [
    (0, "0 ريال"), (1, "ريال واحد"), (2, "ريالان"), (3, "3 ريالات"), (10, "10 ريالات"),
    (11, "11 ريالاً"), (99, "99 ريالاً"), (100, "100 ريال"), (150, "150 ريالاً"), (1000, "1,000 ريال"),
])
def test_arabic_plural_forms_of_riyals(n: int, expected: str) -> None:
    from bot.standards import riyals

    assert riyals(n, "ar") == expected


def test_english_reads_as_english() -> None:
    tr = texts("en")
    assert tr._("My bill") == "My bill"
    assert "Outage" in tr._("Outage report {ref}", ref="OUT-1")


def test_po_files_parse_and_have_arabic_plural_header() -> None:
    for po in (Path(PROJECT_ROOT) / "locales" / "ar" / "LC_MESSAGES").glob("*.po"):
        text = po.read_text(encoding="utf-8")
        assert "nplurals=6" in text, po.name
