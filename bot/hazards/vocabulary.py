"""What a hazard message says, read from the words people use (data, not code):

- its kind: bot/hazards/data/kinds.toml lists the kinds; locales/<lang>/phrases/hazard_<kind>.txt
  the words that name each;
- someone hurt: hazard_electrocuted.txt (electricity hurt someone: a safety report whatever the
  message is otherwise read as), hazard_touched.txt (someone touched it: electrocuted too when the
  message names danger now, "فيه سلك مكشوف وولدي لمسه") and hazard_hurt.txt (an injury said with
  a hazard); a listed word ending in "*" begins the message's word;
- danger now: locales/<lang>/phrases/hazard_danger.txt, an urgent kind, or a kind with
  `danger_states` named together with one of its states (hazard_<kind>_danger.txt: a cable
  "واقع", a pole "طايح"), the two anywhere in the message;
- fire or smoke (hazard_fire.txt: civil defence, 998, too), danger at home (hazard_indoor.txt: a
  socket, a plug, an appliance; the main breaker first) and "what should I do?" asked about it
  (hazard_what_to_do.txt);
- where, in words: locales/<lang>/phrases/hazard_place.txt holds the words that start a place
  ("عند", "جنب", "near"); the message from the first of them on is the place;
- whether a place in words can be found: locales/<lang>/phrases/hazard_area.txt (a district or
  a city); "عند المدرسة" alone cannot;
- whether a message says where at all (`says_where`), and whether it says nothing else
  (`only_a_place`): the one rule an answer to "where?" and a message that is only an address
  are read by (place_street.txt: a street named; place_lead.txt: "ساكن", "هي بالضبط" before it).

Words are compared after normalization and light stemming, whole words only, so "نار" is not
found inside "منارة" and "والاسلاك" is "اسلاك".
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from bot import resources
from bot.outages.places import find_place
from bot.phrases import phrases
from bot.resources import LANGS
from bot.text import normalize, scripts_apart
from bot.text.coordinates import coordinates_in, map_link_in
from bot.text.stem import stem

KINDS_FILE = Path(__file__).parent / "data" / "kinds.toml"
OTHER = "other"
MAX_PLACE_CHARS = 200


@dataclass(frozen=True)
class Kind:
    id: str
    urgent: bool
    danger_states: bool = False
    precedence: int = 0


@cache
def kinds() -> tuple[Kind, ...]:
    data = tomllib.loads(KINDS_FILE.read_text(encoding="utf-8"))
    return tuple(
        Kind(
            k["id"],
            bool(k.get("urgent", False)),
            bool(k.get("danger_states", False)),
            int(k.get("precedence", 0)),
        )
        for k in data["kind"]
    )


def kind_ids() -> tuple[str, ...]:
    return tuple(k.id for k in kinds())


def is_urgent_kind(kind: str) -> bool:
    return any(k.id == kind and k.urgent for k in kinds())


# A turn asks several lists about one message (is someone hurt? is there danger? of which
# kind?), each with its words stemmed and plain: worked out once for the last texts.
@lru_cache(maxsize=256)
def _stems(text: str) -> tuple[str, ...]:
    return tuple(stem(word) for word in _plain(text))


@lru_cache(maxsize=256)
def _plain(text: str) -> tuple[str, ...]:
    # "shaklo bيطيح": a word begun in Latin letters and ended in Arabic is its two parts.
    return tuple(scripts_apart(normalize(text)).split())


@cache
def _phrase_stems(name: str) -> tuple[tuple[str, ...], ...]:
    # A word ending in "*" is kept as written: it begins the message's word, stemmed or not
    # ("انكهرب*" is "انكهربت"; "كهربته*" is "كهربته", never "الكهربا" whose stem it shares).
    listed = []
    for lang in LANGS:
        file = resources.locale_file(lang, "phrases", f"{name}.txt")
        for line in file.read_text(encoding="utf-8").splitlines():
            words = [_listed_word(w) for w in line.split("#", 1)[0].split()]
            if phrase := tuple(w for w in words if w):
                listed.append(phrase)
    return tuple(listed)


def _listed_word(word: str) -> str:
    """A listed word as compared: stemmed, or normalized with its "*" kept (normalization
    drops the mark)."""
    if word.endswith("*"):
        plain = normalize(word[:-1])
        return f"{plain}*" if plain else ""
    plain = normalize(word)
    return " ".join(stem(w) for w in plain.split())


def _word_is(word: str, plain: str, listed: str) -> bool:
    if listed.endswith("*"):
        return word.startswith(listed[:-1]) or plain.startswith(listed[:-1])
    return word == listed


@dataclass(frozen=True)
class _Group:
    """The phrases of a list that begin with one listed first word, as tried at a position
    whose word is that word: their second words gathered, so that a position whose next word
    is none of them is left after one look-up («الكهرباء طافية» begins the nine «كهرب*»
    phrases of hazard_electrocuted, none of whose second words is «طافية»)."""

    alone: bool  # the first word is a phrase by itself
    longer: tuple[tuple[str, ...], ...]  # the phrases of two words or more
    seconds: frozenset[str]  # their second words, compared whole
    second_starts: tuple[str, ...]  # their second words ending in "*", without it

    @staticmethod
    def of(phrases: list[tuple[str, ...]]) -> _Group:
        longer = tuple(phrase for phrase in phrases if len(phrase) > 1)
        return _Group(
            alone=any(len(phrase) == 1 for phrase in phrases),
            longer=longer,
            seconds=frozenset(p[1] for p in longer if not p[1].endswith("*")),
            second_starts=tuple(p[1][:-1] for p in longer if p[1].endswith("*")),
        )

    def size_at(self, words: Sequence[str], unstemmed: Sequence[str], start: int) -> int:
        """How many words the longest of the group's phrases at `start` takes; 0 for none."""
        size = 1 if self.alone else 0
        after = start + 1
        if not self.longer or after >= len(words):
            return size
        word, plain = words[after], unstemmed[after]
        starts = self.second_starts
        if (
            word not in self.seconds
            and not word.startswith(starts)
            and not plain.startswith(starts)
        ):
            return size
        count = len(words)
        for phrase in self.longer:
            if len(phrase) <= size or start + len(phrase) > count:
                continue
            if all(
                _word_is(words[start + i], unstemmed[start + i], phrase[i])
                for i in range(1, len(phrase))
            ):
                size = len(phrase)
        return size


@dataclass(frozen=True)
class _Index:
    """A phrase list as looked up: the phrases by their first listed word (compared whole), and
    those whose first word ends in "*" by that word's beginning, looked up by the message word's
    first characters, as many as each listed beginning has (`lengths`)."""

    by_word: dict[str, tuple[tuple[str, ...], ...]]
    by_start: dict[str, tuple[tuple[str, ...], ...]]
    starts: tuple[str, ...]
    lengths: tuple[int, ...]
    # The same phrases as groups (`_Group`), as `_first_match` tries them.
    word_groups: dict[str, _Group]
    start_groups: dict[str, _Group]
    firsts: frozenset[str]  # the listed first words compared whole (`by_word`'s)

    def begun_by(self, word: str, unstemmed: str) -> tuple[tuple[str, ...], ...]:
        """The phrases whose first word, ending in "*", begins `word` or `unstemmed`."""
        if not (word.startswith(self.starts) or unstemmed.startswith(self.starts)):
            return ()  # one call for the many words that begin none
        get = self.by_start.get
        found: tuple[tuple[str, ...], ...] = ()
        for size in self.lengths:
            # A word shorter than `size` would look itself up again at every longer size.
            head = word[:size] if size <= len(word) else ""
            other = unstemmed[:size] if size <= len(unstemmed) else ""
            found += get(head, ()) + (get(other, ()) if other != head else ())
        return found

    def may_begin(self, words: Sequence[str]) -> bool:
        """Some phrase may begin at one of the words (stemmed, as `_named` asks): a word is a
        listed first word, or begins a "*" one. False passes the list at once."""
        if not self.firsts.isdisjoint(words):
            return True
        starts = self.starts
        return bool(starts) and any(word.startswith(starts) for word in words)

    def groups_begun_by(self, word: str, unstemmed: str) -> list[_Group]:
        """The groups of the "*" first words that begin `word` or `unstemmed`."""
        if not (word.startswith(self.starts) or unstemmed.startswith(self.starts)):
            return []
        get = self.start_groups.get
        found = []
        for size in self.lengths:
            head = word[:size] if size <= len(word) else ""
            other = unstemmed[:size] if size <= len(unstemmed) else ""
            if (group := get(head)) is not None:
                found.append(group)
            if other != head and (group := get(other)) is not None:
                found.append(group)
        return found


@cache
def _index(name: str) -> _Index:
    by_word: dict[str, list[tuple[str, ...]]] = {}
    by_start: dict[str, list[tuple[str, ...]]] = {}
    for phrase in _phrase_stems(name):
        first = phrase[0]
        if first.endswith("*"):
            by_start.setdefault(first[:-1], []).append(phrase)
        else:
            by_word.setdefault(first, []).append(phrase)
    return _Index(
        {word: tuple(found) for word, found in by_word.items()},
        {start: tuple(found) for start, found in by_start.items()},
        tuple(by_start),
        tuple(sorted({len(start) for start in by_start})),
        {word: _Group.of(found) for word, found in by_word.items()},
        {start: _Group.of(found) for start, found in by_start.items()},
        frozenset(by_word),
    )


def _first_match(
    words: Sequence[str],
    name: str,
    with_length: bool = False,
    plain: Sequence[str] | None = None,
):
    """Where the earliest phrase of the list starts among the message's words (and, with
    `with_length`, how many words it takes; the longest phrase wins at one position). `plain`:
    the same words unstemmed, which a listed word ending in "*" may begin instead.

    Position by position, only the phrases whose first word can be the word there are tried
    (the list's index, by groups of one first word), so a message of a few words costs a few
    look-ups, not one comparison a phrase and a position."""
    unstemmed = plain if plain is not None and len(plain) == len(words) else words
    index = _index(name)
    by_word = index.word_groups.get
    for start, word in enumerate(words):
        group = by_word(word)
        size = 0 if group is None else group.size_at(words, unstemmed, start)
        for group in index.groups_begun_by(word, unstemmed[start]):
            size = max(size, group.size_at(words, unstemmed, start))
        if size:
            return (start, size) if with_length else start
    return None


def _named(words: Sequence[str]) -> list[tuple[Kind, int]]:
    return [
        (kind, at)
        for kind, name, index in _kind_lists()
        if index.may_begin(words) and (at := _first_match(words, name)) is not None
    ]


@cache
def _kind_lists() -> tuple[tuple[Kind, str, _Index], ...]:
    """Each kind (but "other") with the name of its list and the list's index."""
    return tuple(
        (kind, f"hazard_{kind.id}", _index(f"hazard_{kind.id}"))
        for kind in kinds()
        if kind.id != OTHER
    )


def hazard_kinds_named(text: str | None) -> frozenset[str]:
    """Every kind the message names ("sparks from the meter": sparks, and a meter), to tell
    one thing from another of the same kind ("sparks from the meter" is not "smoke from the
    transformer")."""
    return frozenset(kind.id for kind, _ in _named(_stems(text))) if text else frozenset()


def kind_in(text: str) -> str | None:
    """The kind the message names: of several, the highest precedence, then the first named."""
    named = _named(_stems(text))
    if not named:
        return None
    return min(named, key=lambda pair: (-pair[0].precedence, pair[1]))[0].id


def is_hurt(text: str) -> bool:
    """Someone hurt ("ولد صعق من عمود النور", "someone got electrocuted", "فيه واحد مصاب"): the
    ambulance (997) is called first."""
    return is_electrocuted(text) or (
        _first_match(_stems(text), "hazard_hurt", plain=_plain(text)) is not None
    )


@lru_cache(maxsize=64)  # asked of a message by the router, then with every danger check
def is_electrocuted(text: str) -> bool:
    """Electricity hurt someone ("مسكته الكهربا", "انكهرب واحد", "wa7ed n9a3g"), or someone touched
    danger the message names ("فيه سلك مكشوف قدام البيت وولدي لمسه"): a safety report whatever
    else the message is read as (an injury alone, "ابوي مصاب بالسكر", is not; nor a touch with no
    danger, "لمست العداد")."""
    words, plain = _stems(text), _plain(text)
    if _first_match(words, "hazard_electrocuted", plain=plain) is not None:
        return True
    return _first_match(words, "hazard_touched", plain=plain) is not None and _danger_named(words)


def is_fire(text: str) -> bool:
    """Fire or smoke, not sparks alone ("ولع فيه نار ودخان"): civil defence (998) too."""
    return _first_match(_stems(text), "hazard_fire", plain=_plain(text)) is not None


def is_indoor(text: str) -> bool:
    """The danger is at home: a socket, a plug, the home's wiring, an appliance ("الفيش يطلع
    شرار"): the main breaker is switched off first, if it can be reached safely."""
    return _first_match(_stems(text), "hazard_indoor", plain=_plain(text)) is not None


def asks_what_to_do(text: str) -> bool:
    """ "وش اسوي الحين", "what should I do": what to do about the danger just told."""
    return _first_match(_stems(text), "hazard_what_to_do", plain=_plain(text)) is not None


def is_danger(text: str) -> bool:
    """Danger now in the words: a danger phrase, someone hurt, an urgent kind, or a kind in a
    state that makes it one (a fallen line, a bare cable, a fallen pole)."""
    return _danger_named(_stems(text)) or is_hurt(text)


def _danger_named(words: Sequence[str]) -> bool:
    """A danger phrase, an urgent kind, or a kind in a state that makes it danger now."""
    if _first_match(words, "hazard_danger") is not None:
        return True
    return any(
        kind.urgent
        or (kind.danger_states and _first_match(words, f"hazard_{kind.id}_danger") is not None)
        for kind, _ in _named(words)
    )


def place_in(text: str, *, homely: bool = False) -> str | None:
    """The place the message describes in words ("عند مدرسة النور في حي الملز"), as written.
    One's own home or street ("عند بيتنا", "قدام البيت", "جنبنا") is no place a team can find:
    a place word followed by one (hazard_place_vague) starts no place, unless a district or
    city is named after it ("قدام بيتنا في حي العليا بالرياض"); with `homely`, it is kept (an
    answer to "where is it?" all the same)."""
    told = _Told.of(text)
    raw, words, plain, origin = told.raw, told.words, told.plain, told.origin
    skipped = 0
    near_cables = None
    while (found := _first_match(words[skipped:], "hazard_place", with_length=True)) is not None:
        at, size = found[0] + skipped, found[1]
        after = origin[at + size] if at + size < len(origin) else len(raw)
        end = told.place_end(after)
        # "جنب المسجد" or "in the street" alone does not find the place: ask instead.
        if len(set(origin[at + size :])) < 2 or end == after:
            return near_cables
        place = " ".join(raw[origin[at] : end]).strip(_BREAKS + " ")[:MAX_PLACE_CHARS]
        if _first_match(words[at + size : at + size + 1], "hazard_cable") == 0:
            # "يحفرون جنب كيابل الكهربا في شارع التحلية": what the digging is near, not where
            # (cables run under every street); the place told after it, if any, is.
            near_cables = near_cables or place
        elif homely or not _vague_at(plain, at, size) or names_area(place):
            return place
        skipped = at + size
    return near_cables


# Marks that end a sentence or a clause, written on a word or apart from it.
_BREAKS = ".,،!؟?؛;:"
_END_WORDS = 3  # the longest phrase of hazard_place_end


@dataclass(frozen=True)
class _Told:
    """A message's words as written (`raw`), and their normalized words, stemmed (`words`) and
    not (`plain`), each with the raw word it came from (`origin`)."""

    raw: list[str]
    words: list[str]
    plain: list[str]  # unstemmed: "جنبنا" is not "جنب"
    origin: list[int]

    @classmethod
    def of(cls, text: str) -> _Told:
        told = cls(text.split(), [], [], [])
        for index, token in enumerate(told.raw):
            for word in _plain(token):
                told.plain.append(word)
                told.words.append(stem(word))
                told.origin.append(index)
        return told

    def place_end(self, first: int) -> int:
        """The raw word the place told from `first` on ends before: a time told after it ("near
        the mosque since yesterday evening", "قدام المدرسة من امس") or the message going on about
        something else (hazard_place_end), or a punctuation mark whose part after it says no
        place ("قدام مدرسة، والعيال يمرون من عنده"; "عند مدرسة النور، حي الملز" goes on)."""
        raw = self.raw
        for index in range(first, len(raw)):
            broken = index > first and (raw[index - 1][-1] in _BREAKS or raw[index][0] in _BREAKS)
            if broken and not says_where(" ".join(raw[index:]).lstrip(_BREAKS + " ")):
                return index
            if index in self.origin:
                ahead = slice(at := self.origin.index(index), at + _END_WORDS)
                found = _first_match(self.words[ahead], "hazard_place_end", plain=self.plain[ahead])
                if found == 0:
                    return index
        return len(raw)


def place_only(text: str) -> str:
    """An answer to "where is it?" as the place alone: what follows it that a place told in
    words ends before (a time, the message going on: `_Told.place_end`) left out."""
    told = _Told.of(text)
    return " ".join(told.raw[: told.place_end(1)]).strip(_BREAKS + " ")


def _vague_at(words: list[str], at: int, size: int) -> bool:
    """The place word at `at` (of `size` words) is itself vague ("جنبنا"), or is followed by
    words that name one's own home or street ("عند بيتنا")."""
    for phrase in phrases("hazard_place_vague"):
        parts = phrase.split()
        if (
            words[at : at + len(parts)] == parts
            or words[at + size : at + size + len(parts)] == parts
        ):
            return True
    return False


def names_area(place: str | None) -> bool:
    """The place in words names a district or a city, so a team can find it (and two reports
    of it can be told to be the same); a landmark alone ("عند المدرسة") does not."""
    if not place:
        return False
    if _first_match(_stems(place), "hazard_area") is not None:
        return True
    named = find_place(place)  # a known district or city by name: "Al Rawdah", "الملز"
    return named.district is not None or named.city is not None


def says_where(text: str | None) -> bool:
    """The message says where: a district or a city (known, or named after "حي"), typed
    coordinates or a map link, or a street or a landmark told with a place word ("عند مسجد
    التقوى", "شارع الامير سلطان"). "kaifak", "ما ادري", "1" and "بيتي" say no place a team can
    find: never the place of a report."""
    if not text or not text.strip():
        return False
    named = find_place(text)
    if named.district or named.city or named.unlisted:
        return True
    if coordinates_in(text) is not None or map_link_in(text) is not None:
        return True
    return place_in(text, homely=True) is not None or _street_at(_stems(text)) is not None


def only_a_place(text: str | None) -> bool:
    """The whole message is a place and names no hazard: a known district or city with nothing
    else ("حي الروضة جدة"), a place told from its first word ("عند مدرسة النور", "شارع الامير
    سلطان حي الروضة جدة"), or a district or city and then such a place ("Al Malaz, Riyadh, near
    King Fahd stadium"); perhaps after words that only lead to it ("ساكن في حي الملز بالرياض",
    "هي بالضبط عند شارع الامير سلطان": place_lead)."""
    if not text or kind_in(text) is not None:
        return False
    words = normalize(text).split()
    words = words[_leading(words) :]
    if not words:
        return False
    stems = [stem(word) for word in words]
    starts = [
        at for at in (_street_at(stems), _first_match(stems, "hazard_place")) if at is not None
    ]
    told = min(starts) if starts else len(words)
    if told < len(words) - 1:  # a place word with something after it
        return told == 0 or _named_alone(" ".join(words[:told]))
    return _named_alone(" ".join(words))


def _named_alone(text: str) -> bool:
    named = find_place(text)
    return bool(named.district or named.city) and not named.other_words


def _street_at(words: Sequence[str]) -> int | None:
    """Where a street word with a name after it is among the (stemmed) words, else None."""
    at = _first_match(words, "place_street")
    return at if at is not None and at + 1 < len(words) else None


def _leading(words: list[str]) -> int:
    """How many of the first (normalized) words only lead to a place (place_lead)."""
    lead = _lead_words()
    count = 0
    for word in words:
        if word not in lead:
            break
        count += 1
    return count


@cache
def _lead_words() -> frozenset[str]:
    return frozenset(phrases("place_lead"))
