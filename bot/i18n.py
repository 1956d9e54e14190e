"""Bot texts and the formatting of numbers, money and dates, per reply language.

Every sentence the bot says is a gettext message (English msgid, Arabic translation) in
`locales/<lang>/LC_MESSAGES/*.po`. Each area of the code keeps its own .po file; they are
merged here at first use, straight from the .po text, so there is no compile step to forget.
Placeholders are `str.format` fields: `tr._("Total due: {amount}", amount=tr.money(x))`.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations
from hijridate import Gregorian

from bot.config import LOCALES_DIR, RIYADH

LANGS = ("ar", "en")
DEFAULT_LANG = "ar"
# Babel locale used for formatting in each reply language (Saudi conventions for both).
BABEL_LOCALE = {"ar": "ar_SA", "en": "en"}


def normalize_lang(lang: str | None) -> str:
    lang = (lang or DEFAULT_LANG).lower()[:2]
    return lang if lang in LANGS else DEFAULT_LANG


@cache
def catalog(lang: str) -> NullTranslations:
    """All .po files of one language merged into one gettext catalog."""
    merged: Translations | None = None
    for po_path in sorted((LOCALES_DIR / lang / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as fh:
            parsed = read_po(fh, locale=lang)
        buf = io.BytesIO()
        write_mo(buf, parsed)
        buf.seek(0)
        part = Translations(fp=buf)
        if merged is None:
            merged = part
        else:
            merged.merge(part)
    return merged if merged is not None else NullTranslations()


class Texts:
    """The bot's voice in one language: translated sentences and Babel formatting."""

    def __init__(self, lang: str) -> None:
        self.lang = normalize_lang(lang)
        self.locale = Locale.parse(BABEL_LOCALE[self.lang])
        self._catalog = catalog(self.lang)

    def _(self, msgid: str, **fields: object) -> str:
        text = self._catalog.gettext(msgid)
        return text.format(**fields) if fields else text

    def ngettext(self, singular: str, plural: str, n: int, **fields: object) -> str:
        text = self._catalog.ngettext(singular, plural, n)
        return text.format(n=self.number(n), **fields)

    def number(self, value: int | float | Decimal) -> str:
        return format_decimal(value, locale=self.locale)

    def money(self, amount: int | float | Decimal) -> str:
        """Halalas are shown for bills; whole riyals (compensation) without a `.00` tail."""
        pattern = self.locale.currency_formats["standard"].pattern
        if isinstance(amount, int):
            pattern = pattern.replace(".00", "")
        return format_currency(amount, "SAR", locale=self.locale, format=pattern,
                               currency_digits=False)

    def date(self, value: date) -> str:
        """Long Gregorian date; in Arabic the Umm al-Qura Hijri date stands beside it."""
        text = format_date(value, "long", locale=self.locale)
        if self.lang == "ar":
            text = f"{text} ({hijri_date(value)})"
        return text

    def time(self, value: datetime) -> str:
        return format_time(value.astimezone(RIYADH), "short", locale=self.locale)

    def datetime(self, value: datetime) -> str:
        local = value.astimezone(RIYADH)
        return f"{format_date(local, 'medium', locale=self.locale)} {self.time(local)}"


def hijri_date(value: date) -> str:
    hijri = Gregorian(value.year, value.month, value.day).to_hijri()
    return f"{hijri.day} {hijri.month_name('ar')} {hijri.year} هـ"


@cache
def texts(lang: str | None) -> Texts:
    return Texts(normalize_lang(lang))
