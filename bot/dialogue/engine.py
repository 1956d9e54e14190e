"""The conversation engine: one inbound message in, a list of replies out.

(Skeleton: the flows are being written; channels can already call `Engine.handle`.)
"""

from __future__ import annotations

from bot.config import Settings
from bot.dialogue.messages import Inbound, Reply


class Engine:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()

    def handle(self, message: Inbound) -> list[Reply]:
        return [Reply(text="أهلاً بك في صديق الكهرباء")]
