"""Hand-over requests: a subscriber asked for a person; operators see what was said before,
and close the request once dealt with."""

from bot.handovers.service import (
    HANDOVER_PREFIX,
    HandoverClosed,
    HandoverNotFound,
    close_handover,
    handover_ref,
    list_handovers,
    record_handover,
)

__all__ = [
    "HANDOVER_PREFIX",
    "HandoverClosed",
    "HandoverNotFound",
    "close_handover",
    "handover_ref",
    "list_handovers",
    "record_handover",
]
