"""Joining under real concurrency on PostgreSQL (skipped when the test server is unreachable)."""

from __future__ import annotations

import os
import threading
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import sessionmaker

from bot.channels.outbound import CollectingSender
from bot.config import RIYADH
from bot.outages import notify_incident_event, report_outage, restore_incident
from bot.outages.models import Incident, OutageReport
from bot.storage.db import is_reachable
from bot.storage.schema import Base

PG_URL = os.environ.get(
    "SADEEQ_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
T0 = datetime(2026, 1, 11, 8, 0, tzinfo=RIYADH)

pytestmark = pytest.mark.skipif(not is_reachable(PG_URL), reason="PostgreSQL not reachable")


@pytest.fixture
def pg_factory():
    """A schema of our own, so parallel test runs and other work in the database don't mix."""
    schema = f"outages_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(
        PG_URL, pool_size=10, connect_args={"options": f"-csearch_path={schema}"}
    )
    Base.metadata.create_all(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_simultaneous_reports_in_two_districts_make_two_incidents(pg_factory) -> None:
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def reporter(worker: int) -> None:
        try:
            barrier.wait()
            for n in range(worker * 40, worker * 40 + 40):
                with pg_factory.begin() as session:
                    report_outage(
                        session,
                        channel="whatsapp",
                        sender=f"+9665{n:08d}",
                        phone=f"+9665{n:08d}",
                        lang="ar",
                        reported_at=T0 + timedelta(seconds=n),
                        city="الرياض",
                        district=("الروضة", "العليا")[n % 2],
                    )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=reporter, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[0]
    with pg_factory() as session:
        counts = session.execute(
            select(Incident.district, func.count(OutageReport.id))
            .join(OutageReport, OutageReport.incident_id == Incident.id)
            .group_by(Incident.district)
        ).all()
        assert dict(counts) == {"العليا": 160, "الروضة": 160}
        assert session.scalar(select(func.count()).select_from(Incident)) == 2
        incident_id = session.scalars(select(Incident.id)).first()
        restore_incident(session, incident_id, at=T0 + timedelta(hours=4))
        session.commit()

    senders = [CollectingSender(), CollectingSender()]
    threads = [
        threading.Thread(
            target=notify_incident_event, args=(pg_factory, incident_id, "restored", s)
        )
        for s in senders
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    addresses = [m.address for s in senders for m in s.sent]
    assert len(addresses) == 160 == len(set(addresses))
