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
        super().__init__()
        self._fn = fn
        self._most = most
        self._longest = longest
        self._known = {word: fn(word) for word in known}
        self.update(self._known)
        self.met = 0  # words worked out since start-up or the last `forget`

    def __missing__(self, word: str) -> T:
        result = self._fn(word)
        self.met += 1
        if len(word) <= self._longest:
            if self.learned() >= self._most:
                self._keep_known()
            self[word] = result
        return result

    def know(self, words: Iterable[str]) -> None:
        """Work these words out now and keep them for good (at start-up)."""
        self._known.update((word, self._fn(word)) for word in words if word not in self._known)
        self.update(self._known)

    def learned(self) -> int:
        """How many words met after start-up are kept now."""
        return len(self) - len(self._known)

    def forget(self) -> None:
        """Keep only the words given at start-up, as after a restart."""
        self._keep_known()
        self.met = 0

    def _keep_known(self) -> None:
        self.clear()
        self.update(self._known)
