"""The channel-independent conversation: one inbound message in, replies out."""

from bot.dialogue.messages import Choice, Inbound, Location, Reply

__all__ = ["Choice", "Inbound", "Location", "Reply"]
