"""A word's result kept for the next message with it, looked up at C speed.

The model's feature rows and the standards finder's rule groups depend on the word alone, and
words repeat from message to message. A dict whose misses work the result out
(`__missing__`) is read with `map(table.__getitem__, words)`: a word met before costs one dict
lookup, with no Python call (an `lru_cache` in front of a function costs a Python call on
every miss, and a second lookup for the words worked out at start-up).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


class WordTable(dict[str, T]):
    """`fn(word)` for any word. The words given at start-up are kept for good; words met later
    are kept up to `most` of them, each of at most `longest` characters (a hostile paste's
    words are worked out and not kept), and then forgotten all at once: memory stays bounded
    and nothing is ever answered from a stale entry (the result depends on the word alone)."""

    def __init__(
        self, fn: Callable[[str], T], *, most: int, longest: int, known: Iterable[str] = ()
    ) -> None:
        super().__init__((word, fn(word)) for word in known)
        self._fn = fn
        self._most = most
        self._longest = longest
        # The words met and kept, in order (a dict as an ordered set). Forgetting deletes just
        # them: the start-up words are not copied or moved, nor kept twice.
        self._learned: dict[str, None] = {}
        self.met = 0  # words worked out since start-up or the last `forget`

    def __missing__(self, word: str) -> T:
        result = self._fn(word)
        self.met += 1
        if len(word) <= self._longest:
            if len(self._learned) >= self._most:
                self._drop_learned()
            self[word] = result
            self._learned[word] = None
        return result

    def know(self, words: Iterable[str]) -> None:
        """Work these words out now and keep them for good (at start-up)."""
        for word in words:
            if word in self._learned:
                del self._learned[word]
            elif word in self:
                continue
            self[word] = self._fn(word)

    def learned(self) -> int:
        """How many words met after start-up are kept now."""
        return len(self._learned)

    def forget(self) -> None:
        """Keep only the words given at start-up, as after a restart."""
        self._drop_learned()
        self.met = 0

    def _drop_learned(self) -> None:
        # Swapped first: a word another thread keeps meanwhile goes to the new list.
        learned, self._learned = self._learned, {}
        for word in learned:
            self.pop(word, None)
