"""The city and district a message names, from the known places in bot/outages/data/places.toml.

"طافية عندنا في حي النرجس بالرياض", "Al Narjis, Riyadh" and "قلت لك النسيم الرياض" all name a
known district of a known city, and come back with the names we store (so that Arabic and English
reports of one area join one incident). A district of several cities named without its city
("الروضة": Riyadh and Jeddah) is `ambiguous`: the city is asked. A known city with a district we
do not know gives the rest of the message, the district in an answer to "where?"
("حي الندى، الرياض" → الندى). A district we do not list, named after "حي" with no city
("طافية في حي الندى"), is `unlisted`: kept, and its city asked.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from bot.text import normalize
from bot.understanding.language import in_arabic_script

PLACES_FILE = Path(__file__).parent / "data" / "places.toml"

# Words around a place name that are not part of it ("حي النرجس", "in Olaya", "district").
FILLER = frozenset(
    normalize(word)
    for word in ("حي", "في", "بحي", "فحي", "مدينة", "مدينه", "عندنا", "district", "in", "city")
)
# A joined preposition or conjunction before "ال" ("بالملز", "والرياض", "للروضة").
_ATTACHED = re.compile(r"^(?:ب|و|ف|وب)(?=ال)|^ل(?=ل)")
_WORD = re.compile(r"[\w\u064b-\u0652\u0670]+")  # letters, digits and harakat
LONGEST_NAME = 5  # words
# The word that says a district's name comes next ("في حي النخيل"); a name we do not list is
# still the district when a known city is named with it, kept as written.
_DISTRICT_WORDS = frozenset(normalize(w) for w in ("حي", "بحي", "فحي", "وحي", "hay", "7ay", "7ai"))
# A district's name of two words starts with one of these ("حي الملك فهد", "حي الامير سلطان",
# "hay al nada": a Latin article is no name of its own).
_NAME_HEADS = frozenset(
    normalize(w) for w in ("الملك", "الامير", "الأمير", "ابو", "أبو", "ام", "أم", "al", "el")
)
_WITH = normalize("مع")


@dataclass(frozen=True)
class NamedPlace:
    city: str | None = None  # as stored (the key in places.toml)
    district: str | None = None
    # The cities a district named without its city is in, when it is in more than one.
    cities: tuple[str, ...] = ()
    # With a known city and no known district, the other words (at most three): the district
    # when the message answers "where?" ("حي الندى، الرياض"), noise in a longer message.
    rest: str | None = None
    # How many words of the message are neither the place nor filler: 0 for a message that is
    # only a place ("Al Naseem, Riyadh"), which is written in no language of its own.
    other_words: int = 0
    # A district we do not list, named after "حي" with no city ("طافية في حي الندى"): kept as
    # written, and only its city asked. Apart from `district` (a district we know), which
    # callers match against stored names.
    unlisted: str | None = None

    @property
    def ambiguous(self) -> bool:
        return self.district is not None and self.city is None and len(self.cities) > 1

    @property
    def complete(self) -> bool:
        return self.city is not None and self.district is not None


@dataclass(frozen=True)
class _Names:
    cities: dict[tuple[str, ...], str]  # words of a name → the city
    districts: dict[tuple[str, ...], dict[str, str]]  # words of a name → {city: district}
    english: dict[str, str]  # a stored name → its first Latin spelling
    # City names that are everyday words too ("الخبر", "the news"): a place only after a word
    # that says so, an attached "بـ", or with a district of that city.
    everyday: frozenset[tuple[str, ...]] = frozenset()
    # The names of one word, cities' and districts' alike, for a joined letter to be taken off,
    # and the first words of all names: a message's other words begin none, and are passed.
    one_word: frozenset[str] = frozenset()
    first_words: frozenset[str] = frozenset()


# The words after which an everyday word is plainly a place ("في الخبر", "مدينة الخبر").
_PLACE_BEFORE = frozenset(normalize(w) for w in ("في", "مدينة", "مدينه", "بمدينة", "in", "city"))


def _words(name: str) -> tuple[str, ...]:
    return tuple(_ATTACHED.sub("", w) for w in _WORD.findall(normalize(name)))


@cache
def _places() -> dict:
    return tomllib.loads(PLACES_FILE.read_text(encoding="utf-8"))


@cache
def _names() -> _Names:
    data = _places()
    cities: dict[tuple[str, ...], str] = {}
    districts: dict[tuple[str, ...], dict[str, str]] = {}
    english: dict[str, str] = {}
    everyday: set[tuple[str, ...]] = set()
    for city, spec in data["cities"].items():
        for name in (city, *spec.get("names", ())):
            cities[_words(name)] = city
        everyday.update(_words(name) for name in spec.get("everyday", ()))
        for district, aliases in spec.get("districts", {}).items():
            for name in (district, *aliases):
                districts.setdefault(_words(name), {})[city] = district
            english.setdefault(district, next((a for a in aliases if a.isascii()), district))
        english[city] = next((a for a in spec.get("names", ()) if a.isascii()), city)
    whole, whole_english = data["whole_city"]
    english[whole] = whole_english
    one_word = frozenset(name[0] for name in (*cities, *districts) if len(name) == 1)
    first_words = frozenset(name[0] for name in (*cities, *districts) if name)
    return _Names(cities, districts, english, frozenset(everyday), one_word, first_words)


@cache
def spellings(name: str) -> tuple[str, ...]:
    """Every way we know a stored district or city name is written ("الملز": "Al Malaz",
    "Malaz"), for a choice that shows it."""
    data = _places()["cities"]
    found = [alias for spec in data.values() for alias in spec.get("districts", {}).get(name, ())]
    if name in data:
        found += data[name].get("names", ())
    return tuple(dict.fromkeys(found))


def whole_city_district() -> str:
    """The district stored for a report of a whole city without power."""
    return _places()["whole_city"][0]


def whole_city_named(text: str) -> str | None:
    """The city a message says is without power as a whole ("الحي ما يهم، الرياض كلها طافية",
    "كل الرياض"), or None: a city named with a whole-city word (bot/understanding/data/cities.toml),
    and no district of it."""
    from bot.understanding.slots.standard import names_whole_city

    named = find_place(text)
    if named.city is None or named.district is not None or not names_whole_city(text):
        return None
    return named.city


def display_name(name: str, lang: str) -> str:
    """A stored city or district name as shown in `lang` (English: its first Latin spelling)."""
    return _names().english.get(name, name) if lang == "en" else name


def shown_place(parts: Iterable[str | None], lang: str) -> str:
    """A place's parts (premise, district, city) as one line in `lang`, in one script: in
    English, the English spellings when every part has one ("Al Malaz, Riyadh"), else the
    address as stored ("فيلا 7، شارع 22، الفيصلية"), whose Arabic commas are its own: a Latin
    comma inside Arabic words reads wrong."""
    stored = [p for p in parts if p]
    shown = [display_name(p, lang) for p in stored]
    if any(in_arabic_script(p) for p in shown):
        shown = stored
    arabic = lang == "ar" or any(in_arabic_script(p) for p in shown)
    return ("، " if arabic else ", ").join(shown)


def _unattached(word: str, names: _Names) -> str:
    """ "بالملز" → "الملز", "بجده" → "جده": a joined preposition before a place name."""
    word = _ATTACHED.sub("", word)
    if word[:1] in "بولف" and word[1:] in names.one_word:
        return word[1:]
    return word


def known_cities() -> tuple[str, ...]:
    return tuple(dict.fromkeys(_names().cities.values()))


# A turn asks twice about its message (the report's place, then whether it puts a report's
# place right): the answer depends on the text, the city and the place data only (read once).
@lru_cache(maxsize=64)
def find_place(text: str, city: str | None = None) -> NamedPlace:
    """The place `text` names; `city`: one the subscriber named before (kept unless the text
    names another)."""
    originals = _WORD.findall(text or "")
    names = _names()
    words = [
        normalize(w) if w in _not_attached() else _unattached(normalize(w), names)
        for w in originals
    ]
    named_cities: list[str] = []
    named_districts: list[dict[str, str]] = []
    maybe_cities: list[str] = []  # everyday words that may be a city's name
    used = [False] * len(words)
    i = 0
    while i < len(words):
        if words[i] not in names.first_words:
            i += 1
            continue
        for size in range(min(LONGEST_NAME, len(words) - i), 0, -1):
            key = tuple(words[i : i + size])
            if i and words[i - 1] == _WITH:
                continue  # "مع السلامة" is goodbye, not the district of Jeddah
            if key in names.cities or key in names.districts:
                # A name that is both ("المدينة المنورة" is not, but a district may share a
                # city's name) is the district when a city is named too, else the city.
                if key in names.districts:
                    named_districts.append(names.districts[key])
                if key in names.cities:
                    plainly = (
                        key not in names.everyday
                        or len(words) == size  # the name alone: an answer to "where?"
                        or (i and words[i - 1] in _PLACE_BEFORE)
                        or normalize(originals[i]) != words[i]  # "بالخبر"
                    )
                    (named_cities if plainly else maybe_cities).append(names.cities[key])
                used[i : i + size] = [True] * size
                i += size
                break
        else:
            i += 1
    named_cities += [c for c in maybe_cities if any(c in found for found in named_districts)]
    rest = [o for o, u in zip(originals, used, strict=True) if not u and normalize(o) not in FILLER]
    other = len(rest)
    city = named_cities[-1] if named_cities else city
    for found in named_districts:
        if city in found:
            return NamedPlace(city, found[city], other_words=other)
    if named_districts:
        found = named_districts[0]
        if city is not None:  # a known district name, in a city we do not list it for
            return NamedPlace(city, next(iter(found.values())), other_words=other)
        if len(found) == 1:
            (only_city, district), *_ = found.items()
            return NamedPlace(only_city, district, other_words=other)
        return NamedPlace(None, next(iter(found.values())), tuple(found), other_words=other)
    said = _said_district(originals, words, used)
    if city is None:
        return NamedPlace(other_words=other, unlisted=said)
    if said is not None:
        return NamedPlace(city, said, other_words=other)
    return NamedPlace(
        city, None, rest=" ".join(rest) if 0 < other <= 3 else None, other_words=other
    )


@cache
def _not_attached() -> frozenset[str]:
    """Words as written (hamza kept: "بأبها" is still "in Abha")."""
    return frozenset(_places().get("not_attached", ()))


@cache
def _not_names() -> frozenset[str]:
    return frozenset(normalize(w) for w in _places()["not_names"])


def _said_district(originals: list[str], words: list[str], used: list[bool]) -> str | None:
    """The name after "حي" that is no known place ("في حي النخيل"), as written. A word that
    is no name ("حي كامل", "حي كله": data `not_names`) and a name's head alone ("حي الملك")
    are no district."""
    skip = FILLER | _not_names()
    for i, word in enumerate(words[:-1]):
        if word not in _DISTRICT_WORDS or used[i + 1] or words[i + 1] in skip:
            continue
        headed = words[i + 1] in _NAME_HEADS
        size = 2 if headed and i + 2 < len(words) and not used[i + 2] else 1
        if headed and (size == 1 or words[i + 2] in skip):
            continue  # "في حي الملك": the head of a name, its name not said
        name = " ".join(originals[i + 1 : i + 1 + size])
        if any(ch.isalpha() for ch in name):
            return name
    return None


def said_again(first: str, second: str) -> str | None:
    """The words of `first` (as written) that `second` says again, filler and words that are
    no name left out: a place we do not list that the subscriber insists on ("في رفحاء", then
    "رفحاء يا اخي" → "رفحاء"); None when the two share no such word."""
    again = set(_words(second))
    skip = FILLER | _not_names()
    kept = [
        o
        for o in _WORD.findall(first or "")
        if (w := _words(o)) and w[0] in again and w[0] not in skip and not w[0].isdigit()
    ]
    return " ".join(kept) or None
