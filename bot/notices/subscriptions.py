"""Opt-in and opt-out of the monthly bill notices, as the chat asks for them.

The rule: an account's notices go only to a number that the billing system links to that
account. The dialogue already holds `billing_adapter(settings).accounts_for_phone(phone)` for the
sender, so it passes that list in (`linked_accounts`); this module never calls billing itself,
which keeps it fast and lets it run inside the webhook's database session.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol, cast

from sqlalchemy import CursorResult, or_, select, update
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


def unsubscribe_all(
    session: Session, *, channel: str, address: str, phone: str | None, at: datetime
) -> int:
    """STOP: end every notice to this (channel, address), and every notice subscribed from this
    phone on any channel, since the subscriber asked for all of them to stop. Returns how many
    subscriptions ended. Notices of the current month not yet sent are then skipped."""
    target = (NoticeSubscription.channel == channel) & (NoticeSubscription.address == address)
    condition = or_(target, NoticeSubscription.phone == phone) if phone else target
    # An UPDATE's result is a CursorResult (with rowcount); Session.execute is annotated with
    # the general Result.
    result = cast(
        CursorResult,
        session.execute(
            update(NoticeSubscription)
            .where(condition, NoticeSubscription.unsubscribed_at.is_(None))
            .values(unsubscribed_at=at)
            .execution_options(synchronize_session=False)
        ),
    )
    session.expire_all()
    return int(result.rowcount or 0)


def subscriptions_for(session: Session, phone: str) -> list[NoticeSubscription]:
    """The active subscriptions made from this phone, oldest first."""
    return list(
        session.scalars(
            select(NoticeSubscription)
            .where(NoticeSubscription.phone == phone, NoticeSubscription.unsubscribed_at.is_(None))
            .order_by(NoticeSubscription.id)
        )
    )
