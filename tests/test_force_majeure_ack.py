"""An outage recorded as force majeure owes nothing however late (domain.md, Exclusions): the
acknowledgement of a report never says compensation is "already due" for it (money1)."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from bot.config import RIYADH
from bot.outages.models import Incident
from handlers.outage_report import _past_deadline_either_way, force_majeure_text

NOW = datetime(2026, 11, 24, 20, 0, tzinfo=RIYADH)
TOLD = "الكهرباء طافية من امس الساعة ٨"  # morning or night: late either way


def _incident(force_majeure: bool) -> Incident:
    return Incident(
        area_key="riyadh/olaya",
        started_at=datetime(2026, 11, 23, 8, 0, tzinfo=RIYADH),
        force_majeure=force_majeure,
        planned=False,
        city_wide=False,
    )


def test_late_either_way_unless_force_majeure() -> None:
    turn = SimpleNamespace(now=NOW, lang="ar")
    late = _past_deadline_either_way(turn, _incident(False), TOLD)  # type: ignore[arg-type]
    assert late is not None and late[0] == 3
    assert _past_deadline_either_way(turn, _incident(True), TOLD) is None  # type: ignore[arg-type]


def test_force_majeure_said_in_the_engines_words() -> None:
    for lang, words in (("ar", "قاهرة"), ("en", "force majeure")):
        text = force_majeure_text(SimpleNamespace(now=NOW, lang=lang), _incident(True))  # type: ignore[arg-type]
        assert words in text
        assert "ريال" not in text and "SAR" not in text
