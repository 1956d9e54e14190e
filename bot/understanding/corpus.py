"""The intent corpus people extend: labelled messages under `locales/<lang>/corpus/`.

    locales/<lang>/corpus/<intent>.txt            training messages, one a line
    locales/ar/corpus/<intent>.arabizi.txt        the same in Arabizi (Latin letters, 3=ع 7=ح)
    locales/<lang>/corpus/dev/<intent>[...].txt   the development split: chooses the model's
                                                  settings and its "not sure" threshold, never
                                                  trained on
A line starting with `#` is a comment. Test sets live apart, in tests/data/*.tsv, and are read
only by the evaluation (`load_tsv`), never by training.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

from bot import resources

INTENTS = (
    "bill",
    "outage_report",
    "outage_status",
    "compensation",
    "hazard_report",
    "greeting",
    "help",
    "agent",
    "stop",
    "start",
    "thanks",
    "unknown",
)
# What subscribers come to us for; the others are courtesy, control and "off-topic".
REQUESTS = ("bill", "outage_report", "outage_status", "compensation", "hazard_report")
SPLITS = ("train", "dev")


@dataclass(frozen=True)
class Example:
    intent: str
    text: str  # as written
    source: str  # "ar", "ar.arabizi" or "en": the file it came from


def read_messages(file: Traversable) -> list[str]:
    lines = file.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@cache
def examples(split: str = "train") -> tuple[Example, ...]:
    """Every labelled message of one split, in a stable order."""
    if split not in SPLITS:
        raise ValueError(f"split {split!r} is not one of {SPLITS}")
    found = []
    for lang in resources.LANGS:
        where = (lang, "corpus") if split == "train" else (lang, "corpus", "dev")
        files = resources.files_in(*where, suffix=".txt")
        for file in files:
            intent, _, variant = file.name.removesuffix(".txt").partition(".")
            if intent not in INTENTS:
                raise ValueError(
                    f"locales/{'/'.join(where)}/{file.name}: {intent!r} is not an intent"
                )
            source = lang + ("." + variant if variant else "")
            found += [Example(intent, text, source) for text in read_messages(file)]
        for intent in sorted(set(INTENTS) - {f.name.split(".")[0] for f in files}):
            raise resources.MissingData(
                f"missing runtime data file locales/{'/'.join(where)}/{intent}.txt"
            )
    return tuple(found)


def load_tsv(path: Path) -> tuple[Example, ...]:
    """A test set: tab-separated `intent`, `text` (more columns ignored), a header line first."""
    rows = _tsv_rows(path.read_text(encoding="utf-8").splitlines())
    header = next(rows)
    if header[:2] != ["intent", "text"]:
        raise ValueError(f"{path}: the first line must name the columns intent, text")
    found = []
    for row in rows:
        if row[0] not in INTENTS:
            raise ValueError(f"{path}: {row[0]!r} is not an intent")
        found.append(Example(row[0], row[1], path.name))
    return tuple(found)


def _tsv_rows(lines: Iterable[str]) -> Iterator[list[str]]:
    content = (line for line in lines if line.strip() and not line.startswith("#"))
    return (
        row + [""] * (2 - len(row))
        for row in csv.reader(content, delimiter="\t", quoting=csv.QUOTE_NONE)
    )
