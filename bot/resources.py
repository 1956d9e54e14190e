"""The runtime data under `locales/`, the one way every reader reaches it.

`locales/` sits at the top of the repository so that translators and phrase editors find it,
and ships inside the package as `bot.locales` (pyproject.toml maps the folder). Everything
below it (catalogs, phrase lists, control words, a corpus, a trained model) is read through
`locales()` or the helpers here, so an installed wheel finds the same files from any working
directory:

    from bot import resources
    resources.read_text("ar", "intents", "bill.txt")          # str, or MissingData
    resources.files_in("ar", "LC_MESSAGES", suffix=".po")      # sorted Traversables
    resources.locale_file("ar", "corpus", "model.json").open("rb")

A file the bot needs and cannot find raises `MissingData`, whose message is one line naming
the file; `sadeeq` prints it and stops (`bot.cli`) instead of running half-blind.
"""

from __future__ import annotations

import sys
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGE = "bot.locales"
LANGS = ("ar", "en")  # the reply languages; each has its folder under locales/


class MissingData(RuntimeError):
    """A runtime data file is not where the package ships it (a broken install or checkout)."""


@cache
def locales() -> Traversable:
    """The top of the runtime data (`locales/` of the repository, `bot/locales/` installed)."""
    checkout = _checkout_locales()
    if checkout is not None:
        return checkout
    try:
        return files(PACKAGE)
    except ModuleNotFoundError:
        raise MissingData(
            f"the runtime data package {PACKAGE} is not installed "
            "(reinstall sadeeq, or `pip install -e .` in a checkout)"
        ) from None


@cache
def _checkout_locales() -> Path | None:
    """A source checkout run as it is (`PYTHONPATH=checkout`, no install of that checkout):
    its own `locales/` beside `bot/`. Without this, `bot.locales` would resolve through
    whatever other tree the environment has installed in editable mode, and a second worktree
    would quietly read the first one's phrases. An installed package has no pyproject.toml
    beside `bot/`, so installs always go through importlib.resources above."""
    root = Path(sys.modules["bot"].__file__ or ".").resolve().parent.parent
    beside = root / "locales"
    if (root / "pyproject.toml").is_file() and (beside / "__init__.py").is_file():
        return beside
    return None


def in_checkout() -> bool:
    """The data is a source checkout's own locales/ (run as it is, or installed in editable
    mode), where files are edited in place; an installed wheel's data is as it was built."""
    return _checkout_locales() is not None


def locale_file(*parts: str) -> Traversable:
    """One file under locales/, which must exist."""
    item = locales().joinpath(*parts)
    if not item.is_file():
        raise MissingData(f"missing runtime data file locales/{'/'.join(parts)}")
    return item


def read_text(*parts: str) -> str:
    return locale_file(*parts).read_text(encoding="utf-8")


def read_bytes(*parts: str) -> bytes:
    return locale_file(*parts).read_bytes()


def folder(*parts: str, required: bool = True) -> Traversable | None:
    item = locales().joinpath(*parts)
    if item.is_dir():
        return item
    if required:
        raise MissingData(f"missing runtime data folder locales/{'/'.join(parts)}")
    return None


def files_in(*parts: str, suffix: str = "", required: bool = True) -> list[Traversable]:
    """The files directly in one folder under locales/ whose names end with `suffix`, by name."""
    where = folder(*parts, required=required)
    if where is None:
        return []
    found = sorted(
        (f for f in where.iterdir() if f.is_file() and f.name.endswith(suffix)),
        key=lambda f: f.name,
    )
    if required and not found:
        raise MissingData(f"no *{suffix} file in locales/{'/'.join(parts)}")
    return found


def exists(*parts: str) -> bool:
    return locales().joinpath(*parts).is_file()
