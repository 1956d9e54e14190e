"""The Saudi business calendar: Sunday to Thursday, less the official public holidays.

Holidays come from `holidays.SA` (Founding Day, National Day, both Eids with Arafah and the
observed days, Hijri dates by Umm al-Qura; the version is pinned in pyproject.toml because it
decides compensation deadlines). The Eid dates are computed ahead and the real ones follow
the moon sighting, so an operator can correct them in a TOML file named by
SADEEQ_HOLIDAYS_FILE (see docs/operations.md, "Holiday corrections"):

    [add]                               # days off that the library does not know
    2027-03-11 = "Eid al-Fitr holiday, extended by royal order"
    [remove]                            # days the library has that are working days
    2027-03-08 = "Eid al-Fitr began a day later after the moon sighting"

The engine asks this calendar many times per case, so each year is turned once into a running
count of business days; after that every question is a list lookup.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import holidays

WEEKEND = frozenset({4, 5})  # date.weekday(): Friday and Saturday (the weekend since 2013)
# Years loaded around a date asked about: deadlines run up to ~60 business days ahead and the
# pay-by date 10 more, so one spare year each side keeps extensions rare.
_MARGIN_YEARS = 1


def saudi_holidays(year: int) -> Iterable[date]:
    return holidays.SA(years=year).keys()


class HolidayFileError(ValueError):
    """The operator's holiday file cannot be used; the message is one line naming it."""


@dataclass(frozen=True)
class HolidayCorrections:
    """Days the operator adds to or removes from the official holidays."""

    add: frozenset[date] = frozenset()
    remove: frozenset[date] = frozenset()

    def applied_to(self, source: Callable[[int], Iterable[date]]) -> Callable[[int], set[date]]:
        def corrected(year: int) -> set[date]:
            days = set(source(year)) - self.remove
            return days | {d for d in self.add if d.year == year}

        return corrected

    @classmethod
    def read(cls, path: str | Path) -> HolidayCorrections:
        try:
            with open(path, "rb") as fh:
                raw = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise HolidayFileError(f"holiday file {path}: {exc}") from None
        unknown = set(raw) - {"add", "remove"}
        if unknown:
            raise HolidayFileError(
                f"holiday file {path}: unknown section(s) {sorted(unknown)}; use [add] and [remove]"
            )
        sections = {name: _days(path, name, raw.get(name, {})) for name in ("add", "remove")}
        both = sections["add"] & sections["remove"]
        if both:
            raise HolidayFileError(f"holiday file {path}: {min(both)} is both added and removed")
        return cls(add=sections["add"], remove=sections["remove"])


def _days(path: str | Path, section: str, entries: object) -> frozenset[date]:
    if not isinstance(entries, dict):
        raise HolidayFileError(f'holiday file {path}: [{section}] must list `YYYY-MM-DD = "why"`')
    days = set()
    for key, why in entries.items():
        try:
            day = date.fromisoformat(key)
        except ValueError:
            raise HolidayFileError(
                f"holiday file {path}: [{section}] {key!r} is not a YYYY-MM-DD date"
            ) from None
        if not isinstance(why, str) or not why.strip():
            raise HolidayFileError(f"holiday file {path}: [{section}] {key} needs a reason")
        days.add(day)
    return frozenset(days)


@lru_cache(maxsize=1)
def holiday_corrections() -> HolidayCorrections:
    """The corrections of SADEEQ_HOLIDAYS_FILE (none when unset), read once per process: a
    changed file counts after a restart. Checked at start-up (`bot.startup`)."""
    from bot.config import Settings

    path = Settings.from_env().holidays_file
    return HolidayCorrections.read(path) if path else HolidayCorrections()


class BusinessCalendar:
    """Business days of one country, answered from precomputed per-day counts.

    `_count[i]` is how many business days fall in [first day, day i]; `_days[k]` is the k-th
    business day (0-based). Both grow a year at a time when a date outside them is asked for.
    """

    def __init__(
        self,
        holiday_source: Callable[[int], Iterable[date]] = saudi_holidays,
        weekend: frozenset[int] = WEEKEND,
    ) -> None:
        self._holiday_source = holiday_source
        self._weekend = weekend
        self._first_year = 0
        self._last_year = -1
        self._base = 0  # ordinal of the first day covered
        self._count: list[int] = []
        self._days: list[int] = []

    # -- public questions ------------------------------------------------------------------

    def is_business_day(self, day: date) -> bool:
        i = self._index(day.toordinal())
        return self._count[i] != (self._count[i - 1] if i else 0)

    def add_business_days(self, day: date, n: int) -> date:
        """The n-th business day after `day` (n=0: `day` itself); `day` need not be one."""
        if n == 0:
            return day
        if n < 0:
            raise ValueError("n must not be negative")
        i = self._index(day.toordinal())
        while (k := self._count[i] + n - 1) >= len(self._days):
            self._extend_to(self._last_year + 1)  # grows at the end only: `i` stays valid
        return date.fromordinal(self._days[k])

    def business_days_between(self, start: date, end: date) -> int:
        """Business days d with start < d <= end (negative when end is before start)."""
        a, b = start.toordinal(), end.toordinal()
        self._index(a), self._index(b)  # load both years before reading either index
        return self._count[b - self._base] - self._count[a - self._base]

    def on_or_after(self, day: date) -> date:
        """`day` when it is a business day, else the next one."""
        return day if self.is_business_day(day) else self.add_business_days(day, 1)

    # -- the precomputed tables ------------------------------------------------------------

    def _index(self, ordinal: int) -> int:
        i = ordinal - self._base
        if 0 <= i < len(self._count):
            return i
        self._extend_to(date.fromordinal(ordinal).year)
        return ordinal - self._base

    def _extend_to(self, year: int) -> None:
        if self._first_year <= year <= self._last_year:
            return
        if self._last_year < self._first_year:  # empty
            first, last = year - _MARGIN_YEARS, year + _MARGIN_YEARS
        else:
            first = min(self._first_year, year - _MARGIN_YEARS)
            last = max(self._last_year, year + _MARGIN_YEARS)
        self._build(first, last)

    def _build(self, first_year: int, last_year: int) -> None:
        off: set[int] = set()
        for year in range(first_year, last_year + 1):
            off.update(d.toordinal() for d in self._holiday_source(year))
        day = date(first_year, 1, 1)
        end = date(last_year, 12, 31).toordinal()
        base = day.toordinal()
        count: list[int] = []
        days: list[int] = []
        weekday = day.weekday()
        for ordinal in range(base, end + 1):
            if weekday not in self._weekend and ordinal not in off:
                days.append(ordinal)
            count.append(len(days))
            weekday = (weekday + 1) % 7
        # Swap in whole tables at once so a reader never sees a half-built calendar.
        self._base, self._count, self._days = base, count, days
        self._first_year, self._last_year = first_year, last_year


@lru_cache(maxsize=1)
def calendar() -> BusinessCalendar:
    """The shared Saudi business calendar (built lazily, one year at a time), with the
    operator's holiday corrections."""
    return BusinessCalendar(holiday_corrections().applied_to(saudi_holidays))
