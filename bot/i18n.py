"""Bot texts and the formatting of numbers, money and dates, per reply language.

Every sentence the bot says is a gettext message (English msgid, Arabic translation) in
`locales/<lang>/LC_MESSAGES/<domain>.po`, one domain per area of the code (`DOMAINS`), each
message in exactly one of them; `make i18n` extracts, updates and compiles them (see
locales/README.md). At first use the domains of a language are merged into one catalog: the
compiled `.mo` (built with the wheel; in a checkout, only when it is at least as new as its
`.po`), otherwise the `.po` itself, so an edited catalog counts at once in a checkout. A domain without its file
stops the bot (`bot.resources.MissingData`) instead of answering in untranslated English.
Placeholders are `str.format` fields: `tr._("Total due: {amount}", amount=tr.money(x))`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import (
    NumberPattern,
    format_currency,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    parse_pattern,
)
from babel.support import Translations
from hijridate import Gregorian, Hijri

from bot import resources
from bot.config import RIYADH

if TYPE_CHECKING:
    from bot.understanding.slots.times import NamedMonth

_Date = date  # inside Texts, `date` names its method
_FORMATTED_KEPT = 20_000  # formatted numbers and dates kept per language

LANGS = resources.LANGS
# Domain → the source folders whose messages it holds (extracted by `tools/catalogs.py`).
# A message used in two areas belongs to the first domain listed that uses it.
DOMAINS: dict[str, tuple[str, ...]] = {
    "standards": ("bot/standards",),
    "dialogue": ("handlers", "bot/dialogue"),
    "outages": ("bot/outages",),
    "notices": ("bot/notices",),
    "channels": ("bot/channels",),
    "scaleout": ("bot/coordination",),
    "hazards": ("bot/hazards",),
    "console": ("bot/console",),
}
# Languages whose msgids are the text itself: only a domain with plural forms or wording
# that differs from its msgid needs a catalog there; the others may be absent.
SOURCE_LANG = "en"
DEFAULT_LANG = "ar"
# Babel locale used for formatting in each reply language (Saudi conventions for both).
BABEL_LOCALE = {"ar": "ar_SA", "en": "en"}
# One way of writing a date in each language (Babel patterns), so that dates side by side in a
# reply read alike: the long date ("23 نوفمبر 2026", "November 23, 2026"), and a day with its
# weekday in the same order ("الاثنين 23 نوفمبر", "Monday, November 23"; the year only when it
# is not this year's). The long dates are the locales' own "long" format.
DATE_PATTERNS = {
    "ar": {
        "date": "d MMMM y",
        "day": "EEEE d MMMM",
        "day_year": "EEEE d MMMM y",
        "weekday": "EEEE",
    },
    "en": {
        "date": "MMMM d, y",
        "day": "EEEE, MMMM d",
        "day_year": "EEEE, MMMM d, y",
        "weekday": "EEEE",
    },
}


def N_(msgid: str) -> str:
    """Marks a message for extraction where it is named; it is translated where it is used."""
    return msgid


def normalize_lang(lang: str | None) -> str:
    lang = (lang or DEFAULT_LANG).lower()[:2]
    return lang if lang in LANGS else DEFAULT_LANG


@cache
def catalog(lang: str) -> Translations:
    """Every domain of one language merged into one gettext catalog (the first one found
    lends the merged catalog its plural rule: all of a language's files carry the same)."""
    merged: Translations | None = None
    for domain in DOMAINS:
        part = _domain_catalog(lang, domain)
        if part is None:
            continue
        if merged is None:
            merged = part
        else:
            merged.merge(part)
    return merged if merged is not None else Translations()


def _domain_catalog(lang: str, domain: str) -> Translations | None:
    po, mo = f"{domain}.po", f"{domain}.mo"
    if not resources.exists(lang, "LC_MESSAGES", po):
        if lang == SOURCE_LANG:
            return None
        resources.locale_file(lang, "LC_MESSAGES", po)  # raises MissingData, naming the file
    if resources.exists(lang, "LC_MESSAGES", mo) and _is_fresh(lang, domain):
        return Translations(fp=io.BytesIO(resources.read_bytes(lang, "LC_MESSAGES", mo)))
    parsed = read_po(io.BytesIO(resources.read_bytes(lang, "LC_MESSAGES", po)), locale=lang)
    buf = io.BytesIO()
    write_mo(buf, parsed)
    buf.seek(0)
    return Translations(fp=buf)


def _is_fresh(lang: str, domain: str) -> bool:
    """An installed wheel's .mo was compiled from its .po when the wheel was built (and the
    installer may well write it first, so its time says nothing). In a checkout `make i18n`
    compiles them, and a .po edited since wins."""
    if not resources.in_checkout():
        return True
    po = resources.locale_file(lang, "LC_MESSAGES", f"{domain}.po")
    mo = resources.locale_file(lang, "LC_MESSAGES", f"{domain}.mo")
    try:
        return Path(str(mo)).stat().st_mtime >= Path(str(po)).stat().st_mtime
    except OSError:  # not plain files (a zipped install): shipped together, built together
        return True


# «بـ{told}» in a catalog: the tatweel holds «ب» apart from a figure («بـ48 ساعة»), but a
# word filled in takes «ب» joined («بأسبوع», never «بـأسبوع»).
_BA_BEFORE_WORD = re.compile("(?<![\\w\u0640])\u0628\u0640(?=[\u0621-\u064a])")


def _joined_ba(text: str) -> str:
    return _BA_BEFORE_WORD.sub("\u0628", text) if "\u0640" in text else text


class Texts:
    """The bot's voice in one language: translated sentences and Babel formatting."""

    def __init__(self, lang: str) -> None:
        self.lang = normalize_lang(lang)
        self.locale = Locale.parse(BABEL_LOCALE[self.lang])
        self._catalog = catalog(self.lang)
        # Babel takes tens of microseconds a number or date, and the same few (this month's
        # bills, their due dates, counts of reporters) come back in message after message.
        self._cache: dict[tuple[str, type, str], str] = {}
        # The money patterns parsed once (Babel parses a pattern given as text at every call).
        pattern = self.locale.currency_formats["standard"].pattern
        # CLDR's currency spacing, which Babel does not apply: a code of letters beside a digit
        # takes a space ("SAR 721.74", not "SAR721.74").
        pattern = pattern.replace("¤#", "¤\u00a0#")
        self._halalas = _with_currency(parse_pattern(pattern), "SAR", self.locale)
        self._whole_riyals = _with_currency(
            parse_pattern(pattern.replace(".00", "")), "SAR", self.locale
        )
        self._decimal = _Plain(self.locale.decimal_formats[None], self.locale)
        self._plain_halalas = _Plain(self._halalas, self.locale)
        self._plain_riyals = _Plain(self._whole_riyals, self.locale)

    def _(self, msgid: str, **fields: object) -> str:
        text = self._catalog.gettext(msgid)
        return _joined_ba(text.format(**fields)) if fields else text

    def ngettext(self, singular: str, plural: str, n: int, **fields: object) -> str:
        text = self._catalog.ngettext(singular, plural, n)
        return _joined_ba(text.format(n=self.number(n), **fields))

    def number(self, value: int | float | Decimal) -> str:
        return self._formatted("number", value, self._number)

    def money(self, amount: int | float | Decimal) -> str:
        """Halalas are shown for bills; whole riyals (compensation) without a `.00` tail."""
        return self._formatted("money", amount, self._money)

    def date(self, value: date, hijri: bool = True) -> str:
        """Long Gregorian date; in Arabic the Umm al-Qura Hijri date stands beside it (once in
        a message is enough: `hijri=False` for the other dates)."""
        text = self._formatted("date", value, self._long_date)
        if self.lang == "ar" and hijri:
            text = f"{text} ({self._formatted('hijri', value, hijri_date)})"
        return text

    def day(self, value: _Date, with_year: bool = False) -> str:
        """A day with its weekday, in the order `date` writes a date: "الاثنين 23 نوفمبر",
        "Monday, November 23" (`with_year`: "..., 2025", for a day of another year)."""
        kind = "day_year" if with_year else "day"
        return self._formatted(kind, value, lambda v: self._pattern(kind, v))

    def _pattern(self, kind: str, value: _Date) -> str:
        return format_date(value, DATE_PATTERNS[self.lang][kind], locale=self.locale)

    def month(self, value: _Date) -> str:
        """A month and its year, "أكتوبر 2026" / "October 2026"."""
        return self._formatted("month", value, self._month)

    def _formatted(self, kind: str, value: Any, format_value: Callable[[Any], str]) -> str:
        # Keyed by type and text too: Decimal("2.50") == 2.5 and date(…) == datetime(…) differ
        # where it matters (the digits shown; a datetime is no date here).
        key = (kind, type(value), str(value))
        text = self._cache.get(key)
        if text is None:
            if len(self._cache) >= _FORMATTED_KEPT:
                self._cache.clear()  # bounded: a process sees many amounts over months
            text = self._cache[key] = format_value(value)
        return text

    def _number(self, value: int | float | Decimal) -> str:
        # `babel.numbers.format_decimal(value, locale=self.locale)`, written as Babel writes it.
        return self._decimal.apply(value)

    def _money(self, amount: int | float | Decimal) -> str:
        whole = isinstance(amount, int)
        pattern = self._whole_riyals if whole else self._halalas
        if pattern.currency_filled:
            # `format_currency(..., currency_digits=False)` with the sign already in place:
            # Babel works out the currency's plural name for every amount it formats, whether
            # the pattern shows it or not (most of a bill's money formatting).
            return (self._plain_riyals if whole else self._plain_halalas).apply(amount)
        return format_currency(
            amount, "SAR", locale=self.locale, format=pattern, currency_digits=False
        )

    def _long_date(self, value: _Date) -> str:
        return self._pattern("date", value)

    def _month(self, value: _Date) -> str:
        return format_date(value, "MMMM y", locale=self.locale)

    def time(self, value: datetime) -> str:
        local = value.astimezone(RIYADH)
        if local.minute == 0 and local.hour in (0, 12):
            from bot.standards.wording import CLOCK_NAMES  # it imports this module

            return self._(CLOCK_NAMES[local.hour])
        return format_time(local, "short", locale=self.locale)

    def day_time(self, value: datetime) -> str:
        """The time said after the day it is said with (`said_day`): as `time`, but midnight,
        the end of that day, also names the night by the day it starts ("12 منتصف الليل، ليلة
        الثلاثاء")."""
        local = value.astimezone(RIYADH)
        if (local.hour, local.minute) != (0, 0):
            return self.time(local)
        from bot.standards.wording import MIDNIGHT_NIGHT  # it imports this module

        return self._(MIDNIGHT_NIGHT, weekday=self._pattern("weekday", local.date()))

    def datetime(self, value: datetime, now: datetime | None = None) -> str:
        """A moment as the subscriber says it. With `now` (the message's clock): "اليوم الساعة
        5:00 م", "أمس الساعة …", the weekday within a week either side ("الخميس الساعة …"),
        else the day and date, with the year only when it is not this year's; Riyadh's days.
        Without `now` (a deadline beside a pay-by date): the long date and the time, one date
        format in a message ("23 نوفمبر 2026 11:00 ص", not "23/11/2026")."""
        local = value.astimezone(RIYADH)
        day = said_day(local)
        if now is None:
            return f"{self.date(day, hijri=False)} {self.day_time(local)}"
        from bot.standards.wording import MOMENT_WORDS  # it imports this module

        today = now.astimezone(RIYADH).date()
        days = (day - today).days
        time = self.day_time(local)
        if days in MOMENT_WORDS:
            return self._(MOMENT_WORDS[days], time=time)
        if abs(days) < 7:
            return self._(MOMENT_WORDS["day"], when=self._pattern("weekday", day), time=time)
        named = self.day(day, with_year=day.year != today.year)
        return self._(MOMENT_WORDS["day"], when=named, time=time)


def said_day(moment: datetime) -> _Date:
    """The day a moment is said with: its own, but for 00:00, "12:00 midnight", which ends the
    day before ("أمس الساعة 12:00 منتصف الليل" is the night from Tuesday into Wednesday, as
    subscribers say it and as `bot.understanding` reads "امس ١٢ بالليل")."""
    local = moment.astimezone(RIYADH) if moment.tzinfo is not None else moment
    if (local.hour, local.minute) == (0, 0):
        return local.date() - timedelta(days=1)
    return local.date()


_EXACT = 10**15  # integers well inside the decimal context's 28 digits


class _Plain:
    """`NumberPattern.apply(value, locale)` (Latin digits, the pattern's own precision) for a
    plain pattern: the same steps on the value (to Decimal, `normalize`, `quantize` in the
    current context), with the locale's symbols looked up once and the thousands grouped by
    Python's `format`. Babel spends most of its ~15 us a number looking the symbols up again
    through its locale data. A pattern with anything else in it (exponent, significant digits,
    a scale, other grouping, quotes or a currency sign to fill) is left to Babel itself;
    `tests/test_i18n_numbers.py` holds the two to the same text."""

    __slots__ = ("pattern", "locale", "plain", "prefix", "suffix", "group", "point", "quantum")

    def __init__(self, pattern: NumberPattern, locale: Locale) -> None:
        self.pattern, self.locale = pattern, locale
        affixes = "".join((*pattern.prefix, *pattern.suffix))
        self.plain = (
            not pattern.exp_prec
            and "@" not in pattern.pattern
            and pattern.scale == 0
            and pattern.grouping == (3, 3)
            and pattern.int_prec[0] <= 1
            and pattern.number_pattern != ""
            and "'" not in affixes
            and "¤" not in affixes
        )
        self.prefix, self.suffix = pattern.prefix, pattern.suffix
        self.group = get_group_symbol(locale)
        self.point = get_decimal_symbol(locale)
        self.quantum = Decimal(1).scaleb(-pattern.frac_prec[1])

    def apply(self, value: int | float | Decimal) -> str:
        if not self.plain or isinstance(value, bool):
            return self.pattern.apply(value, self.locale)
        if type(value) is int and -_EXACT < value < _EXACT:  # counts, whole riyals: no rounding
            negative = int(value < 0)
            digits = self._grouped(abs(value))
            return f"{self.prefix[negative]}{digits}{self._fraction('0')}{self.suffix[negative]}"
        if not isinstance(value, Decimal):
            value = Decimal(str(value))
        if not value.is_finite():
            return self.pattern.apply(value, self.locale)
        negative = int(value.is_signed())
        rounded = abs(value).normalize().quantize(self.quantum)
        whole, _, fraction = f"{rounded:f}".partition(".")
        digits = self._grouped(int(whole))
        return f"{self.prefix[negative]}{digits}{self._fraction(fraction or '0')}{self.suffix[negative]}"

    def _grouped(self, whole: int) -> str:
        digits = format(whole, ",")
        return digits if self.group == "," else digits.replace(",", self.group)

    def _fraction(self, value: str) -> str:
        # `NumberPattern._format_frac`
        least, most = self.pattern.frac_prec
        if len(value) < least:
            value += "0" * (least - len(value))
        if most == 0 or (least == 0 and int(value) == 0):
            return ""
        while len(value) > least and value[-1] == "0":
            value = value[:-1]
        return self.point + value


class _CurrencyPattern(NumberPattern):
    currency_filled = False


def _with_currency(pattern: NumberPattern, currency: str, locale: Locale) -> _CurrencyPattern:
    """The money pattern with the currency's symbol (¤) and code (¤¤) written into its prefix
    and suffix, as `NumberPattern.apply` writes them into its result; a pattern naming the
    currency in words (¤¤¤, whose plural depends on the amount) is left as it is."""
    filled = _CurrencyPattern(
        pattern.pattern,
        pattern.prefix,
        pattern.suffix,
        pattern.grouping,
        pattern.int_prec,
        pattern.frac_prec,
        pattern.exp_prec,
        pattern.exp_plus,
        pattern.number_pattern,
    )
    affixes = (*filled.prefix, *filled.suffix)
    if any("¤¤¤" in affix for affix in affixes):
        return filled

    def fill(affix: str) -> str:
        affix = affix.replace("¤¤", currency.upper())
        return affix.replace("¤", get_currency_symbol(currency, locale))

    filled.prefix = (fill(filled.prefix[0]), fill(filled.prefix[1]))
    filled.suffix = (fill(filled.suffix[0]), fill(filled.suffix[1]))
    filled.currency_filled = True
    return filled


# The official Umm al-Qura name where hijridate uses another one ("ربيع الثاني").
OFFICIAL_HIJRI_MONTHS = {4: "ربيع الآخر"}


def hijri_date(value: date) -> str:
    hijri = Gregorian(value.year, value.month, value.day).to_hijri()
    month = OFFICIAL_HIJRI_MONTHS.get(hijri.month) or hijri.month_name("ar")
    return f"{hijri.day} {month} {hijri.year} هـ"


def month_text(tr: Texts, month: NamedMonth) -> str:
    """A month told with no day, as the subscriber named it: "رمضان 1447 هـ", "سبتمبر 2026"."""
    if not month.hijri:
        return tr.month(month.first)
    if tr.lang == "ar":
        name = OFFICIAL_HIJRI_MONTHS.get(month.month) or Hijri(
            month.year, month.month, 1
        ).month_name("ar")
        return f"{name} {month.year} هـ"
    return f"{Hijri(month.year, month.month, 1).month_name('en')} {month.year} AH"


@cache
def texts(lang: str | None) -> Texts:
    return Texts(normalize_lang(lang))
