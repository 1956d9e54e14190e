"""The runtime data under locales/ is reached one way (bot.resources), from any directory, and a
file that is missing stops the bot with one line instead of a half-working start."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from bot import resources
from bot.cli import main
from bot.config import PROJECT_ROOT, Settings
from bot.i18n import catalog, texts
from bot.phrases import phrases
from bot.understanding.corpus import examples
from bot.understanding.phrases import control_phrases, intent_keywords

LOADERS = (catalog, texts, examples, intent_keywords, control_phrases, phrases)


def _forget_loaded_data() -> None:
    for loader in LOADERS:
        loader.cache_clear()


@pytest.fixture
def locales_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of locales/ that the bot reads instead of the real one."""
    copy = tmp_path / "locales"
    shutil.copytree(
        PROJECT_ROOT / "locales", copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__")
    )
    monkeypatch.setattr(resources, "locales", lambda: copy)
    _forget_loaded_data()
    yield copy
    monkeypatch.undo()
    _forget_loaded_data()


def test_the_data_is_found_through_the_package() -> None:
    top = resources.locales()
    assert top.joinpath("ar", "LC_MESSAGES", "dialogue.po").is_file()
    assert "فاتور" in resources.read_text("ar", "corpus", "bill.txt")
    names = [f.name for f in resources.files_in("ar", "LC_MESSAGES", suffix=".po")]
    assert names == sorted(names) and {"channels.po", "dialogue.po"} <= set(names)


def test_no_module_finds_locales_by_a_path_of_its_own() -> None:
    """Only bot/resources.py knows where locales/ is; every reader goes through it."""
    offenders = []
    for path in [*(PROJECT_ROOT / "bot").rglob("*.py"), *(PROJECT_ROOT / "handlers").rglob("*.py")]:
        if path.name == "resources.py" or "migrations" in path.parts:
            continue
        code = path.read_text(encoding="utf-8")
        if re.search(r"""LOCALES_DIR|["']locales["']|/ *["']locales""", code):
            offenders.append(str(path.relative_to(PROJECT_ROOT)))
    assert offenders == []


@pytest.mark.parametrize(
    "missing",
    [
        "ar/LC_MESSAGES/dialogue.po",
        "ar/LC_MESSAGES/standards.po",
        "en/corpus/bill.txt",
        "ar/intents/keywords/stop.txt",
        "en/control/yes.txt",
        "ar/phrases/no_notice.txt",
    ],
)
def test_a_missing_file_stops_start_up_with_one_line(
    missing: str,
    locales_copy: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (locales_copy / missing).unlink()
    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # noqa: SIM115
    assert main(["classify"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and f"locales/{missing}" in lines[0], captured.err


def test_a_complete_copy_starts(
    locales_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("كم فاتورتي\n"))
    assert main(["classify"]) == 0
    assert '"intent": "bill"' in capsys.readouterr().out


def _write_mo(path: Path, msgid: str, text: str) -> None:
    compiled = Catalog(locale="ar")
    compiled.add(msgid, text)
    with path.open("wb") as fh:
        write_mo(fh, compiled)


def test_a_compiled_catalog_counts_only_when_not_older_than_its_po(locales_copy: Path) -> None:
    folder = locales_copy / "ar" / "LC_MESSAGES"
    po, mo = folder / "dialogue.po", folder / "dialogue.mo"
    _write_mo(mo, "My bill", "فاتورتي (مترجمة)")
    os.utime(mo, (po.stat().st_mtime + 10,) * 2)
    assert catalog("ar").gettext("My bill") == "فاتورتي (مترجمة)"
    catalog.cache_clear()
    os.utime(mo, (po.stat().st_mtime - 10,) * 2)  # the .po was edited after the last compile
    assert catalog("ar").gettext("My bill") != "فاتورتي (مترجمة)"


def test_a_checkout_reads_its_own_locales_from_any_directory(tmp_path: Path) -> None:
    """Run as it is (PYTHONPATH=the checkout), even where another tree is installed."""
    out = subprocess.run(
        [sys.executable, "-c", "from bot import resources; print(resources.locales())"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(out).resolve() == (PROJECT_ROOT / "locales").resolve()


def test_the_default_database_does_not_depend_on_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SADEEQ_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    first = Settings.from_env().database_url
    monkeypatch.chdir(PROJECT_ROOT)
    assert (
        Settings.from_env().database_url
        == first
        == f"sqlite:///{tmp_path}/data/sadeeq/sadeeq.sqlite"
    )
    monkeypatch.delenv("XDG_DATA_HOME")
    assert Settings.from_env().database_url == (
        f"sqlite:///{Path.home()}/.local/share/sadeeq/sadeeq.sqlite"
    )


def test_an_installed_package_trusts_its_compiled_catalogs(
    locales_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An installer may write a .mo before its .po: outside a checkout, times say nothing."""
    folder = locales_copy / "ar" / "LC_MESSAGES"
    po, mo = folder / "dialogue.po", folder / "dialogue.mo"
    _write_mo(mo, "My bill", "فاتورتي (مترجمة)")
    os.utime(mo, (po.stat().st_mtime - 1,) * 2)
    monkeypatch.setattr(resources, "in_checkout", lambda: False)
    assert catalog("ar").gettext("My bill") == "فاتورتي (مترجمة)"
