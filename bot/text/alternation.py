"""A list of phrases as one regular expression whose shared beginnings are written once.

`re` tries the alternatives of `a|b|c` one after another at every place of the text: a list of
~100 phrases, many beginning «ال», cost ~13 us a search of a short message. Written as a tree
of their beginnings (`ال(?:كهرباء|...)`), a place is left after its first letters fail: the
same places are found, 2-4 times faster. Only for asking whether (and where) a phrase is
found: which of two phrases beginning at one place is matched is not kept, so a substitution
(`Pattern.sub`) must keep the plain list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_END = ""
# A phrase's letters as a tree: each letter to what may follow it, _END where a phrase ends.
_Tree = dict[str, "_Tree"]


def one_of(phrases: Iterable[str], *, then: bool = False) -> str:
    """A pattern found where one of `phrases` begins. `then=False`: nothing after it in the
    whole pattern can fail, so a phrase that goes on past a shorter one is left out (the shorter
    is found there already). `then=True`: every phrase kept (`(?!\\w)` may follow it)."""
    tree: _Tree = {}
    for phrase in phrases:
        node = tree
        for letter in phrase:
            node = node.setdefault(letter, {})
        node[_END] = {}
    if not tree:
        return "(?!)"  # an empty list is found nowhere
    return _written(tree, then)


def _written(node: _Tree, then: bool) -> str:
    ends = _END in node
    if ends and (not then or len(node) == 1):
        return ""
    last: list[str] = []
    going: list[str] = []
    for letter in sorted(node):
        if letter == _END:
            continue
        rest = node[letter]
        if len(rest) == 1 and _END in rest:
            last.append(letter)  # a phrase's last letter: one class for all of them
        else:
            going.append(re.escape(letter) + _written(rest, then))
    if last:
        going.append(re.escape(last[0]) if len(last) == 1 else f"[{''.join(map(_in_class, last))}]")
    body = going[0] if len(going) == 1 and (not ends or len(going[0]) == 1) else None
    if body is None:
        body = f"(?:{'|'.join(going)})"
    return f"{body}?" if ends else body


def _in_class(letter: str) -> str:
    return re.escape(letter) if letter in "\\]^-[" else letter
