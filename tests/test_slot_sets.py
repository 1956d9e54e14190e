"""The time finders on sets written blind by someone who never read them (tests/data/slots/):
each message read at its own moment, every time slot compared with the writer's reading."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.understanding.evaluation import held_out
from bot.understanding.slot_evaluation import score_slots

SETS = Path(__file__).parent / "data" / "slots"

# Each set with the share of messages whose time slots must all be right: what was measured,
# less one point (bench/RESULTS.md). slots17 (320 written blind on 2026-12-03, halved at random:
# this half held out, the other bench/dev_sets/slots/) on arrival: 81.9%; slots17b (300 more,
# written blind with clock hours only, all held out) on arrival: 85.3%. After the time finders
# were mended on the development half alone: slots17 85.6%, slots17b 91.3%; then, the night's
# small hours and a weekday said on its own day read (from a tester's reports), slots17b 92.7%.
# slots18 (320 written blind on 2026-12-03 by the eighteenth session, halved: odd rows held out
# here, even rows in bench/dev_sets/slots/) on arrival: 78.8% (its dev half 80.6%). After the
# finders were mended on that dev half (98.1%) and a tester's range faults (fix18): slots17 87.5%,
# slots17b 94.0%, slots18 84.4%.
# Part of what is counted wrong is the writer's rough hour for a prayer (العصر 15:30) where the
# finder takes the day's prayer time (15:45).
FLOORS = {"slots17_test.tsv": 0.865, "slots17b_test.tsv": 0.930, "slots18_test.tsv": 0.834}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_time_slots_on_a_blind_set(name: str) -> None:
    report = score_slots(SETS / name)
    wrong = [row.text for row in report.rows if not row.right]
    assert report.accuracy >= FLOORS[name], held_out(name, wrong)


def test_every_set_has_a_floor() -> None:
    assert sorted(p.name for p in SETS.glob("*.tsv")) == sorted(FLOORS)


def test_a_slot_read_wrong_counts(tmp_path: Path) -> None:
    labelled = tmp_path / "set.tsv"
    labelled.write_text(
        "now\ttext\tstart\tend\tduration_minutes\tongoing\n"
        "2026-12-03T20:00\tالكهرباء طافية من الساعة ٦ المغرب\t2026-12-03T18:00\t\t\ttrue\n"
        "2026-12-03T20:00\tطفت الكهرباء امس ٩ بالليل\t2026-12-03T21:00\t\t\t\n",
        encoding="utf-8",
    )
    report = score_slots(labelled)
    assert [row.right for row in report.rows] == [True, False]
    assert report.accuracy == 0.5
    assert report.slot_accuracy("ongoing") == 1.0
