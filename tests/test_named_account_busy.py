"""The alerts' picker answered with a premise word ("الفيلا") while the billing system is down:
the busy answer, as the bill picker gives it (one `named_account` helper), not a silent miss."""

from __future__ import annotations

from datetime import datetime

from bot.billing import BillingUnavailable
from bot.config import RIYADH, Settings
from bot.dialogue.engine import Engine
from bot.dialogue.messages import Inbound

PHONE = "+966500000001"  # two linked accounts: the villa in Al Olaya, the shop in Al Malaz
AT = datetime(2026, 12, 2, 15, 10, tzinfo=RIYADH)


def _say(engine: Engine, text: str, n: int) -> str:
    message = Inbound(
        channel="whatsapp",
        sender=PHONE,
        phone=PHONE,
        text=text,
        received_at=AT,
        message_id=f"SMnamedbusy{n}",
    )
    return "\n".join(r.text for r in engine.handle(message))


def test_the_alerts_picker_says_billing_is_busy(seeded_database_url: str, monkeypatch) -> None:
    engine = Engine(Settings(database_url=seeded_database_url, lang="ar"))
    assert "لأي حساب" in _say(engine, "ابي اشترك في تنبيهات الفاتورة", 1)

    def down(phone: str) -> list:
        raise BillingUnavailable("down")

    monkeypatch.setattr(engine.billing, "accounts_for_phone", down)
    reply = _say(engine, "الفيلا", 2)
    assert "مشغولة" in reply or "busy" in reply, reply
