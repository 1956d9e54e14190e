"""Opt-in and opt-out of the monthly bill notices, as the chat asks for them.

The rule: an account's notices go only to a number that the billing system links to that
account. The dialogue already holds `billing_adapter(settings).accounts_for_phone(phone)` for the
sender, so it passes that list in (`linked_accounts`); this module never calls billing itself,
which keeps it fast and lets it run inside the webhook's database session.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.i18n import normalize_lang
from bot.notices.models import NoticeSubscription

SubscribeStatus = Literal["subscribed", "already_subscribed", "not_linked"]


class _HasAccount(Protocol):
    @property
    def account(self) -> str: ...


@dataclass(frozen=True)
class SubscribeResult:
    status: SubscribeStatus
    account: str
    subscription: NoticeSubscription | None = None

    @property
    def ok(self) -> bool:
        return self.status != "not_linked"


def _account_numbers(linked: Iterable[str | _HasAccount]) -> set[str]:
    return {item if isinstance(item, str) else item.account for item in linked}


def subscribe(
    session: Session,
    *,
    account: str,
    channel: str,
    address: str,
    phone: str | None,
    lang: str,
    consent_text: str,
    at: datetime,
    linked_accounts: Iterable[str | _HasAccount],
    consent_message_id: str | None = None,
) -> SubscribeResult:
    """Subscribe `account`'s bill notices to (channel, address), if the account is linked to the
    sender's phone (`linked_accounts`: accounts_for_phone(phone), Account objects or numbers).

    A second request for the same target is answered "already_subscribed"; a target that had
    opted out is subscribed again with the new consent. The caller commits the session.
    """
    if phone is None or account not in _account_numbers(linked_accounts):
        return SubscribeResult("not_linked", account)
    existing = session.scalar(
        select(NoticeSubscription).where(
            NoticeSubscription.account == account,
            NoticeSubscription.channel == channel,
            NoticeSubscription.address == address,
        )
    )
    if existing is not None and existing.unsubscribed_at is None:
        existing.lang = normalize_lang(lang)
        return SubscribeResult("already_subscribed", account, existing)
    if existing is None:
        existing = NoticeSubscription(account=account, channel=channel, address=address)
        session.add(existing)
    existing.phone = phone
    existing.lang = normalize_lang(lang)
    existing.consent_text = consent_text
    existing.consent_message_id = consent_message_id
    existing.subscribed_at = at
    existing.unsubscribed_at = None
    session.flush()
    return SubscribeResult("subscribed", account, existing)


def unsubscribe(
    session: Session,
    *,
    channel: str,
    address: str,
    phone: str | None,
    at: datetime,
    accounts: Collection[str] | None = None,
) -> list[NoticeSubscription]:
    """End the active notices to this (channel, address) or subscribed from this phone on any
    channel: all of them, or only those of `accounts` ("stop the Malaz account's alerts").
    Returns the subscriptions ended, oldest first, so that the reply can say which accounts'
    alerts stopped. Notices of the current month not yet sent are then skipped (the broadcast
    reads the opt-out again just before each send)."""
    ended = _active(session, channel=channel, address=address, phone=phone)
    if accounts is not None:
        wanted = set(accounts)
        ended = [sub for sub in ended if sub.account in wanted]
    for sub in ended:
        sub.unsubscribed_at = at
    session.flush()
    return ended


def resubscribe_stopped(
    session: Session, *, channel: str, address: str, phone: str | None, stopped_at: datetime
) -> list[NoticeSubscription]:
    """START: the notices that the STOP of `stopped_at` ended (this address's, or this phone's on
    any channel) come back, and only those: alerts stopped on their own before ("stop bill
    alerts") stay off. A STOP stamps every subscription it ends with the contact's opt-out
    moment, which is how they are told apart. Returns them, oldest first."""
    target = (NoticeSubscription.channel == channel) & (NoticeSubscription.address == address)
    condition = or_(target, NoticeSubscription.phone == phone) if phone else target
    stopped = list(
        session.scalars(
            select(NoticeSubscription)
            .where(condition, NoticeSubscription.unsubscribed_at == stopped_at)
            .order_by(NoticeSubscription.id)
        )
    )
    for sub in stopped:
        sub.unsubscribed_at = None
    session.flush()
    return stopped


def _active(
    session: Session, *, channel: str, address: str, phone: str | None
) -> list[NoticeSubscription]:
    target = (NoticeSubscription.channel == channel) & (NoticeSubscription.address == address)
    condition = or_(target, NoticeSubscription.phone == phone) if phone else target
    return list(
        session.scalars(
            select(NoticeSubscription)
            .where(condition, NoticeSubscription.unsubscribed_at.is_(None))
            .order_by(NoticeSubscription.id)
        )
    )


def subscriptions_for(session: Session, phone: str) -> list[NoticeSubscription]:
    """The active subscriptions made from this phone, oldest first."""
    return list(
        session.scalars(
            select(NoticeSubscription)
            .where(NoticeSubscription.phone == phone, NoticeSubscription.unsubscribed_at.is_(None))
            .order_by(NoticeSubscription.id)
        )
    )
