"""What `understand` returns."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Understanding:
    intent: str  # one of phrases.INTENTS; "unknown" when unsure (see alternatives)
    confidence: float  # 0..1; for "unknown", the score of the best (contested or weak) candidate
    slots: dict[str, str | int] = field(default_factory=dict)
    lang: str = "ar"  # "ar" | "en": the language to answer in
    alternatives: tuple[tuple[str, float], ...] = ()  # other close intents, best first

    def text_slot(self, name: str) -> str | None:
        """A slot that is text (an account number, a standard's id), or None when absent."""
        value = self.slots.get(name)
        return value if isinstance(value, str) else None

    def as_json(self, text: str) -> dict[str, object]:
        return {
            "text": text,
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "slots": self.slots,
        }
