"""Bills and accounts of a subscriber, from the billing API or the embedded demo data.

from bot.billing import billing_adapter
with billing_adapter(settings) as billing:
    accounts = billing.accounts_for_phone("+966500000001")
    bill = billing.bill_for_phone("+966500000001", accounts[0].account)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.billing.base import Account, Bill, BillingAdapter, BillingUnavailable

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = ["Account", "Bill", "BillingAdapter", "BillingUnavailable", "billing_adapter"]


def billing_adapter(settings: Settings) -> BillingAdapter:
    """The billing API when `SADEEQ_BILLING_URL` is set, else our own database."""
    if settings.billing_url:
        from bot.billing.http import HttpBilling

        return HttpBilling(
            settings.billing_url,
            token=settings.billing_token,
            timeout_seconds=settings.billing_timeout_seconds,
        )
    from bot.billing.embedded import EmbeddedBilling

    return EmbeddedBilling(settings.database_url)
