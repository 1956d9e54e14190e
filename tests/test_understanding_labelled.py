"""The labelled set: intent accuracy over real-looking messages, and exact slots on every row.

A test set: never trained on (tests/test_intent_model.py checks that none of it is in the corpus)."""

from __future__ import annotations

import os
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from bot.config import RIYADH
from bot.understanding import understand
from bot.understanding.corpus import INTENTS
from bot.understanding.evaluation import SHOW_MISSES, held_out

LABELLED = Path(__file__).parent / "data" / "labelled_messages.tsv"
NOW = datetime(2026, 11, 24, 16, 0, tzinfo=RIYADH)
REQUIRED_ACCURACY = 0.95


def load_rows() -> list[tuple[str, str, dict[str, str | int | bool]]]:
    rows = []
    lines = [
        line
        for line in LABELLED.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert lines[0].split("\t") == ["intent", "text", "slots"]
    for line in lines[1:]:
        intent, text, slot_text = line.split("\t")
        slots: dict[str, str | int | bool] = {}
        for pair in filter(None, (p.strip() for p in slot_text.split(";"))):
            name, value = pair.split("=", 1)
            slots[name] = (
                int(value)
                if name == "duration_minutes"
                else value == "true"
                if name == "ongoing"
                else value
            )
        rows.append((intent, text, slots))
    return rows


ROWS = load_rows()


def confusion_table(pairs: list[tuple[str, str]]) -> str:
    labels = [i for i in INTENTS if any(i in p for p in pairs)]
    counts = Counter(pairs)
    short = {label: label[:8] for label in labels}
    lines = ["expected \\ got".ljust(16) + " ".join(short[g].rjust(8) for g in labels)]
    for expected in labels:
        cells = " ".join(str(counts[(expected, got)] or ".").rjust(8) for got in labels)
        lines.append(expected.ljust(16) + cells)
    return "\n".join(lines)


def test_the_set_is_large_and_covers_every_intent_and_slot() -> None:
    assert len(ROWS) >= 400
    assert {intent for intent, _, _ in ROWS} == set(INTENTS)
    slot_rows = [slots for _, _, slots in ROWS if slots]
    assert len(slot_rows) >= 60
    kinds = {name for slots in slot_rows for name in slots}
    assert kinds == {"account", "duration_minutes", "start", "end", "ongoing", "standard"}


def test_intent_accuracy() -> None:
    pairs = [(intent, understand(text, NOW).intent) for intent, text, _ in ROWS]
    accuracy = sum(e == g for e, g in pairs) / len(pairs)
    misses = [f"{e} → {g}: {t}" for (e, g), (_, t, _) in zip(pairs, ROWS, strict=True) if e != g]
    report = (
        f"\nintent accuracy {accuracy:.1%} on {len(pairs)} messages\n"
        f"{confusion_table(pairs)}\n{held_out('misses', misses)}"
    )
    print(report)
    assert accuracy >= REQUIRED_ACCURACY, report


# Rows are named by number in test ids (a log must not show test-set messages), by their text
# only when SADEEQ_SHOW_MISSES=1.
ROW_IDS = [
    r[1][:40] if os.environ.get(SHOW_MISSES) == "1" else f"row{n}" for n, r in enumerate(ROWS)
]


@pytest.mark.parametrize(("intent", "text", "slots"), ROWS, ids=ROW_IDS)
def test_slots_exact(intent: str, text: str, slots: dict[str, str | int]) -> None:
    found = understand(text, NOW).slots  # bound first: a failing assert would print the message
    assert found == slots
