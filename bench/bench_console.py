"""How long the console's incident list takes with 10,000 reports in 30 incidents, against the
JSON listing of the token API (`GET /operator/incidents`) measured in the same run.

    .venv/bin/python bench/bench_console.py [--reports 10000] [--incidents 30] [--rounds 40]

Both go through the whole Starlette app in-process (Starlette's TestClient, no network): the
console page with a signed-in session (cookie check, session lookup, Jinja2 rendering of every
row) and the API with its bearer token. Rounds alternate between the two, so the busy machine
slows both alike. Prints the median and 95th percentile of each, and the ratio console/API.
Goal: the console's list in under 200 ms.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.server import create_app  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.console.auth import add_operator  # noqa: E402
from bot.outages.models import OPEN, Incident, OpenArea, OutageReport  # noqa: E402
from bot.storage.db import create_schema, session_scope  # noqa: E402

PASSWORD = "bench console password"
TOKEN = "bench-operator-token"
DISTRICTS = ["العليا", "الملز", "النخيل", "الروضة", "السليمانية", "الياسمين"]


def seed(url: str, reports: int, incidents: int) -> None:
    started = datetime.now(UTC) - timedelta(hours=5)
    with session_scope(url) as session:
        add_operator(session, "bench", PASSWORD)
        for n in range(incidents):
            district = f"{DISTRICTS[n % len(DISTRICTS)]} {n}"
            incident = Incident(
                area_key=f"الرياض/{district}",
                city="الرياض",
                district=district,
                status=OPEN,
                started_at=started + timedelta(minutes=n),
                estimate_version=0,
                cause="عطل في المغذي" if n % 3 == 0 else None,
                planned=n % 7 == 0,
                force_majeure=False,
            )
            session.add(incident)
            session.flush()
            session.add(OpenArea(area_key=incident.area_key, incident_id=incident.id))
        session.flush()
        session.bulk_insert_mappings(
            OutageReport,
            [
                {
                    "incident_id": 1 + i % incidents,
                    "channel": "whatsapp",
                    "sender": f"+9665{i:08d}",
                    "phone": f"+9665{i:08d}",
                    "lang": "ar",
                    "reported_at": started + timedelta(seconds=i),
                    "district": DISTRICTS[i % len(DISTRICTS)],
                    "urgent": i % 997 == 0,
                    "still_off": False,
                    "status": OPEN,
                }
                for i in range(reports)
            ],
        )


def timed(client: TestClient, path: str, **kwargs) -> float:
    start = time.perf_counter()
    answer = client.get(path, **kwargs)
    elapsed = time.perf_counter() - start
    assert answer.status_code == 200, (path, answer.status_code)
    return elapsed * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--incidents", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite"
        create_schema(url)
        start = time.perf_counter()
        seed(url, args.reports, args.incidents)
        print(
            f"seeded {args.reports} reports in {args.incidents} incidents "
            f"in {time.perf_counter() - start:.1f} s"
        )
        settings = Settings(database_url=url, operator_token=TOKEN, console_secret="bench")
        client = TestClient(create_app(settings, engine=object()))
        form = client.get("/console/signin").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        client.post("/console/signin", data={"csrf": csrf, "name": "bench", "password": PASSWORD})
        page = client.get("/console/incidents").text
        assert page.count('href="/console/incidents/INC-') == args.incidents
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        listed = client.get("/operator/incidents", headers=bearer).json()["incidents"]
        assert sum(i["reporters"] for i in listed) == args.reports

        console, api, rows = [], [], []
        for _ in range(args.rounds):
            console.append(timed(client, "/console/incidents"))
            rows.append(timed(client, "/console/incidents/rows"))
            api.append(timed(client, "/operator/incidents", headers=bearer))

    def line(name: str, values: list[float]) -> str:
        p95 = statistics.quantiles(values, n=20)[-1]
        return f"{name:<44} median {statistics.median(values):7.1f} ms   p95 {p95:7.1f} ms"

    print(line("baseline: GET /operator/incidents (JSON)", api))
    print(line("console: GET /console/incidents (page)", console))
    print(line("console: GET /console/incidents/rows (refresh)", rows))
    ratio = statistics.median(console) / statistics.median(api)
    print(f"ratio console page / JSON API (medians): {ratio:.2f}")
    goal = statistics.median(console) < 200
    print(f"goal: the page in under 200 ms: {'met' if goal else 'NOT met'}")
    return 0 if goal else 1


if __name__ == "__main__":
    raise SystemExit(main())
