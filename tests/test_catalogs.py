"""Every sentence the code can say has an Arabic translation, with its placeholders intact,
and Arabic plurals take the right form for 0, 1, 2, 3–10, 11–99 and 100+."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from bot.config import PROJECT_ROOT
from bot.i18n import DOMAINS, catalog, texts
from tools import catalogs

FIELD = re.compile(r"\{(\w*)[^{}]*\}")
TEMPLATES = catalogs.templates()


def used_messages() -> list[tuple[str, str | tuple[str, str]]]:
    """Every message of the domains' templates with words in it, with where it is used."""
    return [
        (message.locations[0][0], message.id)
        for template in TEMPLATES.values()
        for message in template
        if message.id and (isinstance(message.id, tuple) or _has_words(message.id))
    ]


def _has_words(message: str) -> bool:
    """ "{name}." is the same in both languages: only text with letters needs a translation."""
    return bool(re.search("[A-Za-z]", FIELD.sub("", message)))


MESSAGES = used_messages()


def test_there_are_messages_to_check() -> None:
    assert len(MESSAGES) > 100


@pytest.mark.parametrize("where,message", MESSAGES, ids=[f"{w}:{str(m)[:40]}" for w, m in MESSAGES])
def test_every_message_has_an_arabic_translation(where: str, message) -> None:
    arabic = catalog("ar")
    if isinstance(message, tuple):
        forms = [arabic.ngettext(message[0], message[1], n) for n in (0, 1, 2, 3, 11, 100)]
        assert all(form not in message for form in forms[1:]), (
            f"{where}: untranslated plural {message[0]!r}"
        )
        expected = set(FIELD.findall(message[1])) - {"n"}
        for form in forms:
            assert set(FIELD.findall(form)) - {"n"} <= expected | {"n"}, f"{where}: {form!r}"
        return
    translated = arabic.gettext(message)
    assert translated != message, f"{where}: no Arabic for {message!r}"
    assert set(FIELD.findall(translated)) == set(FIELD.findall(message)), (
        f"{where}: placeholders differ: {message!r} → {translated!r}"
    )


@pytest.mark.parametrize(
    "n,expected",
    [
        (0, "0 ريال"),
        (1, "ريال واحد"),
        (2, "ريالان"),
        (3, "3 ريالات"),
        (10, "10 ريالات"),
        (11, "11 ريالاً"),
        (99, "99 ريالاً"),
        (100, "100 ريال"),
        (150, "150 ريالاً"),
        (1000, "1,000 ريال"),
    ],
)
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


def test_every_message_of_the_code_belongs_to_a_domain() -> None:
    """A new area that says something must be listed in bot.i18n.DOMAINS, or its sentences
    would never reach a template or a translator."""
    in_domains = {catalogs.key(m) for t in TEMPLATES.values() for m in t if m.id}
    everything = set()
    for folder in ("bot", "handlers"):
        for filename, _line, message, _comments, _context in extract_from_dir(
            PROJECT_ROOT / folder, catalogs.method_map(), keywords=DEFAULT_KEYWORDS
        ):
            everything.add(
                (f"{folder}/{filename}", message[0] if isinstance(message, tuple) else message)
            )
    outside = sorted(where for where, key in everything if key not in in_domains)
    assert outside == []


def test_each_message_is_in_one_catalog_only_and_each_catalog_is_a_domain() -> None:
    for lang_dir in (Path(PROJECT_ROOT) / "locales").iterdir():
        if not (lang_dir / "LC_MESSAGES").is_dir():
            continue
        seen: Counter[str] = Counter()
        for po in (lang_dir / "LC_MESSAGES").glob("*.po"):
            assert po.stem in DOMAINS, f"{po}: not a domain of bot.i18n.DOMAINS"
            with po.open("rb") as fh:
                seen.update(catalogs.key(m) for m in read_po(fh) if m.id)
        assert [msgid for msgid, n in seen.items() if n > 1] == [], lang_dir.name


def test_templates_and_catalogs_are_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    """`make i18n` was run after the last change to a message: nothing would change, and no
    Arabic message is left untranslated."""
    assert catalogs.main(["--check"]) == 0
    assert "would change" not in capsys.readouterr().out
