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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.config import LOCALES_DIR

INTENTS = (
    "bill", "outage_report", "outage_status", "compensation", "hazard_report", "greeting",
    "help", "agent", "stop", "start", "thanks", "unknown",
)
# What subscribers come to us for; the others are courtesy, control and "off-topic".
REQUESTS = ("bill", "outage_report", "outage_status", "compensation", "hazard_report")
SPLITS = ("train", "dev")


@dataclass(frozen=True)
class Example:
    intent: str
    text: str  # as written
    source: str  # "ar", "ar.arabizi" or "en": the file it came from


def read_messages(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def corpus_files(split: str = "train", root: Path = LOCALES_DIR) -> list[Path]:
    if split not in SPLITS:
        raise ValueError(f"split {split!r} is not one of {SPLITS}")
    folders = sorted(lang / "corpus" for lang in root.iterdir() if (lang / "corpus").is_dir())
    return [path for folder in folders
            for path in sorted((folder if split == "train" else folder / "dev").glob("*.txt"))]


def examples(split: str = "train", root: Path = LOCALES_DIR) -> tuple[Example, ...]:
    """Every labelled message of one split, in a stable order."""
    found = []
    for path in corpus_files(split, root):
        intent, _, variant = path.name.removesuffix(".txt").partition(".")
        if intent not in INTENTS:
            raise ValueError(f"{path}: {intent!r} is not an intent")
        source = path.parents[1 if split == "train" else 2].name + ("." + variant if variant else "")
        found += [Example(intent, text, source) for text in read_messages(path)]
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


def _tsv_rows(lines: Iterable[str]) -> Iterable[list[str]]:
    content = (line for line in lines if line.strip() and not line.startswith("#"))
    return (row + [""] * (2 - len(row)) for row in csv.reader(content, delimiter="\t",
                                                               quoting=csv.QUOTE_NONE))
