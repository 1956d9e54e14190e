"""Random compensation conversations built from pieces subscribers send: the flow never
crashes, and any amount it quotes is one the standards engine can give for that standard."""

from __future__ import annotations

import dataclasses
import random
import re
from datetime import datetime, timedelta

from bot.config import RIYADH, Settings
from bot.dialogue.engine import Engine
from bot.dialogue.messages import Inbound

PIECES = [
    "تعويض",
    "compensation",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
    "نعم",
    "لا",
    "yes",
    "no",
    "امس من ٨ الصبح الى ٤ العصر",
    "من ٨ الى ٢",
    "الساعة ١ الفجر",
    "للحين",
    "not yet",
    "٥ ساعات",
    "امس",
    "يوم الخميس",
    "١٦ نوفمبر",
    "١٥ جمادى الآخرة",
    "من اسبوعين",
    "ما ادري",
    "قطعوا الكهرباء امس الساعة ١٠ الصبح عشان الفاتورة",
    "دفعت الفاتورة امس ٨ بالليل",
    "no power since 7 this morning",
    "ما بلغوني",
    "جهد متوسط",
    "2 weeks ago",
    "الحين",
    "قدمت طلب تسجيل العداد يوم ١٦ نوفمبر وللحين ما خلص",
    "انقطعت الكهرباء عن كل مدينة جدة",
    "from 10 pm to 2 am",
    "رجعت ٣ الفجر",
    "",
    "؟",
    "١٢٣",
    "30012345678",
]
MONEY = re.compile(r"(?:يحق لك (?:حتى الآن )?(?:تعويض )?|owed )([\d,]+)")


def _possible_amounts() -> set[int]:
    from bot.standards import STANDARD_IDS, rule_for

    now = datetime(2026, 12, 1, tzinfo=RIYADH)
    amounts: set[int] = set()
    for standard in STANDARD_IDS:
        rule = rule_for(standard, now)
        amounts |= {rule.first_amount() + rule.additional_sar * k for k in range(400)}
    return amounts


def test_random_conversations_never_crash_nor_invent_amounts(database_url: str) -> None:
    settings = dataclasses.replace(
        Settings.from_env(), database_url=database_url, billing_url=None, lang="ar"
    )
    engine = Engine(settings)
    possible = _possible_amounts()
    rng = random.Random(11)
    now = datetime(2026, 12, 1, 12, 0, tzinfo=RIYADH)
    for n in range(120):
        sender = f"+9665{n:08d}"
        for k in range(rng.randint(1, 5)):
            now += timedelta(seconds=30)
            text = rng.choice(PIECES)
            replies = engine.handle(
                Inbound(
                    channel="whatsapp",
                    sender=sender,
                    phone=sender,
                    text=text,
                    received_at=now,
                    message_id=f"r-{n}-{k}",
                )
            )
            for reply in replies:
                for amount in MONEY.findall(reply.text):
                    assert int(amount.replace(",", "")) in possible, reply.text
