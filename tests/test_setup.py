"""`sadeeq setup`: schema and demo data, idempotent, one line of output."""

from pathlib import Path

import pytest

from bot.billing.embedded import EmbeddedBilling
from bot.cli import main


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'var' / 'setup.sqlite'}"
    monkeypatch.setenv("SADEEQ_DATABASE_URL", url)
    return url


def test_setup_seeds_then_adds_nothing(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["setup", "--subscribers", "10"]) == 0
    first = capsys.readouterr().out.strip().splitlines()
    assert len(first) == 1 and "11 accounts, 132 bills, 3 service requests" in first[0]
    assert EmbeddedBilling(url).accounts_for_phone("+966500000001")
    assert main(["setup", "--subscribers", "10"]) == 0
    assert "already there" in capsys.readouterr().out


def test_setup_without_demo_creates_an_empty_schema(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["setup", "--no-demo"]) == 0
    assert "skipped" in capsys.readouterr().out
    assert EmbeddedBilling(url).accounts_for_phone("+966500000001") == []


def test_bad_arguments_exit_2(url: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["setup", "--subscribers", "0"])
    assert exit_.value.code == 2


def test_unreachable_database_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("SADEEQ_DATABASE_URL", f"sqlite:///{blocker}/inside/x.sqlite")
    assert main(["setup"]) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
