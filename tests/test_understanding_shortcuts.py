"""The shortcuts that make `understand` fast read every message exactly as the long way does.

Each shortcut is compared with the long way on the test sets' messages and on generated ones
made of the very words the shortcut passes over or looks for: the time and duration scans
passing over words no finder can start at (against the scans asking every finder at every
word), the standards found in one pass over the words instead of a regex per group, the
model's cache of words, the account finder skipping messages with no digit, folding in one
pass. The long way is rebuilt here from the same data, so a retrained
model or new phrases in the data change nothing in these tests.
"""

from __future__ import annotations

import importlib
import math
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.config import RIYADH
from bot.text import ascii_digits, clean_raw, fold, normalize, words
from bot.understanding import detect_lang, forget_words, language, prepare
from bot.understanding.features import features
from bot.understanding.model import intent_model
from bot.understanding.slots import account, duration, extract, standard, times, tokens
from bot.understanding.vocabulary import load, number_words
from bot.understanding.word_table import WordTable

NOW = datetime(2026, 11, 24, 16, 0, tzinfo=RIYADH)
DATA = Path(__file__).parent / "data"


def _test_messages() -> list[str]:
    texts = []
    for path in sorted(DATA.glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            if line and not line.startswith("#"):
                texts.append(line.split("\t")[1])
    return texts


MESSAGES = _test_messages()


class _Everything(frozenset):
    """A set that holds every word: no word is passed over."""

    def __contains__(self, item: object) -> bool:
        return True


def _slot_words_pool() -> list[str]:
    """Words of the time, duration and standards data, with clitics, digits and other words."""
    pool = set(times.slot_words()) | set(number_words())
    for rule in load("standards")["rule"]:
        for group in rule["all"]:
            for word in group:
                rule_word = normalize(word)
                pool |= {rule_word, "و" + rule_word, "بال" + rule_word, rule_word + "ت"}
    pool |= {"3", "8:30", "16/11", "2026", "1448", "10", "٤", "12", "5h20", "ساعات"}
    cities = load("cities")  # a whole city: the place words are looked for before the pattern
    for place in cities["names"][::7] + cities["generic"] + cities["whole_before"][::2]:
        words_ = normalize(place).split()
        pool |= {*words_, "و" + words_[0], "ب" + words_[0]}
    pool |= {normalize(w) for w in cities["whole_after"][::2]}
    pool |= {"الكهربا", "عندنا", "the", "power", "من", "ما", "الى", "لين", "امس", "xyz"}
    return sorted(pool)


POOL = _slot_words_pool()
generated = st.lists(st.sampled_from(POOL), min_size=1, max_size=14).map(" ".join)


@lru_cache(maxsize=1)
def _regex_rules() -> list[tuple[str, bool, list[re.Pattern[str]]]]:
    """The standards finder as a regex per group (its first form), from data/standards.toml."""

    def either(group: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted({normalize(w) for w in group}, key=len)[::-1])

    rules = []
    for rule in load("standards")["rule"]:
        clitics = "(?:^| )(?:و|ف|ب|ل|ك)?(?:ال|لل)?"
        groups = [re.compile(rf"{clitics}(?:{either(g)})") for g in rule["all"]]
        if rule.get("whole_city"):
            groups.append(standard._whole_city())
        rules.append((rule["standard"], rule.get("when") == "ended", groups))
    return rules


def _standard_by_regex(text: str, ended: bool) -> str | None:
    # Not-paid words before a payment are not read (`standard._paid_since`): a rule of the
    # finder's, not a shortcut, so the long way applies it too.
    normalized = standard._paid_since(words(fold(clean_raw(text)))[:1000])
    for name, needs_end, groups in _regex_rules():
        if needs_end and not ended:
            continue
        if all(group.search(normalized) for group in groups):
            return name
    return None


def test_standards_of_the_test_sets_are_those_of_the_regex() -> None:
    prepare()  # the model's own words' groups worked out at start-up, as in the running bot
    for text in MESSAGES:
        for ended in (False, True):
            assert standard.find_standard(text, ended=ended) == _standard_by_regex(text, ended)


@settings(max_examples=400, deadline=None)
@given(generated, st.booleans())
@example("وما سددت dfa3t disconnected", False)  # CI, 2026-12-02: not paid, then paid
def test_standards_of_rule_words_are_those_of_the_regex(text: str, ended: bool) -> None:
    assert standard.find_standard(text, ended=ended) == _standard_by_regex(text, ended)


def _probabilities_from_features(normalized: str) -> dict[str, float]:
    """The model's scoring in its first form: every feature name looked up, no cache."""
    model = intent_model()
    rows = sorted(r for r in map(model.index.get, features(normalized)) if r is not None)
    logits = model.bias.astype(np.float64)
    if rows:
        total = model.weights[rows].sum(axis=0, dtype=np.float64)
        logits = logits + total / np.sqrt(len(rows))
    exp = np.exp(logits - logits.max())
    return dict(zip(model.intents, (exp / exp.sum()).tolist(), strict=True))


def _same_probabilities(normalized: str) -> None:
    expected = _probabilities_from_features(normalized)
    got = intent_model().probabilities(normalized)
    assert got.keys() == expected.keys()
    for intent, p in expected.items():
        assert math.isclose(got[intent], p, rel_tol=0, abs_tol=1e-12), (normalized, intent)


def test_model_scores_the_test_sets_as_without_its_cache_of_words() -> None:
    prepare()
    forget_words()
    for _ in range(2):  # words met for the first time, then from the cache
        for text in MESSAGES:
            _same_probabilities(normalize(text))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80) | generated)
def test_model_scores_any_text_as_without_its_cache_of_words(text: str) -> None:
    _same_probabilities(normalize(text))


def test_word_table_keeps_start_up_words_and_a_bounded_number_of_others() -> None:
    asked: list[str] = []

    def length(word: str) -> int:
        asked.append(word)
        return len(word)

    table = WordTable(length, most=3, longest=5, known=["a", "bb"])
    looked_up = ["a", "ccc", "dddd", "ccc", "far too long", "far too long", "bb"]
    assert list(map(table.__getitem__, looked_up)) == [1, 3, 4, 3, 12, 12, 2]
    assert asked == ["a", "bb", "ccc", "dddd", "far too long", "far too long"]
    assert (table.met, table.learned()) == (4, 2)  # the long word: worked out, not kept
    for word in ("e", "ff", "ggg", "hhhh"):
        assert table[word] == len(word)
        assert table.learned() <= 3 and table["a"] == 1 and table["bb"] == 2
    table.know(["iiii"])
    table.forget()
    assert dict(table) == {"a": 1, "bb": 2, "iiii": 4} and table.met == 0


def test_pairs_by_word_are_the_models_pair_features() -> None:
    model = intent_model()
    by_word = {
        f"b:{first} {second}": row
        for first, seconds in model._pairs.items()
        for second, row in seconds.items()
    }
    assert by_word == {name: row for name, row in model.index.items() if name.startswith("b:")}


def test_a_hostile_word_is_scored_and_not_kept() -> None:
    model = intent_model()
    forget_words()
    long_word = "فاتوره" * 20
    _same_probabilities(f"كم {long_word} الشهر")
    assert model.words_kept() == 0
    assert standard._word_groups.learned() == 0


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_account_finder_skips_only_messages_without_digits(text: str) -> None:
    fast = account.find_account(text)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(account, "_ANY_DIGIT", re.compile(""))
        assert account.find_account(text) == fast


def _fold_in_passes(text: str) -> str:
    """`bot.text.fold` as it was written first: one pass for each kind of character."""
    import unicodedata

    text_module = importlib.import_module("bot.text.normalize")

    invisible = dict.fromkeys(map(ord, text_module._INVISIBLE))
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", " ", text.translate(invisible))
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        text = re.sub("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]", "", text)
        text = text.translate(str.maketrans(text_module._LETTER_FOLDS))
        text = text.translate(str.maketrans({"\u066b": ".", "\u066c": ",", "\u060c": ","}))
        text = re.sub(r"(?![0-9])\d", lambda m: str(unicodedata.decimal(m.group(), 0)), text)
    text = re.sub(r"([^\W\d_])\1{2,}", r"\1", text.lower())
    return re.sub(r"([اويه])\1+\b", r"\1", text) if not text.isascii() else text


ARABIC_TEXT = st.text(
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
    | st.sampled_from("\u200f\u061c\x00\x1f\x7f\u066b\u066c\u060c ٣۴5aZ\ufeff\u00ad\ufe8e"),
    max_size=40,
)


# Stretched letters and vowels, invisible and control characters: what `fold` looks for before
# substituting, and `clean_raw` before translating.
STRETCHED_TEXT = st.lists(
    st.sampled_from(
        ["ا", "اا", "ااا", "و", "وو", "ي", "يي", "ه", "هه", "هههه", "ط", "ططط", "ة", "o", "ooo"]
        + ["A", "AAA", "1", "111", "٣٣٣", "_", "__", "___", " ", "؟", "\u200f", "\x00", "\n"]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(ARABIC_TEXT | STRETCHED_TEXT | st.text(max_size=40))
def test_fold_in_one_pass_is_fold_in_passes(text: str) -> None:
    assert fold(text) == _fold_in_passes(text)


# ---------------------------------------------------------------------------------------------
# Time and duration scans: the words each finder can start at


def _ask_every_finder_everywhere(patched: pytest.MonkeyPatch) -> None:
    """The full scans: every finder asked at every word, no word passed over."""
    everything = _Everything()
    patched.setattr(times, "_starters", lambda: times._Starts(*[everything] * 5, {}))
    patched.setattr(times, "_readings", {})  # read afresh, not the readings kept before
    patched.setattr(duration, "length_starts", lambda: everything)


def _slot_answers(text: str) -> tuple[object, ...]:
    folded = fold(clean_raw(text))
    return (
        times.read_times(text, NOW),
        duration.find_duration_minutes(text),
        duration.find_duration_minutes(text, anchors=False),
        extract(clean_raw(text), folded, NOW, words(folded)),
    )


def _same_as_full_scans(texts: list[str]) -> None:
    fast = [_slot_answers(text) for text in texts]
    with pytest.MonkeyPatch.context() as patched:
        _ask_every_finder_everywhere(patched)
        slow = [_slot_answers(text) for text in texts]
    for text, got, expected in zip(texts, fast, slow, strict=True):
        assert got == expected, text


def test_time_and_duration_tokens_are_read_with_the_same_words() -> None:
    # `extract` reads the slot tokens once for both finders: they must split the same words.
    assert duration._words().known == times.slot_words()


def test_scans_of_the_test_sets_are_the_full_scans() -> None:
    _same_as_full_scans(MESSAGES)


def _time_words_pool() -> list[str]:
    """Every word the time and duration data hold, number words, digits in both scripts, dates,
    clock times, the words of the ongoing and end phrases, and other words."""
    pool = set(times.slot_words()) | {w for n in number_words() for w in n.split()}
    v = times._vocabulary()
    tables = (v.days, v.periods, v.weekdays, v.still, v.negated_end, v.end_verbs, v.lead)
    tables += (v.state, v.now_words, v.relative_before, v.gregorian, v.hijri)
    for table in tables:  # the words of each phrase, and whole phrases
        pool |= {w for phrase in table for w in phrase} | {" ".join(k) for k in table}
    pool |= {"3", "8", "12", "25", "0", "3:30", "8.15", "16/11", "15/6/1448", "2026", "1448"}
    pool |= {"٣", "١٢", "٨:٣٠", "١٦/١١", "٢٠٢٦", "٤٥", "5h20", "3hours", "8am", "و20", "ل1:10"}
    pool |= {"الكهربا", "طافية", "عندنا", "the", "power", "xyz", "sob7", "6afya", "!", "،"}
    return sorted(pool)


TIME_POOL = _time_words_pool()
time_messages = st.lists(st.sampled_from(TIME_POOL), min_size=1, max_size=16).map(" ".join)


@settings(max_examples=600, deadline=None)
@given(time_messages)
def test_scans_of_time_words_are_the_full_scans(text: str) -> None:
    _same_as_full_scans([text])


def _whole_city_words() -> tuple[list[str], list[str], list[str]]:
    """Places (bare or with an attached و/ف/ب/ل), the words for "whole" before and after one."""
    cities = load("cities")
    places = [
        clitic + normalize(place)
        for place in cities["names"] + cities["generic"]
        for clitic in ("", "و", "ب")
    ]
    before = [normalize(w) for w in cities["whole_before"]] + ["", "كلها"]
    after = [normalize(w) for w in cities["whole_after"]] + ["", "كل"]
    return places, before, after


PLACES, WHOLE_BEFORE, WHOLE_AFTER = _whole_city_words()
whole_city_messages = st.tuples(
    st.sampled_from(["الكهربا طافيه", "power out", "انقطعت", "", "مرحبا"]),
    st.sampled_from(WHOLE_BEFORE),
    st.sampled_from(PLACES),
    st.sampled_from(WHOLE_AFTER),
    st.lists(st.sampled_from(POOL), max_size=4).map(" ".join),
).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(whole_city_messages, st.booleans())
def test_whole_city_is_found_as_by_the_regex(text: str, ended: bool) -> None:
    # The pattern of whole cities is tried only when a word may start a place: same answers.
    assert standard.find_standard(text, ended=ended) == _standard_by_regex(text, ended)


@settings(max_examples=400, deadline=None)
@given(ARABIC_TEXT | STRETCHED_TEXT | st.text(max_size=40))
def test_words_found_at_once_are_the_words_between_separators(text: str) -> None:
    # `words` first replaced every run of non-letters by a space and split on spaces.
    assert words(text) == " ".join(re.sub(r"[\W_]+", " ", text).split())


def _slot_tokens_word_by_word(folded: str, known: frozenset[str]) -> list[str]:
    """`slot_tokens` as first written: every token asked about every split."""
    out: list[str] = []
    for token in tokens._TOKEN.findall(folded[: tokens.MAX_SLOT_CHARS]):
        glued = tokens._NUMBER_THEN_WORD.match(token) if token[0].isdigit() else None
        if glued and glued.group(2) in known:
            out.extend(glued.groups())
        elif token[0] == "و" and len(token) > 1 and token[1:] in known:
            out.extend(("و", token[1:]))
        elif token.startswith("ب") and token not in known and token[1:] in known:
            out.extend(("ب", token[1:]))
        else:
            out.append(token)
    return out


# Words with a letter or a number glued before them: "بثلاث", "وساعتين", "3ساعات", "ب3".
GLUED = st.lists(
    st.tuples(st.sampled_from(["", "و", "ب", "ل", "3", "٣", "ب3"]), st.sampled_from(TIME_POOL)).map(
        "".join
    ),
    max_size=8,
).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(time_messages | GLUED | st.text(max_size=40))
def test_slot_tokens_pass_plain_words_as_they_are(text: str) -> None:
    folded, known = fold(text), times.slot_words()
    assert tokens.slot_tokens(folded, known) == _slot_tokens_word_by_word(folded, known)


def _lang_every_word_by_pattern(text: str) -> str:
    """`detect_lang` as first written: the Arabizi pattern tried on every word."""
    sample = text[:1000]
    if language._ARABIC_LETTER.search(sample) or not re.search("[A-Za-z]", sample):
        return "ar"
    arabizi_words, english_words = language._arabizi_vocabulary()
    arabizi = english = 0
    for word in normalize(sample).split():
        if word in arabizi_words or language._ARABIZI_WORD.match(word):
            arabizi += 1
        elif word in english_words:
            english += 1
    return "ar" if arabizi and arabizi >= english else "en"


LATIN_TEXT = st.text("abcdehikmostuwy0123456789 7a3ABC٣é", max_size=40) | st.lists(
    st.sampled_from(["6afya", "sa3a", "el", "kahraba", "power", "is", "8am", "2nd", "4g", "3"]),
    max_size=8,
).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(LATIN_TEXT)
def test_language_of_latin_words_is_that_of_the_pattern_on_every_word(text: str) -> None:
    assert detect_lang(text) == _lang_every_word_by_pattern(text)


def test_language_of_the_test_sets_is_that_of_the_pattern_on_every_word() -> None:
    for text in MESSAGES:
        assert detect_lang(text) == _lang_every_word_by_pattern(text), text


def _account_every_run(raw: str) -> str | None:
    """`find_account` as first written: every run of digits read whole, however short."""
    text = ascii_digits(clean_raw(raw[:1000]))
    for match in account._DIGIT_RUN.finditer(text):
        candidate = match.group()
        digits = re.sub(r"\D", "", candidate)
        if (
            candidate.startswith("+")
            or account._PHONE.match(digits)
            or account._REFERENCE_BEFORE.search(text, 0, match.start())
        ):
            continue
        if account.MIN_DIGITS <= len(digits) <= account.MAX_DIGITS:
            return digits
    return None


NUMBERS_TEXT = st.lists(
    st.sampled_from(
        ["3", "12", "2026", "12345", "123456", "30012345678", "0501234567", "+966501234567"]
        + ["OUT-", "HAZ ", "inc", "300 1234 5678", "١٢٣٤٥٦٧", "8:30", "1.5", "-", " ", ",", "ساعات"]
        + ["123456789012345", "5", "00", "+1"]
    ),
    max_size=10,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(NUMBERS_TEXT)
def test_account_finder_passes_over_short_runs_only(text: str) -> None:
    assert account.find_account(text) == _account_every_run(text)


def test_accounts_of_the_test_sets_are_those_of_every_run() -> None:
    for text in MESSAGES:
        assert account.find_account(text) == _account_every_run(text), text
