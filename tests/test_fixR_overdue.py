"""fixR: one rule of a pay-by date gone by, for the records and for «متى ينصرف؟»: the day in
Riyadh, not in UTC."""

from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

from handlers.compensation import _past


def test_a_pay_by_date_is_past_once_its_day_is_over_in_riyadh() -> None:
    # 21:30 UTC on 1 December is 00:30 on 2 December in Riyadh.
    turn: Any = SimpleNamespace(now=datetime(2026, 12, 1, 21, 30, tzinfo=UTC))
    assert _past(turn, date(2026, 12, 1))
    assert not _past(turn, date(2026, 12, 2))
    turn = SimpleNamespace(now=datetime(2026, 12, 1, 20, 30, tzinfo=UTC))
    assert not _past(turn, date(2026, 12, 1))
