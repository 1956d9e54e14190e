"""Issue 6 at a small scale (the full burst is bench/bench_outage_burst.py): 200 signed WhatsApp
outage reports from 200 subscribers, some sent at once, through the real app and engine; each is
acknowledged with its own reference number and each is one row in the database."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from bot.billing.demo import FIXED_SUBSCRIBERS, demo_phone_numbers, generated_subscriber, seed_demo
from bot.channels.server import create_app
from bot.config import Settings
from bot.outages.models import Incident, OutageReport
from bot.storage.db import session_scope

TOKEN = "twilio-auth-token-for-the-burst"
PUBLIC_URL = "https://sadeeq.example.sa"
PATH = "/twilio/whatsapp"
REPORTS = 200
LOCATION_EVERY = 5
# Two places where neighbours share their location, a few hundred metres apart at most.
POINTS = [(24.6953, 46.6850), (21.5601, 39.1650)]  # each offset stays in one grid cell
REFERENCE = re.compile(r"OUT-\d+")


def report(i: int, phone: str) -> dict[str, str]:
    params = {
        "MessageSid": f"SMsmallburst{i:06d}",
        "From": f"whatsapp:{phone}",
        "To": "whatsapp:+966920000000",
        "NumMedia": "0",
        "Body": "الكهرباء طافية",
    }
    if i % LOCATION_EVERY == 0:
        lat, lon = POINTS[i % len(POINTS)]
        offset = (i % 7) * 0.0005  # up to about 300 m
        # With words: a bare location is first asked about (outage or hazard).
        params |= {
            "Body": "الكهرباء طافية",
            "Latitude": f"{lat + offset:.6f}",
            "Longitude": f"{lon - offset:.6f}",
        }
    return params


def send(client: TestClient, params: dict[str, str]) -> tuple[int, list[str]]:
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC_URL + PATH, params)
    response = client.post(PATH, data=params, headers={"X-Twilio-Signature": signature})
    texts = (
        [m.text or "" for m in ET.fromstring(response.text).findall("Message")]
        if response.status_code == 200
        else [response.text]
    )
    return response.status_code, texts


def test_every_report_of_a_burst_is_acknowledged_and_counted(database_url):
    seed_demo(database_url, subscribers=REPORTS + FIXED_SUBSCRIBERS, months=1)
    phones = demo_phone_numbers(REPORTS)
    requests = [report(i, phone) for i, phone in enumerate(phones)]
    settings = Settings(database_url=database_url, public_url=PUBLIC_URL, twilio_auth_token=TOKEN)
    with TestClient(create_app(settings)) as client, ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda params: send(client, params), requests))
        # Twilio delivers again when it missed an answer: the same reference, no second row.
        again = send(client, requests[0])

    references = []
    for (status, texts), params in zip(answers, requests, strict=True):
        assert status == 200, (params["From"], texts)
        found = REFERENCE.findall(" ".join(texts))
        assert len(found) == 1, (params["From"], texts)
        references.append(found[0])
    assert len(set(references)) == REPORTS
    assert again == answers[0]

    texting = (generated_subscriber(k) for k in range(REPORTS) if k % LOCATION_EVERY)
    districts = {(s.city, s.district) for s in texting}
    with session_scope(database_url) as session:
        count, senders = session.execute(
            select(func.count(OutageReport.id), func.count(func.distinct(OutageReport.sender)))
        ).one()
        stored = {row.reference for row in session.scalars(select(OutageReport))}
        incidents = session.scalar(select(func.count(Incident.id)))
    assert (count, senders) == (REPORTS, REPORTS)
    assert stored == set(references)
    # Text reports join their district's incident, location reports one incident per place.
    assert incidents == len(districts) + len(POINTS)
