"""`make i18n`: the Babel workflow for the bot's sentences, one domain per area of the code.

1. extract: the messages of each domain's sources (`bot.i18n.DOMAINS`, methods and keywords in
   babel.cfg) into `locales/<domain>.pot`; a message used by two areas goes to the first
   domain listed, so no message is in two catalogs;
2. update: every `locales/<lang>/LC_MESSAGES/<domain>.po` from its template; a message that
   moved between domains keeps its translation, one no longer used is dropped, a new one is
   added untranslated. The source language (English) keeps only the entries it translates
   (plural wording, context-carrying msgids);
3. compile: a `.mo` beside each `.po` (ignored by git; the wheel compiles its own).

Prints what is left to translate; exits 1 when an Arabic message has no translation.
Usage: .venv/bin/python tools/catalogs.py [--check]   (--check: change nothing, report only)
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import __version__  # noqa: E402
from bot.i18n import DOMAINS, LANGS, SOURCE_LANG  # noqa: E402

LOCALES = ROOT / "locales"
PROJECT = "sadeeq"


def method_map() -> list[tuple[str, str]]:
    with (ROOT / "babel.cfg").open() as fh:
        methods, _options = parse_mapping_cfg(fh)
    return methods


def templates() -> dict[str, Catalog]:
    """Domain → template catalog, each message in the first domain that uses it."""
    methods = method_map()
    taken: set[str] = set()
    result = {}
    for domain, sources in DOMAINS.items():
        template = Catalog(
            project=PROJECT,
            version=__version__,
            domain=domain,
            fuzzy=False,
            copyright_holder=PROJECT,
            header_comment=f"# Template of the {domain!r} domain: the messages of "
            f"{', '.join(sources)}.\n# Made by `make i18n`; "
            "do not edit (translations go in the .po files).",
        )
        for source in sources:
            found = extract_from_dir(ROOT / source, methods, keywords=DEFAULT_KEYWORDS)
            for filename, lineno, message, comments, context in found:
                key = message[0] if isinstance(message, tuple) else message
                if key in taken and key not in template:
                    continue
                where = f"{source}/{filename}"
                template.add(
                    message, None, [(where, lineno)], auto_comments=comments, context=context
                )
        taken.update(m.id[0] if isinstance(m.id, tuple) else m.id for m in template if m.id)
        result[domain] = template
    return result


def key(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def existing(lang: str) -> dict[str, tuple[str, object]]:
    """msgid → (domain, message) of every catalog of a language now: translations follow a
    message that moves to another domain."""
    memory = {}
    for po in sorted((LOCALES / lang / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            for message in read_po(fh, locale=lang):
                if (
                    message.id
                    and message.string
                    and (not isinstance(message.string, tuple) or any(message.string))
                ):
                    memory[key(message)] = (po.stem, message)
    return memory


def update(lang: str, domain: str, template: Catalog, memory: dict) -> Catalog | None:
    po = LOCALES / lang / "LC_MESSAGES" / f"{domain}.po"
    if po.exists():
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang, domain=domain)
    elif lang == SOURCE_LANG:
        return None
    else:
        catalog = Catalog(locale=lang, domain=domain, project=PROJECT, version=__version__)
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()  # a sentence the code no longer says has nothing to translate
    for message in catalog:
        if message.id and not _translated(message) and key(message) in memory:
            message.string = memory[key(message)][1].string
    if lang == SOURCE_LANG:
        for message in list(catalog):
            if message.id and not _translated(message):
                catalog.delete(message.id, context=message.context)
    return catalog


def _translated(message) -> bool:
    if isinstance(message.string, tuple):
        return all(message.string)
    return bool(message.string)


def _po_bytes(catalog: Catalog, **options) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, include_lineno=False, sort_output=True, **options)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report only, write nothing")
    args = parser.parse_args(argv)
    missing = 0
    changed = []
    all_templates = templates()
    for domain, template in all_templates.items():
        pot = LOCALES / f"{domain}.pot"
        data = _po_bytes(template, omit_header=False)
        if not pot.exists() or _body(pot.read_bytes()) != _body(data):
            changed.append(pot)
            if not args.check:
                pot.write_bytes(data)
    for lang in LANGS:
        memory = existing(lang)
        for domain, template in all_templates.items():
            catalog = update(lang, domain, template, memory)
            if catalog is None:
                continue
            po = LOCALES / lang / "LC_MESSAGES" / f"{domain}.po"
            data = _po_bytes(catalog)
            if not po.exists() or _body(po.read_bytes()) != _body(data):
                changed.append(po)
                if not args.check:
                    po.parent.mkdir(parents=True, exist_ok=True)
                    po.write_bytes(data)
            untranslated = [m for m in catalog if m.id and not _translated(m)]
            if lang != SOURCE_LANG:
                missing += len(untranslated)
                for message in untranslated:
                    print(f"untranslated in {po.relative_to(ROOT)}: {key(message)!r}")
            print(
                f"{po.relative_to(ROOT)}: {sum(1 for m in catalog if m.id)} messages, "
                f"{len(untranslated)} untranslated"
            )
            if not args.check:
                with po.with_suffix(".mo").open("wb") as fh:
                    write_mo(fh, catalog)
    for path in changed:
        print(f"{'would change' if args.check else 'changed'}: {path.relative_to(ROOT)}")
    return 1 if missing else 0


def _body(catalog: bytes) -> bytes:
    """A catalog without its header, whose dates change on every run: a file is written only
    when its messages change."""
    return catalog.split(b"\n\n", 1)[-1]


if __name__ == "__main__":
    raise SystemExit(main())
