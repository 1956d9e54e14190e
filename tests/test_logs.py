"""Structured logs: one JSON object a line, phone and account numbers masked everywhere."""

from __future__ import annotations

import io
import json
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.logs import configure_logging, mask_numbers


@pytest.fixture
def captured():
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging(json=True, stream=stream)
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in before:
        root.addHandler(handler)
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("from +966501234567 today", "from +********4567 today"),
        ("from 966501234567", "from ********4567"),
        ("call 0501234567", "call ******4567"),
        ("call 050 123 4567", "call *** *** 4567"),
        ("account 30012345678 of", "account *******5678 of"),
        ("حسابي ٣٠٠١٢٣٤٥٦٧٨", "حسابي *******٥٦٧٨"),
        ("short 12345 and 2026-11-24 10:15", "short 12345 and 2026-11-24 10:15"),
    ],
)
def test_numbers_keep_only_their_last_four_digits(text: str, masked: str) -> None:
    assert mask_numbers(text) == masked


@given(st.from_regex(r"\A(\+966|966|0)5[0-9]{8}\Z"), st.text(alphabet=" abcء-ي.,:", max_size=10))
def test_no_saudi_mobile_survives(phone: str, around: str) -> None:
    masked = mask_numbers(f"{around}{phone}{around}")
    assert phone not in masked and phone[-4:] in masked


@given(st.integers(10**5, 10**14 - 1))
def test_no_account_number_survives(account: int) -> None:
    masked = mask_numbers(f"account={account};")
    assert str(account) not in masked and str(account)[-4:] in masked


def test_one_json_object_a_line_with_the_message_args_masked(captured: io.StringIO) -> None:
    log = logging.getLogger("bot.test")
    log.info("message from %s about %s", "+966501234567", 30012345678)
    log.warning("second line", extra={"sender": "whatsapp:+966501234567", "count": 3})
    first, second = lines(captured)
    assert first["level"] == "info" and first["logger"] == "bot.test"
    assert first["message"] == "message from +********4567 about *******5678"
    assert second["sender"] == "whatsapp:+********4567" and second["count"] == 3
    assert "+966501234567" not in captured.getvalue()


def test_exceptions_are_one_line_of_json_and_masked(captured: io.StringIO) -> None:
    try:
        raise ValueError("no such account 30012345678")
    except ValueError:
        logging.getLogger("bot.test").exception("lookup failed")
    (entry,) = lines(captured)
    assert "ValueError" in entry["exception"] and "30012345678" not in entry["exception"]


def test_library_loggers_come_through_the_same_handler(captured: io.StringIO) -> None:
    logging.getLogger("uvicorn.error").warning("client +966501234567 went away")
    (entry,) = lines(captured)
    assert entry["logger"] == "uvicorn.error" and "+966501234567" not in entry["message"]


def test_plain_lines_for_a_terminal_are_masked_too() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        configure_logging(json=False, stream=stream)
        logging.getLogger("bot.test").warning("from %s", "+966501234567")
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in before:
            root.addHandler(handler)
    assert stream.getvalue().rstrip().endswith("bot.test: from +********4567")


def test_fifteen_digit_and_longer_numbers_are_masked_too() -> None:
    assert (
        mask_numbers("imei 356938035643809 card 4111111111111111")
        == "imei ***********3809 card ************1111"
    )
