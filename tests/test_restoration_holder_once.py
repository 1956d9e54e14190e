"""The restoration notice of a planned outage owes two sums (its restoration, its late notice):
for a report linked to no account, to whom and how they are paid is said once, not after each
sum (a reviewer saw the account-holder paragraph twice in a row)."""

from __future__ import annotations

from datetime import datetime

from bot.config import RIYADH
from bot.i18n import texts
from bot.outages.notices import restoration_notice
from bot.outages.service import restore_incident
from bot.standards import riyals
from bot.storage.db import session_scope
from tests.support.planned_outage import file_planned_outage

PHONE = "+966500000088"  # linked to no account


def test_holder_paragraph_once_for_two_sums(seeded_database_url: str) -> None:
    for lang in ("ar", "en"):
        with session_scope(seeded_database_url) as session:
            filed = file_planned_outage(
                session,
                phone=PHONE,
                sender=f"{PHONE}{lang}",
                city="الرياض",
                district="العليا" if lang == "ar" else "الملز",
                lang=lang,
                notice_at=datetime(2026, 11, 30, 20, 0, tzinfo=RIYADH),  # 12 h ahead, not 48
            )
            end = datetime(2026, 12, 1, 16, 0, tzinfo=RIYADH)
            incident = restore_incident(session, filed.incident.id, at=end, now=end)
            notice = restoration_notice(filed.report, incident)
        tr = texts(lang)
        holder = tr._(
            "Both are paid automatically, with no claim, to the holder of the electricity "
            "account at that place, as a credit on its bill or by bank transfer. Your report "
            "is not linked to an account: if the account there is in your name, you need do "
            "nothing."
        )
        assert notice.count(holder) == 1, notice
        # The one paragraph comes after both sums, each said on its own line.
        for amount in (250, 100):
            assert riyals(amount, lang) in notice
            assert notice.index(holder) > notice.index(riyals(amount, lang))
