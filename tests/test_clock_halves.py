"""An hour said with no morning or evening may mean either half of the day: every reader of an
end picks among both (`Moment.readings`), never the one half the slot reader chose alone."""

from __future__ import annotations

from datetime import datetime

from bot.config import RIYADH
from bot.understanding.slots.times import read_times
from handlers.common import end_near_counted

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=RIYADH)


def test_a_past_hour_read_as_last_night_may_be_the_morning() -> None:
    said = read_times("لا رجعت الساعة ١١ مو ١٠", NOW).end
    assert said is not None and said.guess == "am_pm"
    hours = sorted(at.hour for at in said.readings())
    assert hours == [11, 23]


def test_a_corrected_restore_hour_is_the_one_nearest_the_end_counted() -> None:
    """The reviewer's case: counted back at 10:00 yesterday, «١١ مو ١٠» is 11:00, not 23:00."""
    said = read_times("لا رجعت الساعة ١١ مو ١٠", NOW).end
    assert said is not None
    counted = datetime(2026, 12, 2, 10, 0, tzinfo=RIYADH)
    start = datetime(2026, 12, 2, 6, 0, tzinfo=RIYADH)
    assert end_near_counted(said, counted, start) == datetime(2026, 12, 2, 11, 0, tzinfo=RIYADH)


def test_an_hour_with_its_half_said_has_one_reading() -> None:
    said = read_times("رجعت الساعة ١١ الليل", NOW).end
    assert said is not None
    assert [at.hour for at in said.readings()] == [23]
