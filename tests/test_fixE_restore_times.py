"""fixE: a restore time told with no day is read after the power was known to be off."""

from __future__ import annotations

from datetime import datetime

from bot.config import RIYADH
from handlers.common import back_within


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, 0, tzinfo=RIYADH)


def test_the_next_morning_is_that_morning_not_the_day_before_the_report() -> None:
    # Reported on the 3rd at 10:00, «الساعة ٩ الصبح» said on the 4th at 09:37.
    said = datetime(2026, 12, 4, 9, 37, tzinfo=RIYADH)
    assert back_within([at(3, 9)], at(3, 10), said, False) == [at(4, 9)]


def test_an_hour_said_still_off_is_never_taken() -> None:
    # Still off at 17:00 on the 3rd: «الساعة ٤» the next morning is 04:00, not the 3rd's 16:00.
    assert back_within([at(3, 16)], at(3, 17), at(4, 9), False) == []
    assert back_within([at(4, 4), at(4, 16)], at(3, 17), at(4, 9), False) == [at(4, 4)]


def test_morning_and_evening_both_possible_are_both_given() -> None:
    assert back_within([at(4, 9), at(4, 21)], at(3, 17), at(4, 9), False) == [at(3, 21), at(4, 9)]


def test_a_day_told_is_kept_or_refused() -> None:
    assert back_within([at(3, 9)], at(3, 10), at(4, 9), True) == []
    assert back_within([at(3, 12)], at(3, 10), at(4, 9), True) == [at(3, 12)]
