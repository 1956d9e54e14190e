"""Every table module, imported so that `Base.metadata` knows the whole schema."""

import importlib

from bot.storage.base import Base

# Each area's tables live beside its code; a module that does not exist yet is skipped.
TABLE_MODULES = (
    "bot.storage.models",
    "bot.billing.embedded_models",
    "bot.outages.models",
    "bot.service_requests",
    "bot.notices.models",
)

for _name in TABLE_MODULES:
    try:
        importlib.import_module(_name)
    except ModuleNotFoundError as exc:
        if exc.name != _name:
            raise

__all__ = ["Base"]
