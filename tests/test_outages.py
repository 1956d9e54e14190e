"""Reports joined into incidents: by district, by shared location, per sender, under threads."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.config import RIYADH
from bot.outages import latest_report, report_outage, restore_incident, update_incident
from bot.outages.area import JOIN_DISTANCE_KM, distance_km
from bot.outages.models import Incident, OutageReport
from bot.outages.service import OutageError, cancel_report, list_incidents, parse_reference
from bot.storage.db import session_factory, session_scope

T0 = datetime(2026, 1, 11, 8, 0, tzinfo=RIYADH)


def report(session, n: int, **place):
    fields = {"city": "الرياض", "district": "حي الروضة"} | place
    return report_outage(
        session,
        channel="whatsapp",
        sender=f"+9665{n:08d}",
        phone=f"+9665{n:08d}",
        lang="ar",
        reported_at=T0 + timedelta(seconds=n),
        **fields,
    )


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_thousand_reporters_in_one_district_make_one_incident(database_url: str) -> None:
    factory = session_factory(database_url)
    outcomes = []
    for n in range(1000):
        with factory.begin() as session:  # one unit of work per inbound message, as the dialogue
            # Spelling varies between reporters; the district is the same.
            district = ("حي الروضة", "الروضه", "  الرَّوضة ")[n % 3]
            outcomes.append(report(session, n, district=district))
    with factory() as session:
        assert count(session, Incident) == 1
        assert count(session, OutageReport) == 1000
        incident = session.scalars(select(Incident)).one()
        assert incident.reporters_count == 1000
        assert incident.start == T0
    assert outcomes[0].joined_existing is False
    assert all(o.joined_existing and o.is_new_report for o in outcomes[1:])
    assert outcomes[-1].reporters_count == 1000
    assert len({o.report.reference for o in outcomes}) == 1000


def test_two_districts_make_two_incidents(database_url: str) -> None:
    with session_scope(database_url) as session:
        a = [report(session, n, district="الروضة") for n in range(5)]
        b = [report(session, 100 + n, district="العليا") for n in range(5)]
        other_city = report(session, 200, city="جدة", district="الروضة")
        assert len({o.incident.id for o in a}) == 1
        assert len({o.incident.id for o in b}) == 1
        assert a[0].incident.id != b[0].incident.id
        assert other_city.incident.id not in (a[0].incident.id, b[0].incident.id)
        assert count(session, Incident) == 3


def test_a_shared_location_within_the_distance_joins(database_url: str) -> None:
    here = (24.7136, 46.6753)
    near = (24.7136 + 0.012, 46.6753)  # about 1.3 km north
    far = (24.7136 + 0.05, 46.6753)  # about 5.6 km north
    assert distance_km(*here, *near) < JOIN_DISTANCE_KM < distance_km(*here, *far)
    with session_scope(database_url) as session:
        first = report(session, 1, district=None, latitude=here[0], longitude=here[1])
        joined = report(session, 2, district=None, latitude=near[0], longitude=near[1])
        apart = report(session, 3, district=None, latitude=far[0], longitude=far[1])
        assert joined.incident.id == first.incident.id and joined.joined_existing
        assert apart.incident.id != first.incident.id and not apart.joined_existing


def test_a_located_report_joins_a_district_incident_nearby(database_url: str) -> None:
    with session_scope(database_url) as session:
        first = report(session, 1, latitude=24.7136, longitude=46.6753)
        by_location_only = report(
            session, 2, city=None, district=None, latitude=24.7200, longitude=46.6753
        )
        assert by_location_only.incident.id == first.incident.id


def test_a_second_report_from_the_same_sender_is_not_new(database_url: str) -> None:
    with session_scope(database_url) as session:
        first = report(session, 7)
        again = report(session, 7)
        assert not again.is_new_report
        assert again.report.id == first.report.id
        assert again.reporters_count == 1
        # The same phone on another channel is the same reporter too.
        other_channel = report_outage(
            session,
            channel="sms",
            sender="+966500000007",
            phone="+966500000007",
            lang="ar",
            reported_at=T0,
            city="الرياض",
            district="الروضة",
        )
        assert not other_channel.is_new_report and other_channel.report.id == first.report.id


def test_accounts_without_a_district_share_one_area(database_url: str) -> None:
    with session_scope(database_url) as session:
        a = report(session, 1, city=None, district=None, account="30012345678", premise="P1")
        b = report(session, 2, city=None, district=None, account="30012345678", premise="P2")
        c = report(session, 3, city=None, district=None, account="30099999999")
        assert a.incident.id == b.incident.id != c.incident.id


def test_latest_report_by_phone_across_channels_else_by_sender(database_url: str) -> None:
    with session_scope(database_url) as session:
        assert (
            latest_report(
                session, channel="whatsapp", sender="+966500000001", phone="+966500000001"
            )
            is None
        )
        made = report(session, 1)
        found = latest_report(session, channel="telegram", sender="tg:9", phone="+966500000001")
        assert found is not None and found[0].id == made.report.id
        tg = report_outage(
            session,
            channel="telegram",
            sender="tg:42",
            phone=None,
            lang="en",
            reported_at=T0,
            district="العليا",
        )
        found = latest_report(session, channel="telegram", sender="tg:42", phone=None)
        assert found is not None and found[0].id == tg.report.id
        assert found[0].reference.startswith("OUT-") and found[1].reference.startswith("INC-")


def test_a_report_named_is_found_only_among_the_senders_own(database_url: str) -> None:
    with session_scope(database_url) as session:
        mine, other = report(session, 1), report(session, 2, district="حي العليا")
        who = {"channel": "whatsapp", "sender": "+966500000001", "phone": "+966500000001"}
        found = latest_report(session, **who, report=mine.report.id)
        assert found is not None and found[0].id == mine.report.id
        found = latest_report(session, **who, incident=mine.incident.id)
        assert found is not None and found[0].id == mine.report.id
        assert latest_report(session, **who, report=other.report.id) is None
        assert latest_report(session, **who, incident=other.incident.id) is None


def test_still_off_after_restoration_opens_a_linked_incident(database_url: str) -> None:
    with session_scope(database_url) as session:
        old = report(session, 1).incident
        report(session, 2)
        restore_incident(session, old.reference, at=T0 + timedelta(hours=2))
        again = report_outage(
            session,
            channel="whatsapp",
            sender="+966500000001",
            phone="+966500000001",
            lang="ar",
            reported_at=T0 + timedelta(hours=3),
            still_off=True,
        )
        assert again.is_new_report and again.incident.id != old.id
        assert again.incident.reopened_from_id == old.id
        assert again.incident.is_open and again.incident.district == "حي الروضة"
        # Counted from its first report, never from the closed one's start: whoever joins it
        # was not out for those hours (the closed incident keeps its own case).
        assert again.incident.start == T0 + timedelta(hours=3) != old.start
        assert old.status == "restored"
        # A neighbour writing "still off" joins the reopened incident.
        neighbour = report(session, 2, still_off=True)
        assert neighbour.incident.id == again.incident.id


def test_a_report_after_restoration_opens_a_new_incident(database_url: str) -> None:
    with session_scope(database_url) as session:
        old = report(session, 1).incident
        restore_incident(session, old.reference, at=T0 + timedelta(hours=1))
        later = report(session, 5)
        assert later.incident.id != old.id and later.incident.reopened_from_id is None


def test_out_of_order_reports_move_the_start_back_unless_the_operator_set_it(
    database_url: str,
) -> None:
    with session_scope(database_url) as session:
        first = report(session, 600)
        earlier = report(session, 60)
        assert earlier.incident.start == T0 + timedelta(seconds=60)
        update_incident(session, first.incident.reference, started_at=T0 + timedelta(minutes=30))
        report(session, 1)
        assert first.incident.start == T0 + timedelta(minutes=30)


def test_operator_updates_are_checked(database_url: str) -> None:
    with session_scope(database_url) as session:
        ref = report(session, 1).incident.reference
        with pytest.raises(OutageError, match="before the outage started"):
            update_incident(session, ref, eta=T0 - timedelta(hours=1))
        with pytest.raises(OutageError, match="planned"):
            update_incident(session, ref, notice_at=T0 - timedelta(days=3))
        incident = update_incident(session, ref, eta=T0 + timedelta(hours=2))
        assert incident.estimate_version == 1
        update_incident(session, ref, eta=T0 + timedelta(hours=2))  # the same estimate again
        assert incident.estimate_version == 1
        update_incident(session, ref, eta=T0 + timedelta(hours=3))
        assert incident.estimate_version == 2
        with pytest.raises(OutageError, match="before the outage started"):
            restore_incident(session, ref, at=T0 - timedelta(minutes=1))
        restore_incident(session, ref, at=T0 + timedelta(hours=4))
        restore_incident(session, ref, at=T0 + timedelta(hours=4))  # a rerun is a no-op
        with pytest.raises(OutageError, match="already restored"):
            restore_incident(session, ref, at=T0 + timedelta(hours=5))
        with pytest.raises(OutageError, match="already restored"):
            update_incident(session, ref, eta=T0 + timedelta(hours=6))
        with pytest.raises(OutageError, match="no incident"):
            update_incident(session, "INC-999999", cause="x")


def test_an_incident_whose_every_report_is_cancelled_is_withdrawn(database_url: str) -> None:
    with session_scope(database_url) as session:
        first, second = report(session, 1), report(session, 2)
        incident = first.incident
        assert cancel_report(session, first.report, T0 + timedelta(minutes=5)) is None
        assert incident.is_open  # another reporter still stands
        assert cancel_report(session, second.report, T0 + timedelta(minutes=6)) is incident
        assert incident.status == "withdrawn" and incident.restored_at is None
        assert incident not in list_incidents(session)
        with pytest.raises(OutageError, match="withdrawn"):
            restore_incident(session, incident.reference, at=T0 + timedelta(hours=1))
        with pytest.raises(OutageError, match="withdrawn"):
            update_incident(session, incident.reference, eta=T0 + timedelta(hours=2))
        # The area is free again: a new report there opens a new incident.
        later = report(session, 3)
        assert later.incident.id != incident.id and later.incident.is_open


def test_a_cancelled_urgent_report_does_not_put_its_incident_first(database_url: str) -> None:
    with session_scope(database_url) as session:
        older = report(session, 1, urgent=True)
        report(session, 2)  # keeps the older incident open once the urgent one is cancelled
        newer = report(session, 100, district="حي الملقا")
        assert list_incidents(session)[0] == older.incident  # someone on medical equipment
        cancel_report(session, older.report, T0 + timedelta(minutes=5))
        assert list_incidents(session) == [newer.incident, older.incident]


@given(st.integers(min_value=1, max_value=10**9))
@settings(max_examples=50)
def test_references_read_back_in_every_spelling(number: int) -> None:
    text = f"INC-{number:06d}"
    arabic = str(number).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for spelling in (text, text.lower(), f"inc {number}", str(number), arabic):
        assert parse_reference(spelling, "INC") == number
    assert parse_reference("OUT-12", "INC") is None


def test_simultaneous_reports_open_one_incident(database_url: str) -> None:
    factory = session_factory(database_url)
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def reporter(worker: int) -> None:
        try:
            start.wait()
            for n in range(worker * 25, worker * 25 + 25):
                with factory.begin() as session:
                    report(session, n, district="الملز")
        except BaseException as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=reporter, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with factory() as session:
        assert count(session, Incident) == 1
        assert count(session, OutageReport) == 200


def test_the_loser_of_a_race_for_an_area_joins_the_winner(database_url: str) -> None:
    """Another worker opens the area's incident between our look-up and our claim."""
    from sqlalchemy import event

    from bot.storage.db import engine_for

    engine = engine_for(database_url)
    factory = session_factory(database_url)
    raced = []

    def other_worker_first(conn, cursor, statement, *args) -> None:
        if statement.startswith("INSERT INTO outage_incidents") and not raced:
            raced.append(True)
            with factory.begin() as other:
                report(other, 2)

    event.listen(engine, "before_cursor_execute", other_worker_first)
    try:
        with factory.begin() as session:
            ours = report(session, 1)
            assert ours.joined_existing and ours.reporters_count == 2
    finally:
        event.remove(engine, "before_cursor_execute", other_worker_first)
    assert raced
    with factory() as session:
        assert count(session, Incident) == 1
        assert count(session, OutageReport) == 2


def test_a_report_joining_an_incident_gets_objects_the_orm_would_have_loaded(
    database_url: str,
) -> None:
    """The incident read and the report written with Core are the session's objects for their
    rows, as if the ORM had loaded them: found again by `get`, their changes saved by the
    next flush, what was not read (the reporters' count, deferred) loaded when asked for."""
    with session_scope(database_url) as session:
        report(session, 700)  # opens the incident, committed below
    with session_scope(database_url) as session:
        joined = report(session, 10)  # earlier than the incident's start: widened
        incident, new = joined.incident, joined.report
        assert session.get(Incident, incident.id) is incident
        assert session.get(OutageReport, new.id) is new
        assert incident in session and new in session and new not in session.dirty
        assert incident.reporters_count == 2
        new.urgent = True
        incident.district = "حي الملز"
        session.flush()
        assert session.scalar(select(OutageReport.urgent).where(OutageReport.id == new.id))
    with session_scope(database_url) as session:
        kept = session.get(Incident, incident.id)
        assert kept is not None and kept.district == "حي الملز"
        assert kept.start == T0 + timedelta(seconds=10)
        assert session.get(OutageReport, new.id).urgent


def test_a_restoration_time_before_a_report_leaves_that_report_open(database_url: str) -> None:
    """`restore --at T` given late: a report filed after T said the power was still off then,
    so it is not restored (nor told the power came back before it wrote): it stays open, in an
    incident of its own area linked to the restored one and counted from that report."""
    with session_scope(database_url) as session:
        old = report(session, 1).incident
        early = report(session, 2).report
        late = report_outage(
            session,
            channel="whatsapp",
            sender="+966500000009",
            phone="+966500000009",
            lang="ar",
            reported_at=T0 + timedelta(hours=5),
            city="الرياض",
            district="حي الروضة",
        ).report
        restore_incident(session, old.reference, at=T0 + timedelta(hours=2))
        assert old.status == "restored" and early.status == "restored"
        assert late.status == "open" and late.incident_id != old.id
        moved = session.get(Incident, late.incident_id)
        assert moved is not None and moved.is_open and moved.reopened_from_id == old.id
        assert moved.start == T0 + timedelta(hours=5)
        # A neighbour reporting now joins the open one.
        assert report(session, 3).incident.id == moved.id
