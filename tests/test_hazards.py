"""Safety hazards end to end: the conversation through the real engine, near-duplicates, the
operator's CLI and API, the "made safe" notice told once, and reporters' numbers masked."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
from datetime import datetime, timedelta

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.channels.outbound import CollectingSender
from bot.cli import main as sadeeq
from bot.config import RIYADH, Settings
from bot.dialogue.engine import Engine
from bot.dialogue.messages import Inbound, Location, Media
from bot.hazards.models import RESOLVED, HazardMedia
from bot.hazards.notify import notify_resolved
from bot.hazards.service import find_hazard, report_hazard, resolve_hazard
from bot.logs import configure_logging
from bot.outages.api import operator_routes
from bot.storage.db import session_scope
from tests.support.media_server import PHOTO, MediaServer

T0 = datetime(2026, 11, 24, 10, 0, tzinfo=RIYADH)
TOKEN = "s3cret-operator-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
OLAYA = (24.7136, 46.6753)


def metres_north(point: tuple[float, float], metres: float) -> tuple[float, float]:
    return point[0] + metres / 111_320, point[1]


class Chat:
    """One subscriber talking to the real engine."""

    def __init__(self, engine: Engine, phone: str, channel: str = "whatsapp") -> None:
        self.engine, self.phone, self.channel, self.count = engine, phone, channel, 0
        self.now = T0

    def send(
        self, text: str = "", location: tuple[float, float] | None = None, photo: str | None = None
    ) -> list[str]:
        self.count += 1
        self.now += timedelta(seconds=30)
        phone = self.phone if self.channel != "telegram" else None
        message = Inbound(
            channel=self.channel,
            sender=self.phone,
            phone=phone,
            text=text,
            received_at=self.now,
            message_id=f"{self.phone}-{self.count}",
            location=Location(*location) if location else None,
            has_media=photo is not None,
            media=(Media("twilio", photo, "image/jpeg"),) if photo else (),
        )
        return [reply.text for reply in self.engine.handle(message)]


@pytest.fixture
def settings(seeded_database_url: str) -> Settings:
    return dataclasses.replace(
        Settings.from_env(),
        database_url=seeded_database_url,
        billing_url=None,
        lang="ar",
        operator_token=TOKEN,
    )


@pytest.fixture
def engine(settings: Settings) -> Engine:
    return Engine(settings)


def reference_in(replies: list[str]) -> str:
    import re

    (ref,) = {m for reply in replies for m in re.findall(r"HAZ-\d{6}", reply)}
    return ref


def test_danger_words_get_933_before_anything_else(engine: Engine) -> None:
    replies = Chat(engine, "+966500000004").send("في شرار وسلك طايح عند دوار الجامعة في جدة")
    assert "933" in replies[0] and "ابتعد عن المكان" in replies[0]
    assert "HAZ-" not in replies[0] and "HAZ-" in replies[-1]


def test_no_danger_no_933(engine: Engine) -> None:
    replies = Chat(engine, "+966500000004").send("العمود مايل عند مدرسة النور في حي الملز")
    assert len(replies) == 1 and "933" not in replies[0] and "HAZ-" in replies[0]


def test_an_open_cabinet_is_danger_now_933_first(engine: Engine) -> None:
    # domain.md, "Contacts the bot may give": an open cabinet gets 933 at once.
    replies = Chat(engine, "+966500000004").send("الطبلون مفتوح عند مدرسة النور في حي الملز")
    assert "933" in replies[0] and "HAZ-" not in replies[0] and "HAZ-" in replies[-1]


def test_every_reporter_is_told_once_when_it_is_made_safe(
    engine: Engine, settings: Settings
) -> None:
    near = metres_north(OLAYA, 120)
    first = Chat(engine, "+966500000004").send("الطبلون مفتوح", location=OLAYA)
    second = Chat(engine, "+966500000003").send("the electricity cabinet is open", location=near)
    third = Chat(engine, "777001", channel="telegram").send("كبينة الكهرباء مفتوحة", location=near)
    refs = [reference_in(r) for r in (first, second, third)]
    assert len(set(refs)) == 3  # one reference per reporter
    with session_scope(settings.database_url) as session:
        hazards = {find_hazard(session, ref).id for ref in refs}
        assert len(hazards) == 1  # …and one hazard for all three
        resolve_hazard(session, refs[0], at=T0 + timedelta(hours=1), note="أغلق الفريق الطبلون")
    (hazard_id,) = hazards
    sender = CollectingSender()
    assert notify_resolved(settings.database_url, hazard_id, sender) == 3
    assert notify_resolved(settings.database_url, hazard_id, sender) == 0  # a rerun: none again
    by_address = {m.address: m for m in sender.sent}
    assert set(by_address) == {"+966500000004", "+966500000003", "777001"}
    assert by_address["777001"].channel == "telegram"
    assert (
        refs[0] in by_address["+966500000004"].text
        and "تم تأمين" in by_address["+966500000004"].text
    )
    assert (
        "made safe" in by_address["+966500000003"].text
        and refs[1] in by_address["+966500000003"].text
    )


def test_a_photo_sent_after_the_report_joins_it(engine: Engine, settings: Settings) -> None:
    with MediaServer() as media:
        chat = Chat(engine, "+966500000004")
        ref = reference_in(chat.send("عمود الكهرباء مايل في حي الروضة بجدة"))
        replies = chat.send(photo=media.url())
    assert ref in replies[0]
    with session_scope(settings.database_url) as session:
        hazard = find_hazard(session, ref)
        (photo,) = session.query(HazardMedia).all()
        assert photo.data == PHOTO and hazard.kind == "pole"


@pytest.mark.parametrize(
    "second, joined",
    [
        (dict(metres=150, hours=23), True),
        (dict(metres=250, hours=1), False),
        (dict(metres=50, hours=25), False),
        (dict(metres=50, hours=1, kind="pole"), False),
    ],
)
def test_near_duplicates_same_kind_within_200_m_and_a_day(
    database_url: str, second: dict, joined: bool
) -> None:
    with session_scope(database_url) as session:
        a = report_hazard(
            session,
            channel="whatsapp",
            sender="+966500000011",
            phone="+966500000011",
            lang="ar",
            reported_at=T0,
            kind="cable",
            latitude=OLAYA[0],
            longitude=OLAYA[1],
        )
        lat, lon = metres_north(OLAYA, second["metres"])
        b = report_hazard(
            session,
            channel="sms",
            sender="+966500000012",
            phone="+966500000012",
            lang="ar",
            reported_at=T0 + timedelta(hours=second["hours"]),
            kind=second.get("kind", "cable"),
            latitude=lat,
            longitude=lon,
        )
        assert (a.hazard.id == b.hazard.id) is joined
        assert b.reporters_count == (2 if joined else 1)


def test_places_in_words_join_whatever_the_spelling_and_a_resolved_hazard_is_not_joined(
    database_url: str,
) -> None:
    with session_scope(database_url) as session:

        def report(sender: str, place: str, hours: float = 0):
            return report_hazard(
                session,
                channel="whatsapp",
                sender=sender,
                phone=sender,
                lang="ar",
                reported_at=T0 + timedelta(hours=hours),
                kind="open_cabinet",
                place=place,
            )

        a = report("+966500000021", "حي الملز، الرياض")
        b = report("+966500000022", "الملز، الرياض")
        assert a.hazard.id == b.hazard.id and b.reporters_count == 2
        again = report("+966500000021", "حي الملز، الرياض", hours=1)
        assert not again.is_new_report and again.report.id == a.report.id
        resolve_hazard(session, a.hazard.id, at=T0 + timedelta(hours=2))
        c = report("+966500000023", "حي الملز، الرياض", hours=3)
        assert c.hazard.id != a.hazard.id and c.hazard.status != RESOLVED


def test_one_known_district_worded_apart_joins_within_the_hour_only(database_url: str) -> None:
    """A blind subscriber test: an open cabinet "جنب مدرسة الاطفال بحي الياسمين" and, five
    minutes later, "في الياسمين قريب من المدرسه" were two hazards."""
    with session_scope(database_url) as session:

        def report(sender: str, place: str, minutes: float = 0, kind: str = "open_cabinet"):
            return report_hazard(
                session,
                channel="whatsapp",
                sender=sender,
                phone=sender,
                lang="ar",
                reported_at=T0 + timedelta(minutes=minutes),
                kind=kind,
                place=place,
            )

        a = report("+966500000031", "جنب مدرسة الاطفال بحي الياسمين")
        b = report("+966500000032", "في الياسمين قريب من المدرسه", minutes=5)
        assert b.hazard.id == a.hazard.id and b.reporters_count == 2
        other_kind = report("+966500000033", "في الياسمين", minutes=6, kind="pole")
        assert other_kind.hazard.id != a.hazard.id
        other_district = report("+966500000034", "جنب المدرسة بحي الملز", minutes=7)
        assert other_district.hazard.id != a.hazard.id
        later = report("+966500000035", "عند الدوار في الياسمين", minutes=5 + 61)
        assert later.hazard.id != a.hazard.id  # an hour on: maybe another cabinet


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = sadeeq(["hazards", *args])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def operator_env(engine: Engine, settings: Settings, monkeypatch) -> dict[str, str]:
    monkeypatch.setenv("SADEEQ_DATABASE_URL", settings.database_url)
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    calm = reference_in(
        Chat(engine, "+966500000004").send("عداد مكسور عند مسجد الفاروق في حي السلي")
    )
    urgent = reference_in(
        Chat(engine, "+966500000003").send("حريق في المحول عند مستشفى الملك فهد بالرياض")
    )
    return {"calm": calm, "urgent": urgent}


def test_cli_lists_urgent_first_and_masks_numbers(capsys, operator_env: dict) -> None:
    code, out, _ = run_cli(capsys, "list")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert "URGENT" in lines[0] and "sparks_fire" in lines[0] and "meter" in lines[1]
    # The number the reporter was given (HAZ-…) is on the line beside the hazard's HZ-….
    assert operator_env["urgent"] in lines[0] and operator_env["calm"] in lines[1]
    code, out, _ = run_cli(capsys, "show", operator_env["urgent"])
    assert code == 0 and operator_env["urgent"] in out and "DANGER" in out
    assert "+966500000003" not in out and "0003" in out
    code, out, _ = run_cli(capsys, "show", operator_env["urgent"], "--json")
    view = json.loads(out)
    assert (
        view["urgent"]
        and "966500000003" not in out
        and view["reports"][0]["sender"].endswith("0003")
    )


def test_cli_assign_and_resolve(capsys, operator_env: dict, monkeypatch) -> None:
    from tests.support.fake_twilio import FakeTwilio

    code, out, _ = run_cli(capsys, "assign", operator_env["calm"], "--to", "فريق السلامة - الرياض")
    assert code == 0 and "assigned" in out and "فريق السلامة" in out
    # No Twilio credentials: the reporter could not be told, so nothing changes.
    code, out, err = run_cli(capsys, "resolve", operator_env["calm"])
    assert code == 1 and "no transport configured for whatsapp" in err
    assert "meter" in run_cli(capsys, "list")[1]  # still open
    with FakeTwilio() as twilio:
        monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "1" * 32)
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token")
        monkeypatch.setenv("TWILIO_WHATSAPP_FROM", "+966920000000")
        monkeypatch.setenv("TWILIO_SMS_FROM", "+966920000001")
        monkeypatch.setenv("TWILIO_API_BASE", twilio.url)
        code, out, _ = run_cli(capsys, "resolve", operator_env["calm"], "--note", "استبدل العداد")
        assert code == 0 and "resolved" in out and "told 1 reporters now" in out
        code, out, _ = run_cli(capsys, "resolve", operator_env["calm"])
        assert code == 0 and "told 0 reporters now; 1 told in all" in out
        (sent,) = twilio.sent
    # The report was made days ago: outside WhatsApp's 24-hour window the notice goes by SMS.
    assert sent["To"] == "+966500000004" and "تم تأمين" in sent["Body"]
    code, out, _ = run_cli(capsys, "list")
    assert "meter" not in out and len(out.splitlines()) == 1
    code, _, err = run_cli(capsys, "assign", "HZ-999999", "--to", "x")
    assert code == 2 and "no hazard" in err


def test_cli_resolve_dry_run_prints_the_notices_and_records_none(
    capsys, operator_env: dict, settings: Settings
) -> None:
    code, out, _ = run_cli(capsys, "resolve", operator_env["urgent"], "--dry-run")
    assert code == 0 and "resolved" in out and "would tell whatsapp" in out
    assert "+966500000003" not in out and "made safe" not in out and "تم تأمين" in out
    with session_scope(settings.database_url) as session:
        from bot.hazards.notify import notice_counts

        assert (
            sum(notice_counts(session, find_hazard(session, operator_env["urgent"]).id).values())
            == 0
        )


def test_operator_api_will_not_resolve_what_it_cannot_tell(operator_env: dict, settings: Settings):
    client = TestClient(Starlette(routes=operator_routes(settings)))  # no credentials
    response = client.post(
        f"/operator/hazards/{operator_env['calm']}/resolve", headers=AUTH, json={}
    )
    assert response.status_code == 503 and "whatsapp" in response.json()["error"]
    shown = client.get(f"/operator/hazards/{operator_env['calm']}", headers=AUTH).json()
    assert shown["status"] == "open"


def test_operator_api(operator_env: dict, settings: Settings) -> None:
    sender = CollectingSender()
    client = TestClient(Starlette(routes=operator_routes(settings, sender)))
    assert client.get("/operator/hazards").status_code == 401
    listed = client.get("/operator/hazards", headers=AUTH).json()["hazards"]
    assert [h["urgent"] for h in listed] == [True, False]
    shown = client.get(f"/operator/hazards/{operator_env['calm']}", headers=AUTH)
    assert shown.status_code == 200 and "966500000004" not in shown.text
    assert client.get("/operator/hazards/HZ-999999", headers=AUTH).status_code == 404
    ref = listed[1]["reference"]
    assigned = client.post(f"/operator/hazards/{ref}/assign", headers=AUTH, json={"to": "فريق ٣"})
    assert assigned.status_code == 200 and assigned.json()["hazard"]["status"] == "assigned"
    assert client.post(f"/operator/hazards/{ref}/assign", headers=AUTH, json={}).status_code == 400
    resolved = client.post(f"/operator/hazards/{ref}/resolve", headers=AUTH, json={"note": "تم"})
    assert resolved.status_code == 200 and resolved.json()["hazard"]["status"] == "resolved"
    client.post(f"/operator/hazards/{ref}/resolve", headers=AUTH, json={})
    assert [m.address for m in sender.sent] == ["+966500000004"]  # told once


def test_operator_api_serves_a_kept_photo(engine: Engine, settings: Settings) -> None:
    with MediaServer() as media:
        replies = Chat(engine, "+966500000004").send(
            "عمود مايل في حي العليا بالرياض", photo=media.url()
        )
    ref = reference_in(replies)
    client = TestClient(Starlette(routes=operator_routes(settings, CollectingSender())))
    view = client.get(f"/operator/hazards/{ref}", headers=AUTH).json()
    (photo,) = view["reports"][0]["photos"]
    response = client.get(f"/operator/hazards/{ref}/photos/{photo['id']}", headers=AUTH)
    assert response.status_code == 200 and response.content == PHOTO
    assert response.headers["content-type"] == "image/jpeg"
    assert client.get(f"/operator/hazards/{ref}/photos/999", headers=AUTH).status_code == 404


def test_the_log_of_a_report_masks_the_number(engine: Engine) -> None:
    stream = io.StringIO()
    handler = configure_logging(json=True, stream=stream)
    try:
        Chat(engine, "+966500000004").send("الطبلون مفتوح عند مدرسة النور في حي الملز")
    finally:
        logging.getLogger().removeHandler(handler)
    logged = stream.getvalue()
    assert "hazard report HAZ-" in logged
    assert "966500000004" not in logged and "0004" in logged


def test_reports_are_joined_on_words_only_when_they_name_a_district_or_city(
    settings: Settings,
) -> None:
    at = datetime(2026, 12, 1, 12, 0, tzinfo=RIYADH)

    def hazard_of(sender: str, place: str) -> int:
        with session_scope(settings.database_url) as session:
            return report_hazard(
                session,
                channel="whatsapp",
                sender=sender,
                phone=sender,
                lang="ar",
                reported_at=at,
                kind="open_cabinet",
                place=place,
            ).hazard.id

    vague = {hazard_of(f"+96650000070{n}", "عند المدرسة") for n in range(2)}
    assert len(vague) == 2  # "the school" could be any school
    found = {hazard_of(f"+96650000071{n}", "عند المدرسة، حي النهضة الرياض") for n in range(2)}
    assert len(found) == 1


def test_a_place_sent_after_the_report_reaches_the_operator(
    engine: Engine, settings: Settings
) -> None:
    chat = Chat(engine, "+966500000004")
    chat.send("فيه حفريات جنب كيابل الضغط العالي")
    ref = reference_in(chat.send("ما ادري"))
    assert "أضفنا المكان" in chat.send("مدرسة الفيصلية حي النهضة الرياض")[-1]
    client = TestClient(
        Starlette(
            routes=operator_routes(
                dataclasses.replace(settings, operator_token=TOKEN), CollectingSender()
            )
        )
    )
    shown = client.get(f"/operator/hazards/{ref}", headers=AUTH).json()
    assert shown["place"].endswith("مدرسة الفيصلية حي النهضة الرياض")
    assert shown["reports"][0]["place"] == shown["place"]
