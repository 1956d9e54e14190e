"""Protection against guessing account numbers: a sender who asks for accounts not linked to
their number `misses_allowed` times within `window_seconds` is refused account lookups for
`block_seconds`. Keyed by sender, which is the phone on WhatsApp and SMS alike."""

from __future__ import annotations

from bot.coordination.state import SharedState

HOUR = 3600


class AccountGuard:
    def __init__(
        self,
        state: SharedState,
        misses_allowed: int = 5,
        window_seconds: int = HOUR,
        block_seconds: int = HOUR,
    ) -> None:
        self.state = state
        self.misses_allowed = misses_allowed
        self.window_seconds = window_seconds
        self.block_seconds = block_seconds

    def record_miss(self, sender: str) -> None:
        """The sender asked for an account that is not linked to them."""
        if self.misses_allowed <= 0:  # 0 turns the guard off
            return
        if self.state.count(f"misses:{sender}", self.window_seconds) >= self.misses_allowed:
            self.state.flag(f"blocked:{sender}", self.block_seconds)

    def is_blocked(self, sender: str) -> bool:
        return self.misses_allowed > 0 and self.state.is_flagged(f"blocked:{sender}")
