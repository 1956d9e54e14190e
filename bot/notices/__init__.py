"""Monthly e-bill notices: opt-in by chat, the broadcast on the 28th, its ledger and report.

Public API (the dialogue calls these):
    subscribe(session, *, account, channel, address, phone, lang, consent_text, at,
              linked_accounts, consent_message_id=None) -> SubscribeResult
    unsubscribe(session, *, channel, address, phone, at, accounts=None) -> [NoticeSubscription]
    resubscribe_stopped(session, *, channel, address, phone, stopped_at) -> [NoticeSubscription]
    subscriptions_for(session, phone) -> list[NoticeSubscription]
The broadcast lives in `bot.notices.broadcast`, the command in `bot.notices.cli`.
"""

from bot.notices.models import NoticeSend, NoticeSubscription
from bot.notices.subscriptions import (
    SubscribeResult,
    resubscribe_stopped,
    subscribe,
    subscriptions_for,
    unsubscribe,
)

__all__ = [
    "NoticeSend",
    "NoticeSubscription",
    "SubscribeResult",
    "resubscribe_stopped",
    "subscribe",
    "subscriptions_for",
    "unsubscribe",
]
