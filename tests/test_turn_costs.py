"""What makes a turn cheaper must not change what it says or where it reads (issue 17)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event, text
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.types import TypeDecorator

from bot.billing.demo import DEMO_PHONE, demo_phone_numbers
from bot.billing.embedded import EmbeddedBilling
from bot.config import Settings
from bot.dialogue.engine import Engine
from bot.dialogue.messages import Inbound
from bot.i18n import Texts
from bot.phrases import NAMES, mentions, phrases, without
from bot.storage.base import UTCDateTime
from bot.storage.db import engine_for
from bot.text import ascii_digits, normalize
from bot.text.alternation import one_of

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def test_formatting_kept_per_value_and_type() -> None:
    tr = Texts("ar")
    # Equal values of different types are shown differently: whole riyals, then halalas.
    whole, exact = tr.money(5), tr.money(Decimal("5"))
    assert whole != exact and "5.00" in exact
    assert (tr.money(5), tr.money(Decimal("5"))) == (whole, exact)  # the second time, kept
    assert tr.money(Decimal("12.5")) == tr.money(Decimal("12.50"))
    assert tr.date(date(2026, 3, 5), hijri=False) == format_date(
        date(2026, 3, 5), "long", locale="ar_SA"
    )


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_kept_numbers_are_babels(value: int) -> None:
    tr = Texts("en")
    assert tr.number(value) == tr.number(value) == format_decimal(value, locale="en")


@given(
    st.sampled_from(["ar", "en"]),
    st.one_of(
        st.integers(min_value=0, max_value=10**7),
        st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False),
    ),
)
def test_money_is_babels(lang: str, amount: int | Decimal) -> None:
    """The patterns parsed once write what Babel writes from the locale's pattern text (with
    CLDR's space between a currency code and a digit, which Babel leaves out)."""
    tr = Texts(lang)
    pattern = tr.locale.currency_formats["standard"].pattern.replace("¤#", "¤\u00a0#")
    if isinstance(amount, int):
        pattern = pattern.replace(".00", "")
    expected = format_currency(
        amount, "SAR", locale=tr.locale, format=pattern, currency_digits=False
    )
    assert tr.money(amount) == tr.money(amount) == expected
    assert not any(f"SAR{digit}" in expected for digit in "0123456789")


def test_bill_lookup_reads_through_the_turns_connection(seeded_database_url: str) -> None:
    """The embedded billing reads in the turn's own connection: one pool checkout a turn,
    however many billing queries it runs (on PostgreSQL too, each read under a savepoint)."""
    url = seeded_database_url
    settings = replace(Settings.from_env(), database_url=url, billing_url=None, lang="ar")
    engine = Engine(settings)
    checkouts: list[object] = []
    pool = engine_for(url)

    def count(*_args: object) -> None:
        checkouts.append(1)

    event.listen(pool, "checkout", count)
    try:
        reply = engine.handle(
            Inbound(
                channel="whatsapp",
                sender=DEMO_PHONE,
                phone=DEMO_PHONE,
                text="كم فاتورتي",
                received_at=datetime.now(UTC),
                message_id="SMbill0001",
            )
        )
    finally:
        event.remove(pool, "checkout", count)
    assert reply and reply[0].text
    assert len(checkouts) == 1


def test_the_flows_session_is_kept_closed_for_the_next_turn(seeded_database_url: str) -> None:
    """An outage report's turn leaves its ORM session closed (no object, no transaction) for
    the thread's next turn; that turn's report is made in it, on its own connection, and both
    reports are on record."""
    from bot.dialogue import turn as turn_module
    from bot.outages.models import OutageReport

    url = seeded_database_url
    settings = replace(Settings.from_env(), database_url=url, billing_url=None, lang="ar")
    engine = Engine(settings)
    phones = demo_phone_numbers(2)
    kept = []
    for i, phone in enumerate(phones):
        replies = engine.handle(
            Inbound(
                channel="whatsapp",
                sender=phone,
                phone=phone,
                text="الكهرباء طافية",
                received_at=datetime.now(UTC),
                message_id=f"SMkept{i}",
            )
        )
        assert replies and "OUT-" in replies[0].text
        session = turn_module._idle.session
        assert session is not None and not list(session.identity_map.values())
        assert not session.in_transaction()
        kept.append(session)
    assert kept[0] is kept[1]
    with engine_for(url).connect() as conn:
        stored = conn.execute(
            text(f"SELECT count(*) FROM {OutageReport.__tablename__} WHERE phone IN (:a, :b)"),
            {"a": phones[0], "b": phones[1]},
        ).scalar()
    assert stored == 2


def test_bill_lookup_on_postgresql_opens_no_transaction(seeded_database_url: str) -> None:
    """On PostgreSQL, outside a turn (no `reading_through`), the embedded billing reads on a
    connection of its own in autocommit: no BEGIN before its one statement, nothing to roll
    back after it, so one round trip instead of three. The bills read are the same."""
    url = seeded_database_url
    pool = engine_for(url)
    if pool.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: autocommit is its own")
    in_transaction: list[bool] = []

    def after(conn, *_args: object) -> None:
        status = conn.connection.dbapi_connection.info.transaction_status
        in_transaction.append(status != status.IDLE)

    billing = EmbeddedBilling(url)
    event.listen(pool, "after_cursor_execute", after)
    try:
        accounts = billing.accounts_for_phone(DEMO_PHONE)
        bills = billing.recent_bills_for_phone(DEMO_PHONE, accounts[0].account, 2)
    finally:
        event.remove(pool, "after_cursor_execute", after)
    assert accounts and bills and all(b.account == accounts[0].account for b in bills)
    assert in_transaction == [False, False]
    # The pooled connection goes back as it was: the next unit of work is a transaction.
    with pool.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
        assert not conn.connection.dbapi_connection.autocommit  # type: ignore[union-attr]


FRESH_PROCESS_TURN = """
import sys
from datetime import UTC, datetime
from bot.config import Settings
from bot.dialogue.engine import Engine
from bot.dialogue.messages import Inbound
from dataclasses import replace
url, phone, text = sys.argv[1:4]
settings = replace(Settings.from_env(), database_url=url, billing_url=None, lang="ar")
message = Inbound(channel="whatsapp", sender=phone, phone=phone, text=text,
                  received_at=datetime.now(UTC), message_id="SM" + phone[-6:] + str(len(text)))
print(Engine(settings).handle(message)[0].text)
"""


def test_a_fresh_process_starts_with_rows_read_through_core(seeded_database_url: str) -> None:
    """The first turn of a new worker process: a contact that exists is filled from its Core
    row before any ORM query or constructor has configured the mappers."""
    url = seeded_database_url
    by_district: dict[tuple[str, str], list[str]] = {}
    for phone in demo_phone_numbers(20):
        for account in EmbeddedBilling(url).accounts_for_phone(phone):
            by_district.setdefault((account.city, account.district), []).append(phone)
    first, second = next(phones for phones in by_district.values() if len(set(phones)) > 1)[:2]

    def turn(phone: str, text: str) -> str:
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
        done = subprocess.run(
            [sys.executable, "-c", FRESH_PROCESS_TURN, url, phone, text],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "OUT-" in turn(first, "الكهرباء طافية")
    joined = turn(second, "الكهرباء طافية")  # joins the open incident read with Core
    assert "OUT-" in joined and "2" in joined
    assert turn(second, "شكرا")  # their contact exists now: read first thing


def test_a_bill_lookup_makes_no_orm_session(
    seeded_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The flows' ORM session is made when a flow first asks for it: a bill lookup (Core
    statements only) makes none; an outage report does, and its rows are committed."""
    import bot.dialogue.turn as turn_module

    made: list[object] = []
    real = turn_module._session_on  # a session made, or the thread's closed one taken again

    def counted(*args: object, **kwargs: object) -> object:
        made.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(turn_module, "_session_on", counted)
    settings = replace(Settings.from_env(), database_url=seeded_database_url, billing_url=None)
    engine = Engine(settings)
    first, second = demo_phone_numbers(2)

    def say(phone: str, text: str) -> str:
        message = Inbound(
            channel="whatsapp",
            sender=phone,
            phone=phone,
            text=text,
            received_at=datetime.now(UTC),
            message_id=f"SM{phone[-6:]}{len(text)}",
        )
        return engine.handle(message)[0].text

    assert "ر.س" in say(first, "كم فاتورتي")
    assert made == []
    assert "OUT-" in say(second, "الكهرباء طافية")
    assert len(made) == 1
    with engine_for(seeded_database_url).connect() as conn:
        reports = conn.execute(
            text("SELECT count(*) FROM outage_reports WHERE phone = :phone"), {"phone": second}
        ).scalar()
    assert reports == 1


@given(st.sampled_from(sorted(NAMES)), st.text(alphabet="الكهرباءطافيةبلاغ ض رجعت؟", max_size=40))
def test_a_phrase_list_is_found_where_each_phrase_is(name: str, text: str) -> None:
    """`mentions` scans once for the whole list: the same answer as looking for each phrase."""
    normalized = normalize(text)
    assert mentions(text, name) == any(phrase in normalized for phrase in phrases(name))
    for phrase in phrases(name)[:5]:
        assert mentions(f"{text} {phrase} {text}", name)


@given(
    st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from(
            [UTC, timezone(timedelta(hours=3)), timezone(-timedelta(hours=5, minutes=30))]
        ),
    )
)
def test_a_time_is_written_to_sqlite_as_sqlalchemy_writes_it(moment: datetime) -> None:
    """UTCDateTime's one-step SQLite processor writes the text of the type's own two steps
    (to UTC, then the dialect's storage format)."""
    dialect = sqlite_dialect()
    column_type = UTCDateTime().dialect_impl(dialect)
    two_steps = TypeDecorator.bind_processor(column_type, dialect)
    one_step = UTCDateTime()._cached_bind_processor(dialect)
    assert one_step is not None and two_steps is not None
    assert one_step(moment) == two_steps(moment)
    assert one_step(moment) == two_steps(moment)  # the last one written, kept
    other = moment.replace(microsecond=(moment.microsecond + 1) % 1_000_000)
    assert one_step(other) == two_steps(other)
    assert one_step(None) is None
    with pytest.raises(ValueError, match="naive"):
        one_step(moment.replace(tzinfo=None))


@given(
    st.one_of(
        st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(
            lambda moment: moment.isoformat(" ", "microseconds")  # as written: every turn's
        ),
        st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(
            lambda moment: moment.isoformat(" ", "seconds")  # older rows, other writers
        ),
        st.dates().map(str),
        st.text(alphabet="0123456789-: .", min_size=26, max_size=26),
    )
)
def test_a_time_is_read_from_sqlite_as_sqlalchemy_reads_it(stored: str) -> None:
    """UTCDateTime's one-step SQLite reader gives what the type's own two steps give (the
    dialect's parse, then UTC), the same error for text neither reads."""
    dialect = sqlite_dialect()
    column_type = UTCDateTime().dialect_impl(dialect)
    two_steps = TypeDecorator.result_processor(column_type, dialect, None)
    one_step = UTCDateTime()._cached_result_processor(dialect, None)
    assert one_step is not None and two_steps is not None
    try:
        expected = two_steps(stored)
    except ValueError:
        with pytest.raises(ValueError):
            one_step(stored)
        return
    read = one_step(stored)
    assert read == expected and read.tzinfo is UTC
    assert one_step(None) is None


def test_json_on_sqlite_is_json_dumps_with_letters() -> None:
    from bot.storage.db import _json_text

    for value in ({"a": [1, 2.5, None, True]}, [{"text": "الكهرباء طافية\n"}], {}, "x\ud800"):
        assert json.loads(_json_text(value)) == value
        if value != "x\ud800":  # a lone surrogate keeps its escape
            assert _json_text(value) == json.dumps(value, ensure_ascii=False)


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(alphabet=st.sampled_from('الكهرباء طافية"\\\n\t/aZ9\u200f\x00')),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(alphabet='abا"', max_size=4), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(_JSON_VALUES)
def test_json_on_sqlite_is_written_as_json_dumps_writes_it(value: object) -> None:
    """The encoder kept for JSON columns writes what `json.dumps(..., ensure_ascii=False)`
    writes, and refuses what it refuses."""
    from bot.storage.db import _json_text

    assert _json_text(value) == json.dumps(value, ensure_ascii=False)


def test_json_on_sqlite_refuses_what_json_dumps_refuses() -> None:
    from bot.storage.db import _json_text

    with pytest.raises(TypeError, match="not JSON serializable"):
        _json_text({"at": object()})


def test_a_message_is_read_for_times_once_a_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    """Understanding reads the message's times; the flows asking again about the same text
    and instant (in another zone) get that reading, equal to one made afresh."""
    from bot.understanding import understand
    from bot.understanding.slots import times

    calls: list[str] = []
    real = times._read

    def counted(raw: str, *args: object) -> object:
        calls.append(raw)
        return real(raw, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(times, "_read", counted)
    monkeypatch.setattr(times, "_readings", {})
    text, now = "الكهرباء طافية من الساعة ٥ العصر", datetime(2026, 3, 5, 20, 0, tzinfo=UTC)
    understood = understand(text, now=now)
    reading = times.read_times(text, now)
    assert times.read_times(text, now.astimezone(timezone(timedelta(hours=3)))) is reading
    assert calls == [text]
    assert reading.start is not None and understood.slots["start"] == reading.start.slot()
    monkeypatch.setattr(times, "_readings", {})
    assert times.read_times(text, now) == reading


def _says_phrase_by_phrase(text: str, name: str) -> bool:
    """`says` itself with its one-scan shortcut turned off: every phrase looked for in turn."""
    from unittest.mock import patch

    from handlers.outage_status import says

    with patch("handlers.outage_status._said_somewhere", lambda _name: re.compile("")):
        return says(text, name)


@given(
    st.sampled_from(["power_back", "cancel_report", "question"]),
    st.lists(
        st.sampled_from(["رجعت", "الكهرباء", "ما", "لا", "الغي", "البلاغ", "هل", "طافية", "back"]),
        max_size=8,
    ),
)
def test_says_scans_once_and_answers_as_phrase_by_phrase(name: str, words: list[str]) -> None:
    from handlers.outage_status import says

    text = " ".join(words)
    assert says(text, name) == _says_phrase_by_phrase(text, name)
    for phrase in phrases(name)[:3]:
        assert says(f"{text} {phrase}", name) == _says_phrase_by_phrase(f"{text} {phrase}", name)


def test_the_contact_of_a_turn_holds_every_column_and_its_changes_are_saved(
    seeded_database_url: str,
) -> None:
    """The flows' contact (a plain `ContactRow`) has exactly the columns of `Contact`, and
    what a turn sets on it is in the row afterwards."""
    from bot.dialogue.contact_rows import COLUMNS, ContactRow
    from bot.storage.models import Contact

    assert set(ContactRow.__annotations__) == set(COLUMNS) == set(Contact.__table__.columns.keys())
    settings = replace(Settings.from_env(), database_url=seeded_database_url, billing_url=None)
    engine = Engine(settings)
    phone = demo_phone_numbers(3)[2]
    at = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    message = Inbound(
        channel="whatsapp",
        sender=phone,
        phone=phone,
        text="English",
        received_at=at,
        message_id="SMcontact01",
    )
    assert engine.handle(message)
    with engine_for(seeded_database_url).connect() as conn:
        row = conn.execute(
            text(
                "SELECT lang, phone, last_inbound_at, recent_messages FROM contacts WHERE sender = :s"
            ),
            {"s": phone},
        ).one()
    assert row.lang == "en" and row.phone == phone and row.last_inbound_at is not None
    said = row.recent_messages  # JSON text on SQLite, already read on PostgreSQL
    said = json.loads(said) if isinstance(said, str) else said
    assert any(entry["text"] == "English" for entry in said)


def test_a_place_name_reads_the_same_in_any_spelling_kept_or_not() -> None:
    """Kept by name up to 100 characters, worked out afresh past that: both give the
    spelling-independent form the incidents' areas are keyed by."""
    from bot.outages.area import normalize_place

    assert normalize_place("حي الروضة") == normalize_place("الروضه") == normalize_place("الروضة")
    assert normalize_place(None) == normalize_place("") == ""
    long_name = "حي " + "ا" * 120 + " الروضة"
    assert normalize_place(long_name) == normalize_place("ا" * 120 + " الروضه")


def test_an_incidents_standing_reports_are_counted_from_its_index_alone(
    database_url: str,
) -> None:
    """Every report's turn counts the incident's standing reports (cancelled ones left out):
    the count is the same three ways it is made, and on SQLite it reads the index by incident
    and status only, never a report's row (a hundred rows a turn in a burst)."""
    from bot.outages import report_outage
    from bot.outages.models import Incident
    from bot.outages.service import _OPEN_INCIDENT_OF_AREA, cancel_report, reporters_count
    from bot.storage.db import connection_of, session_scope

    at = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    with session_scope(database_url) as session:
        outcomes = [
            report_outage(
                session,
                channel="whatsapp",
                sender=f"+96650000{n:04d}",
                phone=f"+96650000{n:04d}",
                lang="ar",
                reported_at=at + timedelta(minutes=n),
                city="الرياض",
                district="الروضة",
            )
            for n in range(5)
        ]
        for outcome in outcomes[1:3]:
            cancel_report(session, outcome.report, at + timedelta(hours=1))
        incident = outcomes[0].incident
        area = {"area_key": incident.area_key}
        row = _OPEN_INCIDENT_OF_AREA.first(connection_of(session), area)
        assert row is not None and row.reporters_before == 3
        assert reporters_count(session, incident) == 3
        session.expire(incident, ["reporters_count"])
        assert session.get(Incident, incident.id).reporters_count == 3  # type: ignore[union-attr]
        conn = connection_of(session)
        if conn.dialect.name == "sqlite":
            statement = _OPEN_INCIDENT_OF_AREA.statement.params(area)  # type: ignore[attr-defined]
            sql = statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
            plan = [line[-1] for line in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
            on_reports = [step for step in plan if "outage_reports" in step]
            assert on_reports and all(
                "COVERING INDEX ix_outage_reports_incident_status" in step for step in on_reports
            ), plan


def test_json_is_kept_as_its_own_letters(seeded_database_url: str) -> None:
    """The contact's JSON columns, written on every turn, hold Arabic as itself (2 bytes a
    letter), not as "\\u0627" escapes (6): a third of the bytes, fewer pages a turn, and on
    PostgreSQL a third of the bytes sent and read back. What reads them back gets the same
    values; text UTF-8 cannot hold (a lone surrogate) keeps escapes."""
    from bot.storage.db import _json_text

    pool = engine_for(seeded_database_url)
    settings = replace(Settings.from_env(), database_url=seeded_database_url, billing_url=None)
    phone = demo_phone_numbers(4)[3]
    message = Inbound(
        channel="whatsapp",
        sender=phone,
        phone=phone,
        text="كم فاتورتي",
        received_at=datetime(2026, 3, 5, 9, 0, tzinfo=UTC),
        message_id="SMjson0001",
    )
    replies = Engine(settings).handle(message)
    with pool.connect() as conn:
        stored, replies_kept = conn.execute(
            text(
                "SELECT CAST(recent_messages AS TEXT), CAST(last_replies AS TEXT) FROM contacts"
                " WHERE sender = :s"
            ),
            {"s": phone},
        ).one()
    assert "كم فاتورتي" in stored and "\\u" not in stored + replies_kept
    assert json.loads(replies_kept)[0]["text"] == replies[0].text
    unstorable = {"text": "\udcff" + "كم"}
    assert json.loads(_json_text(unstorable)) == unstorable
    assert _json_text(unstorable) == json.dumps(unstorable)
    assert _json_text(["ok"]) == json.dumps(["ok"])


def test_the_indexes_a_turn_writes_are_the_ones_its_statements_read(database_url: str) -> None:
    """Every new contact and every outage report writes each index of its table (on SQLite a
    page each, in the turn's commit): each of these is read by a statement, and one more is to
    be weighed against that cost (ix_outage_reports_incident_id repeated the unique index's
    prefix; ix_contacts_phone was read by nothing)."""
    from sqlalchemy import inspect as inspect_database

    found = inspect_database(engine_for(database_url))
    unique = {c["name"] for c in found.get_unique_constraints("outage_reports")}
    assert unique == {"uq_outage_reports_reporter"}  # one report a sender and incident

    def indexes(table: str) -> dict[str, list[str | None]]:
        # PostgreSQL lists the unique constraint's own index too: it is the constraint above.
        return {
            str(index["name"]): index["column_names"]
            for index in found.get_indexes(table)
            if index["name"] not in unique
        }

    assert indexes("contacts") == {}  # the primary key (channel, sender) is the only lookup
    assert indexes("outage_reports") == {
        "ix_outage_reports_channel_sender": ["channel", "sender"],  # a sender's reports
        "ix_outage_reports_phone": ["phone"],  # a phone's reports, on any channel
        "ix_outage_reports_incident_status": ["incident_id", "status"],  # standing reports
    }


def _hazard_lists() -> list[str]:
    folder = PROJECT_ROOT / "locales" / "ar" / "phrases"
    return sorted(p.stem for p in folder.glob("hazard_*.txt"))


def _first_match_phrase_by_phrase(words, name, with_length=False, plain=None):
    """The hazard lists' look-up as it was: every phrase tried at every position."""
    from bot.hazards.vocabulary import _phrase_stems, _word_is

    found = None
    unstemmed = plain if plain is not None and len(plain) == len(words) else words
    for phrase in _phrase_stems(name):
        size = len(phrase)
        for start in range(len(words) - size + 1):
            if all(
                _word_is(words[start + i], unstemmed[start + i], listed)
                for i, listed in enumerate(phrase)
            ):
                if found is None or (start, -size) < (found[0], -found[1]):
                    found = (start, size)
                break
    if found is None:
        return None
    return found if with_length else found[0]


def _hazard_words() -> list[str]:
    """The lists' own words (whole, and a "*" word's beginning with endings), and others."""
    from bot.hazards.vocabulary import _phrase_stems

    pool = {"الكهرباء", "طافية", "كم", "فاتورتي", "عند", "wa7ed", "x"}
    for name in _hazard_lists():
        for phrase in _phrase_stems(name):
            for listed in phrase:
                if listed.endswith("*"):
                    pool.update({listed[:-1], listed[:-1] + "ت", listed[:-1] + "ها"})
                else:
                    pool.update(listed.split())
    return sorted(pool)


@given(
    st.sampled_from(_hazard_lists()),
    st.lists(st.sampled_from(_hazard_words()), max_size=9),
    st.lists(st.sampled_from(_hazard_words()), max_size=9),
    st.booleans(),
)
def test_a_hazard_list_is_found_where_phrase_by_phrase_finds_it(
    name: str, words: list[str], plain: list[str], with_length: bool
) -> None:
    """The hazard lists are looked up by each position's word (an index of the list): the same
    position and length as trying every phrase at every position, with or without the unstemmed
    words (of the same length or not)."""
    from bot.hazards.vocabulary import _first_match

    for unstemmed in (None, plain, plain[: len(words)] + words[len(plain) :]):
        assert _first_match(words, name, with_length, unstemmed) == (
            _first_match_phrase_by_phrase(words, name, with_length, unstemmed)
        )


def test_every_hazard_phrase_is_found_by_the_index() -> None:
    from bot.hazards.vocabulary import _first_match, _phrase_stems

    for name in _hazard_lists():
        for phrase in _phrase_stems(name):
            words = ["x", *(w[:-1] + "ت" if w.endswith("*") else w for w in phrase), "x"]
            if any(" " in w for w in words):
                continue  # a listed word normalized into two words is never one message word
            expected = _first_match_phrase_by_phrase(words, name, True)
            assert expected is not None and _first_match(words, name, True) == expected


@given(
    st.sampled_from(_hazard_lists()),
    st.sampled_from(_hazard_words()),
    st.sampled_from(_hazard_words()),
)
def test_a_word_is_looked_up_by_its_beginnings_not_against_each(
    name: str, word: str, plain: str
) -> None:
    """The "*" phrases a message word may begin are looked up by its first characters (a few
    dict look-ups, not a `startswith` a listed beginning): the same phrases as trying each."""
    from bot.hazards.vocabulary import _index, _phrase_stems

    expected = {
        phrase
        for phrase in _phrase_stems(name)
        if phrase[0].endswith("*")
        and (word.startswith(phrase[0][:-1]) or plain.startswith(phrase[0][:-1]))
    }
    assert set(_index(name).begun_by(word, plain)) == expected


def _paid_since_phrase_by_phrase(text: str) -> str:
    """`_paid_since` as it was: each not-paid phrase looked for on its own."""
    from bot.understanding.slots.standard import _word

    unpaid = [normalize(p) for p in phrases("not_paid")]
    found = [(m.start(), m.end()) for p in unpaid for m in _word(p).finditer(text)]
    if not found:
        return text
    last = max(end for _, end in found)
    paid = [normalize(p) for p in phrases("paid")]
    if not any(_word(p).search(text, last) for p in paid):
        return text
    for start, end in sorted(found, reverse=True):
        text = text[:start] + text[end:]
    return text


_PAYMENT_WORDS = sorted(
    {w for p in phrases("not_paid") + phrases("paid") for w in normalize(p).split()}
    | {"وما", "فما", "الكهربا", "طافيه", "x", "ومادفعت", "لم"}
)


@given(st.lists(st.sampled_from(_PAYMENT_WORDS), max_size=10), st.sampled_from([" ", "", "،"]))
def test_a_payment_told_after_not_paid_reads_as_phrase_by_phrase(
    words: list[str], glue: str
) -> None:
    """One scan tells whether any not-paid phrase is there; the text read is the same."""
    from bot.understanding.slots.standard import _paid_since

    text = glue.join(words) if glue else "".join(f"{w} " for w in words).strip()
    assert _paid_since(text) == _paid_since_phrase_by_phrase(text)
    for phrase in phrases("not_paid")[:4]:
        for told in (f"{phrase} {text} سددت", f"و{phrase} {text} سددت", f"x{phrase} سددت"):
            told = normalize(told)
            assert _paid_since(told) == _paid_since_phrase_by_phrase(told)


@given(
    st.lists(
        st.sampled_from(["الملز", "بالملز", "الرياض", "جدة", "حي", "الروابي", "طافية", "x", "في"]),
        max_size=6,
    ),
    st.sampled_from([None, "الرياض", "جدة"]),
)
def test_a_place_is_found_once_for_a_text_and_the_same_as_found_again(
    words: list[str], city: str | None
) -> None:
    """`find_place` is kept for the last texts (a report turn asks twice): the same answer."""
    from bot.outages.places import find_place

    text = " ".join(words)
    kept = find_place(text, city)
    assert kept == find_place.__wrapped__(text, city)
    assert find_place(text, city) is kept


def test_place_names_are_looked_up_only_where_one_can_begin() -> None:
    """`find_place` passes a word no name begins, and takes a joined letter off a word by one
    look-up: the sets it asks are exactly the names' first words and the one-word names."""
    from bot.outages.places import _names, _unattached

    names = _names()
    keys = [*names.cities, *names.districts]
    assert names.first_words == {key[0] for key in keys}
    assert names.one_word == {key[0] for key in keys if len(key) == 1}
    for (name,) in (key for key in keys if len(key) == 1):
        for letter in "بولف":
            assert _unattached(letter + name, names) in (name, letter + name)
            if (letter + name,) not in names.cities.keys() | names.districts.keys():
                assert _unattached(letter + name, names) == name


def _stem_affix_by_affix(word: str) -> str:
    """`stem` as it was: each prefix, then each suffix, compared in the listed order."""
    from bot.text.stem import _PREFIXES, _SUFFIXES

    if not word or not ("\u0600" <= word[0] <= "\u06ff"):
        return word
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@given(
    st.lists(
        st.sampled_from(
            ["و", "ال", "ب", "ف", "ك", "ل", "ه", "م", "ا", "ت", "ي", "ن", "س", "a", "x", "ته"]
        ),
        max_size=8,
    ).map("".join)
)
def test_a_word_is_stemmed_by_looking_its_ends_up_as_affix_by_affix(word: str) -> None:
    from bot.text.stem import stem

    assert stem(word) == _stem_affix_by_affix(word)


def _also_words() -> list[str]:
    from bot.phrases import phrases

    return sorted({w for phrase in phrases("also") for w in phrase.split()} | {"كم", "فاتورتي"})


@given(st.lists(st.sampled_from(_also_words()), min_size=1, max_size=8), st.data())
def test_an_also_phrase_is_looked_up_by_its_first_word_as_phrase_by_phrase(
    words: list[str], data: st.DataObject
) -> None:
    """`clauses` asks at each word for the longest `also` phrase there: looked up by the word,
    the same length as trying every phrase."""
    from bot.phrases import phrases
    from handlers.second_request import _also_at

    i = data.draw(st.integers(min_value=0, max_value=len(words) - 1))
    every = [phrase.split() for phrase in phrases("also")]
    expected = max((len(p) for p in every if words[i : i + len(p)] == p), default=0)
    assert _also_at(words, i) == expected


def test_a_first_report_asks_once_whether_the_sender_has_reports(
    seeded_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "الكهرباء طافية" from a number with no report: whether it is taking back a "back" and
    the report itself both need the sender's reports; none found is not asked again in the
    turn. The report is made and counted, and the next turn finds it."""
    import bot.outages as outages

    asked: list[str] = []
    original = outages.reports_by_sender

    def counted(session, **who):  # type: ignore[no-untyped-def]
        asked.append(who["sender"])
        return original(session, **who)

    monkeypatch.setattr(outages, "reports_by_sender", counted)
    settings = replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None, lang="ar"
    )
    engine = Engine(settings)
    phone = demo_phone_numbers(3)[2]
    at = datetime.now(UTC)
    first = engine.handle(_said(phone, "الكهرباء طافية", at, "SMonce1"))
    assert "OUT-" in first[0].text
    assert asked == [phone]
    engine.handle(_said(phone, "الكهرباء طافية", at, "SMonce2"))
    assert len(asked) >= 2  # a new turn asks again, and finds the report
    with engine_for(seeded_database_url).connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM outage_reports WHERE sender = :s"), {"s": phone}
        ).scalar()
    assert count == 1


def _said(phone: str, words: str, at: datetime, message_id: str) -> Inbound:
    return Inbound(
        channel="whatsapp",
        sender=phone,
        phone=phone,
        text=words,
        received_at=at,
        message_id=message_id,
    )


def test_a_senders_reports_are_read_once_a_turn_until_a_report_is_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from types import SimpleNamespace

    import bot.outages as outages
    from handlers.common import report_made, sender_outage_reports

    stored: list[object] = []
    asked: list[str | None] = []

    def reports(session, *, channel, sender, phone):  # type: ignore[no-untyped-def]
        asked.append(phone)
        return list(stored)

    monkeypatch.setattr(outages, "reports_by_sender", reports)
    message = SimpleNamespace(channel="whatsapp", sender="+966500000009")
    turn = SimpleNamespace(
        message=message, phone="+966500000009", session=None, outage_reports=None
    )
    assert sender_outage_reports(turn) == [] and sender_outage_reports(turn) == []
    assert asked == ["+966500000009"]
    turn.phone = "+966500000010"  # a number linked in the turn is another sender's reports
    assert sender_outage_reports(turn) == [] and len(asked) == 2
    stored.append("OUT-000001")
    report_made(turn)
    assert sender_outage_reports(turn) == ["OUT-000001"] and len(asked) == 3
    mine = sender_outage_reports(turn)
    assert mine == ["OUT-000001"] and len(asked) == 3  # read once, whatever it found
    mine.clear()  # a caller's list is its own
    assert sender_outage_reports(turn) == ["OUT-000001"]


def test_a_message_is_folded_once_and_a_long_one_each_time() -> None:
    """A turn folds its message for understanding's slots and again for each flow's look at
    its times: a short text is folded once and remembered, a long one is not kept."""
    from bot.text.normalize import _fold, _fold_short, fold

    short, long = "الكهرباء طافيـــة من الساعة ٣", "طافية " * 60
    fold(short)
    before = _fold_short.cache_info()
    assert fold(short) == _fold(short)
    after = _fold_short.cache_info()
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)
    assert fold(long) == _fold(long) and _fold_short.cache_info().misses == after.misses


def test_the_words_that_say_power_is_not_off_now_are_gathered_once() -> None:
    from bot.phrases import phrases
    from bot.understanding.slots.times import _not_now

    assert _not_now() is _not_now()
    assert _not_now() == {*phrases("negation"), *phrases("past_state")}


@given(st.text(alphabet=";*<>{}=`\\|ab ك:/$()", max_size=30))
def test_code_is_told_by_one_scan_for_its_marks_as_by_counting_each(text: str) -> None:
    from bot.understanding.language import load, looks_like_code

    code = load("code")
    assert looks_like_code(text) == (
        sum(text[:1000].count(mark) for mark in code["marks"]) >= int(code["least"])
    )


def _plain_and_tree(phrases_: list[str], then: bool) -> tuple[re.Pattern[str], re.Pattern[str]]:
    plain = "|".join(re.escape(phrase) for phrase in phrases_) or "(?!)"
    if not then:
        return re.compile(plain), re.compile(one_of(phrases_))
    return (
        re.compile(rf"(?<!\w)(?:{plain})(?!\w)"),
        re.compile(rf"(?<!\w)(?:{one_of(phrases_, then=True)})(?!\w)"),
    )


@given(
    st.lists(st.text(alphabet="ابل ت.]\\-^[", min_size=1, max_size=5), max_size=8),
    st.text(alphabet="ابل ت.]\\-^[x", max_size=20),
    st.booleans(),
)
def test_a_list_as_a_tree_of_beginnings_is_found_where_the_plain_list_is(
    listed: list[str], text: str, then: bool
) -> None:
    """A phrase list written as a tree of its beginnings finds a phrase where the list written
    phrase after phrase does, and at the same place (words around it or not)."""
    plain, tree = _plain_and_tree(listed, then)
    for said in (text, *(f"{text[:3]}{phrase}{text[3:]}" for phrase in listed)):
        found, found_by_tree = plain.search(said), tree.search(said)
        assert (found and found.start()) == (found_by_tree and found_by_tree.start())
        assert (found is None) == (found_by_tree is None)


def test_every_phrase_list_is_a_tree_that_finds_where_the_plain_list_finds() -> None:
    """Each list of locales/*/phrases, as `mentions`, `mentions_words` and `split_at_words`
    search it: found where the plain list is found, at the same place."""
    from bot.phrases import _anywhere, _found_as_words

    for name in NAMES:
        listed = list(phrases(name))
        others = [p for other in ("also", "negation", name) for p in phrases(other)]
        texts = [*listed, *(f"و{p}ه {q}" for p, q in zip(listed, others, strict=False))]
        for pattern, then in ((_anywhere(name), False), (_found_as_words(name), True)):
            plain, _ = _plain_and_tree(listed, then)
            for said in texts:
                found, found_by_tree = plain.search(said), pattern.search(said)
                assert (found and found.start()) == (found_by_tree and found_by_tree.start())


def test_a_first_report_runs_no_import_statement_of_the_hot_modules(
    seeded_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import statement run inside a function costs ~4-8k instructions each time (a plain
    module's is looked up for `__path__`, an AttributeError made and dropped); a first report
    ran 21. The modules that ran 15 of them import at their top now, and since the sixteenth
    session the other 5 (outage_report, understanding, duration: modules of a cycle imported
    as modules, not names)."""
    import builtins

    settings = replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None, lang="ar"
    )
    engine = Engine(settings)
    warm, phone = demo_phone_numbers(4)[2:]
    engine.handle(_said(warm, "الكهرباء طافية", datetime.now(UTC), "SMimport0"))  # once-only ones
    hot = (
        "handlers/common.py",
        "handlers/subscription.py",
        "handlers/outage_report.py",
        "bot/dialogue/router.py",
        "bot/understanding/__init__.py",
        "bot/understanding/slots/duration.py",
        "bot/understanding/slots/times.py",
        "bot/understanding/slots/standard.py",
    )
    ran: list[str] = []
    real = builtins.__import__

    def counted(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        where = sys._getframe(1).f_code
        if where.co_filename.replace(os.sep, "/").endswith(hot):
            ran.append(f"{where.co_filename}:{where.co_name}: {name}")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", counted)
    replies = engine.handle(_said(phone, "الكهرباء طافية لو سمحت", datetime.now(UTC), "SMimport1"))
    # The next message about that report: which report it means, and whether it names another
    # premise, is read in handlers/common (it ran an import statement each time).
    back = engine.handle(_said(phone, "رجعت الكهرباء", datetime.now(UTC), "SMimport2"))
    monkeypatch.undo()
    assert "OUT-" in replies[0].text
    assert "OUT-" in back[0].text
    assert ran == []


def test_a_message_about_a_report_asks_billing_for_the_senders_accounts_once(
    seeded_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which report a message means and whether it names another premise both read the
    sender's accounts (an HTTP request with the HTTP billing adapter): once a turn; a start
    told for the report asked twice."""
    settings = replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None, lang="ar"
    )
    engine = Engine(settings)
    phone = demo_phone_numbers(4)[3]
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # noon in Riyadh: 7 in the morning is past
    engine.handle(_said(phone, "الكهرباء طافية", at, "SMaccounts1"))
    asked: list[str] = []
    original = engine.billing.accounts_for_phone

    def counted(number: str):  # type: ignore[no-untyped-def]
        asked.append(number)
        return original(number)

    monkeypatch.setattr(engine.billing, "accounts_for_phone", counted)
    start = engine.handle(_said(phone, "من الساعة ٧ الصبح", at, "SMaccounts2"))
    assert "OUT-000" in start[0].text
    assert asked == [phone]


def _accounts_named_alone_whole_first(text: str, accounts: list) -> list:
    """`accounts_named_alone` as it was: the whole message named first, then every word."""
    from handlers.common import accounts_by_premise, accounts_named_in

    said = without(ascii_digits(text), "and_about").split()
    if not said or len(said) > 4:
        return []

    def named(words: str) -> set[str]:
        found = accounts_named_in(words, accounts) or accounts_by_premise(words, accounts)
        return {a.account for a in found}

    one = named(" ".join(said))
    if len(one) != 1 or any(named(word) != one for word in said):
        return []
    return [a for a in accounts if a.account in one]


def _named_accounts() -> list:
    from bot.billing import Account

    return [
        Account("30012345678", "", "الرياض", "العليا", "فيلا 12، شارع التحلية"),
        Account("30087654321", "", "الرياض", "الملز", "محل 4، شارع"),
        Account("30011112222", "", "جدة", "الروضة", "شقة 5، عمارة 18"),
        Account("30011113333", "", "الرياض", "الملز", "شقة 9، عمارة 2"),
    ]


_NAMING_WORDS = [
    "والمحل",
    "المحل",
    "الفيلا",
    "بالفيلا",
    "الشقة",
    "حق",
    "البيت",
    "الملز",
    "بالملز",
    "للعليا",
    "العليا",
    "الروضة",
    "5678",
    "٤٣٢١",
    "2222",
    "طيب",
    "و",
    "الكهرباء",
    "طافية",
    "the",
    "shop",
    "and",
    "villa",
    "؟",
]


@given(
    st.lists(st.sampled_from(_NAMING_WORDS), max_size=6),
    st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=4, unique=True),
)
def test_an_account_named_alone_is_found_word_first_as_whole_first(
    words: list[str], chosen: list[int]
) -> None:
    """`accounts_named_alone` asks the first word before the whole message (most messages end
    there): the same accounts as asking the whole message first."""
    from handlers.common import accounts_named_alone

    accounts = [_named_accounts()[i] for i in chosen]
    text = " ".join(words)
    assert accounts_named_alone(text, accounts) == _accounts_named_alone_whole_first(text, accounts)


@given(
    st.lists(st.sampled_from(["و", "ف", "ب", "ل", "ك", "ال", "لل", "ملز", "ا", "x"]), max_size=6)
)
def test_a_joined_letter_is_taken_off_a_word_as_by_the_two_substitutions(parts: list[str]) -> None:
    from handlers.common import _ATTACHED, _JOINED_LAM, _unattached

    word = "".join(parts)
    assert _unattached(word) == _ATTACHED.sub("", _JOINED_LAM.sub("ال", word))


@given(st.sampled_from(_hazard_lists()), st.data())
def test_a_hazard_phrase_with_its_next_words_changed_is_found_as_phrase_by_phrase(
    name: str, data: st.DataObject
) -> None:
    """The phrases of one first word are passed together when the next word is none of their
    second words (`_Group`): a listed phrase with words changed, cut or added after its first
    is found where trying every phrase finds it."""
    from bot.hazards.vocabulary import _first_match, _phrase_stems

    phrase = data.draw(st.sampled_from(_phrase_stems(name)))
    written = [
        w[:-1] + data.draw(st.sampled_from(["", "ت", "ه"])) if w.endswith("*") else w
        for w in phrase
    ]
    changed = data.draw(st.lists(st.sampled_from(_hazard_words()), max_size=3))
    cut = data.draw(st.integers(min_value=1, max_value=len(written)))
    words = [
        *data.draw(st.lists(st.sampled_from(_hazard_words()), max_size=2)),
        *written[:cut],
        *changed,
    ]
    # The unstemmed words as they are, or as the only ones a "*" word begins (the stemmed
    # word then begins none: «ا» put before it).
    kept = data.draw(st.sampled_from(["none", "same", "only"]))
    plain: list[str] | None = None
    if kept == "only":
        words, plain = ["ا" + w for w in words], words
    elif kept == "same":
        plain = list(words)
    for with_length in (False, True):
        assert _first_match(words, name, with_length, plain) == _first_match_phrase_by_phrase(
            words, name, with_length, plain
        )


def test_a_message_is_cut_into_slot_tokens_once_and_each_caller_gets_its_own_list() -> None:
    """Understanding cuts the message into tokens for its times; `says_power_off` asking again
    of the same text gets them kept, in a list of its own (changing it changes no other)."""
    from bot.understanding import understand
    from bot.understanding.slots.times import says_power_off, slot_words
    from bot.understanding.slots.tokens import _tokens, slot_tokens

    text = "الكهرباء طافية عندنا من الساعة ٣ ونص"
    _tokens.cache_clear()
    understand(text, now=datetime(2026, 3, 5, 20, 0, tzinfo=UTC))
    made = _tokens.cache_info().misses
    assert says_power_off(text)
    assert _tokens.cache_info().misses == made
    first = slot_tokens(normalize(text), slot_words())
    first.append("x")
    assert slot_tokens(normalize(text), slot_words()) == first[:-1]
    assert _tokens.__wrapped__(normalize(text), slot_words()) == tuple(first[:-1])


def _said_words(names: tuple[str, ...]) -> list[str]:
    return sorted({w for name in names for p in phrases(name) for w in p.split()} | {"x", "ما"})


_SAYS_LISTS = ("power_back", "false_alarm", "question", "request_done", "cancel_report")


@given(
    st.sampled_from(_SAYS_LISTS),
    st.lists(st.sampled_from(_said_words(_SAYS_LISTS)), max_size=8),
)
def test_a_phrase_said_somewhere_is_found_by_the_tree_as_by_the_plain_list(
    name: str, words: list[str]
) -> None:
    """`says` looks for its phrases with one scan of their tree of beginnings: found in the
    padded words exactly where the plain alternation of the phrases finds one."""
    from handlers.outage_status import _said_somewhere

    padded = f" {normalize(' '.join(words))} "
    plain = re.compile("|".join(re.escape(f" {p} ") for p in phrases(name)))
    assert bool(_said_somewhere(name).search(padded)) == bool(plain.search(padded))
    for phrase in phrases(name)[:5]:
        told = f" {normalize(' '.join([*words, phrase]))} "
        assert bool(_said_somewhere(name).search(told)) == bool(plain.search(told))


def _month_words() -> list[str]:
    from bot.understanding.slots.times import _vocabulary

    v = _vocabulary()
    tables = (v.last_month, v.hijri, v.gregorian, v.past_month)
    words = {w for table in tables for key in table for w in key}
    return sorted(words | set(v.month_word) | {"في", "الكهربا", "طافيه", "5", "x"})


@given(st.lists(st.sampled_from(_month_words()), max_size=6), st.dates())
def test_a_message_with_no_word_a_months_name_begins_with_names_no_month(
    toks: list[str], today: date
) -> None:
    """`_named_month` passes a message none of whose words begins a month's name (or "last
    month"): at no position would a name have been found, and what it reads is as before."""
    from bot.understanding.slots.times import _named_month, _phrase_at, _vocabulary

    v = _vocabulary()
    tables = (v.last_month, v.hijri, v.gregorian)
    if all(table.firsts.isdisjoint(toks) for table in tables):
        assert all(_phrase_at(toks, i, t) == (None, 0) for t in tables for i in range(len(toks)))
        assert _named_month(toks, v, today) is None
    assert _named_month(["في", "رمضان"], v, date(2026, 5, 1)) is not None


def test_a_greeting_with_a_request_translates_only_its_own_return(
    seeded_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """«السلام عليكم الكهرباء طافية»: the report's answer opens with the greeting's return, the
    only small-talk return translated (all of them were, to pick one)."""
    from bot.i18n import Texts
    from handlers import small_talk

    asked: list[str] = []
    real = Texts._

    def counted(self: Texts, msgid: str, **fields: object) -> str:
        asked.append(msgid)
        return real(self, msgid, **fields)

    monkeypatch.setattr(Texts, "_", counted)
    settings = replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None, lang="ar"
    )
    engine = Engine(settings)
    phone = demo_phone_numbers(1)[0]
    replies = engine.handle(
        Inbound(
            channel="whatsapp",
            sender=phone,
            phone=phone,
            text="السلام عليكم الكهرباء طافية",
            received_at=datetime.now(UTC),
            message_id="SMgreet0001",
        )
    )
    returns = [m for m in asked if m in small_talk._RETURNS.values()]
    assert returns == [small_talk._RETURNS["greeting_salam"]]
    assert replies[0].text.startswith(Texts("ar")._(returns[0]))


# No deadline: the first example builds every kind's phrase index (hundreds of ms on a busy machine).
@settings(deadline=None)
@given(st.lists(st.sampled_from(_hazard_words()), max_size=8))
def test_the_kinds_a_message_names_are_those_each_list_finds(words: list[str]) -> None:
    """`_named` passes a kind's list when no word of the message can begin one of its phrases
    (`_Index.may_begin`): the same kinds, at the same places, as asking every list."""
    from bot.hazards.vocabulary import OTHER, _first_match, _index, _named, kinds

    every = [
        (kind, at)
        for kind in kinds()
        if kind.id != OTHER and (at := _first_match(words, f"hazard_{kind.id}")) is not None
    ]
    assert _named(words) == every
    for kind in kinds():
        name = f"hazard_{kind.id}"
        if kind.id != OTHER and not _index(name).may_begin(words):
            assert _first_match(words, name) is None


def test_a_messages_hazard_words_are_worked_out_once_and_read_the_same() -> None:
    """A turn asks whether someone is hurt, whether there is danger and of which kind: the
    message's stemmed and plain words are kept for the last texts, as worked out afresh."""
    from bot.hazards.vocabulary import _plain, _stems, is_danger, is_electrocuted

    text = "كم فاتورتي، وفيه سلك مكشوف قدام البيت وولدي لمسه"
    _stems.cache_clear()
    is_electrocuted.cache_clear()
    assert is_electrocuted(text) == is_electrocuted.__wrapped__(text)
    assert is_danger(text)
    assert _stems.cache_info().misses == 1
    assert _stems(text) == tuple(_stems.__wrapped__(text)) and _plain(text) == tuple(
        normalize(text).split()
    )


def test_a_new_areas_incident_is_written_with_core_and_read_back_whole(database_url: str) -> None:
    """The first report of an area writes its incident with one INSERT returning the row and
    claims the area with another (no unit of work): the incident is the session's object for
    its row, every column already there (nothing loaded again when read), its changes saved;
    the next report of the area joins it."""
    from bot.outages.models import Incident, OpenArea
    from bot.outages.service import report_outage
    from bot.storage.db import session_scope

    at = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)

    def report(session: object, n: int) -> object:
        return report_outage(
            session,  # type: ignore[arg-type]
            channel="whatsapp",
            sender=f"+9665{n:08d}",
            phone=f"+9665{n:08d}",
            lang="ar",
            reported_at=at + timedelta(seconds=n),
            city="الرياض",
            district="حي الروضة",
        )

    statements: list[str] = []
    pool = engine_for(database_url)

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement.split("(")[0].split("\n")[0].strip())

    with session_scope(database_url) as session:
        event.listen(pool, "before_cursor_execute", seen)
        try:
            first = report(session, 1)
            inserts = [s for s in statements if s.startswith("INSERT")]
            statements.clear()
            incident = first.incident  # type: ignore[attr-defined]
            assert session.get(Incident, incident.id) is incident and incident not in session.dirty
            values = {c.key: getattr(incident, c.key) for c in Incident.__table__.columns}
            assert statements == []  # every column was there: none loaded again
        finally:
            event.remove(pool, "before_cursor_execute", seen)
        assert inserts == [
            "INSERT INTO outage_incidents",
            "INSERT INTO outage_open_areas",
            "INSERT INTO outage_reports",
        ]
        assert values["city_wide"] is False and values["created_at"] is not None
        assert values["started_at"] == at + timedelta(seconds=1)
        assert first.is_new_report and not first.joined_existing  # type: ignore[attr-defined]
        incident.cause = "عطل في المحول"
    with session_scope(database_url) as session:
        second = report(session, 2)
        assert second.incident.id == incident.id and second.reporters_count == 2  # type: ignore[attr-defined]
        assert second.incident.cause == "عطل في المحول"  # type: ignore[attr-defined]
        assert session.get(OpenArea, incident.area_key).incident_id == incident.id


def _ascii_digits_translating_each_time(text: str) -> str:
    """`ascii_digits` as it was: the marks translated and the digits substituted every time."""
    from bot.text.normalize import _ARABIC_SEPARATORS, _NON_ASCII_DIGIT, _ascii_digit

    if text.isascii():
        return text
    return _NON_ASCII_DIGIT.sub(_ascii_digit, text.translate(_ARABIC_SEPARATORS))


@given(
    st.lists(
        st.sampled_from(
            [
                "الكهرباء",
                "طافية",
                "٥",
                "۵",
                "12",
                "٫",
                "٬",
                "،",
                ",",
                ".",
                " ",
                "x",
                "١٢",
                "١",
                "٣٠",
            ]
        ),
        max_size=8,
    ).map("".join)
    | st.text(max_size=12)
)
def test_digits_are_made_ascii_only_where_a_digit_or_mark_needs_it(text: str) -> None:
    """`ascii_digits` returns a text with no Arabic mark and no digit other than 0-9 as it is
    (one scan), and every other text as translating and substituting made it."""
    from bot.text import ascii_digits

    assert ascii_digits(text) == _ascii_digits_translating_each_time(text)


@given(
    st.text(max_size=20)
    | st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), max_size=20)
)
def test_the_fold_table_folds_as_the_table_of_changes_then_the_digits(text: str) -> None:
    """The folding table holds the ASCII and Arabic characters it leaves as they are, mapped to
    themselves (no KeyError raised for each), and makes the Arabic block's digits ASCII: the
    same text as the table of changes alone, then every non-ASCII digit substituted, for any
    text with no character past the Arabic block (those are substituted still)."""
    from bot.text.normalize import (
        _ARABIC_SEPARATORS,
        _DIACRITICS,
        _FOLD_TABLE,
        _LETTER_FOLDS,
        _NON_ASCII_DIGIT,
        _PAST_ARABIC_BLOCK,
        _ascii_digit,
    )

    changes = dict.fromkeys(_DIACRITICS) | str.maketrans(_LETTER_FOLDS) | _ARABIC_SEPARATORS
    expected = _NON_ASCII_DIGIT.sub(_ascii_digit, text.translate(changes))
    folded = text.translate(_FOLD_TABLE)
    if _PAST_ARABIC_BLOCK.search(folded) is not None:
        folded = _NON_ASCII_DIGIT.sub(_ascii_digit, folded)
    assert folded == expected


def test_no_digit_but_the_arabic_blocks_is_below_its_end() -> None:
    """Below U+0700 the only decimal digits are 0-9 and the twenty of the Arabic block: a text
    with no character past the block has no other digit to substitute."""
    from bot.text.normalize import _ARABIC_BLOCK_DIGITS

    digits = {code for code in range(0x80, 0x0700) if chr(code).isdecimal()}
    assert digits == set(_ARABIC_BLOCK_DIGITS)


def test_an_outage_report_is_not_read_for_bill_questions(
    seeded_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The router asks a message's intent before reading it for a bill question or for how to
    pay (five phrase lists): «الكهرباء طافية» is reported without either; «وش الرسوم هذي»
    (unsure or a bill) is still answered as the bill question it is."""
    from handlers import bill, disconnection_rules

    read: list[str] = []
    asked, to_pay = bill.question_asked, disconnection_rules.asks_how_to_pay

    def question(text: str) -> str | None:
        read.append("question")
        return asked(text)

    def how_to_pay(text: str) -> bool:
        read.append("how_to_pay")
        return to_pay(text)

    monkeypatch.setattr(bill, "question_asked", question)
    monkeypatch.setattr(disconnection_rules, "asks_how_to_pay", how_to_pay)
    settings = replace(
        Settings.from_env(), database_url=seeded_database_url, billing_url=None, lang="ar"
    )
    engine = Engine(settings)
    first, second = demo_phone_numbers(6)[4:]
    replies = engine.handle(_said(first, "الكهرباء طافية", datetime.now(UTC), "SMnobill1"))
    assert "OUT-" in replies[0].text and read == []
    engine.handle(_said(second, "وش الرسوم هذي", datetime.now(UTC), "SMnobill2"))
    assert "question" in read


def test_a_start_told_is_read_once_for_the_same_words_and_instant() -> None:
    """`start_told` keeps its last answer: asked again of the same words, instant and earlier
    end it gives that answer, equal to a fresh reading; anything else is read afresh."""
    from handlers.outage_report import _start_told, start_told

    now = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    for said in ("طافية من الساعة ٥ الفجر", "من الصبح طافية", "الكهرباء طافية", "من امس الساعة ٨"):
        first = start_told(said, now)
        assert start_told(said, now) is first
        assert first == _start_told(said, now, None)
        assert start_told(said, now.astimezone(timezone(timedelta(hours=3)))) is first
        later = now + timedelta(hours=5)
        assert start_told(said, later) == _start_told(said, later, None)
        after = now - timedelta(hours=1)
        assert start_told(said, now, after) == _start_told(said, now, after)


def test_a_sure_bill_question_is_not_read_for_a_place_alone(
    seeded_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message read surely as a bill question is no place alone ("في حي الروضة جدة"): the
    router does not look for a place in it (a place name is looked for when the message is read
    as an outage, its status or nothing); a place alone is still asked about."""
    import bot.dialogue.router as router

    looked: list[str] = []
    real = router.find_place

    def counted(text: str) -> object:
        looked.append(text)
        return real(text)

    monkeypatch.setattr(router, "find_place", counted)
    settings = replace(Settings.from_env(), database_url=seeded_database_url, billing_url=None)
    engine = Engine(settings)
    first, second = demo_phone_numbers(2)

    def say(phone: str, said: str) -> str:
        message = Inbound(
            channel="whatsapp",
            sender=phone,
            phone=phone,
            text=said,
            received_at=datetime.now(UTC),
            message_id=f"SM{phone[-6:]}{len(said)}",
        )
        return engine.handle(message)[0].text

    assert "ر.س" in say(first, "كم فاتورتي")
    assert looked == []
    assert "الروضة" in say(second, "في حي الروضة جدة")
    assert looked
