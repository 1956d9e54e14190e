"""How well the intent recognizer does on labelled messages it was not trained on.

Every figure comes from the whole recognizer as `sadeeq classify` runs it (keywords, the
standards finder, the model and its "not sure" threshold), except the cross-validation, which
retrains the model alone on four fifths of train + dev and scores the fifth left out.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.config import RIYADH
from bot.understanding import understand
from bot.understanding.corpus import INTENTS, REQUESTS, Example

# Test-set times ("yesterday") are read against this fixed moment, so results never depend on
# the day the evaluation runs.
EVALUATION_NOW = datetime(2026, 11, 24, 16, 0, tzinfo=RIYADH)
# Test-set messages are shown (a miss, a leaked line) only when this is "1": whoever tunes the
# corpus reads test logs, and a test set that was read measures nothing.
SHOW_MISSES = "SADEEQ_SHOW_MISSES"


def held_out(name: str, texts: Sequence[str]) -> str:
    """How a check names test-set messages in its output: their number, and the messages
    themselves only when SADEEQ_SHOW_MISSES=1."""
    told = f"{name}: {len(texts)} messages"
    if os.environ.get(SHOW_MISSES) != "1" or not texts:
        return told + (f" (set {SHOW_MISSES}=1 to list them)" if texts else "")
    return told + ":\n" + "\n".join(f"    {text}" for text in texts)


@dataclass(frozen=True)
class Scored:
    truth: str
    guess: str
    text: str


@dataclass(frozen=True)
class Report:
    name: str
    rows: tuple[Scored, ...]

    @property
    def accuracy(self) -> float:
        return sum(r.truth == r.guess for r in self.rows) / max(len(self.rows), 1)

    @property
    def off_topic_accepted(self) -> float:
        """Share of off-topic messages taken for one of the five requests."""
        off = [r for r in self.rows if r.truth == "unknown"]
        return sum(r.guess in REQUESTS for r in off) / max(len(off), 1)

    def misses(self) -> list[Scored]:
        return [r for r in self.rows if r.truth != r.guess]

    def markdown(self) -> str:
        truths = Counter(r.truth for r in self.rows)
        guesses = Counter(r.guess for r in self.rows)
        pairs = Counter((r.truth, r.guess) for r in self.rows)
        present = [i for i in INTENTS if truths[i] or guesses[i]]
        short = {
            i: i.replace("outage_", "out_")
            .replace("compensation", "comp")
            .replace("hazard_report", "hazard")
            for i in present
        }
        lines = [
            f"**{self.name}**: {len(self.rows)} messages, accuracy "
            f"{100 * self.accuracy:.1f}%, off-topic taken for a request "
            f"{100 * self.off_topic_accepted:.1f}%",
            "",
            "| intent | n | precision | recall |",
            "|---|---:|---:|---:|",
        ]
        for i in present:
            hit = pairs[(i, i)]
            precision = f"{100 * hit / guesses[i]:.1f}%" if guesses[i] else "–"
            recall = f"{100 * hit / truths[i]:.1f}%" if truths[i] else "–"
            lines.append(f"| {i} | {truths[i]} | {precision} | {recall} |")
        lines += [
            "",
            "Confusion (rows: label, columns: answer):",
            "",
            "| | " + " | ".join(short[i] for i in present) + " |",
            "|---|" + "---:|" * len(present),
        ]
        for t in present:
            if truths[t]:
                cells = [str(pairs[(t, g)]) if pairs[(t, g)] else "·" for g in present]
                lines.append(f"| {short[t]} | " + " | ".join(cells) + " |")
        return "\n".join(lines)


def score(name: str, labelled: Sequence[Example]) -> Report:
    return Report(
        name,
        tuple(
            Scored(e.intent, understand(e.text, EVALUATION_NOW).intent, e.text) for e in labelled
        ),
    )


def cross_validation(labelled: Sequence[Example]) -> tuple[float, float]:
    """The model alone on out-of-fold scores (`training.out_of_fold`) at the running model's
    thresholds: accuracy, and the share of off-topic messages taken for a request."""
    import numpy as np

    from bot.understanding.model import intent_model
    from bot.understanding.training import decisions, out_of_fold

    running = intent_model()
    scores = out_of_fold(labelled, running.strength)
    guesses = [INTENTS[g] for g in decisions(scores, running.accept, running.off_topic)]
    truths = [e.intent for e in labelled]
    off = [g for t, g in zip(truths, guesses, strict=True) if t == "unknown"]
    accuracy = float(np.mean([t == g for t, g in zip(truths, guesses, strict=True)]))
    return accuracy, sum(g in REQUESTS for g in off) / max(len(off), 1)
