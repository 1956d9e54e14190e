"""Every table module, imported so that `Base.metadata` knows the whole schema."""

import bot.billing.embedded_models
import bot.console.models
import bot.handovers.models
import bot.hazards.models
import bot.not_understood
import bot.notices.models
import bot.outages.models
import bot.service_requests
import bot.storage.models  # noqa: F401  (imported for their tables)
from bot.storage.base import Base

__all__ = ["Base"]
