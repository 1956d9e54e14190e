"""How well the time finders read messages they were not tuned on: each labelled message is read
at its own moment, as `sadeeq classify --now` reads it, and its time slots compared with what a
careful reader wrote down.

A set is a TSV file with a header line and the columns `now`, `text`, `start`, `end`,
`duration_minutes`, `ongoing`: `now`, `start` and `end` local Saudi times to the minute
(2026-12-02T21:00), an empty cell for a slot the message does not carry, `ongoing` "true" or
empty. Test sets live in tests/data/slots/, development sets in bench/dev_sets/slots/.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.config import RIYADH
from bot.understanding import understand

SLOTS = ("start", "end", "duration_minutes", "ongoing")


@dataclass(frozen=True)
class SlotRow:
    now: str
    text: str
    wanted: tuple[str, ...]  # in SLOTS order, "" where absent
    found: tuple[str, ...]

    @property
    def right(self) -> bool:
        return self.wanted == self.found


@dataclass(frozen=True)
class SlotReport:
    name: str
    rows: tuple[SlotRow, ...]

    @property
    def accuracy(self) -> float:
        """Share of messages with every time slot right."""
        return sum(r.right for r in self.rows) / max(len(self.rows), 1)

    def slot_accuracy(self, slot: str) -> float:
        i = SLOTS.index(slot)
        return sum(r.wanted[i] == r.found[i] for r in self.rows) / max(len(self.rows), 1)

    def markdown(self) -> str:
        per_slot = ", ".join(f"{s} {100 * self.slot_accuracy(s):.1f}%" for s in SLOTS)
        return (
            f"**{self.name}**: {len(self.rows)} messages, every time slot right "
            f"{100 * self.accuracy:.1f}% ({per_slot})"
        )

    def misses(self) -> list[str]:
        lines = []
        for row in self.rows:
            if row.right:
                continue
            told = "; ".join(
                f"{slot} {want or '-'} → {got or '-'}"
                for slot, want, got in zip(SLOTS, row.wanted, row.found, strict=True)
                if want != got
            )
            lines.append(f"{row.now}  {row.text}\n        {told}")
        return lines


def score_slots(path: Path) -> SlotReport:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    table = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    if table.fieldnames is None or list(table.fieldnames[:2]) != ["now", "text"]:
        raise ValueError(f"{path}: the first line must name the columns now, text, {SLOTS}")
    rows = []
    for labelled in table:
        now = datetime.fromisoformat(labelled["now"]).replace(tzinfo=RIYADH)
        slots = understand(labelled["text"], now).slots
        wanted = tuple(_cell(labelled.get(slot) or "") for slot in SLOTS)
        rows.append(SlotRow(labelled["now"], labelled["text"], wanted, _found(slots)))
    return SlotReport(str(path), tuple(rows))


def _cell(value: str) -> str:
    value = value.strip()
    return "" if value.lower() in ("", "false") else value[:16]


def _found(slots: Mapping[str, object]) -> tuple[str, ...]:
    found = []
    for slot in SLOTS:
        value = slots.get(slot)
        if value is None or value is False:
            found.append("")
        elif value is True:
            found.append("true")
        else:
            found.append(str(value)[:16])
    return tuple(found)
