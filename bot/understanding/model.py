"""Scoring a message with the trained intent model: a lookup of feature weights, no training
library on the hot path (calling a scikit-learn pipeline costs over a millisecond a message).

The model is a linear one (`bot.understanding.training` makes it from the corpus): each feature
of the message adds its row of weights, the sum is scaled as at training time (every message
a unit vector), and a softmax turns it into one probability per intent.
"""

from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from operator import is_not
from pathlib import Path
from typing import Any

import numpy as np

from bot import resources
from bot.understanding.features import message_words, word_features
from bot.understanding.word_table import WordTable

MODEL_PATH = Path(__file__).parent / "data" / "intent_model.npz"
# The feature rows of the model's own words (its "w:" features, the words of at least two
# training messages) are worked out at start-up: they are part of the model, read from its
# file and no message. Any other word's rows are kept, once met, for the next message with
# it (the corpus and the test sets hold about 15,000 distinct words), up to CACHED_WORDS of
# them (`WordTable`). Words longer than any real one are not kept, so a stream of hostile
# pastes bounds the memory at about 30 MB.
CACHED_WORDS = 2**15
CACHED_WORD_CHARS = 24
_IS_ROW = partial(is_not, None)  # a feature the model has (not None), row 0 included
# What `ndarray.sum` and `.max` call, without their Python wrapper (the same sums).
_SUM = np.add.reduce
_MAX = np.maximum.reduce


def not_sure(best: Any, off_topic: Any, accept: Any, off_topic_at: Any) -> Any:
    """The "not sure" rule, for one message (floats) or many (arrays, as training chooses the
    thresholds): the best intent other than "unknown" is less likely than `accept`, or the
    message is at least `off_topic_at` likely to be off-topic."""
    return (best < accept) | (off_topic >= off_topic_at)


@dataclass(frozen=True)
class IntentModel:
    intents: tuple[str, ...]
    index: dict[str, int]  # feature name → row of `weights`
    weights: np.ndarray  # (features, intents)
    bias: np.ndarray  # (intents,)
    # "Not sure" (`not_sure`; both chosen on out-of-fold scores over train + dev, `training`):
    # the best request is less likely than `accept`, or the message is at least `off_topic`
    # likely to be about something else.
    accept: float
    off_topic: float
    strength: float  # the regularization it was trained with (`training.STRENGTH`)

    # The scoring tables below are worked out from the fields on first use (`prepare` does it
    # at start-up), never for a copy that only changes the thresholds (training makes many).
    @cached_property
    def _rows(self) -> np.ndarray:
        return np.ascontiguousarray(self.weights)  # `weights`, row by row: one row, one read

    @cached_property
    def _bias64(self) -> np.ndarray:
        return self.bias.astype(np.float64)

    @cached_property
    def _requests(self) -> tuple[str, ...]:
        return tuple(i for i in self.intents if i != "unknown")

    @cached_property
    def _word_rows(self) -> WordTable[np.ndarray]:
        """A word's feature rows, by word."""
        own = self.own_words()
        return WordTable(self._rows_of, most=CACHED_WORDS, longest=CACHED_WORD_CHARS, known=own)

    @cached_property
    def _pairs(self) -> dict[str, dict[str, int]]:
        """The rows of the model's word pairs ("b:" features) by first word, then second: a
        message's pairs are looked up with its words (whose hashes Python already has), no
        pair name is made and hashed (`features.pair_features` makes them for training)."""
        pairs: dict[str, dict[str, int]] = {}
        for name, row in self.index.items():
            if name.startswith("b:"):
                first, second = name[2:].split(" ", 1)
                pairs.setdefault(first, {})[second] = row
        return pairs

    def own_words(self) -> list[str]:
        """The model's own words (its "w:" features), in the model file's order."""
        return [name[2:] for name in self.index if name.startswith("w:")]

    def prepare(self) -> None:
        """Work out the scoring tables now (at start-up), not at the first message."""
        for table in ("_rows", "_bias64", "_requests", "_word_rows", "_pairs"):
            getattr(self, table)

    def _rows_of(self, word: str) -> np.ndarray:
        """The rows of the features one word brings (`features.word_features`)."""
        rows = filter(_IS_ROW, map(self.index.get, word_features(word)))  # C speed, no None
        return np.fromiter(rows, dtype=np.intp)

    def words_kept(self) -> int:
        """Words met since start-up (not the model's own) whose rows are kept."""
        return self._word_rows.learned()

    def forget_words(self) -> None:
        """Forget the words met, as after a restart (the benchmark's first round)."""
        self._word_rows.forget()

    def rows(self, normalized: str) -> np.ndarray:
        """The weight rows of the message's features (`features.features`), each once, sorted."""
        words = message_words(normalized)
        parts = list(map(self._word_rows.__getitem__, words))
        pairs = self._pairs
        in_pairs = [
            row
            for first, second in zip(words, words[1:], strict=False)
            if (seconds := pairs.get(first)) is not None
            and (row := seconds.get(second)) is not None
        ]
        parts.append(np.array(in_pairs, dtype=np.intp))
        rows = np.concatenate(parts)
        if len(rows) < 2:
            return rows
        # Sorted, each once: a fixed order of additions (the same message, the same float
        # sum). Words share n-grams; a sort and a comparison with the neighbour (numpy) keep
        # one of each, where a Python set of every word's rows took twice as long.
        rows.sort()
        first = np.empty(len(rows), dtype=bool)
        first[0] = True
        np.not_equal(rows[1:], rows[:-1], out=first[1:])
        return rows[first]

    def probabilities(self, normalized: str) -> dict[str, float]:
        rows = self.rows(normalized)
        if len(rows):
            logits = _SUM(self._rows.take(rows, axis=0), axis=0, dtype=np.float64)
            logits /= math.sqrt(len(rows))
            logits += self._bias64
        else:
            logits = self._bias64.copy()
        logits -= _MAX(logits)
        np.exp(logits, out=logits)
        logits /= _SUM(logits)
        return dict(zip(self.intents, logits.tolist(), strict=True))

    def decide(self, probabilities: dict[str, float]) -> tuple[str, float]:
        """The intent to act on and its probability; "unknown" when not sure."""
        best = max(self._requests, key=probabilities.__getitem__)
        off_topic = probabilities.get("unknown", 0.0)
        if not_sure(probabilities[best], off_topic, self.accept, self.off_topic):
            return "unknown", probabilities[best]
        return best, probabilities[best]

    def save(self, path: Path = MODEL_PATH) -> None:
        """An .npz file (what `np.load` reads) with fixed entry dates: same model, same bytes."""
        arrays = {
            "intents": np.array(self.intents),
            "features": np.array(sorted(self.index, key=self.index.__getitem__)),
            "weights": self.weights.astype(np.float32),
            "bias": self.bias.astype(np.float32),
            "accept": np.array([self.accept]),
            "off_topic": np.array([self.off_topic]),
            "strength": np.array([self.strength]),
        }
        with zipfile.ZipFile(path, "w") as archive:
            for name, array in arrays.items():
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, array, allow_pickle=False)
                entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                archive.writestr(entry, buffer.getvalue(), compress_type=zipfile.ZIP_DEFLATED)


def load(path: Path = MODEL_PATH) -> IntentModel:
    if not path.is_file():
        raise resources.MissingData(f"missing the intent model {path} (`make intents` builds it)")
    with np.load(path, allow_pickle=False) as data:
        names = data["features"].tolist()
        return IntentModel(
            intents=tuple(data["intents"].tolist()),
            index={name: i for i, name in enumerate(names)},
            weights=data["weights"].astype(np.float32),
            bias=data["bias"].astype(np.float32),
            accept=float(data["accept"][0]),
            off_topic=float(data["off_topic"][0]),
            strength=float(data["strength"][0]),
        )


@lru_cache(maxsize=1)
def intent_model() -> IntentModel:
    return load()
