"""Our stand-in for the engine at the channel boundary: it records what each channel handed it
and answers with the replies (or the error) a test scripted."""

from __future__ import annotations

import threading

from bot.dialogue.messages import Inbound, Reply


class ScriptedEngine:
    def __init__(self, replies: list[Reply], error: Exception | None = None) -> None:
        self.replies = replies
        self.error = error
        self.seen: list[Inbound] = []
        self._lock = threading.Lock()

    def handle(self, message: Inbound) -> list[Reply]:
        with self._lock:
            self.seen.append(message)
        if self.error is not None:
            raise self.error
        return self.replies
