"""Two requests in one message: how it is cut, and which requests count as two."""

from __future__ import annotations

from datetime import datetime

from bot.config import RIYADH
from bot.understanding import understand
from handlers.second_request import Plan, clauses, plan

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=RIYADH)


def two(text: str) -> Plan | None:
    return plan(text, understand(text, now=NOW), NOW)


def test_a_message_is_cut_at_punctuation_and_before_also_words() -> None:
    assert clauses("كم فاتورتي وكمان الكهرباء طافية عندي") == [
        "كم فاتورتي",
        "وكمان الكهربا طافيه عندي",
    ]
    assert clauses("what is my bill and also the power is out") == [
        "what is my bill",
        "and also the power is out",
    ]
    assert len(clauses("وش صار على البلاغ؟ وكم التعويض")) == 2
    assert clauses("فاتورتي") == ["فاتورتي"]


def test_two_requests_in_the_order_they_were_asked() -> None:
    assert two("كم فاتورتي وكمان الكهرباء طافية عندي") == Plan("bill", "outage_report")
    assert two("وش صار على البلاغ؟ وكم التعويض اللي بيجيني؟") == Plan(
        "outage_status", "compensation"
    )


def test_the_first_request_reads_its_own_clauses() -> None:
    found = two("كم فاتورتي، وكمان الكهرباء طافية في الملز")
    assert found is not None and found.first_text == "كم فاتورتي"


def test_an_outage_told_beside_its_question_is_one_request() -> None:
    assert two("الكهرباء طافية من الصبح، كم التعويض؟") is None
    assert two("الكهرباء طافية في حي النرجس بالرياض، متى ترجع؟") is None
    assert two("فاتورتي عالية، ابي اعترض") is None


def test_a_bare_wa_joins_two_requests_but_not_one_requests_clauses() -> None:
    """ "ابي فاتورتي و الكهرباء مقطوعة" answered the bill only: a bare «و» begins a request too."""
    assert two("ابي فاتورتي و الكهرباء مقطوعة") == Plan("bill", "outage_report")
    assert two("كم فاتورتي و متى ترجع الكهرباء") == Plan("bill", "outage_status")
    # «و» inside one request cuts nothing that counts.
    assert two("الكهرباء طافية و ما رجعت للحين") is None
    assert two("الكهرباء طافية عندي و عند الجيران") is None
    assert two("فاتورتي عالية و ابي اعترض") is None
    assert two("طافية الكهرباء و ابي التعويض") is None
    assert two("انقطعت الكهرباء الساعة ٨ و رجعت الساعة ١٢ كم التعويض") is None


def test_a_danger_told_second_is_taken_first() -> None:
    """A danger is never the request offered for later (domain.md: 933 before anything else),
    so `follow` has no offer for one."""
    assert two("كم فاتورتي وكمان في كيبل مكشوف عند بيتنا") == Plan("hazard_report", "bill")
