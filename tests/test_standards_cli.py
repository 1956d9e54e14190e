"""`sadeeq compensation` on the command line: the contract's JSON and one-line errors."""

from __future__ import annotations

import json

import pytest

from bot.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["compensation", *argv])
    except SystemExit as exit_:
        code = int(exit_.code)
    out, err = capsys.readouterr()
    return code, out, err


def test_prints_the_contract_object(capsys) -> None:
    code, out, err = run(
        capsys,
        "--standard",
        "emergency_outage",
        "--start",
        "2026-01-11T08:00",
        "--end",
        "2026-01-11T13:20",
    )
    assert code == 0 and err == ""
    assert json.loads(out) == {
        "standard": "emergency_outage",
        "rule_set": "SERA-2025",
        "deadline": "2026-01-11T11:00:00+03:00",
        "late_minutes": 140,
        "eligible": True,
        "amount_sar": 150,
        "breakdown": [
            {"label": "first hour late", "sar": 50},
            {"label": "2 additional hours or part", "sar": 100},
        ],
        "pay_by": "2026-01-25",
        "reason": None,
    }


def test_business_day_standard_gives_late_business_days(capsys) -> None:
    code, out, _ = run(
        capsys,
        "--standard",
        "connection",
        "--network",
        "mv",
        "--start",
        "2026-01-11T08:00",
        "--end",
        "2026-03-10T08:00+03:00",
    )
    data = json.loads(out)
    assert code == 0 and "late_minutes" not in data
    assert (data["late_business_days"], data["amount_sar"]) == (1, 400)


def test_force_majeure_flag(capsys) -> None:
    code, out, _ = run(
        capsys,
        "--standard",
        "emergency_outage",
        "--force-majeure",
        "--start",
        "2026-01-11T08:00",
        "--end",
        "2026-01-11T18:00",
    )
    data = json.loads(out)
    assert (code, data["eligible"], data["amount_sar"], data["reason"]) == (
        0,
        False,
        0,
        "force_majeure",
    )


@pytest.mark.parametrize(
    "argv",
    [
        ("--standard", "nope", "--start", "2026-01-11T08:00", "--end", "2026-01-11T09:00"),
        (
            "--standard",
            "emergency_outage",
            "--start",
            "2026-01-11T08:00",
            "--end",
            "2026-01-11T07:00",
        ),
        ("--standard", "emergency_outage", "--start", "yesterday", "--end", "2026-01-11T07:00"),
        ("--standard", "emergency_outage", "--start", "2026-01-11T08:00"),
        ("--start", "2026-01-11T08:00"),
        ("--standard", "connection", "--network", "xv", "--start", "2026-01-11T08:00"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("sadeeq compensation: error:")
