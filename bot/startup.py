"""Checked before any `sadeeq` command runs: the runtime data the bot speaks and understands
with is all there, and the operator's holiday corrections can be read. A broken install stops
here with one line naming the file, rather than a server that answers /healthz and then fails
every message."""

from __future__ import annotations

from bot import resources
from bot.standards.business_days import HolidayFileError

# What `sadeeq` reports as one line and exit status 1 (bot.cli).
STARTUP_ERRORS: tuple[type[Exception], ...] = (resources.MissingData, HolidayFileError)


def check_runtime_data() -> None:
    """Load every catalog, phrase list, the corpus and the intent model once (they are cached
    for the run); raises
    `bot.resources.MissingData` for the first file that is missing."""
    from bot.i18n import catalog
    from bot.phrases import NAMES, phrases
    from bot.understanding import prepare

    for lang in resources.LANGS:
        catalog(lang)
    prepare()  # the model, phrase lists, slot words, and the corpus's Arabizi words
    for name in NAMES:
        phrases(name)
    from bot.standards.business_days import holiday_corrections

    holiday_corrections()
