"""Hand-over requests: a subscriber asked for a person; operators see what was said before."""

from bot.handovers.service import HANDOVER_PREFIX, handover_ref, list_handovers, record_handover

__all__ = ["HANDOVER_PREFIX", "handover_ref", "list_handovers", "record_handover"]
