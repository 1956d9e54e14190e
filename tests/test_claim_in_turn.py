"""The real engine claims a message id in its turn's own transaction: the claim, what the turn
did and the stored answer are one commit. These tests hold what the separate claim held: a
redelivery never reaches the engine twice, waits for the first delivery's answer, and gets
the same answer after a failed turn or a rate-limited message."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select

from bot.channels import deliveries
from bot.channels.answering import Answerer
from bot.config import Settings
from bot.dialogue import engine as engine_module
from bot.dialogue.engine import Engine
from bot.dialogue.messages import Inbound
from bot.outages.models import OutageReport
from bot.storage.db import engine_for
from bot.storage.models import Contact, Delivery
from tests.support.psycopg_trips import count_round_trips


def inbound(message_id: str, text: str = "الكهرباء طافية", sender: str = "+966500000003"):
    return Inbound(
        channel="whatsapp",
        sender=sender,
        text=text,
        received_at=datetime.now(UTC),
        message_id=message_id,
        phone=sender,
    )


def answerer(url: str, **changes) -> Answerer:
    settings = replace(Settings(database_url=url, billing_url=None), **changes)
    return Answerer(Engine(settings), settings)


def rows(url: str) -> tuple[int, list[str | None]]:
    with engine_for(url).connect() as conn:
        reports = conn.execute(select(func.count()).select_from(OutageReport.__table__)).scalar()
        answers = list(conn.execute(select(Delivery.__table__.c.replies)).scalars())
    return int(reports or 0), answers


def text_of(reply) -> str:
    return reply.text


def test_the_real_engine_claims_in_its_turn(seeded_database_url) -> None:
    assert answerer(seeded_database_url)._claims_in_turn


def test_simultaneous_deliveries_of_one_message_make_one_report_and_one_answer(
    seeded_database_url, monkeypatch
) -> None:
    """The first turn is held up; the others wait for its commit (the sender lock, then the
    claim's row) and get its answer, on SQLite and on PostgreSQL."""
    real_route = engine_module.route
    entered = threading.Event()

    def slow_route(turn):
        entered.set()
        time.sleep(0.3)
        return real_route(turn)

    monkeypatch.setattr(engine_module, "route", slow_route)
    bot = answerer(seeded_database_url)
    with ThreadPoolExecutor(5) as pool:
        answers = list(pool.map(lambda _: bot.answer(inbound("SMsame"), text_of), range(5)))
    assert entered.is_set()
    assert sum(not a.repeat for a in answers) == 1
    assert len({tuple(a.texts) for a in answers}) == 1 and "OUT-" in answers[0].texts[0]
    reports, stored = rows(seeded_database_url)
    assert reports == 1 and len(stored) == 1 and "OUT-" in (stored[0] or "")


def test_a_failed_turn_leaves_its_apology_for_the_redelivery(
    seeded_database_url, monkeypatch
) -> None:
    real_route = engine_module.route

    def broken(turn):
        raise RuntimeError("a bug in a flow")

    monkeypatch.setattr(engine_module, "route", broken)
    bot = answerer(seeded_database_url)
    first = bot.answer(inbound("SMbroken"), text_of)
    assert not first.repeat and first.texts == [bot.apology().text]
    monkeypatch.setattr(engine_module, "route", real_route)
    again = bot.answer(inbound("SMbroken"), text_of)
    assert again.repeat and again.texts == first.texts
    reports, stored = rows(seeded_database_url)
    assert reports == 0 and len(stored) == 1 and stored[0] is not None


def test_a_rate_limited_message_keeps_its_answer_for_the_redelivery(seeded_database_url) -> None:
    bot = answerer(seeded_database_url, rate_limit_per_minute=1)
    answered = bot.answer(inbound("SMfirst", "مرحبا"), text_of)
    refused = bot.answer(inbound("SMsecond", "مرحبا"), text_of)
    assert not answered.repeat and not refused.repeat and refused.texts != answered.texts
    again = bot.answer(inbound("SMsecond", "مرحبا"), text_of)
    assert again.repeat and again.texts == refused.texts
    assert len(rows(seeded_database_url)[1]) == 2


def test_a_claim_left_by_a_separate_claim_is_waited_for(seeded_database_url, monkeypatch) -> None:
    """A claim in force that has no answer (a worker still on the separate claim, in a rolling
    upgrade): the turn that finds it ends, and the redelivery waits for the answer."""
    monkeypatch.setattr("bot.channels.answering.REPEAT_WAIT_SECONDS", 0.2)
    deliveries.claim(seeded_database_url, "whatsapp", "SMelsewhere")
    bot = answerer(seeded_database_url)
    from bot.channels.answering import RetryLater

    with pytest.raises(RetryLater):
        bot.answer(inbound("SMelsewhere"), text_of)
    assert rows(seeded_database_url)[0] == 0  # the engine did nothing


def test_redeliveries_do_not_use_up_the_senders_rate_limit(seeded_database_url: str) -> None:
    # A cold review: with the claim inside the turn, the rate limit counted redeliveries, so a
    # provider's retries could silence the subscriber's next real message.
    bot = answerer(seeded_database_url, rate_limit_per_minute=2)
    first = bot.answer(inbound("SM1", "مرحبا"), text_of)
    assert not first.repeat
    for _ in range(3):  # the provider delivers SM1 again (a slow 200, a network blip)
        again = bot.answer(inbound("SM1", "مرحبا"), text_of)
        assert again.repeat and again.texts == first.texts
    second = bot.answer(inbound("SM2", "الكهرباء طافية في حي الملز الرياض"), text_of)
    assert any("OUT-" in text for text in second.texts), second.texts


def test_on_postgresql_the_claim_rides_with_the_contact_read_and_the_answer_with_its_write(
    seeded_database_url,
) -> None:
    """A message: on PostgreSQL two statements (the claim with the contact row's read, the
    answer with its write) between BEGIN and COMMIT, for a new contact and a known one;
    elsewhere four. Either way the claim, the contact and the answer are stored, and a
    redelivery gets the answer."""
    bot = answerer(seeded_database_url)
    statements: list[str] = []
    engine = engine_for(seeded_database_url)

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    # Listened to, every statement goes through `Connection.execute` (bot/storage/prepared.py).
    event.listen(engine, "before_cursor_execute", seen)
    try:
        first = bot.answer(inbound("SMknown1", "السلام عليكم"), text_of)  # a new contact
        made = len(statements)
        second = bot.answer(inbound("SMknown2", "شكرا"), text_of)
        repeat = bot.answer(inbound("SMknown2", "شكرا"), text_of)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    on_postgresql = engine.dialect.name == "postgresql"
    assert made == (2 if on_postgresql else 4)
    turn = statements[made : made + (2 if on_postgresql else 4)]
    if on_postgresql:
        assert "INSERT INTO deliveries" in statements[0] and "FROM contacts" in statements[0]
        assert "UPDATE deliveries" in statements[1] and "INSERT INTO contacts" in statements[1]
        assert "INSERT INTO deliveries" in turn[0] and "FROM contacts" in turn[0]
        assert "UPDATE deliveries" in turn[1] and "UPDATE contacts" in turn[1]
    assert not first.repeat and not second.repeat and repeat.repeat
    assert repeat.texts == second.texts
    with engine.connect() as conn:
        answers = dict(
            conn.execute(
                select(Delivery.__table__.c.message_id, Delivery.__table__.c.replies)
            ).all()
        )
        contact = conn.execute(
            select(Contact.__table__.c.last_inbound_at).where(
                Contact.__table__.c.sender == "+966500000003"
            )
        ).scalar_one()
    assert json.loads(answers["SMknown2"] or "null") == second.texts
    assert json.loads(answers["SMknown1"] or "null") == first.texts
    assert contact is not None and "SMknown1" in answers


def test_on_postgresql_a_turn_is_two_round_trips_begin_and_commit_included(
    seeded_database_url, monkeypatch
) -> None:
    """Nothing listening (production's path, bot/storage/postgres_wire.py): the BEGIN goes
    with the claim and the contact's read, the COMMIT with the answer and the contact's
    write; psycopg sends no command of its own. What was stored is committed (a second
    connection reads it), and a redelivery gets it."""
    import psycopg
    from psycopg.pq import TransactionStatus

    from bot.storage import postgres_wire

    if not seeded_database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    own: list[bytes] = []
    trips: list[str] = []
    real_command, real_exchange = psycopg.Connection._exec_command, postgres_wire._exchange

    def command(self, sent, *args, **kwargs):
        own.append(sent)
        return real_command(self, sent, *args, **kwargs)

    def exchange(pgconn, commands):
        got = yield from real_exchange(pgconn, commands)
        trips.append(TransactionStatus(pgconn.transaction_status).name)  # after the round trip
        return got

    bot = answerer(seeded_database_url)
    bot.answer(inbound("SMwarm", "السلام عليكم"), text_of)  # statements prepared, pool made
    monkeypatch.setattr(psycopg.Connection, "_exec_command", command)
    monkeypatch.setattr(postgres_wire, "_exchange", exchange)
    answer = bot.answer(inbound("SMtwo", "شكرا"), text_of)
    # (BEGIN, the claim and the read), (the write and the answer, COMMIT)
    assert own == [] and trips == ["INTRANS", "IDLE"]
    monkeypatch.undo()
    _, answers = rows(seeded_database_url)
    assert json.dumps(answer.texts, ensure_ascii=False) in answers
    assert bot.answer(inbound("SMtwo", "شكرا"), text_of).texts == answer.texts


def test_on_postgresql_a_bill_and_a_reports_status_read_their_rows_with_the_claim(
    seeded_database_url, monkeypatch
) -> None:
    """The sender's accounts and outage reports go with the turn's first statement
    (`Engine._reads_ahead`): a bill lookup and a question about the report just made read
    them without a round trip of their own; their answers are those read afresh."""
    if not seeded_database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    from bot.billing.demo import demo_phone_numbers

    phone = demo_phone_numbers(3)[2]  # one account
    bot = answerer(seeded_database_url)
    bot.answer(inbound("SMahead0", "السلام عليكم", phone), text_of)  # prepared, pool made
    made = bot.answer(inbound("SMahead1", "الكهرباء طافية", phone), text_of).texts[0]
    trips = count_round_trips(monkeypatch)
    bill = bot.answer(inbound("SMahead2", "كم فاتورتي", phone), text_of).texts[0]
    # The claim with the contact, the accounts and the reports; the bill; the write.
    assert len(trips) == 3 and "ر.س" in bill
    trips.clear()
    status = bot.answer(inbound("SMahead3", "وش صار على البلاغ", phone), text_of).texts[0]
    assert len(trips) == 3  # (the safety reports' look is the ORM's, not read ahead)
    monkeypatch.undo()
    reference = made[made.index("OUT-") :][:10]
    assert reference in status
