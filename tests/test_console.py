"""The operations console through Starlette's TestClient: nothing without a session, CSRF on
every form, a signed-out session is dead, numbers masked on every page, lock-out, and each
action doing what the CLI and the token API do (the same notices)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from bot.channels.outbound import CollectingSender
from bot.channels.server import create_app
from bot.config import RIYADH, Settings
from bot.console import auth
from bot.console.app import SESSION_COOKIE, console_routes
from bot.console.models import AuditEntry, ConsoleSession, Operator
from bot.handovers.service import record_handover
from bot.hazards.service import report_hazard
from bot.not_understood import NotUnderstood, export
from bot.not_understood import record as record_not_understood
from bot.outages.models import Incident, OutageNotification
from bot.outages.service import report_outage
from bot.storage.db import session_scope
from bot.storage.models import Contact

PASSWORD = "correct horse battery"
PHONES = ["+966501112233", "+966504445566", "+966507778899"]
NOW = datetime.now(UTC) - timedelta(hours=2)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _seed(url: str) -> None:
    with session_scope(url) as session:
        auth.add_operator(session, "amal", PASSWORD)
        auth.add_operator(session, "fahad", PASSWORD)
        for i, phone in enumerate(PHONES):
            report_outage(
                session,
                channel="whatsapp",
                sender=phone,
                phone=phone,
                lang="ar",
                reported_at=NOW + timedelta(minutes=i),
                city="الرياض",
                district="العليا",
                address=f"قرب بيت {phone}",
                urgent=i == 0,
            )
        report_hazard(
            session,
            channel="sms",
            sender=PHONES[1],
            phone=PHONES[1],
            lang="ar",
            reported_at=NOW,
            kind="cable",
            text=f"سلك مكشوف اتصلوا على {PHONES[1]}",
            latitude=24.69,
            longitude=46.68,
        )
        contact = Contact(channel="whatsapp", sender=PHONES[2], phone=PHONES[2], state={})
        session.add(contact)
        session.flush()
        record_handover(
            session,
            contact,
            text=f"ابي موظف رقمي {PHONES[2]}",
            lang="ar",
            danger=False,
            at=NOW,
        )
        record_not_understood(
            session,
            channel="whatsapp",
            sender=PHONES[0],
            lang="ar",
            text=f"الفلوس حقت العداد {PHONES[0]}",
            offered=["bill"],
            at=NOW,
        )


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    # The same argon2id, with a cheap cost: these tests check the rules, not the hash's strength.
    from argon2 import PasswordHasher

    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture
def sender() -> CollectingSender:
    return CollectingSender()


@pytest.fixture
def client(database_url: str, sender: CollectingSender):
    _seed(database_url)
    settings = Settings(database_url=database_url, console_secret="a console secret for tests")
    app = create_app(settings, engine=object(), extra_routes=console_routes(settings, sender))
    return TestClient(app)


def sign_in(client: TestClient, name: str = "amal", password: str = PASSWORD):
    form = client.get("/console/signin")
    return client.post(
        "/console/signin",
        data={"csrf": _csrf(form.text), "name": name, "password": password},
        follow_redirects=False,
    )


PAGES = [
    "/console/",
    "/console/incidents",
    "/console/incidents/rows",
    "/console/incidents/INC-000001",
    "/console/hazards",
    "/console/hazards/HZ-000001",
    "/console/notices",
    "/console/handovers",
    "/console/not-understood",
    "/console/audit",
]
ACTIONS = [
    ("/console/incidents/INC-000001/update", {"eta": "2099-01-01T10:00", "cause": "x"}),
    ("/console/incidents/INC-000001/restore", {}),
    ("/console/incidents/INC-000001/notify", {}),
    ("/console/hazards/HZ-000001/assign", {"to": "team"}),
    ("/console/hazards/HZ-000001/resolve", {}),
    ("/console/not-understood/1/label", {"intent": "bill"}),
    ("/console/signout", {}),
]


def _nothing_changed(url: str, sender: CollectingSender) -> None:
    with session_scope(url) as session:
        incident = session.get(Incident, 1)
        assert incident.is_open and incident.estimated_restoration_at is None
        assert session.scalar(select(func.count()).select_from(OutageNotification)) == 0
        assert session.scalar(select(NotUnderstood.label)) is None
    assert sender.sent == []


def test_no_page_and_no_action_without_a_session(client, database_url, sender):
    for path in PAGES:
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"] == "/console/signin"
    for path, form in ACTIONS:
        assert client.post(path, data={**form, "csrf": "x"}).status_code == 401, path
    _nothing_changed(database_url, sender)


def test_a_forged_or_altered_cookie_is_no_session(client, database_url):
    assert sign_in(client).status_code == 303
    with session_scope(database_url) as session:
        session_id = session.scalar(select(ConsoleSession.id))
    for forged in (session_id, client.cookies[SESSION_COOKIE] + "x", "a.b.c"):
        client.cookies.clear()
        client.cookies.set(SESSION_COOKIE, forged, path="/console")
        assert client.get("/console/incidents", follow_redirects=False).status_code == 303


def test_every_action_needs_the_sessions_csrf_token(client, database_url, sender):
    assert sign_in(client).status_code == 303
    for path, form in ACTIONS:
        assert client.post(path, data=form).status_code == 403, path
        assert client.post(path, data={**form, "csrf": "not-it"}).status_code == 403, path
    _nothing_changed(database_url, sender)
    # Another operator's token does not do either.
    other = TestClient(client.app)
    sign_in(other, "fahad")
    theirs = _csrf(other.get("/console/incidents").text)
    assert client.post(ACTIONS[0][0], data={**ACTIONS[0][1], "csrf": theirs}).status_code == 403
    _nothing_changed(database_url, sender)


def test_the_sign_in_form_needs_its_own_token(client):
    client.get("/console/signin")
    answer = client.post("/console/signin", data={"name": "amal", "password": PASSWORD})
    assert answer.status_code == 403
    assert SESSION_COOKIE not in client.cookies


def test_a_signed_out_session_cannot_be_used_again(client, database_url):
    assert sign_in(client).status_code == 303
    stolen = client.cookies[SESSION_COOKIE]
    csrf = _csrf(client.get("/console/incidents").text)
    out = client.post("/console/signout", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303
    replay = TestClient(client.app)
    replay.cookies.set(SESSION_COOKIE, stolen, path="/console")
    assert replay.get("/console/incidents", follow_redirects=False).status_code == 303
    answer = replay.post(ACTIONS[0][0], data={**ACTIONS[0][1], "csrf": csrf})
    assert answer.status_code == 401
    with session_scope(database_url) as session:
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["signed in", "signed out"]


def test_numbers_are_masked_on_every_page(client):
    assert sign_in(client).status_code == 303
    for lang in ("ar", "en"):
        for path in PAGES:
            page = client.get(f"{path}?lang={lang}" if "?" not in path else path)
            assert page.status_code == 200, path
            for phone in PHONES:
                for shown in (phone, phone[1:], phone[4:], "0" + phone[4:]):
                    assert shown not in page.text, (path, shown)
    assert PHONES[0][-4:] in client.get("/console/incidents/INC-000001").text


def test_wrong_passwords_lock_the_account(client, database_url):
    for _ in range(auth.MAX_FAILURES - 1):
        wrong = sign_in(client, password="wrong password")
        assert wrong.status_code == 401
        assert wrong.text.count("الاسم أو كلمة المرور غير صحيحة") == 1
    locked = sign_in(client, password="wrong password")
    assert locked.status_code == 429 and "الحساب مقفل" in locked.text
    assert sign_in(client).status_code == 429  # the right password too, while locked
    assert SESSION_COOKIE not in client.cookies
    with session_scope(database_url) as session:
        later = datetime.now(UTC) + auth.LOCK_FOR + timedelta(seconds=1)
        assert isinstance(auth.sign_in(session, "amal", PASSWORD, now=later), auth.SignedIn)
        assert session.scalar(select(Operator.failed_attempts).where(Operator.name == "amal")) == 0
    assert sign_in(client, name="nobody").status_code == 401


def test_passwords_are_argon2_hashes(database_url):
    with session_scope(database_url) as session:
        operator = auth.add_operator(session, "noura", "a long enough password")
        assert operator.password_hash.startswith("$argon2id$")
        assert "a long enough password" not in operator.password_hash
        with pytest.raises(auth.OperatorError):
            auth.add_operator(session, "noura", "another long password")
        with pytest.raises(auth.OperatorError):
            auth.add_operator(session, "short", "2short")


def test_an_estimate_restoration_and_label_through_the_console(
    client, database_url, sender, caplog
):
    caplog.set_level("INFO", logger="bot.console.audit")
    assert sign_in(client).status_code == 303
    csrf = _csrf(client.get("/console/incidents/INC-000001").text)
    eta = (datetime.now(UTC) + timedelta(hours=3)).astimezone(RIYADH).strftime("%Y-%m-%dT%H:%M")
    answer = client.post(
        "/console/incidents/INC-000001/update",
        data={"csrf": csrf, "eta": eta, "cause": "عطل في المغذي", "planned": "on"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"].endswith("done=estimate")
    assert len(sender.sent) == 3 and all("عطل في المغذي" in m.text for m in sender.sent)
    page = client.get("/console/incidents/INC-000001")
    assert "الموعد المتوقع رقم 1" in page.text and "عطل في المغذي" in page.text

    answer = client.post(
        "/console/incidents/INC-000001/restore", data={"csrf": csrf}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert len(sender.sent) == 6
    with session_scope(database_url) as session:
        incident = session.get(Incident, 1)
        assert not incident.is_open and incident.planned
    again = client.post("/console/incidents/INC-000001/update", data={"csrf": csrf, "eta": eta})
    assert again.status_code == 400 and "already restored" in again.text

    answer = client.post("/console/not-understood/1/label", data={"csrf": csrf, "intent": "bill"})
    assert answer.status_code == 200
    bad = client.post("/console/not-understood/1/label", data={"csrf": csrf, "intent": "nope"})
    assert bad.status_code == 400
    with session_scope(database_url) as session:
        trail = [
            (e.operator, e.action, e.target)
            for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
    assert ("amal", "incident updated", "INC-000001") in trail
    assert ("amal", "incident restored", "INC-000001") in trail
    assert ("amal", "message labelled", "#1") in trail
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.console.audit"]
    assert "console: amal incident restored INC-000001" in " | ".join(logged)
    assert "عودة الكهرباء" in client.get("/console/audit").text


def test_hazard_assign_and_resolve_tell_the_reporter(client, database_url, sender):
    assert sign_in(client).status_code == 303
    csrf = _csrf(client.get("/console/hazards/HZ-000001").text)
    client.post("/console/hazards/HZ-000001/assign", data={"csrf": csrf, "to": "فرقة الطوارئ"})
    empty = client.post("/console/hazards/HZ-000001/assign", data={"csrf": csrf, "to": " "})
    assert empty.status_code == 400
    client.post("/console/hazards/HZ-000001/resolve", data={"csrf": csrf, "note": "تم"})
    assert [m.address for m in sender.sent] == [PHONES[1]]
    page = client.get("/console/hazards?all=1")
    assert "فرقة الطوارئ" in page.text


def test_the_export_writes_labelled_messages_masked_as_corpus_lines(database_url, tmp_path):
    _seed(database_url)
    with session_scope(database_url) as session:
        from bot.not_understood import label

        label(session, 1, "bill", by="amal")
        written = export(session, tmp_path)
    path = tmp_path / "ar" / "corpus" / "bill.txt"
    assert written == {path: 1}
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#") and lines[1].startswith("الفلوس حقت العداد")
    assert PHONES[0] not in path.read_text(encoding="utf-8")


TOKEN = "twilio-auth-token-for-tests"
PUBLIC_URL = "https://sadeeq.example.sa"


def test_the_dialogue_keeps_what_it_did_not_understand(seeded_database_url):
    settings = Settings(
        database_url=seeded_database_url, public_url=PUBLIC_URL, twilio_auth_token=TOKEN
    )
    client = TestClient(create_app(settings))
    for sid, body in (("SMnu1", "زرقاء يمامة بنفسجية"), ("SMnu2", "فاتورتي")):
        params = {"MessageSid": sid, "From": "whatsapp:+966500000009", "Body": body}
        signature = RequestValidator(TOKEN).compute_signature(
            PUBLIC_URL + "/twilio/whatsapp", params
        )
        answer = client.post(
            "/twilio/whatsapp", data=params, headers={"X-Twilio-Signature": signature}
        )
        assert answer.status_code == 200
    with session_scope(seeded_database_url) as session:
        kept = list(session.scalars(select(NotUnderstood)))
    assert [(k.text, k.channel, k.lang) for k in kept] == [
        ("زرقاء يمامة بنفسجية", "whatsapp", "ar")
    ]


def test_photos_are_shown_only_as_images_and_only_on_their_own_hazard(client, database_url):
    from bot.hazards.models import HazardMedia
    from bot.outages.models import OutageMedia

    with session_scope(database_url) as session:
        for kind, data in (("image/png", b"\x89PNG fake"), ("image/svg+xml", b"<svg onload=x>")):
            session.add(
                HazardMedia(
                    report_id=1,
                    provider="twilio",
                    source="https://api.twilio.com/m",
                    content_type=kind,
                    size=len(data),
                    data=data,
                    status="stored",
                )
            )
        session.add(
            OutageMedia(
                report_id=1,
                provider="twilio",
                source="https://api.twilio.com/v",
                content_type="audio/ogg",
                size=3,
                data=b"ogg",
                status="stored",
            )
        )
    no_session = client.get("/console/hazards/HZ-000001/photos/1", follow_redirects=False)
    assert no_session.status_code == 303
    assert sign_in(client).status_code == 303
    png = client.get("/console/hazards/HZ-000001/photos/1")
    assert png.headers["content-type"] == "image/png" and png.content == b"\x89PNG fake"
    svg = client.get("/console/hazards/HZ-000001/photos/2")
    assert svg.headers["content-type"] == "application/octet-stream"
    assert svg.headers["content-disposition"] == "attachment"
    assert "sandbox" in svg.headers["content-security-policy"]
    assert client.get("/console/hazards/HZ-000001/photos/9").status_code == 404
    voice = client.get("/console/incidents/INC-000001/media/1")
    assert voice.headers["content-type"] == "audio/ogg"
    assert client.get("/console/incidents/INC-000002/media/1").status_code == 404
    page = client.get("/console/incidents/INC-000001").text
    assert "/console/incidents/INC-000001/media/1" in page


def test_the_notices_page_counts_a_monthly_broadcast_and_lists_its_failures(client, database_url):
    from bot.notices import ledger
    from bot.notices.models import NoticeSend, NoticeSubscription
    from bot.storage.db import engine_for

    with session_scope(database_url) as session:
        for i, phone in enumerate(PHONES):
            session.add(
                NoticeSubscription(
                    account=f"10000000{i}",
                    channel="whatsapp",
                    address=phone,
                    phone=phone,
                    lang="ar",
                    consent_text="اشتراك",
                    consent_message_id=f"SM{i}",
                )
            )
    assert ledger.plan_month(engine_for(database_url), "2026-11") == 3
    with session_scope(database_url) as session:
        sends = list(session.scalars(select(NoticeSend).order_by(NoticeSend.id)))
        sends[0].state, sends[0].delivery_status = "sent", "delivered"
        sends[1].state, sends[1].delivery_status, sends[1].delivery_error = (
            "sent",
            "undelivered",
            "63016",
        )
        sends[2].state, sends[2].last_error = "failed", f"invalid number {PHONES[2]}"
    assert sign_in(client).status_code == 303
    page = client.get("/console/notices").text
    row = re.search(r'<td dir="ltr">2026-11</td>(.*?)</tr>', page, re.S).group(1)
    numbers = re.findall(r'class="num[^"]*">(\d+)<', row)
    assert numbers == ["2", "1", "1", "1", "0"]  # sent, delivered, not delivered, failed, waiting
    assert "undelivered 63016" in row and "invalid number" in row
    assert PHONES[2] not in page


def test_operators_add_reads_the_password_from_standard_input(
    database_url, monkeypatch, capsys, tmp_path
):
    import io

    from bot.cli import main

    monkeypatch.setenv("SADEEQ_DATABASE_URL", database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("a password read from stdin\n"))
    assert main(["operators", "add", "noura"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["operators", "add", "salem"]) == 2
    assert "at least 10 characters" in capsys.readouterr().err
    assert main(["operators", "list"]) == 0
    assert capsys.readouterr().out.split() == ["noura"]
    with session_scope(database_url) as session:
        assert isinstance(
            auth.sign_in(session, "noura", "a password read from stdin"), auth.SignedIn
        )
        record_not_understood(
            session,
            channel="sms",
            sender=PHONES[0],
            lang="en",
            text="my meter is ticking",
            offered=[],
            at=NOW,
        )
        from bot.not_understood import label

        label(session, 1, "hazard_report", by="noura")
    assert main(["corpus", "export", "--out", str(tmp_path)]) == 0
    written = (tmp_path / "en" / "corpus" / "hazard_report.txt").read_text(encoding="utf-8")
    assert written.splitlines()[1:] == ["my meter is ticking"]


def test_places_read_in_the_operators_language(client):
    assert sign_in(client).status_code == 303
    english = client.get("/console/incidents?lang=en").text
    assert "Al Olaya · Riyadh" in english and "العليا" not in english
    assert "Al Olaya · Riyadh" in client.get("/console/incidents/INC-000001?lang=en").text
    assert "العليا · الرياض" in client.get("/console/incidents?lang=ar").text
