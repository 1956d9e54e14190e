"""The operator corrects the official holidays (a moon sighting moves Eid) in a file named by
SADEEQ_HOLIDAYS_FILE; the business-day calendar, and so every deadline, follows it."""

from __future__ import annotations

from datetime import date
from importlib.metadata import version
from pathlib import Path

import holidays
import pytest

from bot.cli import main
from bot.config import PROJECT_ROOT
from bot.standards import business_days
from bot.standards.business_days import (
    BusinessCalendar,
    HolidayCorrections,
    HolidayFileError,
    saudi_holidays,
)

# A Sunday the library has as a working day, and an official Eid day it has off.
WORKING_SUNDAY = date(2027, 1, 10)
EID_DAY = min(d for d, name in holidays.SA(years=2027).items() if "Fitr" in name)


@pytest.fixture
def holiday_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "holidays.toml"
    path.write_text("# no corrections yet\n", encoding="utf-8")
    monkeypatch.setenv("SADEEQ_HOLIDAYS_FILE", str(path))
    business_days.holiday_corrections.cache_clear()
    business_days.calendar.cache_clear()
    yield path
    monkeypatch.undo()
    business_days.holiday_corrections.cache_clear()
    business_days.calendar.cache_clear()


def test_without_a_file_the_official_holidays_stand(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SADEEQ_HOLIDAYS_FILE", raising=False)
    business_days.holiday_corrections.cache_clear()
    assert business_days.holiday_corrections() == HolidayCorrections()
    assert EID_DAY.weekday() in (4, 5) or not BusinessCalendar().is_business_day(EID_DAY)


def test_added_and_removed_days_change_the_calendar_and_its_deadlines(holiday_file: Path) -> None:
    assert business_days.calendar().is_business_day(WORKING_SUNDAY)
    before = business_days.calendar().add_business_days(date(2027, 1, 7), 1)
    assert before == WORKING_SUNDAY  # Thursday + 1 business day
    business_days.calendar.cache_clear()
    holiday_file.write_text(
        f'[add]\n{WORKING_SUNDAY} = "extra day off by royal order"\n'
        f'[remove]\n{EID_DAY} = "Eid began a day later"\n',
        encoding="utf-8",
    )
    business_days.holiday_corrections.cache_clear()
    cal = business_days.calendar()
    assert not cal.is_business_day(WORKING_SUNDAY)
    assert cal.add_business_days(date(2027, 1, 7), 1) == date(2027, 1, 11)
    if EID_DAY.weekday() not in (4, 5):
        assert cal.is_business_day(EID_DAY)


def test_the_compensation_engine_uses_the_corrected_calendar(holiday_file: Path) -> None:
    from bot.standards import Case, compensation_for

    case = Case("meter_registration", start=_riyadh(2027, 1, 7, 10), end=_riyadh(2027, 1, 14, 10))
    plain = compensation_for(case)
    holiday_file.write_text(f'[add]\n{WORKING_SUNDAY} = "day off"\n', encoding="utf-8")
    business_days.holiday_corrections.cache_clear()
    business_days.calendar.cache_clear()
    corrected = compensation_for(case)
    assert plain.deadline is not None and corrected.deadline is not None
    assert corrected.deadline > plain.deadline


def _riyadh(*parts: int):
    from datetime import datetime

    from bot.config import RIYADH

    return datetime(*parts, tzinfo=RIYADH)


@pytest.mark.parametrize(
    "content,says",
    [
        ('[add]\n2027-02-30 = "x"\n', "not a YYYY-MM-DD date"),
        ('[add]\n2027-02-03 = ""\n', "needs a reason"),
        ('[holidays]\n2027-02-03 = "x"\n', "unknown section"),
        ('[add]\n2027-02-03 = "x"\n[remove]\n2027-02-03 = "y"\n', "both added and removed"),
        ("[add\n", "holiday file"),
    ],
)
def test_a_bad_file_stops_start_up_with_one_line(
    content: str, says: str, holiday_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    holiday_file.write_text(content, encoding="utf-8")
    with pytest.raises(HolidayFileError, match=says):
        HolidayCorrections.read(holiday_file)
    assert main(["compensation", "--standard", "emergency_outage"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(holiday_file) in err[0] and says in err[0]


def test_a_missing_file_named_by_the_setting_stops_start_up(holiday_file: Path) -> None:
    holiday_file.unlink()
    with pytest.raises(HolidayFileError, match="holidays.toml"):
        business_days.holiday_corrections()


def test_corrections_apply_to_their_own_year_only() -> None:
    corrections = HolidayCorrections(add=frozenset({date(2028, 5, 1)}))
    corrected = corrections.applied_to(saudi_holidays)
    assert date(2028, 5, 1) in corrected(2028) and date(2028, 5, 1) not in corrected(2027)


def test_the_holiday_library_is_the_pinned_version() -> None:
    """The Eid dates the deadlines count with are those the tests ran with."""
    pin = next(
        line
        for line in (PROJECT_ROOT / "pyproject.toml").read_text().splitlines()
        if '"holidays==' in line
    )
    assert f'"holidays=={version("holidays")}"' in pin
